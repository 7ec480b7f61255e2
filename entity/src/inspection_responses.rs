use sea_orm::entity::prelude::*;

/// The provider's one response to a published quality check (its action plan).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_responses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    pub body: String,
    pub created_by_user_id: crate::users::UserId,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
