//! Places free in care homes, supported living, day services and short stays, as their
//! providers say: how many of each kind, from when, and whether the council's rate covers
//! them. Numbers older than a week are shown as possibly out of date and their provider is
//! reminded; every change is kept for the market analysis.

pub mod form;
pub mod overview;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::listings::ListingId;
use entity::vacancies::{self, PlaceKind, VacancyFunding};
use entity::vacancy_history;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings::{self, ListingError};
use crate::domain::providers::organisations;
use crate::domain::search::changes as search_changes;
use crate::domain::search::documents::district_of_listing;
use crate::mail::places_templates;
use form::NewVacancy;

/// Numbers older than this are shown as possibly out of date, and the provider reminded.
pub const STALE_AFTER_DAYS: i64 = 7;

/// What a listing whose provider says it has no places shows.
pub const NONE_FREE: &str = "No places free";

/// The types of support (category slugs) whose listings can say they have places.
pub const PLACE_CATEGORIES: [&str; 5] = [
    "care-homes",
    "supported-living",
    "day-support",
    "respite-short-stays",
    "respite-day",
];

#[derive(Debug, thiserror::Error)]
pub enum VacancyError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Listing(#[from] ListingError),
    #[error("Only care homes, supported living, day services and short stays can list places")]
    NotAPlaceService,
}

pub fn kind_label(kind: PlaceKind) -> &'static str {
    match kind {
        PlaceKind::Residential => "Residential care",
        PlaceKind::Nursing => "Nursing care",
        PlaceKind::Respite => "Respite or short stay",
        PlaceKind::Day => "Day place",
    }
}

/// "2 nursing places", "1 day place".
pub fn places_phrase(kind: PlaceKind, places: i32) -> String {
    let what = match kind {
        PlaceKind::Residential => "residential",
        PlaceKind::Nursing => "nursing",
        PlaceKind::Respite => "respite",
        PlaceKind::Day => "day",
    };
    format!(
        "{places} {what} {}",
        if places == 1 { "place" } else { "places" }
    )
}

pub fn funding_label(funding: VacancyFunding) -> &'static str {
    match funding {
        VacancyFunding::CouncilRate => "At the council's rate",
        VacancyFunding::TopUp => "A top-up is needed above the council's rate",
    }
}

/// Whether numbers given at `updated_at` may be out of date by `now`.
pub fn is_stale(updated_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - updated_at > Duration::days(STALE_AFTER_DAYS)
}

/// Whether a listing filed under these category paths ("respite/respite-short-stays") may
/// list places.
pub fn offers_places<'a>(paths: impl IntoIterator<Item = &'a str>) -> bool {
    paths
        .into_iter()
        .any(|path| path.split('/').any(|slug| PLACE_CATEGORIES.contains(&slug)))
}

/// Whether a listing's types of support let it list places.
pub async fn listing_offers_places(
    conn: &impl ConnectionTrait,
    content: &crate::domain::listings::content::ListingContent,
) -> Result<bool, DbErr> {
    let paths = crate::domain::search::documents::CategoryPaths::load(conn).await?;
    Ok(offers_places(
        content.category_ids.iter().filter_map(|id| paths.path(*id)),
    ))
}

/// The listing's places, in kind order.
pub async fn of_listing(
    conn: &impl ConnectionTrait,
    listing_id: ListingId,
) -> Result<Vec<vacancies::Model>, DbErr> {
    let mut rows = vacancies::Entity::find()
        .filter(vacancies::Column::ListingId.eq(listing_id))
        .all(conn)
        .await?;
    rows.sort_by_key(|v| PlaceKind::ALL.iter().position(|k| *k == v.kind));
    Ok(rows)
}

/// The places free on `today` (a number above 0, free from today or before).
pub fn free_now(rows: &[vacancies::Model], today: NaiveDate) -> Vec<&vacancies::Model> {
    rows.iter()
        .filter(|v| v.places > 0 && v.available_from <= today)
        .collect()
}

