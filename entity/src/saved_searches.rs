use sea_orm::entity::prelude::*;

crate::text_enum! {
    /// How often a saved search emails its new matches.
    pub enum AlertFrequency {
        Daily = "daily",
        Weekly = "weekly",
        /// Kept to run again, but emails nothing (what "unsubscribe" sets).
        Never = "never",
    }
}

/// A search someone saved (for themselves, or a broker for a client): new listings that
/// match are emailed to `user_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_searches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: crate::users::UserId,
    pub client_id: Option<i64>,
    /// What the search is, in words ("Help at home, near M33 7AB").
    pub name: String,
    /// The search's query string, as the search page reads it.
    pub query: String,
    pub frequency: AlertFrequency,
    /// The last search-index change looked at: changes after it may be new matches.
    pub change_cursor: i64,
    pub last_checked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
