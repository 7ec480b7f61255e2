use sea_orm::entity::prelude::*;

use crate::vacancies::PlaceKind;

crate::text_enum! {
    /// How a placement would be paid for.
    pub enum PlacementFunding {
        CouncilRate = "council_rate",
        TopUp = "top_up",
        SelfFunded = "self_funded",
    }
}

crate::text_enum! {
    pub enum PlacementStatus {
        /// Sent to the homes, waiting for answers.
        Open = "open",
        /// The broker chose one home's offer.
        Confirmed = "confirmed",
        /// The broker took the request back.
        Withdrawn = "withdrawn",
    }
}

/// A broker's request for a place for one of their clients, sent to one or several homes.
/// Homes see the client's name only once they agree to assess.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "placement_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub broker_user_id: crate::users::UserId,
    pub client_id: i64,
    pub kind: PlaceKind,
    /// What the person needs, in the broker's words (no name).
    pub needs: String,
    pub start_date: Date,
    pub funding: PlacementFunding,
    /// The client's postcode district, for the market analysis ("" when not known).
    pub district: String,
    pub status: PlacementStatus,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// When the words were removed (the client erased, or kept past the retention period);
    /// dates, kind, district and outcome stay for the market figures.
    pub anonymised_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
