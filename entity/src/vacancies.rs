use sea_orm::entity::prelude::*;

crate::text_enum! {
    /// A kind of place a home or service can have free.
    pub enum PlaceKind {
        Residential = "residential",
        Nursing = "nursing",
        Respite = "respite",
        Day = "day",
    }
}

crate::text_enum! {
    /// Whether the council's usual rate pays for a place.
    pub enum VacancyFunding {
        CouncilRate = "council_rate",
        TopUp = "top_up",
    }
}

/// The places of one kind a listing has, as its provider last said.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vacancies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub listing_id: crate::listings::ListingId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: PlaceKind,
    /// 0 when the provider says there are none.
    pub places: i32,
    pub available_from: Date,
    pub funding: VacancyFunding,
    pub notes: Option<String>,
    pub updated_at: DateTimeUtc,
    pub updated_by_user_id: Option<crate::users::UserId>,
    /// When the provider was last reminded that the numbers are getting old.
    pub reminded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
