//! A search as it arrives in a URL: every parameter read leniently (unknown values dropped,
//! a postcode that cannot be found reported rather than refused), turned into a
//! `SearchRequest`, and written back into links for paging and removing filters.

use entity::cqc_locations::CqcRating;
use search_index::{SearchRequest, Sort, locate};
use serde::Serialize;

use crate::domain::listings::form::parse_pence;
use crate::domain::validation::FormFields;
use crate::paths;

pub const PAGE_SIZE: usize = 20;
pub const MAX_PAGE: u32 = 500;
const MAX_VALUES: usize = 20;
const MAX_VALUE_CHARS: usize = 60;
const MAX_TEXT_CHARS: usize = 500;
pub const RADIUS_CHOICES_MILES: [u32; 5] = [1, 3, 5, 10, 25];

/// The parameters of a search, as text. They are also the search API's documented query
/// parameters (OpenAPI), so the documentation is the parser's own field list.
#[derive(Clone, Debug, Default, Serialize, PartialEq, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SearchParams {
    /// Words to search for, e.g. `help at home`; "quoted phrases" match exactly.
    pub q: String,
    /// Type of support: a category slug or `parent/child` path; repeat for any of several.
    pub category: Vec<String>,
    /// Who it is for, e.g. `older_people`, `carers`; repeat for any of several.
    pub client_group: Vec<String>,
    /// Kind of provider, e.g. `micro_enterprise`, `personal_assistant`.
    pub kind: Vec<String>,
    /// A language spoken, e.g. `Polish`.
    pub language: Vec<String>,
    /// A day the service runs: `mon` … `sun`.
    pub day: Vec<String>,
    /// A UK postcode, sector or district to search near, e.g. `M33 7AB`.
    pub near: String,
    /// Miles from `near` (default 10).
    pub radius: String,
    /// Highest price in pounds, e.g. `20` or `£18.50`.
    pub max_price: String,
    /// What the price is for: `hour`, `session`, `day`, `week`, `item`.
    pub unit: String,
    /// `yes`: only services taking new clients.
    #[param(value_type = Option<String>, example = "yes")]
    pub accepting: bool,
    /// `yes`: only providers whose DBS check is current.
    #[param(value_type = Option<String>, example = "yes")]
    pub dbs: bool,
    /// `yes`: only providers whose insurance is current.
    #[param(value_type = Option<String>, example = "yes")]
    pub insured: bool,
    /// `yes`: only services the council has quality checked.
    #[param(value_type = Option<String>, example = "yes")]
    pub quality: bool,
    /// Lowest overall rating from the council's own quality checks, 1 to 4.
    pub min_rating: String,
    /// CQC's overall rating: `outstanding`, `good`, `requires_improvement`, `inadequate`;
    /// repeat for any of several.
    pub cqc: Vec<String>,
    /// Size of care home: `small` (up to 20 beds), `medium` (21 to 50), `large` (over 50);
    /// repeat for any of several.
    pub beds: Vec<String>,
    /// `yes`: only services providing nursing care.
    #[param(value_type = Option<String>, example = "yes")]
    pub nursing: bool,
    /// `yes`: only services caring for people living with dementia.
    #[param(value_type = Option<String>, example = "yes")]
    pub dementia: bool,
    /// `yes`: only care homes and services whose provider says they have places free now.
    #[param(value_type = Option<String>, example = "yes")]
    pub places: bool,
    /// `relevance` (default), `distance` (needs `near`), `price` or `rating`.
    pub sort: String,
    /// Page of 20 results, from 1 to 500 (the API refuses others; the search page reads them
    /// as 1).
    #[param(minimum = 1, maximum = 500)]
    pub page: u32,
}

/// The request for the index, with anything the person should be told.
pub struct ParsedSearch {
    pub request: SearchRequest,
    /// The sector or district searched from (what the demand log keeps).
    pub area: Option<String>,
    pub notices: Vec<String>,
    /// The parameters that took effect: a postcode that could not be found, a price that is
    /// not a number and values the search does not know are left out (the chips show these).
    pub applied: SearchParams,
}

