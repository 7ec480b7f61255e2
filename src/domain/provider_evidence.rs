//! The evidence a provider gives the council before approval ("Support with Confidence"):
//! which kinds each type of provider needs, checking what they enter, and saving it. Expiry
//! flags and reminders live in `evidence_expiry`.

use chrono::{NaiveDate, Utc};
use entity::provider_evidence;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, TransactionTrait,
};
use serde::Deserialize;

use super::audit::{self, Actor, Event};
use super::dates::parse_date;
use super::organisations::{self, PERSONAL_ASSISTANT, REGISTERED_CARE_PROVIDER};
use super::provider_profile::parse_cqc_location_id;
use super::validation::{FieldErrors, has_control_chars};

/// A DBS certificate has no end date; the council asks for a fresh one after three years.
pub const DBS_RECHECK_YEARS: i32 = 3;
const MAX_DETAILS_CHARS: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceKind {
    Identity,
    Dbs,
    Insurance,
    References,
    Training,
    Cqc,
}

pub const DBS_TYPES: [(&str, &str); 4] = [
    ("basic", "Basic"),
    ("standard", "Standard"),
    ("enhanced", "Enhanced"),
    ("enhanced_barred", "Enhanced with barred list check"),
];

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 6] = [
        Self::Identity,
        Self::Dbs,
        Self::Insurance,
        Self::References,
        Self::Training,
        Self::Cqc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Dbs => "dbs",
            Self::Insurance => "insurance",
            Self::References => "references",
            Self::Training => "training",
            Self::Cqc => "cqc",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Identity => "Proof of identity",
            Self::Dbs => "DBS check",
            Self::Insurance => "Public liability insurance",
            Self::References => "References",
            Self::Training => "Training",
            Self::Cqc => "CQC registration",
        }
    }

    /// The label inside a sentence: "proof of identity", but "DBS check" keeps its capitals.
    pub fn in_sentence(self) -> String {
        let label = self.label();
        let mut chars = label.chars();
        match (chars.next(), chars.next()) {
            (Some(first), Some(second)) if second.is_lowercase() => {
                format!("{}{}", first.to_lowercase(), &label[first.len_utf8()..])
            }
            _ => label.to_owned(),
        }
    }

    pub fn details_hint(self) -> &'static str {
        match self {
            Self::Identity => {
                "Which documents you can show, for example a passport or driving licence, and proof of address"
            }
            Self::Dbs => {
                "Anything the council should know, for example if you use the DBS Update Service"
            }
            Self::Insurance => "The name of your insurer and how much you are covered for",
            Self::References => "Who your two referees are and how the council can contact them",
            Self::Training => {
                "Courses you have completed and when, for example moving and handling, first aid, safeguarding"
            }
            Self::Cqc => "The name of the registered service and its latest CQC rating",
        }
    }

    /// What the admin confirms for this kind before approving.
    pub fn checklist_item(self) -> &'static str {
        match self {
            Self::Identity => "I have seen proof of identity and it matches the account holder",
            Self::Dbs => {
                "I have checked the DBS certificate (or Update Service) and it is clear or risk-assessed"
            }
            Self::Insurance => "I have seen the insurance certificate and it is in date",
            Self::References => "I have taken up two satisfactory references",
            Self::Training => "I have seen evidence of the training listed",
            Self::Cqc => {
                "I have checked the CQC register: the location is registered for this activity"
            }
        }
    }
}

/// The evidence each type of provider must give before approval.
pub fn required_for(org_kind: &str) -> Vec<EvidenceKind> {
    use EvidenceKind::*;
    match org_kind {
        PERSONAL_ASSISTANT => vec![Identity, Dbs, Insurance, References, Training],
        REGISTERED_CARE_PROVIDER => vec![Identity, Insurance, Cqc],
        "micro_enterprise" => vec![Identity, Dbs, Insurance, References],
        _ => vec![Identity, Insurance],
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
    organisation_id: i64,
    user_id: i64,
    evidence: Evidence,
) -> Result<(), organisations::OrganisationError> {
    let txn = db.begin().await?;
    organisations::as_member(&txn, organisation_id, user_id).await?;
    provider_evidence::Entity::delete_many()
        .filter(provider_evidence::Column::OrganisationId.eq(organisation_id))
        .filter(provider_evidence::Column::Kind.eq(evidence.kind.as_str()))
        .exec(&txn)
        .await?;
    provider_evidence::Entity::insert(provider_evidence::ActiveModel {
        organisation_id: Set(organisation_id),
        kind: Set(evidence.kind.as_str().to_owned()),
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
        "organisation.evidence_saved",
        "provider_organisation",
        organisation_id,
    )
    .to(evidence.kind.as_str());
    if let Some(expiry) = evidence.expires_on {
        event = event.detail(format!("expires {expiry}"));
    }
    super::search_changes::record_organisation(&txn, organisation_id).await?;
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn of_organisation(
    conn: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<Vec<provider_evidence::Model>, DbErr> {
    provider_evidence::Entity::find()
        .filter(provider_evidence::Column::OrganisationId.eq(organisation_id))
        .all(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
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
        let e = form.parse(today()).expect("valid");
        assert_eq!(e.expires_on, NaiveDate::from_ymd_opt(2028, 3, 1));
        let errors = EvidenceForm {
            kind: "dbs".into(),
            reference_number: "12".into(),
            ..Default::default()
        }
        .parse(today())
        .expect_err("invalid");
        for field in ["check_type", "reference_number", "issued_on"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let future = EvidenceForm {
            issued_year: "2027".into(),
            ..form
        }
        .parse(today())
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
        .parse(today())
        .expect_err("no expiry");
        assert!(errors.get("expires_on").is_some());
        assert!(
            EvidenceForm {
                kind: "horoscope".into(),
                ..Default::default()
            }
            .parse(today())
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
        assert_eq!(required_for(PERSONAL_ASSISTANT).len(), 5);
        assert!(required_for(REGISTERED_CARE_PROVIDER).contains(&EvidenceKind::Cqc));
        assert!(!required_for("voluntary_group").contains(&EvidenceKind::Dbs));
    }
}
