use sea_orm::entity::prelude::*;

/// One attempt counted against a rate limit, shared by every instance on the database: a
/// salted hash of the limit's key (never the address or email itself) and when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limit_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key_hash: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
