//! The broker's placement request form, and the homes' answers.

use chrono::NaiveDate;
use entity::listings::ListingId;
use entity::placement_requests::PlacementFunding;
use entity::vacancies::PlaceKind;

use crate::domain::dates::parse_date;
use crate::domain::validation::{FieldErrors, FormFields, required_text_named};

pub const MAX_NEEDS_CHARS: usize = 2000;
pub const MAX_ANSWER_CHARS: usize = 1000;
/// Most homes one request goes to.
pub const MAX_HOMES: usize = 5;

pub fn funding_label(funding: PlacementFunding) -> &'static str {
    match funding {
        PlacementFunding::CouncilRate => "Council funded at the usual rate",
        PlacementFunding::TopUp => "Council funded, with a top-up from family or a third party",
        PlacementFunding::SelfFunded => "Self-funded",
    }
}

/// What the broker typed.
#[derive(Clone, Debug, Default)]
pub struct RequestForm {
    pub kind: String,
    pub needs: String,
    pub start: (String, String, String),
    pub funding: String,
    pub listings: Vec<String>,
}

/// A request, checked (the client is the one the broker acts for).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRequest {
    pub kind: PlaceKind,
    pub needs: String,
    pub start_date: NaiveDate,
    pub funding: PlacementFunding,
    pub listings: Vec<ListingId>,
}

impl RequestForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            kind: f.one("kind"),
            needs: f.one("needs"),
            start: (
                f.one("start-day"),
                f.one("start-month"),
                f.one("start-year"),
            ),
            funding: f.one("funding"),
            listings: f.all("listing"),
        }
    }

    pub fn parse(&self, today: NaiveDate) -> Result<NewRequest, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = PlaceKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "Select the kind of place the person needs");
        }
        let needs = required_text_named(
            &mut e,
            "needs",
            &self.needs,
            MAX_NEEDS_CHARS,
            "What the person needs",
            "Enter what the person needs",
        );
        let start_date = match parse_date(
            &self.start.0,
            &self.start.1,
            &self.start.2,
            "The start date",
        ) {
            Ok(Some(day)) if day < today => {
                e.add("start", "The start date must be today or in the future");
                None
            }
            Ok(Some(day)) if day > today + chrono::Duration::days(366) => {
                e.add("start", "The start date must be within a year");
                None
            }
            Ok(Some(day)) => Some(day),
            Ok(None) => {
                e.add("start", "Enter the date the place is needed from");
                None
            }
            Err(message) => {
                e.add("start", message);
                None
            }
        };
        let funding = PlacementFunding::parse(self.funding.trim());
        if funding.is_none() {
            e.add("funding", "Select how the place would be paid for");
        }
        let mut listings: Vec<ListingId> = Vec::new();
        for raw in &self.listings {
            match raw.trim().parse::<i64>() {
                Ok(id) if !listings.contains(&ListingId(id)) => listings.push(ListingId(id)),
                Ok(_) => {}
                Err(_) => e.add("listing", "Select homes from the list"),
            }
        }
        if listings.is_empty() {
            e.add("listing", "Select at least one home to send the request to");
        } else if listings.len() > MAX_HOMES {
            e.add(
                "listing",
                format!("Select up to {MAX_HOMES} homes: ask more if these cannot help"),
            );
        }
        match (kind, needs, start_date, funding) {
            (Some(kind), Some(needs), Some(start_date), Some(funding)) if e.is_empty() => {
                Ok(NewRequest {
                    kind,
                    needs,
                    start_date,
                    funding,
                    listings,
                })
            }
            _ => Err(e),
        }
    }
}

/// A home's reason for declining, or the details of its offer.
pub fn parse_answer(
    field: &'static str,
    raw: &str,
    label: &str,
    missing: &str,
) -> Result<String, FieldErrors> {
    crate::domain::validation::one_required_text(field, raw, MAX_ANSWER_CHARS, label, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_what_is_missing_and_keeps_to_five_homes() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date");
        let e = RequestForm::default().parse(today).expect_err("refused");
        for field in ["kind", "needs", "start", "funding", "listing"] {
            assert!(e.get(field).is_some(), "{field}");
        }
        let mut form = RequestForm {
            kind: "nursing".into(),
            needs: "Needs two carers to move; lives with dementia".into(),
            start: ("1".into(), "12".into(), "2026".into()),
            funding: "council_rate".into(),
            listings: vec!["4".into(), "4".into(), "9".into()],
        };
        let ok = form.parse(today).expect("valid");
        assert_eq!(ok.listings, vec![ListingId(4), ListingId(9)]);
        form.listings = (1..=6).map(|i| i.to_string()).collect();
        assert!(form.parse(today).is_err());
        form.listings = vec!["4".into()];
        form.start = ("1".into(), "1".into(), "2020".into());
        assert!(
            form.parse(today)
                .err()
                .is_some_and(|e| e.get("start").is_some())
        );
    }
}