fn clip(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

fn values(f: &FormFields, name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in f.all(name) {
        let v = clip(&v, MAX_VALUE_CHARS);
        if !v.is_empty() && !out.contains(&v) && out.len() < MAX_VALUES {
            out.push(v);
        }
    }
    out
}

fn flag(f: &FormFields, name: &str) -> bool {
    matches!(f.one(name).as_str(), "yes" | "true" | "1" | "on")
}

impl SearchParams {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            q: clip(&f.one("q"), MAX_TEXT_CHARS),
            category: values(f, "category"),
            client_group: values(f, "client_group"),
            kind: values(f, "kind"),
            language: values(f, "language"),
            day: values(f, "day"),
            near: clip(&f.one("near"), 20),
            radius: clip(&f.one("radius"), 5),
            max_price: clip(&f.one("max_price"), 12),
            unit: clip(&f.one("unit"), 10),
            accepting: flag(f, "accepting"),
            dbs: flag(f, "dbs"),
            insured: flag(f, "insured"),
            quality: flag(f, "quality"),
            min_rating: clip(&f.one("min_rating"), 3),
            cqc: values(f, "cqc"),
            beds: values(f, "beds"),
            nursing: flag(f, "nursing"),
            dementia: flag(f, "dementia"),
            places: flag(f, "places"),
            sort: clip(&f.one("sort"), 10),
            page: f.one("page").trim().parse().unwrap_or(1).clamp(1, MAX_PAGE),
        }
    }

    pub fn parse(&self) -> ParsedSearch {
        let mut notices = Vec::new();
        let located = if self.near.is_empty() {
            None
        } else {
            let found = locate(&self.near);
            if found.is_none() {
                notices.push(format!(
                    "We could not find the postcode {}. Check it, or try the first part, like M33.",
                    self.near
                ));
            }
            found
        };
        let radius_miles = self
            .radius
            .parse::<f64>()
            .ok()
            .filter(|r| r.is_finite() && (0.5..=100.0).contains(r));
        let max_price_pence = if self.max_price.is_empty() {
            None
        } else {
            let parsed = parse_pence(&self.max_price).ok().map(|p| p as u64);
            if parsed.is_none() {
                notices.push("Enter the most you want to pay in pounds, like 20.".to_owned());
            }
            parsed
        };
        let unit = crate::domain::listings::content::PriceUnit::parse(&self.unit);
        let min_rating = self
            .min_rating
            .parse::<f32>()
            .ok()
            .filter(|r| (1.0..=4.0).contains(r));
        let cqc: Vec<String> = self
            .cqc
            .iter()
            .filter(|r| CqcRating::parse(r).is_some())
            .cloned()
            .collect();
        let beds: Vec<String> = self
            .beds
            .iter()
            .filter(|b| bed_range(b).is_some())
            .cloned()
            .collect();
        let sort = match self.sort.as_str() {
            "distance" if located.is_some() => Sort::Distance,
            "price" => Sort::Price,
            "rating" => Sort::Rating,
            _ => Sort::Relevance,
        };
        let request = SearchRequest {
            text: self.q.clone(),
            categories: self.category.clone(),
            client_groups: self.client_group.clone(),
            provider_kinds: self.kind.clone(),
            languages: self.language.clone(),
            days: self.day.clone(),
            near: located.as_ref().map(|l| l.point),
            radius_miles,
            max_price_pence,
            price_unit: unit.map(|u| u.as_str().to_owned()),
            accepting_only: self.accepting,
            dbs_checked: self.dbs,
            insured: self.insured,
            quality_checked: self.quality,
            min_rating,
            cqc_ratings: cqc.clone(),
            beds: beds.iter().filter_map(|b| bed_range(b)).collect(),
            nursing: self.nursing,
            dementia: self.dementia,
            places_now: self.places,
            modified_after: None,
            opens_from: None,
            closes_by: None,
            with_location: false,
            only_listings: None,
            sort,
            offset: (self.page as usize - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        };
        let kept = |ok: bool, value: &String| if ok { value.clone() } else { String::new() };
        let applied = SearchParams {
            near: kept(located.is_some(), &self.near),
            radius: kept(radius_miles.is_some() && located.is_some(), &self.radius),
            max_price: kept(max_price_pence.is_some(), &self.max_price),
            unit: kept(unit.is_some(), &self.unit),
            min_rating: kept(min_rating.is_some(), &self.min_rating),
            cqc,
            beds,
            sort: kept(
                matches!(self.sort.as_str(), "price" | "rating")
                    || (self.sort == "distance" && located.is_some()),
                &self.sort,
            ),
            ..self.clone()
        };
        ParsedSearch {
            request,
            area: located.map(|l| l.area),
            notices,
            applied,
        }
    }

    /// The parameters as (name, value) pairs, page left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        let mut one = |name: &'static str, value: &str| {
            if !value.is_empty() {
                out.push((name, value.to_owned()));
            }
        };
        one("q", &self.q);
        one("near", &self.near);
        one("radius", &self.radius);
        one("max_price", &self.max_price);
        one("unit", &self.unit);
        one("min_rating", &self.min_rating);
        one("sort", &self.sort);
        for (on, name) in [
            (self.accepting, "accepting"),
            (self.dbs, "dbs"),
            (self.insured, "insured"),
            (self.quality, "quality"),
            (self.nursing, "nursing"),
            (self.dementia, "dementia"),
            (self.places, "places"),
        ] {
            if on {
                out.push((name, "yes".to_owned()));
            }
        }
        for (name, list) in [
            ("category", &self.category),
            ("client_group", &self.client_group),
            ("kind", &self.kind),
            ("language", &self.language),
            ("day", &self.day),
            ("cqc", &self.cqc),
            ("beds", &self.beds),
        ] {
            out.extend(list.iter().map(|v| (name, v.clone())));
        }
        out
    }

    /// A link to this search, on `page`.
    pub fn href(&self, page: u32) -> String {
        let mut pairs = self.pairs();
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        link(&pairs)
    }

    /// A link to this search without one value of one parameter (a "remove filter" link).
    pub fn href_without(&self, name: &str, value: &str) -> String {
        let pairs: Vec<(&'static str, String)> = self
            .pairs()
            .into_iter()
            .filter(|(n, v)| !(*n == name && v == value))
            .collect();
        link(&pairs)
    }

    /// The filters as JSON, for the demand log (no free text, no postcode).
    pub fn filters_json(&self) -> String {
        self.filters().to_string()
    }

    /// The filters, by name (what `filters_json` writes).
    pub fn filters(&self) -> serde_json::Value {
        serde_json::json!({
            "category": self.category,
            "client_group": self.client_group,
            "kind": self.kind,
            "language": self.language,
            "day": self.day,
            "radius": self.radius,
            "max_price": self.max_price,
            "unit": self.unit,
            "accepting": self.accepting,
            "dbs": self.dbs,
            "insured": self.insured,
            "quality": self.quality,
            "min_rating": self.min_rating,
            "cqc": self.cqc,
            "beds": self.beds,
            "nursing": self.nursing,
            "dementia": self.dementia,
            "places": self.places,
            "sort": self.sort,
        })
    }
}

