//! Every listing (any status) as CSV for the council's own spreadsheets: what it is, who
//! runs it, where, the price, its status and dates. Text is made safe for spreadsheets.

use std::collections::BTreeMap;

use entity::listings as listing_rows;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::domain::listings::{ListingError, ListingView, views_of};
use crate::domain::plans::export::spreadsheet_safe;
use crate::domain::search::documents::CategoryPaths;

/// Every listing, oldest first, with category names by id.
pub async fn load(
    conn: &impl ConnectionTrait,
) -> Result<(Vec<ListingView>, BTreeMap<i64, String>), ListingError> {
    let rows = listing_rows::Entity::find()
        .order_by_asc(listing_rows::Column::Id)
        .all(conn)
        .await?;
    let names = CategoryPaths::load(conn).await?.names_by_id();
    Ok((views_of(conn, rows).await?, names))
}

pub fn listings_csv(
    views: &[ListingView],
    names: &BTreeMap<i64, String>,
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "Listing",
        "Title",
        "Provider",
        "Kind of provider",
        "Status",
        "Types of support",
        "Home visits from",
        "Venue postcode",
        "Online",
        "Price",
        "Taking new clients",
        "First published",
        "Last changed",
    ];
    w.write_record(header)?;
    for v in views {
        let Some(latest) = v.latest() else { continue };
        let c = &latest.content;
        let categories: Vec<&str> = c
            .category_ids
            .iter()
            .filter_map(|id| names.get(id).map(String::as_str))
            .collect();
        let date = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        w.write_record([
            v.listing.id.to_string(),
            spreadsheet_safe(&c.title),
            spreadsheet_safe(&v.org.name),
            v.org.kind.as_str().to_owned(),
            v.listing.status.as_str().to_owned(),
            spreadsheet_safe(&categories.join("; ")),
            c.at_home
                .as_ref()
                .map(|h| h.place.clone())
                .unwrap_or_default(),
            c.venue
                .as_ref()
                .map(|v| v.postcode.clone())
                .unwrap_or_default(),
            if c.online { "yes" } else { "no" }.to_owned(),
            c.price.describe(),
            match c.accepting_new_clients {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_owned(),
            date(v.listing.published_at),
            date(Some(v.listing.updated_at)),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
