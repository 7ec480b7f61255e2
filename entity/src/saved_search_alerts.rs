use sea_orm::entity::prelude::*;

/// A listing already emailed for a saved search, so it is emailed once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_search_alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub saved_search_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub listing_id: crate::listings::ListingId,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
