//! The evidence a provider gives the council before approval ("Support with Confidence"):
//! which kinds each type of provider needs, checking what they enter, and saving it. Expiry
//! flags and reminders live in `evidence_expiry`.

use chrono::{NaiveDate, Utc};
use entity::provider_evidence;
pub use entity::provider_evidence::EvidenceKind;
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::ProviderKind;
use entity::users::UserId;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use serde::Deserialize;

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::dates::parse_date;
use crate::domain::providers::organisations;
use crate::domain::providers::profile::parse_cqc_location_id;
use crate::domain::validation::{FieldErrors, has_control_chars};

/// A DBS certificate has no end date; the council asks for a fresh one after three years.
pub const DBS_RECHECK_YEARS: i32 = 3;
const MAX_DETAILS_CHARS: usize = 1000;

pub const DBS_TYPES: [(&str, &str); 4] = [
    ("basic", "Basic"),
    ("standard", "Standard"),
    ("enhanced", "Enhanced"),
    ("enhanced_barred", "Enhanced with barred list check"),
];

/// The evidence each type of provider must give before approval.
pub fn required_for(org_kind: ProviderKind) -> Vec<EvidenceKind> {
    use EvidenceKind::*;
    match org_kind {
        ProviderKind::PersonalAssistant => vec![Identity, Dbs, Insurance, References, Training],
        ProviderKind::RegisteredCareProvider => vec![Identity, Insurance, Cqc],
        ProviderKind::MicroEnterprise => vec![Identity, Dbs, Insurance, References],
        ProviderKind::SocialEnterprise | ProviderKind::UserLed | ProviderKind::VoluntaryGroup => {
            vec![Identity, Insurance]
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct EvidenceForm {
    pub kind: String,
    pub details: String,
    pub check_type: String,
    pub reference_number: String,
    #[serde(rename = "issued_on-day")]
    pub issued_day: String,
    #[serde(rename = "issued_on-month")]
    pub issued_month: String,
    #[serde(rename = "issued_on-year")]
    pub issued_year: String,
    #[serde(rename = "expires_on-day")]
    pub expires_day: String,
    #[serde(rename = "expires_on-month")]
    pub expires_month: String,
    #[serde(rename = "expires_on-year")]
    pub expires_year: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub details: String,
    pub check_type: Option<String>,
    pub reference_number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
}

impl EvidenceForm {
    pub fn parse(&self, today: NaiveDate) -> Result<Evidence, FieldErrors> {
        let mut errors = FieldErrors::default();
        let Some(kind) = EvidenceKind::parse(&self.kind) else {
            errors.add("kind", "Choose which evidence you are giving");
            return Err(errors);
        };
        let details = self.details.trim().replace("\r\n", "\n");
        if details.chars().count() > MAX_DETAILS_CHARS {
            errors.add("details", "Details must be 1,000 characters or fewer");
        } else if has_control_chars(&details) {
            errors.add(
                "details",
                "Details must only include letters, numbers, spaces and punctuation",
            );
        } else if details.is_empty() && !matches!(kind, EvidenceKind::Dbs | EvidenceKind::Cqc) {
            errors.add(
                "details",
                format!("Enter details of your {}", kind.in_sentence()),
            );
        }
        let issued_on = errors
            .take(
                "issued_on",
                parse_date(
                    &self.issued_day,
                    &self.issued_month,
                    &self.issued_year,
                    "The date of issue",
                ),
            )
            .flatten();
        let mut expires_on = errors
            .take(
                "expires_on",
                parse_date(
                    &self.expires_day,
                    &self.expires_month,
                    &self.expires_year,
                    "The expiry date",
                ),
            )
            .flatten();
        let reference = self.reference_number.trim();
        let mut check_type = None;
        let mut reference_number = (!reference.is_empty()).then(|| reference.to_owned());
        if reference.chars().count() > 100 || has_control_chars(reference) {
            errors.add(
                "reference_number",
                "The reference must be 100 characters or fewer",
            );
        }
        match kind {
            EvidenceKind::Dbs => {
                check_type = DBS_TYPES
                    .iter()
                    .find(|(v, _)| *v == self.check_type)
                    .map(|(v, _)| (*v).to_owned());
                if check_type.is_none() {
                    errors.add("check_type", "Select the level of DBS check");
                }
                if reference.len() != 12 || !reference.bytes().all(|b| b.is_ascii_digit()) {
                    errors.add(
                        "reference_number",
                        "Enter the 12-digit DBS certificate number",
                    );
                }
                match issued_on {
                    None if errors.get("issued_on").is_none() => {
                        errors.add("issued_on", "Enter the date the certificate was issued")
                    }
                    Some(date) if date > today => errors.add(
                        "issued_on",
                        "The date of issue must be today or in the past",
                    ),
                    Some(date) if expires_on.is_none() => {
                        expires_on = date.with_year_offset(DBS_RECHECK_YEARS)
                    }
                    _ => {}
                }
            }
            EvidenceKind::Insurance
                if expires_on.is_none() && errors.get("expires_on").is_none() =>
            {
                errors.add("expires_on", "Enter the date your insurance ends");
            }
            EvidenceKind::Cqc => match parse_cqc_location_id(reference) {
                Ok(id) => reference_number = Some(id),
                Err(message) => errors.add("reference_number", message),
            },
            _ => {}
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Evidence {
            kind,
            details,
            check_type,
            reference_number,
            issued_on,
            expires_on,
        })
    }
}

trait YearOffset {
    fn with_year_offset(self, years: i32) -> Option<NaiveDate>;
}

impl YearOffset for NaiveDate {
    fn with_year_offset(self, years: i32) -> Option<NaiveDate> {
        use chrono::Datelike;
        self.with_year(self.year() + years)
            .or_else(|| self.pred_opt().and_then(|d| d.with_year(d.year() + years)))
    }
}

/// Saves (replaces) one kind of evidence for an organisation the account is a member of.
pub async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    organisation_id: OrganisationId,
    user_id: UserId,
    evidence: Evidence,
) -> Result<(), organisations::OrganisationError> {
    let txn = db.begin_write().await?;
    organisations::as_member(&txn, organisation_id, user_id).await?;
    provider_evidence::Entity::delete_many()
        .filter(provider_evidence::Column::OrganisationId.eq(organisation_id))
        .filter(provider_evidence::Column::Kind.eq(evidence.kind))
        .exec(&txn)
        .await?;
    provider_evidence::Entity::insert(provider_evidence::ActiveModel {
        organisation_id: Set(organisation_id),
        kind: Set(evidence.kind),
        details: Set(evidence.details),
        check_type: Set(evidence.check_type),
        reference_number: Set(evidence.reference_number),
        issued_on: Set(evidence.issued_on),
        expires_on: Set(evidence.expires_on),
        reminder_sent_at: Set(None),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    let mut event = Event::new(
        Action::OrganisationEvidenceSaved,
        "provider_organisation",
        organisation_id,
    )
    .to(evidence.kind.as_str());
    if let Some(expiry) = evidence.expires_on {
        event = event.detail(format!("expires {expiry}"));
    }
    crate::domain::search::changes::record_organisation(&txn, organisation_id).await?;
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn of_organisation(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
) -> Result<Vec<provider_evidence::Model>, DbErr> {
    provider_evidence::Entity::find()
        .filter(provider_evidence::Column::OrganisationId.eq(organisation_id))
        .all(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a_day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    }

    #[test]
    fn a_dbs_check_needs_level_number_and_issue_date_and_falls_due_after_three_years() {
        let form = EvidenceForm {
            kind: "dbs".into(),
            check_type: "enhanced_barred".into(),
            reference_number: "001234567890".into(),
            issued_day: "1".into(),
            issued_month: "3".into(),
            issued_year: "2025".into(),
            ..Default::default()
        };
        let e = form.parse(a_day()).expect("valid");
        assert_eq!(e.expires_on, NaiveDate::from_ymd_opt(2028, 3, 1));
        let errors = EvidenceForm {
            kind: "dbs".into(),
            reference_number: "12".into(),
            ..Default::default()
        }
        .parse(a_day())
        .expect_err("invalid");
        for field in ["check_type", "reference_number", "issued_on"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let future = EvidenceForm {
            issued_year: "2027".into(),
            ..form
        }
        .parse(a_day())
        .expect_err("future");
        assert!(future.get("issued_on").is_some());
    }

    #[test]
    fn insurance_needs_an_end_date_and_unknown_kinds_are_refused() {
        let errors = EvidenceForm {
            kind: "insurance".into(),
            details: "Acme Mutual, £5m".into(),
            ..Default::default()
        }
        .parse(a_day())
        .expect_err("no expiry");
        assert!(errors.get("expires_on").is_some());
        assert!(
            EvidenceForm {
                kind: "horoscope".into(),
                ..Default::default()
            }
            .parse(a_day())
            .is_err()
        );
    }

    #[test]
    fn labels_keep_acronyms_in_sentences() {
        assert_eq!(EvidenceKind::Dbs.in_sentence(), "DBS check");
        assert_eq!(EvidenceKind::Identity.in_sentence(), "proof of identity");
    }

    #[test]
    fn personal_assistants_need_the_most_evidence() {
        assert_eq!(required_for(ProviderKind::PersonalAssistant).len(), 5);
        assert!(required_for(ProviderKind::RegisteredCareProvider).contains(&EvidenceKind::Cqc));
        assert!(!required_for(ProviderKind::VoluntaryGroup).contains(&EvidenceKind::Dbs));
    }
}
