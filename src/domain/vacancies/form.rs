//! The provider's "places available" form: for each kind of place, how many are free, from
//! when, and whether the council's rate covers them.

use chrono::{Duration, NaiveDate};
use entity::vacancies::{self, PlaceKind, VacancyFunding};

use crate::domain::dates::parse_date;
use crate::domain::validation::{FieldErrors, FormFields, optional_text};

/// Most places of one kind a listing can say it has.
pub const MAX_PLACES: i32 = 500;
/// How far ahead a place can be said to be free from.
pub const MAX_DAYS_AHEAD: i64 = 366;
pub const MAX_NOTES_CHARS: usize = 300;

/// The form's field names for one kind of place: (places, free from, funding).
pub fn fields(kind: PlaceKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        PlaceKind::Residential => (
            "places-residential",
            "from-residential",
            "funding-residential",
        ),
        PlaceKind::Nursing => ("places-nursing", "from-nursing", "funding-nursing"),
        PlaceKind::Respite => ("places-respite", "from-respite", "funding-respite"),
        PlaceKind::Day => ("places-day", "from-day", "funding-day"),
    }
}

/// What was typed for one kind.
#[derive(Clone, Debug, Default)]
pub struct KindInput {
    pub places: String,
    pub from: (String, String, String),
    pub funding: String,
}

/// Every field as typed, to show again with errors.
#[derive(Clone, Debug, Default)]
pub struct VacancyForm {
    pub kinds: Vec<(PlaceKind, KindInput)>,
    pub notes: String,
}

/// One kind of place, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVacancy {
    pub kind: PlaceKind,
    pub places: i32,
    pub available_from: NaiveDate,
    pub funding: VacancyFunding,
    pub notes: Option<String>,
}

impl VacancyForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            kinds: PlaceKind::ALL
                .iter()
                .map(|kind| {
                    let (places, from, funding) = fields(*kind);
                    (
                        *kind,
                        KindInput {
                            places: f.one(places),
                            from: (
                                f.one(&format!("{from}-day")),
                                f.one(&format!("{from}-month")),
                                f.one(&format!("{from}-year")),
                            ),
                            funding: f.one(funding),
                        },
                    )
                })
                .collect(),
            notes: f.one("notes"),
        }
    }

    /// The form as it stands for a listing's saved places.
    pub fn of(rows: &[vacancies::Model]) -> Self {
        let notes = rows
            .iter()
            .find_map(|r| r.notes.clone())
            .unwrap_or_default();
        Self {
            kinds: PlaceKind::ALL
                .iter()
                .map(|kind| {
                    let input = rows.iter().find(|r| r.kind == *kind).map_or_else(
                        KindInput::default,
                        |r| KindInput {
                            places: r.places.to_string(),
                            from: (
                                r.available_from.format("%-d").to_string(),
                                r.available_from.format("%-m").to_string(),
                                r.available_from.format("%Y").to_string(),
                            ),
                            funding: r.funding.as_str().to_owned(),
                        },
                    );
                    (*kind, input)
                })
                .collect(),
            notes,
        }
    }

    /// Every kind as saved: a blank number is none; a blank date is today.
    pub fn parse(&self, today: NaiveDate) -> Result<Vec<NewVacancy>, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut out = Vec::new();
        for (kind, input) in &self.kinds {
            let (places_field, from_field, funding_field) = fields(*kind);
            let label = crate::domain::vacancies::kind_label(*kind);
            let places = match input.places.trim() {
                "" => Some(0),
                text => match text.parse::<i32>() {
                    Ok(n) if (0..=MAX_PLACES).contains(&n) => Some(n),
                    _ => {
                        e.add(
                            places_field,
                            format!("{label}: enter how many places are free, a whole number from 0 to {MAX_PLACES}"),
                        );
                        None
                    }
                },
            };
            let from = match parse_date(
                &input.from.0,
                &input.from.1,
                &input.from.2,
                &format!("{label}: the date places are free from"),
            ) {
                Ok(None) => Some(today),
                Ok(Some(day)) if day < today - Duration::days(MAX_DAYS_AHEAD) => {
                    e.add(
                        from_field,
                        format!(
                            "{label}: the date places are free from must be within the last year"
                        ),
                    );
                    None
                }
                Ok(Some(day)) if day > today + Duration::days(MAX_DAYS_AHEAD) => {
                    e.add(from_field, format!("{label}: the date places are free from must be within a year from today"));
                    None
                }
                Ok(Some(day)) => Some(day.max(today)),
                Err(message) => {
                    e.add(from_field, message);
                    None
                }
            };
            let funding = match VacancyFunding::parse(input.funding.trim()) {
                Some(funding) => Some(funding),
                None if places.is_some_and(|p| p > 0) => {
                    e.add(
                        funding_field,
                        format!("{label}: select whether the council's rate covers these places"),
                    );
                    None
                }
                None => Some(VacancyFunding::CouncilRate),
            };
            if let (Some(places), Some(available_from), Some(funding)) = (places, from, funding) {
                out.push(NewVacancy {
                    kind: *kind,
                    places,
                    available_from,
                    funding,
                    notes: None,
                });
            }
        }
        // Last on the form, so last in the error summary.
        let notes = optional_text(&mut e, "notes", &self.notes, MAX_NOTES_CHARS, "Notes");
        for v in &mut out {
            v.notes.clone_from(&notes);
        }
        if e.is_empty() { Ok(out) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> VacancyForm {
        VacancyForm::from_fields(&FormFields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        ))
    }

    #[test]
    fn blank_is_none_free_today_and_each_error_names_its_kind() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date");
        let saved = form(&[
            ("places-nursing", "2"),
            ("funding-nursing", "top_up"),
            ("from-nursing-day", "1"),
            ("from-nursing-month", "12"),
            ("from-nursing-year", "2026"),
        ])
        .parse(today)
        .expect("valid");
        assert_eq!(saved.len(), 4);
        let nursing = saved
            .iter()
            .find(|v| v.kind == PlaceKind::Nursing)
            .expect("nursing");
        assert_eq!(nursing.places, 2);
        assert_eq!(
            nursing.available_from,
            NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
        );
        assert_eq!(nursing.funding, VacancyFunding::TopUp);
        let day = saved
            .iter()
            .find(|v| v.kind == PlaceKind::Day)
            .expect("day");
        assert_eq!((day.places, day.available_from), (0, today));

        let errors = form(&[
            ("places-residential", "-1"),
            ("places-respite", "3"),
            ("from-day-day", "31"),
            ("from-day-month", "2"),
            ("from-day-year", "2027"),
        ])
        .parse(today)
        .expect_err("refused");
        assert!(
            errors
                .get("places-residential")
                .is_some_and(|m| m.starts_with("Residential care:"))
        );
        assert!(errors.get("funding-respite").is_some());
        assert!(errors.get("from-day").is_some());
    }
}
