//! Places across the area for brokers and commissioners: what is free now by postcode
//! district and kind of place, the homes that have them, and over a period the supply
//! pressure in each district (places free on average against placement requests made).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::cqc_locations::CqcRating;
use entity::listings::{self as listing_rows, ListingId, ListingStatus};
use entity::placement_offers::{self, OfferStatus};
use entity::placement_requests::{self, PlacementStatus};
use entity::vacancies::{self, PlaceKind, VacancyFunding};
use entity::vacancy_history;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::is_stale;
use crate::domain::listings;

/// A home or service with places, as the overview lists it.
#[derive(Clone, Debug)]
pub struct WithPlaces {
    pub listing_id: ListingId,
    pub title: String,
    pub provider: String,
    pub district: String,
    /// (kind, places, free from, funding)
    pub places: Vec<(PlaceKind, i32, NaiveDate, VacancyFunding)>,
    pub updated_at: DateTime<Utc>,
    pub stale: bool,
    pub cqc: Option<CqcRating>,
    /// What the provider says brokers should know.
    pub notes: Option<String>,
}

/// Places free now, by district and kind, and the homes that have any.
#[derive(Clone, Debug, Default)]
pub struct PlacesNow {
    /// District → places free now of each kind (in `PlaceKind::ALL` order).
    pub by_district: BTreeMap<String, [i32; 4]>,
    pub homes: Vec<WithPlaces>,
}

fn kind_index(kind: PlaceKind) -> usize {
    PlaceKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// The public listings with places (free now, or from a later day), optionally one kind.
pub async fn places_now(
    conn: &impl ConnectionTrait,
    kind: Option<PlaceKind>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<PlacesNow, listings::ListingError> {
    let mut query = vacancies::Entity::find().filter(vacancies::Column::Places.gt(0));
    if let Some(kind) = kind {
        query = query.filter(vacancies::Column::Kind.eq(kind));
    }
    let rows = query
        .order_by_asc(vacancies::Column::ListingId)
        .all(conn)
        .await?;
    let mut by_listing: BTreeMap<ListingId, Vec<vacancies::Model>> = BTreeMap::new();
    for row in rows {
        by_listing.entry(row.listing_id).or_default().push(row);
    }
    let mut out = PlacesNow::default();
    for (listing_id, rows) in by_listing {
        let Some(listing) = listings::public_listing(conn, listing_id).await? else {
            continue;
        };
        let district = listing.listing.market_district.clone();
        let counts = out.by_district.entry(district.clone()).or_default();
        for r in rows.iter().filter(|r| r.available_from <= today) {
            counts[kind_index(r.kind)] += r.places;
        }
        let updated_at = rows.iter().map(|r| r.updated_at).min().unwrap_or(now);
        out.homes.push(WithPlaces {
            listing_id,
            title: listing.content.title.clone(),
            provider: listing.provider.name.clone(),
            district,
            places: rows
                .iter()
                .map(|r| (r.kind, r.places, r.available_from, r.funding))
                .collect(),
            updated_at,
            stale: is_stale(updated_at, now),
            cqc: listing.cqc.as_ref().and_then(|c| c.rating),
            notes: rows.iter().find_map(|r| r.notes.clone()),
        });
    }
    out.homes
        .sort_by(|a, b| a.district.cmp(&b.district).then(a.title.cmp(&b.title)));
    Ok(out)
}

/// Supply pressure in one district over a period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pressure {
    pub district: String,
    /// Places free on average at the end of each week of the period.
    pub average_places: f64,
    pub requests: u64,
    /// Homes asked (one request may go to several).
    pub homes_asked: u64,
    pub offers: u64,
    pub declined: u64,
    pub confirmed: u64,
}

impl Pressure {
    /// Placement requests per place free on average: the higher, the harder to place.
    pub fn requests_per_place(&self) -> Option<f64> {
        (self.average_places > 0.0).then(|| self.requests as f64 / self.average_places)
    }
}

/// For each district: places free on average (from the history of what providers said)
/// and the placement requests made there, between `from` and `until`.
pub async fn pressure(
    conn: &impl ConnectionTrait,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    district: Option<&str>,
) -> Result<Vec<Pressure>, DbErr> {
    let mut rows: BTreeMap<String, Pressure> = BTreeMap::new();
    // Replay the history: the last number said for each (listing, kind) at the end of each
    // week of the period and at its end, counting places already free by then, at listings
    // the public can find now (a listing suspended, hidden or never published says nothing).
    let public: BTreeSet<ListingId> = listing_rows::Entity::find()
        .filter(listing_rows::Column::Status.eq(ListingStatus::Approved))
        .filter(listing_rows::Column::SuspendedAt.is_null())
        .filter(listing_rows::Column::HiddenAt.is_null())
        .all(conn)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let history = vacancy_history::Entity::find()
        .filter(vacancy_history::Column::RecordedAt.lt(until))
        .order_by_asc(vacancy_history::Column::RecordedAt)
        .order_by_asc(vacancy_history::Column::Id)
        .all(conn)
        .await?;
    let mut samples = Vec::new();
    let mut at = from + Duration::days(7);
    while at < until {
        samples.push(at);
        at += Duration::days(7);
    }
    samples.push(until);
    let mut latest: BTreeMap<(ListingId, PlaceKind), (String, i32, NaiveDate)> = BTreeMap::new();
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    let mut next = history.iter().peekable();
    for sample in &samples {
        while let Some(h) = next.next_if(|h| h.recorded_at <= *sample) {
            latest.insert(
                (h.listing_id, h.kind),
                (h.district.clone(), h.places, h.available_from),
            );
        }
        let day = sample.date_naive();
        for ((listing, _), (district, places, from)) in &latest {
            if public.contains(listing) && *from <= day {
                *sums.entry(district.clone()).or_default() += i64::from(*places);
            }
        }
    }
    for (district, sum) in sums {
        rows.entry(district.clone())
            .or_insert_with(|| Pressure {
                district,
                ..Default::default()
            })
            .average_places = sum as f64 / samples.len() as f64;
    }
    let requests = placement_requests::Entity::find()
        .filter(placement_requests::Column::CreatedAt.gte(from))
        .filter(placement_requests::Column::CreatedAt.lt(until))
        .all(conn)
        .await?;
    let ids: Vec<i64> = requests.iter().map(|r| r.id).collect();
    let mut offers: BTreeMap<i64, Vec<placement_offers::Model>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for offer in placement_offers::Entity::find()
            .filter(placement_offers::Column::RequestId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            offers.entry(offer.request_id).or_default().push(offer);
        }
    }
    for request in &requests {
        let row = rows
            .entry(request.district.clone())
            .or_insert_with(|| Pressure {
                district: request.district.clone(),
                ..Default::default()
            });
        row.requests += 1;
        for offer in offers.get(&request.id).into_iter().flatten() {
            row.homes_asked += 1;
            match offer.status {
                OfferStatus::Offered | OfferStatus::Confirmed => row.offers += 1,
                OfferStatus::Declined => row.declined += 1,
                OfferStatus::Closed if offer.offer_details.is_some() => row.offers += 1,
                _ => {}
            }
        }
        if request.status == PlacementStatus::Confirmed {
            row.confirmed += 1;
        }
    }
    Ok(rows
        .into_values()
        .filter(|r| district.is_none_or(|d| r.district == d))
        .filter(|r| r.average_places > 0.0 || r.requests > 0)
        .collect())
}
