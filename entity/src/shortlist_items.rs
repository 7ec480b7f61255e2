use sea_orm::entity::prelude::*;

/// A listing saved to a shortlist: an account holder's own (`holder_user_id`) or a broker's
/// client's (`client_id`); exactly one is set.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shortlist_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub holder_user_id: Option<crate::users::UserId>,
    pub client_id: Option<i64>,
    pub listing_id: crate::listings::ListingId,
    /// Who saved it (the broker, when for a client).
    pub added_by_user_id: crate::users::UserId,
    pub created_at: DateTimeUtc,
    /// A private note (only the holder, or their broker, sees it).
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