/// Saves what a member of the provider says about a listing's places, keeping each change
/// for the market analysis and marking the listing for search.
#[tracing::instrument(skip(db, entries))]
pub async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    listing_id: ListingId,
    entries: &[NewVacancy],
    now: DateTime<Utc>,
) -> Result<(), VacancyError> {
    let txn = db.begin_write().await?;
    let view = listings::load(&txn, listing_id).await?;
    let district = view
        .latest()
        .map(|v| district_of_listing(&v.content))
        .unwrap_or_default();
    let before: BTreeMap<PlaceKind, vacancies::Model> = of_listing(&txn, listing_id)
        .await?
        .into_iter()
        .map(|v| (v.kind, v))
        .collect();
    let mut changed = Vec::new();
    for entry in entries {
        let row = vacancies::ActiveModel {
            listing_id: Set(listing_id),
            kind: Set(entry.kind),
            places: Set(entry.places),
            available_from: Set(entry.available_from),
            funding: Set(entry.funding),
            notes: Set(entry.notes.clone()),
            updated_at: Set(now),
            updated_by_user_id: Set(actor.user_id),
            reminded_at: Set(None),
        };
        let old = before.get(&entry.kind);
        // Insert or replace: two members saving at once never clash on the key.
        vacancies::Entity::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::columns([
                    vacancies::Column::ListingId,
                    vacancies::Column::Kind,
                ])
                .update_columns([
                    vacancies::Column::Places,
                    vacancies::Column::AvailableFrom,
                    vacancies::Column::Funding,
                    vacancies::Column::Notes,
                    vacancies::Column::UpdatedAt,
                    vacancies::Column::UpdatedByUserId,
                    vacancies::Column::RemindedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        if old.is_none_or(|o| o.places != entry.places || o.available_from != entry.available_from)
        {
            let history = HistoryEntry {
                listing_id,
                district: &district,
                kind: entry.kind,
                places: entry.places,
                available_from: entry.available_from,
            };
            record_history(&txn, history, now).await?;
            changed.push(places_phrase(entry.kind, entry.places));
        }
    }
    search_changes::record(&txn, listing_id).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::ListingPlacesUpdated, "listing", listing_id).detail(
            if changed.is_empty() {
                "numbers confirmed".to_owned()
            } else {
                changed.join(", ")
            },
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A change to a listing's places of one kind, as the market analysis reads it.
pub(crate) struct HistoryEntry<'a> {
    pub listing_id: ListingId,
    pub district: &'a str,
    pub kind: PlaceKind,
    pub places: i32,
    pub available_from: NaiveDate,
}

pub(crate) async fn record_history(
    conn: &impl ConnectionTrait,
    entry: HistoryEntry<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let HistoryEntry {
        listing_id,
        district,
        kind,
        places,
        available_from,
    } = entry;
    vacancy_history::Entity::insert(vacancy_history::ActiveModel {
        listing_id: Set(listing_id),
        kind: Set(kind),
        places: Set(places),
        available_from: Set(available_from),
        district: Set(district.chars().take(10).collect()),
        recorded_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// One place of `kind` taken (a confirmed placement): the number goes down by one, if the
/// provider had said there was one (whether it did is returned).
pub(crate) async fn take_one(
    conn: &impl ConnectionTrait,
    listing_id: ListingId,
    kind: PlaceKind,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // One statement, so two confirmations at once take two places.
    let taken = vacancies::Entity::update_many()
        .col_expr(
            vacancies::Column::Places,
            sea_orm::sea_query::ExprTrait::sub(
                sea_orm::sea_query::Expr::col(vacancies::Column::Places),
                1,
            ),
        )
        .filter(vacancies::Column::ListingId.eq(listing_id))
        .filter(vacancies::Column::Kind.eq(kind))
        .filter(vacancies::Column::Places.gt(0))
        .exec(conn)
        .await?;
    if taken.rows_affected == 0 {
        return Ok(false);
    }
    let Some(row) = vacancies::Entity::find_by_id((listing_id, kind))
        .one(conn)
        .await?
    else {
        return Ok(true);
    };
    let district = match listings::load(conn, listing_id).await {
        Ok(view) => view
            .latest()
            .map(|v| district_of_listing(&v.content))
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    let history = HistoryEntry {
        listing_id,
        district: &district,
        kind,
        places: row.places,
        available_from: row.available_from,
    };
    record_history(conn, history, now).await?;
    search_changes::record(conn, listing_id).await?;
    Ok(true)
}

/// Emails the members of providers whose places are more than a week old, once per update,
/// asking them to check the numbers. Returns how many listings' providers were reminded.
pub async fn remind_stale(
    db: &DatabaseConnection,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, VacancyError> {
    let stale = vacancies::Entity::find()
        .filter(vacancies::Column::Places.gt(0))
        .filter(vacancies::Column::UpdatedAt.lt(now - Duration::days(STALE_AFTER_DAYS)))
        .filter(vacancies::Column::RemindedAt.is_null())
        .order_by_asc(vacancies::Column::ListingId)
        .all(db)
        .await?;
    let mut by_listing: BTreeMap<ListingId, Vec<vacancies::Model>> = BTreeMap::new();
    for v in stale {
        by_listing.entry(v.listing_id).or_default().push(v);
    }
    let mut reminded = 0;
    for (listing_id, rows) in by_listing {
        let txn = db.begin_write().await?;
        // Claim the rows first: another process sending the same reminders finds none.
        let claimed = vacancies::Entity::update_many()
            .col_expr(
                vacancies::Column::RemindedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(vacancies::Column::ListingId.eq(listing_id))
            .filter(vacancies::Column::RemindedAt.is_null())
            .filter(vacancies::Column::Places.gt(0))
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        let view = listings::load(&txn, listing_id).await?;
        let oldest = rows.iter().map(|r| r.updated_at).min().unwrap_or(now);
        let since = crate::domain::dates::format_uk_date(&oldest);
        let link = format!(
            "{base_url}{}",
            crate::paths::provider_listing_places(listing_id)
        );
        organisations::email_members(&txn, view.org.id, |email, name| {
            places_templates::check_places(email, name, view.title(), &since, &link)
        })
        .await?;
        audit::record(
            &txn,
            &Actor::system(),
            Event::new(Action::ListingPlacesReminderSent, "listing", listing_id),
        )
        .await?;
        txn.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Marks for search the listings whose places became free after `since` and by `today`,
/// so "has places now" finds them from the day they are free.
pub async fn record_becoming_free(
    conn: &impl ConnectionTrait,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<usize, DbErr> {
    let rows = vacancies::Entity::find()
        .filter(vacancies::Column::Places.gt(0))
        .filter(vacancies::Column::AvailableFrom.gt(since))
        .filter(vacancies::Column::AvailableFrom.lte(today))
        .all(conn)
        .await?;
    let listings: std::collections::BTreeSet<ListingId> =
        rows.into_iter().map(|v| v.listing_id).collect();
    for id in &listings {
        search_changes::record(conn, *id).await?;
    }
    Ok(listings.len())
}
