use sea_orm::entity::prelude::*;

/// One version of a Market Position Statement. Narrative sections and the figures snapshot
/// are JSON; a published version is never changed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mps_documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub version: i32,
    pub period_from: Date,
    pub period_to: Date,
    /// "draft" or "published".
    pub status: MpsStatus,
    pub narrative: String,
    pub figures: String,
    pub created_by_user_id: crate::users::UserId,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

crate::text_enum! {
    pub enum MpsStatus {
        Draft = "draft",
        Published = "published",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
