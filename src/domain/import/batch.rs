//! What the rows of one import transaction share: the source ids already known, looked up
//! once for all of them (with their organisations), and what they write at the end in one
//! statement each (source ids, search changes and audit entries). A few hundred rows then
//! cost a few queries each, not a dozen.

use std::collections::HashMap;

use entity::import_sources::{self, ImportKind};
use entity::listing_revisions;
use entity::listings::{self as listing_rows, ListingId};
use entity::provider_organisations::{self, OrganisationId};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::rows::ImportRow;
use crate::domain::audit::{self, Actor, Event};
use crate::domain::search::changes as search_changes;

#[derive(Default)]
pub struct Batch {
    services: HashMap<String, i64>,
    organisations: HashMap<String, i64>,
    /// The known organisations themselves, as they stand now.
    pub orgs: HashMap<OrganisationId, provider_organisations::Model>,
    sources: Vec<import_sources::ActiveModel>,
    /// First versions of new listings, and whether they are live (else waiting for review).
    first_versions: Vec<listing_revisions::ActiveModel>,
    published: bool,
    changes: Vec<ListingId>,
    events: Vec<Event>,
}

impl Batch {
    /// Looks up the listings and organisations these rows' source ids were imported as.
    pub async fn load(conn: &impl ConnectionTrait, rows: &[&ImportRow]) -> Result<Self, DbErr> {
        let ids_of = |kind: ImportKind| -> Vec<String> {
            rows.iter()
                .map(|r| match kind {
                    ImportKind::Service => r.source_id.clone(),
                    ImportKind::Organisation => r.organisation.source_id.clone(),
                })
                .collect()
        };
        let mut batch = Self::default();
        for kind in [ImportKind::Service, ImportKind::Organisation] {
            let found = import_sources::Entity::find()
                .filter(import_sources::Column::Kind.eq(kind))
                .filter(import_sources::Column::SourceId.is_in(ids_of(kind)))
                .all(conn)
                .await?;
            let map = match kind {
                ImportKind::Service => &mut batch.services,
                ImportKind::Organisation => &mut batch.organisations,
            };
            map.extend(found.into_iter().map(|s| (s.source_id, s.local_id)));
        }
        batch.orgs = provider_organisations::Entity::find()
            .filter(
                provider_organisations::Column::Id
                    .is_in(batch.organisations.values().map(|id| OrganisationId(*id))),
            )
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        Ok(batch)
    }

    /// The local id a source id was imported as.
    pub fn local_id(&self, kind: ImportKind, source_id: &str) -> Option<i64> {
        match kind {
            ImportKind::Service => self.services.get(source_id),
            ImportKind::Organisation => self.organisations.get(source_id),
        }
        .copied()
    }

    /// Notes that `source_id` is `local` from now on (written with the batch).
    pub fn remember(&mut self, kind: ImportKind, source_id: &str, local: i64) {
        match kind {
            ImportKind::Service => self.services.insert(source_id.to_owned(), local),
            ImportKind::Organisation => self.organisations.insert(source_id.to_owned(), local),
        };
        self.sources.push(import_sources::ActiveModel {
            kind: Set(kind),
            source_id: Set(source_id.to_owned()),
            local_id: Set(local),
            imported_at: Set(chrono::Utc::now()),
            ..Default::default()
        });
    }

    /// A new listing's first version (written with the batch, then made the listing's live
    /// version when `published`, else the one waiting for review).
    pub fn first_version(&mut self, version: listing_revisions::ActiveModel, published: bool) {
        self.first_versions.push(version);
        self.published = published;
    }

    /// The listing changed what the public can find (written with the batch).
    pub fn changed(&mut self, listing: ListingId) {
        self.changes.push(listing);
    }

    /// An audit entry (written with the batch).
    pub fn audit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Writes what the rows left to the end, in the rows' transaction.
    pub async fn write(self, conn: &impl ConnectionTrait, actor: &Actor) -> Result<(), DbErr> {
        for chunk in self.sources.chunks(1000) {
            import_sources::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(conn)
                .await?;
        }
        link_first_versions(conn, self.first_versions, self.published).await?;
        search_changes::record_many(conn, &self.changes).await?;
        audit::record_many(conn, actor, self.events).await
    }
}

/// Writes new listings' first versions and points each listing at its own.
async fn link_first_versions(
    conn: &impl ConnectionTrait,
    versions: Vec<listing_revisions::ActiveModel>,
    published: bool,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let ids: Vec<ListingId> = versions
        .iter()
        .filter_map(|v| v.listing_id.try_as_ref().copied())
        .collect();
    for chunk in versions.chunks(500) {
        listing_revisions::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    let first = Query::select()
        .column((listing_revisions::Entity, listing_revisions::Column::Id))
        .from(listing_revisions::Entity)
        .and_where(
            Expr::col((
                listing_revisions::Entity,
                listing_revisions::Column::ListingId,
            ))
            .equals((listing_rows::Entity, listing_rows::Column::Id)),
        )
        .and_where(Expr::col((listing_revisions::Entity, listing_revisions::Column::Number)).eq(1))
        .to_owned();
    let column = if published {
        listing_rows::Column::LiveRevisionId
    } else {
        listing_rows::Column::WorkingRevisionId
    };
    for chunk in ids.chunks(1000) {
        listing_rows::Entity::update_many()
            .col_expr(column, Expr::from(first.clone()))
            .filter(listing_rows::Column::Id.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
    }
    Ok(())
}
