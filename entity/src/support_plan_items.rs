use sea_orm::entity::prelude::*;

/// One line of a support plan: a service (from a listing, or written in) bought so many
/// units a week, or once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_plan_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub listing_id: Option<crate::listings::ListingId>,
    pub description: String,
    /// "hour", "session", "day", "week" or "item".
    pub unit: String,
    pub unit_price_pence: i64,
    /// Units a week (or, for a one-off, units in all), in hundredths: 150 = 1.5.
    pub quantity_hundredths: i64,
    pub one_off: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
