//! Applying an import of CQC's register: keep what it says of the locations Kith cares
//! about, compare with the last import, and queue what changed for an admin. Nothing is
//! suspended or changed on a listing by the import itself; the listings at changed locations
//! are re-indexed so search shows the new rating.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use entity::cqc_changes::CqcChangeKind;
use entity::cqc_locations::CqcRating;
use entity::listings::{ListingId, ListingStatus};
use entity::{
    cqc_changes, cqc_imports, cqc_locations, listing_revisions, listings, provider_organisations,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;

use super::register::{Register, RegisteredLocation};
use super::{CqcError, rating_score};
use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::search::changes as search_changes;

/// A file whose locations miss more than this share of those Kith knows is taken to be part
/// of the register (filtered by someone), so nobody is marked deregistered from it.
const MOST_MISSING_SHARE: f64 = 0.5;
/// A file with fewer rows than this share of the last import's is taken to be part of the
/// register too (someone filtered it).
const FEWEST_ROWS_SHARE: f64 = 0.9;

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub import_id: i64,
    pub rows_read: usize,
    pub problems: Vec<String>,
    /// Locations kept: those of Kith's listings and providers, and in the council's area.
    pub kept: usize,
    /// Kith listings at a location the file lists.
    pub listings_matched: usize,
    pub changes: Vec<(CqcChangeKind, String)>,
    /// Locations Kith knew that the file does not list, when it seemed to be only part of
    /// the register and nobody was marked deregistered: (missing, known).
    pub part_of_register: Option<(usize, usize)>,
    /// Registered locations in the council's area with no Kith listing.
    pub unlisted_in_area: usize,
}

impl ImportReport {
    pub fn summary(&self) -> String {
        use crate::domain::words::plural;
        format!(
            "{} read: {} kept, {} matched, {} for review",
            plural(self.rows_read, "row", "rows"),
            plural(self.kept, "location", "locations"),
            plural(self.listings_matched, "listing", "listings"),
            plural(self.changes.len(), "change", "changes")
        )
    }
}

#[derive(Deserialize)]
struct LocationOnly {
    cqc_location_id: Option<String>,
}

/// Kith's listings (not archived) by the CQC locations their published version and their
/// version being edited name (a pending edit may change the location).
pub async fn listings_by_location(
    conn: &impl ConnectionTrait,
) -> Result<BTreeMap<String, Vec<ListingId>>, DbErr> {
    let rows: Vec<(ListingId, Option<i64>, Option<i64>)> = listings::Entity::find()
        .select_only()
        .column(listings::Column::Id)
        .column(listings::Column::LiveRevisionId)
        .column(listings::Column::WorkingRevisionId)
        .filter(listings::Column::Status.ne(ListingStatus::Archived))
        .into_tuple()
        .all(conn)
        .await?;
    let revisions: BTreeMap<i64, ListingId> = rows
        .iter()
        .flat_map(|(id, live, working)| [live, working].into_iter().flatten().map(|r| (*r, *id)))
        .collect();
    let mut by_location: BTreeMap<String, Vec<ListingId>> = BTreeMap::new();
    for chunk in revisions.keys().copied().collect::<Vec<_>>().chunks(500) {
        let found: Vec<(i64, String)> = listing_revisions::Entity::find()
            .select_only()
            .column(listing_revisions::Column::Id)
            .column(listing_revisions::Column::Content)
            .filter(listing_revisions::Column::Id.is_in(chunk.iter().copied()))
            .filter(listing_revisions::Column::Content.contains("\"cqc_location_id\":\"1-"))
            .into_tuple()
            .all(conn)
            .await?;
        for (revision, content) in found {
            let Ok(LocationOnly {
                cqc_location_id: Some(location),
            }) = serde_json::from_str(&content)
            else {
                continue;
            };
            if let Some(listing) = revisions.get(&revision) {
                let at = by_location.entry(location).or_default();
                if !at.contains(listing) {
                    at.push(*listing);
                }
            }
        }
    }
    Ok(by_location)
}

