use sea_orm::entity::prelude::*;

use crate::vacancies::PlaceKind;

/// One change to a listing's places, with the district it is in: the market analysis reads
/// supply pressure from these.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vacancy_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub listing_id: crate::listings::ListingId,
    pub kind: PlaceKind,
    pub places: i32,
    /// The day those places are free from.
    pub available_from: Date,
    pub district: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
