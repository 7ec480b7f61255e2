//! The market analysis tables as CSV, with the same numbers the pages show.

use std::collections::BTreeMap;

use crate::domain::listings::content::format_pounds;
use crate::domain::market::analysis::{DemandCell, Gap, Key, MonthFlow, PriceSpread, SupplyCell};
use crate::domain::plans::export::spreadsheet_safe;
use crate::domain::providers::organisations::kind_label;
use entity::provider_organisations::ProviderKind;

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn name<'a>(names: &'a BTreeMap<String, String>, slug: &'a str) -> &'a str {
    names.get(slug).map_or(slug, String::as_str)
}

pub fn supply_csv(
    rows: &BTreeMap<Key, SupplyCell>,
    names: &BTreeMap<String, String>,
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "Type of support",
        "Postcode district",
        "Services",
        "Providers",
        "Taking new clients",
    ])?;
    for ((category, district), c) in rows {
        w.write_record([
            spreadsheet_safe(name(names, category)),
            district.clone(),
            c.services.to_string(),
            c.providers.to_string(),
            c.accepting.to_string(),
        ])?;
    }
    finish(w)
}

pub fn demand_csv(
    rows: &BTreeMap<Key, DemandCell>,
    names: &BTreeMap<String, String>,
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "Type of support",
        "Postcode district",
        "Searches",
        "Searches that found nothing",
        "Enquiries",
        "Arranged",
        "Not available",
        "No response",
        "Declined",
        "Enquiries answered",
        "Average hours to first reply",
    ])?;
    for ((category, district), d) in rows {
        w.write_record([
            spreadsheet_safe(if category.is_empty() {
                "Any"
            } else {
                name(names, category)
            }),
            district.clone(),
            d.searches.to_string(),
            d.zero_results.to_string(),
            d.enquiries.to_string(),
            d.arranged.to_string(),
            d.not_available.to_string(),
            d.no_response.to_string(),
            d.declined.to_string(),
            d.answered.to_string(),
            d.average_reply_hours()
                .map(|h| format!("{h:.1}"))
                .unwrap_or_default(),
        ])?;
    }
    finish(w)
}

pub fn gaps_csv(rows: &[Gap], names: &BTreeMap<String, String>) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "Type of support",
        "Postcode district",
        "Services",
        "Searches",
        "Searches that found nothing",
        "Enquiries",
        "Enquiries not met",
        "Demand per service",
    ])?;
    for g in rows {
        w.write_record([
            spreadsheet_safe(name(names, &g.category)),
            g.district.clone(),
            g.services.to_string(),
            g.demand.searches.to_string(),
            g.demand.zero_results.to_string(),
            g.demand.enquiries.to_string(),
            g.demand.unmet().to_string(),
            format!("{:.1}", g.index),
        ])?;
    }
    finish(w)
}

/// A small table: a header row, then rows of already formatted cells.
fn table(
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(headers)?;
    for row in rows {
        w.write_record(row.iter().map(|cell| spreadsheet_safe(cell)))?;
    }
    finish(w)
}

pub fn prices_csv(rows: &[PriceSpread]) -> Result<String, csv::Error> {
    table(
        &[
            "Per",
            "Services",
            "Lower quarter",
            "Median",
            "Upper quarter",
        ],
        rows.iter().map(|p| {
            vec![
                p.unit.clone(),
                p.count.to_string(),
                format_pounds(p.lower_quartile),
                format_pounds(p.median),
                format_pounds(p.upper_quartile),
            ]
        }),
    )
}

/// The rating labels, best first, with the index into the ratings array.
pub const RATING_LABELS: [(&str, usize); 5] = [
    ("Outstanding", 4),
    ("Good", 3),
    ("Requires improvement", 2),
    ("Inadequate", 1),
    ("Not yet checked", 0),
];

pub fn ratings_csv(ratings: [u64; 5]) -> Result<String, csv::Error> {
    table(
        &["Rating", "Services"],
        RATING_LABELS
            .iter()
            .map(|(label, i)| vec![(*label).to_owned(), ratings[*i].to_string()]),
    )
}

pub fn kinds_csv(rows: &[(ProviderKind, u64)]) -> Result<String, csv::Error> {
    table(
        &["Kind of provider", "Providers"],
        rows.iter()
            .map(|(k, n)| vec![kind_label(*k).to_owned(), n.to_string()]),
    )
}

pub fn flows_csv(rows: &[MonthFlow]) -> Result<String, csv::Error> {
    table(
        &["Month", "New services", "Services withdrawn"],
        rows.iter().map(|m| {
            vec![
                m.month.format("%Y-%m").to_string(),
                m.new.to_string(),
                m.withdrawn.to_string(),
            ]
        }),
    )
}

/// Counted words or names: languages offered, words that found nothing.
pub fn counts_csv(what: &str, counted: &str, rows: &[(String, u64)]) -> Result<String, csv::Error> {
    table(
        &[what, counted],
        rows.iter().map(|(t, n)| vec![t.clone(), n.to_string()]),
    )
}
