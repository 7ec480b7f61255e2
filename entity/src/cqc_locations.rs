use sea_orm::entity::prelude::*;

crate::text_enum! {
    /// CQC's rating of a location overall or for one key question.
    pub enum CqcRating {
        Outstanding = "outstanding",
        Good = "good",
        RequiresImprovement = "requires_improvement",
        Inadequate = "inadequate",
    }
}

/// What the latest import of CQC's register said of one registered location. Kept for the
/// locations of Kith's listings, of providers Kith knows, and those in the council's area.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cqc_locations")]
pub struct Model {
    /// CQC's location id, like 1-123456789.
    #[sea_orm(primary_key, auto_increment = false)]
    pub location_id: String,
    pub name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub postcode: String,
    pub street: Option<String>,
    pub town: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub local_authority: String,
    /// "Social Care Org", "Primary Medical Services" …
    pub location_type: String,
    /// "Residential social care", "Community based adult social care services" …
    pub inspection_category: String,
    pub care_home: bool,
    pub beds: Option<i32>,
    /// `None`: not rated yet (or a rating Kith does not know, such as "Insufficient evidence").
    pub overall_rating: Option<CqcRating>,
    /// When CQC published the overall rating.
    pub published_on: Option<Date>,
    /// The rating was given to the location under an earlier provider.
    pub inherited: bool,
    /// Registered but providing no care at present.
    pub dormant: bool,
    pub registered_on: Option<Date>,
    pub safe: Option<CqcRating>,
    pub effective: Option<CqcRating>,
    pub caring: Option<CqcRating>,
    pub responsive: Option<CqcRating>,
    pub well_led: Option<CqcRating>,
    /// One per line, in CQC's words ("Care home service with nursing").
    pub service_types: String,
    pub user_bands: String,
    pub regulated_activities: String,
    pub last_import_id: i64,
    /// Set when an import of the whole register no longer lists the location.
    pub removed_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
