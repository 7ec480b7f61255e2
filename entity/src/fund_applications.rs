use sea_orm::entity::prelude::*;

/// A provider's application to a round: its answers and budget lines (JSON), then the
/// commissioner's decision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fund_applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    /// "draft", "submitted", "withdrawn" or "decided".
    pub status: ApplicationStatus,
    pub answers: String,
    pub budget: String,
    pub total_pence: i64,
    pub created_by_user_id: crate::users::UserId,
    pub submitted_at: Option<DateTimeUtc>,
    /// "award" or "decline".
    pub decision: Option<FundDecision>,
    pub award_pence: Option<i64>,
    /// Conditions of an award, or feedback with a decline.
    pub decision_note: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by_user_id: Option<crate::users::UserId>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::text_enum! {
    pub enum ApplicationStatus {
        Draft = "draft",
        Submitted = "submitted",
        Withdrawn = "withdrawn",
        Decided = "decided",
    }
}

crate::text_enum! {
    /// The panel's decision on an application.
    pub enum FundDecision {
        Award = "award",
        Decline = "decline",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
