use sea_orm::entity::prelude::*;

/// A review of a service by someone who arranged support through an enquiry (one per
/// enquiry). Shown only once an admin publishes it; the provider may reply once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enquiry_id: i64,
    pub listing_id: crate::listings::ListingId,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    /// Who wrote it (the broker, when for a client).
    pub author_user_id: crate::users::UserId,
    pub client_id: Option<i64>,
    /// 1 to 5 stars.
    pub rating: i32,
    pub body: String,
    /// The name the reviewer chose to show, if any.
    pub shown_name: Option<String>,
    /// "pending", "published" or "rejected".
    pub status: ServiceReviewStatus,
    pub moderated_by_user_id: Option<crate::users::UserId>,
    pub moderated_at: Option<DateTimeUtc>,
    pub moderation_note: Option<String>,
    pub provider_reply: Option<String>,
    pub provider_reply_at: Option<DateTimeUtc>,
    pub provider_reply_by_user_id: Option<crate::users::UserId>,
    pub created_at: DateTimeUtc,
}

crate::text_enum! {
    pub enum ServiceReviewStatus {
        /// Waiting for the council to moderate it.
        Pending = "pending",
        Published = "published",
        Rejected = "rejected",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
