use sea_orm::entity::prelude::*;

/// The words of searches that found nothing, counted by day, type of support and district:
/// what the raw search log is rolled up into before its rows are deleted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_zero_words_daily")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub day: Date,
    pub query_text: String,
    pub category: String,
    pub district: String,
    pub searches: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
