use sea_orm::entity::prelude::*;

/// An enquiry to a provider about one listing, from a budget holder (`holder_user_id`) or a
/// broker for a client (`client_id`); `sent_by_user_id` is who acted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enquiries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub listing_id: crate::listings::ListingId,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    pub holder_user_id: Option<crate::users::UserId>,
    pub client_id: Option<i64>,
    pub sent_by_user_id: crate::users::UserId,
    /// The name the provider sees.
    pub contact_name: String,
    pub support_wanted: String,
    pub when_wanted: String,
    pub postcode_sector: Option<String>,
    /// "email" (in Kith, with email notices), "phone" or "broker".
    pub reply_by: ReplyBy,
    pub reply_phone: Option<String>,
    /// "open" or "closed".
    pub status: EnquiryStatus,
    /// "arranged", "not_available", "no_response" or "declined" once closed.
    pub outcome: Option<EnquiryOutcome>,
    pub closed_by_user_id: Option<crate::users::UserId>,
    pub closed_at: Option<DateTimeUtc>,
    pub first_response_at: Option<DateTimeUtc>,
    /// Minutes from sending to the provider's first reply.
    pub first_response_minutes: Option<i64>,
    pub last_message_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// When its words and contact details were removed (erasure or retention).
    pub anonymised_at: Option<DateTimeUtc>,
    /// The council of the person it is for (their account's, or the broker's client's).
    pub council_id: crate::councils::CouncilId,
}

crate::text_enum! {
    /// How the person asking wants the provider to reply.
    pub enum ReplyBy {
        /// In Kith, with an email notice.
        Email = "email",
        Phone = "phone",
        Broker = "broker",
    }
}

crate::text_enum! {
    pub enum EnquiryStatus {
        Open = "open",
        Closed = "closed",
    }
}

crate::text_enum! {
    /// How a closed enquiry ended.
    pub enum EnquiryOutcome {
        Arranged = "arranged",
        NotAvailable = "not_available",
        NoResponse = "no_response",
        Declined = "declined",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
