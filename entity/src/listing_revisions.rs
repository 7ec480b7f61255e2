use sea_orm::entity::prelude::*;

/// One version of a listing's content and the council's decision on it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "listing_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub listing_id: crate::listings::ListingId,
    /// 1 for the first version, counting up.
    pub number: i32,
    /// draft, submitted, changes_requested, rejected, approved, superseded, withdrawn.
    pub status: crate::listings::ListingStatus,
    pub title: String,
    /// The content as JSON (`domain::listing_content::ListingContent`).
    pub content: String,
    pub created_by: Option<crate::users::UserId>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<crate::users::UserId>,
    pub decision_message: Option<String>,
    /// The checklist items the admin confirmed, comma separated.
    pub checklist: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
