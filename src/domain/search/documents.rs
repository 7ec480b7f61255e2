//! What the search index holds about a listing: built from the database for the live
//! version of published, visible listings only; anything else is removed from the index.

use entity::listings::ListingId;
use entity::listings::ListingStatus;
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{categories, listings as listing_rows};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use search_index::{CategoryRef, ListingDoc, METRES_PER_MILE, locate};

use crate::domain::cqc::{CqcSummary, rating_score};
use crate::domain::listings::ListingError;
use crate::domain::listings::content::{Price, client_group_label};
use crate::domain::market::supply::Projection;
use crate::domain::providers::evidence::EvidenceKind;
use crate::domain::providers::evidence_expiry::{Expiry, expiry_of};
use crate::domain::search::sources::{Live, Sources};

/// A category's path: "respite/respite-agency" under its parent, or its own slug.
pub fn path_of(c: &categories::Model, parent_slug: Option<&String>) -> String {
    match parent_slug {
        Some(parent) => format!("{parent}/{}", c.slug),
        None => c.slug.clone(),
    }
}

/// Category paths ("respite/respite-agency") and names by id.
pub struct CategoryPaths(HashMap<i64, CategoryRef>);

impl CategoryPaths {
    pub async fn load(conn: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let all = categories::Entity::find().all(conn).await?;
        let slugs: HashMap<i64, String> = all.iter().map(|c| (c.id, c.slug.clone())).collect();
        Ok(Self(
            all.into_iter()
                .map(|c| {
                    let path = path_of(&c, c.parent_id.and_then(|p| slugs.get(&p)));
                    (c.id, CategoryRef { path, name: c.name })
                })
                .collect(),
        ))
    }
}

impl CategoryPaths {
    /// A category's path ("respite/respite-short-stays"), by id.
    pub fn path(&self, id: i64) -> Option<&str> {
        self.0.get(&id).map(|c| c.path.as_str())
    }

    /// Each category id's top-level slug (its own, for a top-level category).
    pub fn top_slugs(&self) -> std::collections::BTreeMap<i64, String> {
        self.0
            .iter()
            .map(|(id, c)| (*id, c.path.split('/').next().unwrap_or_default().to_owned()))
            .collect()
    }

    /// Names by category id.
    pub fn names_by_id(&self) -> std::collections::BTreeMap<i64, String> {
        self.0.iter().map(|(id, c)| (*id, c.name.clone())).collect()
    }

    /// Names by path ("respite/respite-agency" → "Respite at home").
    pub fn names_by_path(&self) -> std::collections::BTreeMap<String, String> {
        self.0
            .values()
            .map(|c| (c.path.clone(), c.name.clone()))
            .collect()
    }
}

/// The postcode district of a place ("M33 7AB", "M33 7" or "M33" → "M33").
fn district_of(place: &str) -> Option<String> {
    let parsed = crate::domain::postcode::parse_place(place).ok()?;
    parsed.split(' ').next().map(str::to_owned)
}

/// The district a listing is in: its venue's, or else where its home visits start from ("" when
/// online only).
pub fn district_of_listing(c: &crate::domain::listings::content::ListingContent) -> String {
    c.venue
        .as_ref()
        .and_then(|v| district_of(&v.postcode))
        .or_else(|| c.at_home.as_ref().and_then(|h| district_of(&h.place)))
        .unwrap_or_default()
}

/// The index documents of those of these listings the public may find, from a few queries
/// for the whole batch.
pub async fn public_projections(
    conn: &impl ConnectionTrait,
    categories: &CategoryPaths,
    ids: &[ListingId],
    today: NaiveDate,
) -> Result<Vec<Projection>, ListingError> {
    let sources = Sources::load(conn, ids).await?;
    Ok(sources
        .live
        .iter()
        .filter_map(|live| project(&sources, categories, live, today))
        .collect())
}

