//! The query parameters of Open Referral UK list endpoints, checked and turned into a
//! search of the index. Parameters are read as text so that a wrong type gets a message
//! naming the parameter, not a bare 400.

use chrono::{DateTime, NaiveDate, Utc};
use search_index::{METRES_PER_MILE, SearchRequest, locate};
use serde::Deserialize;

use super::service::MINIMUM_AGE;
use super::taxonomy::{
    PROVIDER_KINDS, TYPES_OF_SUPPORT, TermRef, Terms, parse_taxonomy, parse_term,
};
use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::import::rows::day_key;
use crate::domain::search::documents::minute_of_day;

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 100;
/// Deepest page served (the index returns at most this many results in all).
const MAX_RESULTS: u64 = 10_000;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub search: String,
    pub page: String,
    pub per_page: String,
    pub taxonomy_term_id: String,
    pub taxonomy_id: String,
    pub modified_after: String,
    pub day: String,
    pub start_time: String,
    pub end_time: String,
    pub minimum_age: String,
    pub maximum_age: String,
    pub postcode: String,
    pub proximity: String,
}

/// A list request, ready for the index: `None` when it can match nothing (a term or
/// taxonomy that is not ours, ages no adult service has).
pub struct Listing {
    pub request: Option<SearchRequest>,
    pub page: u64,
    pub per_page: u64,
}

fn number<T: std::str::FromStr>(name: &str, raw: &str) -> Result<Option<T>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| format!("{name} must be a number, like 2"))
}

fn time(name: &str, raw: &str) -> Result<Option<u16>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    minute_of_day(raw)
        .map(Some)
        .ok_or_else(|| format!("{name} must be a time of day, like 09:30"))
}

fn modified_after(raw: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(t.with_timezone(&Utc).timestamp()));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Some(t.and_utc().timestamp()))
        .ok_or_else(|| {
            "modified_after must be a date and time, like 2026-11-01T00:00:00Z".to_owned()
        })
}

impl ListQuery {
    /// Checks every parameter; the error names the first one that is wrong.
    pub fn parse(&self, terms: &Terms, places: bool) -> Result<Listing, String> {
        let page = number::<u64>("page", &self.page)?.unwrap_or(1).max(1);
        let per_page = number::<u64>("per_page", &self.per_page)?
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE);
        if (page - 1).saturating_mul(per_page) >= MAX_RESULTS {
            return Err(format!(
                "page is too deep: at most {MAX_RESULTS} results can be paged through"
            ));
        }
        let mut r = SearchRequest {
            text: self
                .search
                .chars()
                .take(search_index::MAX_QUERY_CHARS)
                .collect(),
            offset: ((page - 1) * per_page) as usize,
            limit: per_page as usize,
            with_location: places,
            ..Default::default()
        };
        let mut matches_nothing = false;
        let term = self.taxonomy_term_id.trim();
        if !term.is_empty() {
            match parse_term(term) {
                Some(TermRef::Category(id)) => match terms.paths.get(&id) {
                    Some(path) => r.categories.push(path.clone()),
                    None => matches_nothing = true,
                },
                Some(TermRef::ClientGroup(key)) => r.client_groups.push(key.to_owned()),
                Some(TermRef::ProviderKind(key)) => r.provider_kinds.push(key.to_owned()),
                None => matches_nothing = true,
            }
        }
        let taxonomy = self.taxonomy_id.trim();
        if !taxonomy.is_empty() {
            match parse_taxonomy(taxonomy) {
                Some(TYPES_OF_SUPPORT | PROVIDER_KINDS) => {}
                Some(_) if r.client_groups.is_empty() => {
                    r.client_groups = CLIENT_GROUPS.iter().map(|(k, _)| (*k).to_owned()).collect();
                }
                Some(_) => {}
                None => matches_nothing = true,
            }
        }
        r.modified_after = modified_after(&self.modified_after)?;
        if !self.day.trim().is_empty() {
            let day =
                day_key(&self.day).ok_or("day must be a day of the week, like MO or Monday")?;
            r.days.push(day.to_owned());
        }
        r.opens_from = time("start_time", &self.start_time)?;
        r.closes_by = time("end_time", &self.end_time)?;
        // Every service is for adults from 18, with no upper age.
        if let Some(min) = number::<f64>("minimum_age", &self.minimum_age)? {
            matches_nothing |= min > MINIMUM_AGE;
        }
        if let Some(max) = number::<f64>("maximum_age", &self.maximum_age)? {
            matches_nothing |= max < MINIMUM_AGE;
        }
        let proximity = number::<f64>("proximity", &self.proximity)?;
        if proximity.is_some_and(|p| !(1.0..=200_000.0).contains(&p)) {
            return Err("proximity must be a distance in metres between 1 and 200000".into());
        }
        if !self.postcode.trim().is_empty() {
            let located = locate(&self.postcode)
                .ok_or("postcode is not a UK postcode we know, like M33 7AB")?;
            r.near = Some(located.point);
            r.radius_miles = proximity.map(|m| m / METRES_PER_MILE);
        } else if proximity.is_some() {
            return Err("proximity needs a postcode to measure from".into());
        }
        Ok(Listing {
            request: (!matches_nothing).then_some(r),
            page,
            per_page,
        })
    }
}
