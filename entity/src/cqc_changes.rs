use sea_orm::entity::prelude::*;

use crate::cqc_locations::CqcRating;

crate::text_enum! {
    /// What changed at a registered location between two imports of CQC's register.
    pub enum CqcChangeKind {
        RatingDown = "rating_down",
        NowInadequate = "now_inadequate",
        Deregistered = "deregistered",
        Dormant = "dormant",
        /// A location of a provider Kith knows that Kith has no listing for.
        NewLocation = "new_location",
    }
}

crate::text_enum! {
    /// How an admin dealt with a change.
    pub enum CqcResolution {
        Acknowledged = "acknowledged",
        Suspended = "suspended",
        Invited = "invited",
    }
}

/// A change an import found, waiting for an admin: nothing is suspended automatically.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cqc_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub import_id: i64,
    pub location_id: String,
    pub kind: CqcChangeKind,
    pub from_rating: Option<CqcRating>,
    pub to_rating: Option<CqcRating>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by_user_id: Option<crate::users::UserId>,
    pub resolution: Option<CqcResolution>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
