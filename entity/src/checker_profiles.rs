use sea_orm::entity::prelude::*;

/// What a quality checker can cover: postcode districts, when they are free, and the
/// training they have completed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checker_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: crate::users::UserId,
    /// Postcode districts, comma separated ("M16, M32").
    pub areas: String,
    pub availability: String,
    /// Keys of the training courses completed, as a JSON list.
    pub training: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