/// The sizes of care home a search can ask for, by registered beds.
pub const BED_RANGES: [(&str, &str, u32, u32); 3] = [
    ("small", "Up to 20 beds", 1, 20),
    ("medium", "21 to 50 beds", 21, 50),
    ("large", "Over 50 beds", 51, u32::MAX),
];

fn bed_range(key: &str) -> Option<(u32, u32)> {
    BED_RANGES
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|(_, _, low, high)| (*low, *high))
}

fn link(pairs: &[(&'static str, String)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if query.is_empty() {
        paths::search()
    } else {
        format!("{}?{query}", paths::search())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> FormFields {
        FormFields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn reads_leniently_and_links_back() {
        let p = SearchParams::from_fields(&fields(&[
            ("q", "home help"),
            ("language", "Polish"),
            ("language", "Polish"),
            ("near", "m33 7ab"),
            ("page", "-4"),
            ("max_price", "£20"),
            ("accepting", "yes"),
            ("sort", "distance"),
        ]));
        assert_eq!(p.language, vec!["Polish"]);
        assert_eq!(p.page, 1);
        let parsed = p.parse();
        assert_eq!(
            parsed.area.as_deref(),
            Some("M33 7"),
            "never the full postcode"
        );
        assert_eq!(parsed.request.max_price_pence, Some(2000));
        assert_eq!(parsed.request.sort, Sort::Distance);
        assert!(parsed.notices.is_empty());
        assert_eq!(
            p.href_without("language", "Polish"),
            "/search?q=home+help&near=m33+7ab&max_price=%C2%A320&sort=distance&accepting=yes"
        );
        let bad = SearchParams::from_fields(&fields(&[
            ("near", "ZZ99 9ZZ"),
            ("sort", "distance"),
            ("max_price", "abc"),
            ("unit", "fortnight"),
            ("radius", "7"),
            ("accepting", "yes"),
        ]));
        let parsed = bad.parse();
        assert_eq!(parsed.notices.len(), 2);
        assert_eq!(parsed.request.sort, Sort::Relevance);
        assert_eq!(parsed.request.price_unit, None);
        // Only what took effect is shown as chosen.
        assert_eq!(
            parsed.applied.pairs(),
            vec![("accepting", "yes".to_owned())]
        );
    }
}