/// The index document of one public listing of a loaded batch, with its district for the
/// market tables.
fn project(
    sources: &Sources,
    categories: &CategoryPaths,
    live: &Live,
    today: NaiveDate,
) -> Option<Projection> {
    let listing_id = live.listing.id;
    let org = sources.orgs.get(&live.listing.organisation_id)?;
    let c = &live.content;
    let evidence = sources.evidence.get(&org.id).map_or(&[][..], Vec::as_slice);
    let inspection = sources.inspections.get(&listing_id);
    let current = |kind: EvidenceKind| {
        evidence
            .iter()
            .any(|e| e.kind == kind && expiry_of(e, today) != Expiry::Lapsed)
    };
    // A location the register no longer lists says nothing about the service now; and a
    // listing cannot borrow another provider's rating by naming its home.
    let cqc = c
        .cqc_location_id
        .as_ref()
        .and_then(|id| sources.cqc.get(id))
        .filter(|row| {
            org.cqc_provider_id
                .as_deref()
                .is_none_or(|p| p == row.provider_id)
        })
        .map(CqcSummary::of)
        .filter(|s| !s.deregistered);
    let in_category = |slug: &str| {
        c.category_ids.iter().any(|id| {
            categories
                .0
                .get(id)
                .is_some_and(|c| c.path.rsplit('/').next() == Some(slug))
        })
    };
    // Only services that can have places say so (a home that became a day club does not).
    let places = if crate::domain::vacancies::offers_places(
        c.category_ids.iter().filter_map(|id| categories.path(*id)),
    ) {
        sources
            .vacancies
            .get(&listing_id)
            .map_or(&[][..], Vec::as_slice)
    } else {
        &[]
    };
    let said = places
        .iter()
        .filter(|v| v.places > 0)
        .map(|v| v.updated_at)
        .min()
        .or_else(|| places.iter().map(|v| v.updated_at).max());
    let places = said.map(|updated| {
        let free = crate::domain::vacancies::free_now(places, today);
        let later: Vec<_> = places
            .iter()
            .filter(|v| v.places > 0 && v.available_from > today)
            .collect();
        let mut words: Vec<String> = free
            .iter()
            .map(|v| crate::domain::vacancies::places_phrase(v.kind, v.places))
            .collect();
        words.extend(later.iter().map(|v| {
            format!(
                "{} from {}",
                crate::domain::vacancies::places_phrase(v.kind, v.places),
                crate::domain::dates::format_date(&v.available_from)
            )
        }));
        search_index::Places {
            free_now: !free.is_empty(),
            summary: if words.is_empty() {
                crate::domain::vacancies::NONE_FREE.to_owned()
            } else {
                words.join(", ")
            },
            updated: updated.to_rfc3339(),
        }
    });
    let district = district_of_listing(c);
    let doc = ListingDoc {
        listing_id: listing_id.0 as u64,
        provider_id: org.id.0 as u64,
        title: c.title.clone(),
        summary: c.summary.clone(),
        description: c.description.clone(),
        provider_name: org.name.clone(),
        provider_kind: org.kind.as_str().to_owned(),
        categories: c
            .category_ids
            .iter()
            .filter_map(|id| categories.0.get(id).cloned())
            .collect(),
        client_groups: c
            .client_groups
            .iter()
            .map(|k| (k.clone(), client_group_label(k).to_owned()))
            .collect(),
        languages: c.languages.clone(),
        days: c.availability.days.clone(),
        price: match &c.price {
            Price::Free => search_index::Price::Free,
            Price::Charged { pence, unit } => search_index::Price::Charged {
                pence: u64::try_from(*pence).unwrap_or(0),
                unit: unit.as_str().to_owned(),
            },
            Price::NotGiven => search_index::Price::NotGiven,
        },
        accepting_new_clients: c.accepting_new_clients,
        dbs_checked: current(EvidenceKind::Dbs),
        insured: current(EvidenceKind::Insurance),
        quality_checked: inspection.is_some(),
        rating: inspection.and_then(|i| i.overall_score).map(|s| s as f32),
        home: c.at_home.as_ref().and_then(|h| {
            locate(&h.place).map(|l| {
                (
                    l.point,
                    (f64::from(h.radius_miles) * METRES_PER_MILE).round() as i64,
                )
            })
        }),
        venue: c
            .venue
            .as_ref()
            .and_then(|v| locate(&v.postcode))
            .map(|l| l.point),
        online: c.online,
        modified: live
            .revision
            .decided_at
            .unwrap_or(live.listing.updated_at)
            .timestamp(),
        opens: c.availability.from.as_deref().and_then(minute_of_day),
        closes: c.availability.to.as_deref().and_then(minute_of_day),
        lang: c.lang().map(str::to_owned),
        photo: c.photos.first().map(|p| search_index::Photo {
            thumbnail: p.thumbnail.clone(),
            alt: p.alt.clone(),
        }),
        nursing: cqc.as_ref().is_some_and(CqcSummary::nursing) || in_category("care-homes-nursing"),
        dementia: cqc.as_ref().is_some_and(CqcSummary::dementia)
            || in_category("care-homes-dementia"),
        beds: cqc
            .as_ref()
            .filter(|s| s.care_home)
            .and_then(|s| s.beds)
            .and_then(|b| u32::try_from(b).ok()),
        places,
        cqc: cqc.as_ref().and_then(|s| {
            s.rating.map(|rating| search_index::CqcRating {
                rating: rating.as_str().to_owned(),
                published: s.published_on.map(|d| d.to_string()),
                score: rating_score(rating),
            })
        }),
    };
    Some(Projection {
        doc,
        district,
        provider_kind: org.kind,
        stored_place: (
            live.listing.market_district.clone(),
            live.listing.market_categories.clone(),
        ),
    })
}

/// "09:30" → 570.
pub fn minute_of_day(time: &str) -> Option<u16> {
    let (h, m) = time.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.get(..2).unwrap_or(m).parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Every listing that may be public, for a full rebuild.
pub async fn candidate_ids(conn: &impl ConnectionTrait) -> Result<Vec<ListingId>, DbErr> {
    listing_rows::Entity::find()
        .select_only()
        .column(listing_rows::Column::Id)
        .filter(listing_rows::Column::Status.eq(ListingStatus::Approved))
        .into_tuple()
        .all(conn)
        .await
}
