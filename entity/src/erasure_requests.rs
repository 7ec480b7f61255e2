use sea_orm::entity::prelude::*;

crate::text_enum! {
    /// How an admin closed a request.
    pub enum ErasureOutcome {
        Erased = "erased",
        Declined = "declined",
    }
}

/// A person's request that the council erase their data: waits in the admins' queue.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "erasure_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: crate::users::UserId,
    pub requested_at: DateTimeUtc,
    pub note: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by_user_id: Option<crate::users::UserId>,
    pub outcome: Option<ErasureOutcome>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