/// The most recent imports, newest first.
pub async fn recent(
    conn: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<cqc_imports::Model>, DbErr> {
    cqc_imports::Entity::find()
        .order_by_desc(cqc_imports::Column::Id)
        .limit(limit)
        .all(conn)
        .await
}

/// CQC provider ids of the organisations Kith knows.
async fn known_providers(conn: &impl ConnectionTrait) -> Result<BTreeSet<String>, DbErr> {
    let ids: Vec<Option<String>> = provider_organisations::Entity::find()
        .select_only()
        .column(provider_organisations::Column::CqcProviderId)
        .filter(provider_organisations::Column::CqcProviderId.is_not_null())
        .into_tuple()
        .all(conn)
        .await?;
    Ok(ids.into_iter().flatten().collect())
}

/// What changed at one location between the stored row and the file (`None`: first seen).
fn change_of(
    before: Option<&cqc_locations::Model>,
    now: &RegisteredLocation,
    listed: bool,
    provider_known_before: bool,
) -> Option<CqcChangeKind> {
    let was = before.filter(|b| b.removed_at.is_none());
    if listed {
        let became_inadequate = now.overall_rating == Some(CqcRating::Inadequate)
            && was.is_none_or(|b| b.overall_rating != Some(CqcRating::Inadequate));
        if became_inadequate {
            return Some(CqcChangeKind::NowInadequate);
        }
        let went_down = was.is_some_and(|b| {
            matches!((b.overall_rating, now.overall_rating),
                (Some(old), Some(new)) if rating_score(new) < rating_score(old))
        });
        if went_down {
            return Some(CqcChangeKind::RatingDown);
        }
        if now.dormant && was.is_none_or(|b| !b.dormant) {
            return Some(CqcChangeKind::Dormant);
        }
        None
    } else if provider_known_before && before.is_none() {
        // The last import kept every location of a provider Kith knew then, so one it did
        // not keep is new. A provider that gave Kith its CQC id since is not told of every
        // home it already had.
        Some(CqcChangeKind::NewLocation)
    } else {
        None
    }
}

fn row_of(
    l: &RegisteredLocation,
    import_id: i64,
    now: DateTime<Utc>,
) -> cqc_locations::ActiveModel {
    let [safe, effective, caring, responsive, well_led] = l.key_questions;
    cqc_locations::ActiveModel {
        location_id: Set(l.location_id.clone()),
        name: Set(l.name.clone()),
        provider_id: Set(l.provider_id.clone()),
        provider_name: Set(l.provider_name.clone()),
        postcode: Set(l.postcode.clone()),
        street: Set(l.street.clone()),
        town: Set(l.town.clone()),
        phone: Set(l.phone.clone()),
        website: Set(l.website.clone()),
        local_authority: Set(l.local_authority.clone()),
        location_type: Set(l.location_type.clone()),
        inspection_category: Set(l.inspection_category.clone()),
        care_home: Set(l.care_home),
        beds: Set(l.beds),
        overall_rating: Set(l.overall_rating),
        published_on: Set(l.published_on),
        inherited: Set(l.inherited),
        dormant: Set(l.dormant),
        registered_on: Set(l.registered_on),
        safe: Set(safe),
        effective: Set(effective),
        caring: Set(caring),
        responsive: Set(responsive),
        well_led: Set(well_led),
        service_types: Set(l.service_types.join("\n")),
        user_bands: Set(l.user_bands.join("\n")),
        regulated_activities: Set(l.regulated_activities.join("\n")),
        last_import_id: Set(import_id),
        removed_at: Set(None),
        updated_at: Set(now),
    }
}

/// The file's locations Kith keeps: its listings', its providers' and the council's area's.
fn kept<'a>(
    register: &'a Register,
    listed: &BTreeMap<String, Vec<ListingId>>,
    providers: &BTreeSet<String>,
    local_authority: &str,
) -> Vec<&'a RegisteredLocation> {
    let mut seen = BTreeSet::new();
    register
        .locations
        .iter()
        .filter(|l| {
            listed.contains_key(&l.location_id)
                || providers.contains(&l.provider_id)
                || l.local_authority.eq_ignore_ascii_case(local_authority)
        })
        .filter(|l| seen.insert(l.location_id.clone()))
        .collect()
}

