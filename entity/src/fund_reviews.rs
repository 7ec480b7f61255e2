use sea_orm::entity::prelude::*;

/// One panel member's review of one application: scores per criterion (JSON), or a declared
/// conflict of interest that keeps them out of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fund_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i64,
    pub user_id: crate::users::UserId,
    /// "draft", "submitted" or "conflicted".
    pub status: PanelReviewStatus,
    pub conflict_note: Option<String>,
    pub scores: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::text_enum! {
    /// A panel member's review of one application.
    pub enum PanelReviewStatus {
        Draft = "draft",
        Submitted = "submitted",
        /// The member declared a conflict of interest and does not score it.
        Conflicted = "conflicted",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
