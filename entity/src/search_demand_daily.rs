use sea_orm::entity::prelude::*;

/// Searches per day, top-level type of support ("" for none) and postcode district ("" for
/// none), and how many of them found nothing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_demand_daily")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub day: Date,
    pub category: String,
    pub district: String,
    pub searches: i64,
    pub zero_results: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
