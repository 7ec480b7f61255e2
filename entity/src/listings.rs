use sea_orm::entity::prelude::*;

/// A service a provider offers. Its content lives in revisions: `live_revision_id` is the
/// approved version people see, `working_revision_id` the one being edited or reviewed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "listings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ListingId,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    /// draft, submitted, changes_requested, rejected (never published yet), approved
    /// (published), archived.
    pub status: ListingStatus,
    pub live_revision_id: Option<i64>,
    pub working_revision_id: Option<i64>,
    pub suspended_at: Option<DateTimeUtc>,
    pub suspended_reason: Option<String>,
    /// Set when the owner let the review date pass beyond the grace period.
    pub hidden_at: Option<DateTimeUtc>,
    pub review_due: Option<Date>,
    pub review_reminder_sent_at: Option<DateTimeUtc>,
    /// When the working revision was last sent to the council (the queue's order).
    pub submitted_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub archived_at: Option<DateTimeUtc>,
    /// Postcode district the listing was last public in ("" when online only or never).
    pub market_district: String,
    /// ",slug,slug," top-level types of support it was last public under.
    pub market_categories: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::id_type! {
    /// A listing's id.
    ListingId
}

crate::text_enum! {
    /// Where a listing, or one of its revisions, stands with the council. A listing is never
    /// `Superseded` or `Withdrawn`: those are what happens to a revision.
    pub enum ListingStatus {
        Draft = "draft",
        Submitted = "submitted",
        ChangesRequested = "changes_requested",
        /// Refused before it was ever published.
        Rejected = "rejected",
        /// Approved and published (unless suspended or hidden).
        Approved = "approved",
        Archived = "archived",
        /// A revision replaced by a newer approved one.
        Superseded = "superseded",
        /// A revision the provider took back from review.
        Withdrawn = "withdrawn",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
