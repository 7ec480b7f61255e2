use sea_orm::entity::prelude::*;

/// A listing an admin asked a quality checker to inspect by a date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checker_assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub listing_id: crate::listings::ListingId,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    pub checker_user_id: crate::users::UserId,
    pub assigned_by_user_id: crate::users::UserId,
    pub due_on: Date,
    pub notes: String,
    /// "offered", "accepted", "declined", "cancelled" (inspection states follow).
    pub status: AssignmentStatus,
    pub decline_reason: Option<String>,
    pub responded_at: Option<DateTimeUtc>,
    /// When the checker was reminded that the accepted check is nearly due.
    pub reminded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The council that assigned the check.
    pub council_id: crate::councils::CouncilId,
}

crate::text_enum! {
    /// A checker's assignment: offered, then accepted or declined (or cancelled by the
    /// council); then it follows its inspection.
    pub enum AssignmentStatus {
        Offered = "offered",
        Accepted = "accepted",
        Declined = "declined",
        Cancelled = "cancelled",
        /// The checker has sent the inspection to the council.
        Submitted = "submitted",
        /// The council has published the inspection.
        Published = "published",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