/// Imports a register read from `file_name`, for the council whose area is the local
/// authority named (as CQC writes it, "Trafford").
#[tracing::instrument(skip(db, register))]
pub async fn run(
    db: &DatabaseConnection,
    actor: &Actor,
    register: Register,
    file_name: &str,
    local_authority: &str,
) -> Result<ImportReport, CqcError> {
    if register.locations.is_empty() {
        return Err(CqcError::Empty);
    }
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let listed = listings_by_location(&txn).await?;
    let providers = known_providers(&txn).await?;
    let last_import = cqc_imports::Entity::find()
        .order_by_desc(cqc_imports::Column::Id)
        .one(&txn)
        .await?;
    let known_before: BTreeSet<&str> = last_import
        .as_ref()
        .map(|i| i.providers_known.lines().collect())
        .unwrap_or_default();
    let before: BTreeMap<String, cqc_locations::Model> = cqc_locations::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.location_id.clone(), l))
        .collect();
    let keep = kept(&register, &listed, &providers, local_authority);
    let import = cqc_imports::Entity::insert(cqc_imports::ActiveModel {
        file_name: Set(file_name.chars().take(200).collect()),
        imported_by_user_id: Set(actor.user_id),
        rows_read: Set(register.rows_read as i64),
        locations_kept: Set(keep.len() as i64),
        listings_matched: Set(0),
        changes_queued: Set(0),
        providers_known: Set(providers.iter().cloned().collect::<Vec<_>>().join("\n")),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let import_id = import.last_insert_id;
    let mut report = ImportReport {
        import_id,
        rows_read: register.rows_read,
        kept: keep.len(),
        ..Default::default()
    };
    let mut changed: Vec<(CqcChangeKind, String, Option<CqcRating>, Option<CqcRating>)> =
        Vec::new();
    let mut reindex: BTreeSet<ListingId> = BTreeSet::new();
    for location in &keep {
        let at = listed.get(&location.location_id);
        let prior = before.get(&location.location_id);
        if let Some(at) = at {
            report.listings_matched += at.len();
            reindex.extend(at.iter().copied());
        } else if location
            .local_authority
            .eq_ignore_ascii_case(local_authority)
        {
            report.unlisted_in_area += 1;
        }
        if let Some(kind) = change_of(
            prior,
            location,
            at.is_some(),
            known_before.contains(location.provider_id.as_str()),
        ) {
            changed.push((
                kind,
                location.location_id.clone(),
                prior.and_then(|p| p.overall_rating),
                location.overall_rating,
            ));
        }
        let row = row_of(location, import_id, now);
        if prior.is_some() {
            cqc_locations::Entity::update(row).exec(&txn).await?;
        } else {
            cqc_locations::Entity::insert(row)
                .exec_without_returning(&txn)
                .await?;
        }
    }
    // Locations Kith knew that the register no longer lists have been deregistered, unless
    // the file looks like part of the register.
    let in_file: BTreeSet<&str> = register
        .locations
        .iter()
        .map(|l| l.location_id.as_str())
        .collect();
    let known: Vec<&cqc_locations::Model> =
        before.values().filter(|b| b.removed_at.is_none()).collect();
    let missing: Vec<&cqc_locations::Model> = known
        .iter()
        .copied()
        .filter(|b| !in_file.contains(b.location_id.as_str()))
        .collect();
    let fewer_rows = last_import.as_ref().is_some_and(|last| {
        (register.rows_read as f64) < last.rows_read as f64 * FEWEST_ROWS_SHARE
    });
    if !missing.is_empty()
        && (missing.len() as f64 > known.len() as f64 * MOST_MISSING_SHARE || fewer_rows)
    {
        report.part_of_register = Some((missing.len(), known.len()));
    } else {
        for gone in missing {
            let mut row: cqc_locations::ActiveModel = gone.clone().into();
            row.removed_at = Set(Some(now));
            row.updated_at = Set(now);
            cqc_locations::Entity::update(row).exec(&txn).await?;
            if let Some(at) = listed.get(&gone.location_id) {
                reindex.extend(at.iter().copied());
                changed.push((
                    CqcChangeKind::Deregistered,
                    gone.location_id.clone(),
                    gone.overall_rating,
                    None,
                ));
            }
        }
    }
    for (kind, location_id, from, to) in &changed {
        cqc_changes::Entity::insert(cqc_changes::ActiveModel {
            import_id: Set(import_id),
            location_id: Set(location_id.clone()),
            kind: Set(*kind),
            from_rating: Set(*from),
            to_rating: Set(*to),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        report.changes.push((*kind, location_id.clone()));
    }
    for id in &reindex {
        search_changes::record(&txn, *id).await?;
    }
    let mut row: cqc_imports::ActiveModel = cqc_imports::Entity::find_by_id(import_id)
        .one(&txn)
        .await?
        .ok_or(CqcError::Db(DbErr::RecordNotFound("cqc import".into())))?
        .into();
    row.listings_matched = Set(report.listings_matched as i64);
    row.changes_queued = Set(report.changes.len() as i64);
    cqc_imports::Entity::update(row).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::CqcImported, "cqc_import", import_id).detail(format!(
            "{} rows, {} locations kept, {} listings matched, {} changes queued",
            report.rows_read,
            report.kept,
            report.listings_matched,
            report.changes.len()
        )),
    )
    .await?;
    txn.commit().await?;
    report.problems = register.problems;
    Ok(report)
}
