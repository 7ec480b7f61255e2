use sea_orm::entity::prelude::*;

/// One public listing under one type of support (a leaf category), with what market
/// analysis groups and filters by. Rebuilt from the listing whenever search changes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "market_supply")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub listing_id: crate::listings::ListingId,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    /// "parent/leaf" slugs.
    pub category_path: String,
    pub top_category: String,
    /// Postcode district of the venue or home-visit base; empty for online-only services.
    pub district: String,
    pub provider_kind: crate::provider_organisations::ProviderKind,
    pub accepting: bool,
    /// "hour", "session", … or "free".
    pub price_unit: String,
    pub price_pence: Option<i64>,
    /// Overall quality rating (1–4) of the latest published check.
    pub rating: Option<i32>,
    /// ",older-people,dementia," so one group can be matched with LIKE.
    pub client_groups: String,
    pub languages: String,
    pub refreshed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
