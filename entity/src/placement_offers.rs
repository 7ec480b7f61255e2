use sea_orm::entity::prelude::*;

crate::text_enum! {
    /// Where one home stands with a placement request.
    pub enum OfferStatus {
        /// Sent; the home has not answered.
        Sent = "sent",
        /// The home agreed to assess the person (and now sees their name).
        Assessing = "assessing",
        /// The home offers a place.
        Offered = "offered",
        /// The home cannot take the person (with a reason).
        Declined = "declined",
        /// The broker chose this home.
        Confirmed = "confirmed",
        /// Closed because the broker chose another home or withdrew the request.
        Closed = "closed",
    }
}

/// One home's part in a placement request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "placement_offers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    pub listing_id: crate::listings::ListingId,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    pub status: OfferStatus,
    pub decline_reason: Option<String>,
    /// What the home offers: the room, the weekly fee, anything to know.
    pub offer_details: Option<String>,
    pub responded_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
