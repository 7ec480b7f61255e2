use sea_orm::entity::prelude::*;

/// One version of a council's Resource Allocation System: questions, points per answer and
/// the pounds each point is worth, as JSON. The council's newest is in use; older ones are
/// kept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ras_tables")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub config: String,
    pub created_by_user_id: Option<crate::users::UserId>,
    pub created_at: DateTimeUtc,
    pub council_id: crate::councils::CouncilId,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
