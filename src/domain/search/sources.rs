//! Everything the index documents of a batch of listings are made from, loaded in a few
//! queries for the whole batch (a thousand listings cost seven queries, not seven thousand):
//! the listings, their organisations and live versions, the organisations' evidence, the
//! latest published inspections, the CQC locations the listings name, and their places.

use std::collections::{BTreeSet, HashMap};

use entity::inspections::InspectionStatus;
use entity::listings::ListingId;
use entity::provider_organisations::OrganisationId;
use entity::{
    cqc_locations, inspections, listing_revisions, listings as listing_rows, provider_evidence,
    provider_organisations, vacancies,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::listings::content::ListingContent;
use crate::domain::listings::{self, ListingError};
use entity::vacancies::PlaceKind;

/// A public listing with its live version.
pub struct Live {
    pub listing: listing_rows::Model,
    pub revision: listing_revisions::Model,
    pub content: ListingContent,
}

/// The batch, loaded: only the listings the public may find, with what their documents need.
#[derive(Default)]
pub struct Sources {
    pub live: Vec<Live>,
    pub orgs: HashMap<OrganisationId, provider_organisations::Model>,
    pub evidence: HashMap<OrganisationId, Vec<provider_evidence::Model>>,
    /// The latest published inspection of each listing.
    pub inspections: HashMap<ListingId, inspections::Model>,
    pub cqc: HashMap<String, cqc_locations::Model>,
    /// Each listing's places, in the order kinds are shown.
    pub vacancies: HashMap<ListingId, Vec<vacancies::Model>>,
}

impl Sources {
    pub async fn load(
        conn: &impl ConnectionTrait,
        ids: &[ListingId],
    ) -> Result<Self, ListingError> {
        let rows = listing_rows::Entity::find()
            .filter(listing_rows::Column::Id.is_in(ids.iter().copied()))
            .all(conn)
            .await?;
        let org_ids: BTreeSet<OrganisationId> = rows.iter().map(|l| l.organisation_id).collect();
        let orgs: HashMap<_, _> = provider_organisations::Entity::find()
            .filter(provider_organisations::Column::Id.is_in(org_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let public: Vec<_> = rows
            .into_iter()
            .filter(|l| {
                orgs.get(&l.organisation_id)
                    .is_some_and(|org| listings::is_public(l, org))
            })
            .collect();
        let mut revisions: HashMap<i64, _> = listing_revisions::Entity::find()
            .filter(
                listing_revisions::Column::Id
                    .is_in(public.iter().filter_map(|l| l.live_revision_id)),
            )
            .all(conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut live = Vec::with_capacity(public.len());
        for listing in public {
            let Some(revision) = listing
                .live_revision_id
                .and_then(|id| revisions.remove(&id))
            else {
                continue;
            };
            // One listing that cannot be read must not keep every other out of search.
            let content = match ListingContent::from_json(&revision.content) {
                Ok(content) => content,
                Err(err) => {
                    tracing::error!(listing = listing.id.0, %err, "a live version cannot be read; left out of search");
                    continue;
                }
            };
            live.push(Live {
                listing,
                revision,
                content,
            });
        }
        let listing_ids: Vec<ListingId> = live.iter().map(|l| l.listing.id).collect();
        let org_ids: BTreeSet<OrganisationId> =
            live.iter().map(|l| l.listing.organisation_id).collect();
        let evidence = grouped(
            provider_evidence::Entity::find()
                .filter(provider_evidence::Column::OrganisationId.is_in(org_ids))
                .all(conn)
                .await?,
            |e| e.organisation_id,
        );
        let mut latest: HashMap<ListingId, inspections::Model> = HashMap::new();
        for i in inspections::Entity::find()
            .filter(inspections::Column::ListingId.is_in(listing_ids.iter().copied()))
            .filter(inspections::Column::Status.eq(InspectionStatus::Published))
            .all(conn)
            .await?
        {
            match latest.get(&i.listing_id) {
                Some(kept) if kept.published_at >= i.published_at => {}
                _ => {
                    latest.insert(i.listing_id, i);
                }
            }
        }
        let locations: BTreeSet<String> = live
            .iter()
            .filter_map(|l| l.content.cqc_location_id.clone())
            .collect();
        let cqc = if locations.is_empty() {
            HashMap::new()
        } else {
            cqc_locations::Entity::find()
                .filter(cqc_locations::Column::LocationId.is_in(locations))
                .all(conn)
                .await?
                .into_iter()
                .map(|c| (c.location_id.clone(), c))
                .collect()
        };
        let mut places = grouped(
            vacancies::Entity::find()
                .filter(vacancies::Column::ListingId.is_in(listing_ids))
                .all(conn)
                .await?,
            |v| v.listing_id,
        );
        for rows in places.values_mut() {
            rows.sort_by_key(|v| PlaceKind::ALL.iter().position(|k| *k == v.kind));
        }
        Ok(Self {
            live,
            orgs,
            evidence,
            inspections: latest,
            cqc,
            vacancies: places,
        })
    }
}

/// Rows grouped by `key`, in the order they came.
fn grouped<K: std::hash::Hash + Eq, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut groups: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}
