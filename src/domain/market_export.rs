//! The market analysis tables as CSV, with the same numbers the pages show.

use std::collections::BTreeMap;

use super::market_analysis::{DemandCell, Gap, Key, SupplyCell};
use super::plan_export::spreadsheet_safe;

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
