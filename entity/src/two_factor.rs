use sea_orm::entity::prelude::*;

/// An account's authenticator secret (base32). `confirmed_at` is empty while the person is
/// still setting it up; `last_used_step` is the newest 30-second step a code was accepted
/// for, so a code works once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "two_factor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: crate::users::UserId,
    pub secret: String,
    pub confirmed_at: Option<DateTimeUtc>,
    pub last_used_step: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
