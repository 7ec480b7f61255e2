use sea_orm::entity::prelude::*;

/// One search, anonymous: what was asked, in which postcode sector, how many results.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub query_text: String,
    /// The filters as JSON.
    pub filters: String,
    /// Postcode sector or district searched from; never a full postcode.
    pub area: Option<String>,
    pub result_count: i32,
    /// "page" or "api".
    pub source: SearchSource,
    pub created_at: DateTimeUtc,
    /// The top-level type of support filtered on, if any.
    pub category: Option<String>,
    /// The postcode district searched from, if any.
    pub district: Option<String>,
    /// Whether it counted as demand: a first page, and the first time today this visitor
    /// searched for it.
    pub counted: bool,
}

crate::text_enum! {
    /// Where a logged search came from.
    pub enum SearchSource {
        Page = "page",
        Api = "api",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
