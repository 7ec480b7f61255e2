//! Registered care as the regulator describes it: CQC's monthly register read from its own
//! file, its ratings shown beside (never mixed with) the council's own quality checks, and
//! the changes between imports queued for an admin to act on.

pub mod changes;
pub mod drafts;
pub mod import;
pub mod register;
pub mod workbook;

use chrono::NaiveDate;
use entity::cqc_locations::{self, CqcRating};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::domain::listings::ListingError;

#[derive(Debug, thiserror::Error)]
pub enum CqcError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("listing: {0}")]
    Listing(#[from] ListingError),
    #[error("the file lists no CQC locations")]
    Empty,
    #[error("no such change")]
    NotFound,
    #[error("that change has been dealt with")]
    AlreadyResolved,
    #[error("That listing is not at this location")]
    NotAtLocation,
    #[error("Nobody at {0} can be emailed: add a member to the organisation first")]
    NobodyToInvite(String),
    #[error("Only a new location's provider can be invited")]
    NotNewLocation,
}

/// Like the council's 1–4 score: outstanding 4, good 3, requires improvement 2, inadequate 1.
pub fn rating_score(rating: CqcRating) -> u8 {
    match rating {
        CqcRating::Outstanding => 4,
        CqcRating::Good => 3,
        CqcRating::RequiresImprovement => 2,
        CqcRating::Inadequate => 1,
    }
}

/// CQC's words for a rating.
pub fn rating_label(rating: CqcRating) -> &'static str {
    match rating {
        CqcRating::Outstanding => "Outstanding",
        CqcRating::Good => "Good",
        CqcRating::RequiresImprovement => "Requires improvement",
        CqcRating::Inadequate => "Inadequate",
    }
}

/// The address of a location's page on CQC's website.
pub fn location_url(location_id: &str) -> String {
    format!("https://www.cqc.org.uk/location/{location_id}")
}

/// What a listing shows of its CQC location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CqcSummary {
    pub location_id: String,
    pub rating: Option<CqcRating>,
    pub published_on: Option<NaiveDate>,
    pub inherited: bool,
    pub dormant: bool,
    /// The register no longer lists it.
    pub deregistered: bool,
    pub care_home: bool,
    pub beds: Option<i32>,
    /// Safe, effective, caring, responsive, well-led (where the register gave them).
    pub key_questions: Vec<(&'static str, CqcRating)>,
    pub service_types: Vec<String>,
    pub user_bands: Vec<String>,
}

impl CqcSummary {
    pub fn of(row: &cqc_locations::Model) -> Self {
        let lines = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()
        };
        let key_questions = [
            ("Safe", row.safe),
            ("Effective", row.effective),
            ("Caring", row.caring),
            ("Responsive", row.responsive),
            ("Well-led", row.well_led),
        ]
        .into_iter()
        .filter_map(|(q, r)| r.map(|r| (q, r)))
        .collect();
        Self {
            location_id: row.location_id.clone(),
            rating: row.overall_rating,
            published_on: row.published_on,
            inherited: row.inherited,
            dormant: row.dormant,
            deregistered: row.removed_at.is_some(),
            care_home: row.care_home,
            beds: row.beds,
            key_questions,
            service_types: lines(&row.service_types),
            user_bands: lines(&row.user_bands),
        }
    }

    /// Provides nursing care (CQC's "care home service with nursing").
    pub fn nursing(&self) -> bool {
        self.service_types
            .iter()
            .any(|t| t.to_lowercase().contains("with nursing"))
    }

    /// Registered to care for people living with dementia.
    pub fn dementia(&self) -> bool {
        self.user_bands
            .iter()
            .any(|b| b.to_lowercase().contains("dementia"))
    }
}

/// What Kith holds from CQC's register about the location a listing names, if an import
/// listed it. When the listing's organisation gave its CQC provider id, the location must be
/// that provider's: a listing cannot borrow another provider's rating by naming its home.
pub async fn summary(
    conn: &impl ConnectionTrait,
    location_id: &str,
    organisation_provider_id: Option<&str>,
) -> Result<Option<CqcSummary>, DbErr> {
    Ok(cqc_locations::Entity::find_by_id(location_id.to_owned())
        .one(conn)
        .await?
        .filter(|row| organisation_provider_id.is_none_or(|p| p == row.provider_id))
        .map(|row| CqcSummary::of(&row)))
}
