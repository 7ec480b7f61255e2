use sea_orm::entity::prelude::*;

/// A quality checker's record of one visit, for one assignment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub listing_id: crate::listings::ListingId,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    pub checker_user_id: crate::users::UserId,
    /// "draft", "submitted", "returned" or "published".
    pub status: InspectionStatus,
    pub visit_date: Option<Date>,
    /// "announced", "unannounced", "mystery_shopping" or "phone".
    pub visit_type: Option<String>,
    /// Per key question: score, evidence and whether the evidence is private, as JSON.
    pub answers: String,
    pub people_said: String,
    pub actions: String,
    pub admin_comments: Option<String>,
    pub overall_score: Option<i32>,
    pub submitted_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The council whose check it is (its assignment's).
    pub council_id: crate::councils::CouncilId,
}

crate::text_enum! {
    pub enum InspectionStatus {
        Draft = "draft",
        Submitted = "submitted",
        /// Sent back to the checker with the council's comments.
        Returned = "returned",
        Published = "published",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
