use sea_orm::entity::prelude::*;

/// A photo taken on a quality check. Served only through a checked route: to the checker
/// and admins, and to everyone once published if the checker marked it for the report.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub file: String,
    pub thumbnail: String,
    pub alt: String,
    pub public: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
