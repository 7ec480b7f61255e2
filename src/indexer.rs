//! Keeps this process's search index in step with the database by tailing the change table
//! (`domain::search::changes`). On start it catches up from the change the index last
//! committed — or rebuilds everything when the index is new — so a crash between a database
//! commit and the index update loses nothing. Several processes sharing one database each
//! run their own indexer over their own index. The market supply table
//! (`domain::market::supply`) is written from the same documents on the way.

use crate::clock::Clock;
use crate::shutdown::Stopping;
use entity::listings::ListingId;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use search_index::{ListingDoc, SearchIndex};
use tokio::sync::Notify;

use crate::domain::search::documents::{CategoryPaths, candidate_ids, public_projections};
use crate::domain::{market::supply as market_supply, search::changes as search_changes};

/// How often other processes' changes are looked for.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);
const BATCH_SIZE: u64 = 500;
/// Change ids may commit out of order on PostgreSQL; recent ones are looked at again.
pub const LOOKBACK: i64 = 200;

async fn apply_blocking(
    index: &Arc<SearchIndex>,
    upserts: Vec<ListingDoc>,
    deletes: Vec<u64>,
    change_id: Option<i64>,
) -> anyhow::Result<()> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.apply(&upserts, &deletes, change_id)).await??;
    Ok(())
}

/// Listings loaded and indexed together in a rebuild.
const REBUILD_BATCH: usize = 1000;

/// Rebuilds the index from the database, loading each thousand listings in a few queries and
/// committing once at the end (searches see the old index until then); `progress(done,
/// total)` after each batch. Returns how many listings are searchable.
pub async fn rebuild(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    clock: Clock,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<usize> {
    // Taken first: anything that changes while we read is applied again afterwards.
    let latest = search_changes::latest(db).await?;
    let started = chrono::Utc::now();
    let categories = CategoryPaths::load(db).await?;
    let ids = candidate_ids(db).await?;
    let mut rebuild = index.begin_rebuild(ids.len())?;
    let mut searchable = 0;
    for (n, chunk) in ids.chunks(REBUILD_BATCH).enumerate() {
        let public = public_projections(db, &categories, chunk, clock.today()).await?;
        searchable += public.len();
        market_supply::sync(db, &public, &[]).await?;
        let docs: Vec<ListingDoc> = public.into_iter().map(|p| p.doc).collect();
        rebuild =
            tokio::task::spawn_blocking(move || rebuild.add(&docs).map(|()| rebuild)).await??;
        progress((n * REBUILD_BATCH + chunk.len()).min(ids.len()), ids.len());
    }
    market_supply::drop_stale(db, started).await?;
    tokio::task::spawn_blocking(move || rebuild.finish(latest)).await??;
    Ok(searchable)
}

/// How long the indexer may go without catching up before this instance is not ready.
pub const READY_LAG: Duration = Duration::from_secs(5);

/// Whether this instance's search can answer as the database stands.
#[derive(Debug, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// Being built from the database: how far it has got, once it has started.
    Building(Option<search_index::Rebuilding>),
    /// Whole, but the indexer has not caught up with the change table for a while (or not
    /// yet since this process started): not ready if changes are waiting (`ready_after`).
    Behind,
}

impl Readiness {
    pub fn of(index: &SearchIndex) -> Self {
        if let Some(under) = index.rebuilding() {
            return Self::Building(Some(under));
        }
        if !index.is_built() {
            return Self::Building(None);
        }
        match index.since_caught_up() {
            Some(lag) if lag <= READY_LAG => Self::Ready,
            _ => Self::Behind,
        }
    }

    /// Settles `Behind`: an indexer that has not caught up lately is still ready if no change
    /// is waiting for it (a quiet night, a database that was briefly slow).
    pub async fn ready_after(self, db: &DatabaseConnection, index: &SearchIndex) -> Self {
        if self != Self::Behind {
            return self;
        }
        match search_changes::latest(db).await {
            Ok(latest)
                if index
                    .last_applied_change()
                    .is_some_and(|done| done >= latest) =>
            {
                Self::Ready
            }
            _ => Self::Behind,
        }
    }

    /// While the index is being built: about how many seconds until it is done (a minute
    /// before the pace is known).
    pub fn building_for(&self) -> Option<u64> {
        match self {
            Self::Building(under) => Some(
                under
                    .and_then(|u| u.remaining())
                    .map_or(60, |d| d.as_secs().max(1)),
            ),
            _ => None,
        }
    }
}

/// Where this indexer is in the change table.
#[derive(Debug, Default)]
pub struct Tail {
    pub last: i64,
    seen: BTreeSet<i64>,
}

impl Tail {
    pub fn from_index(index: &SearchIndex) -> Self {
        Self {
            last: index.last_applied_change().unwrap_or(0),
            seen: BTreeSet::new(),
        }
    }
}

/// Applies every change not yet applied. Returns how many changes it applied.
pub async fn catch_up(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    tail: &mut Tail,
    clock: Clock,
) -> anyhow::Result<usize> {
    let mut applied = 0;
    loop {
        let after = (tail.last - LOOKBACK).max(0);
        let rows = search_changes::since(db, after, BATCH_SIZE).await?;
        let full_batch = rows.len() as u64 == BATCH_SIZE;
        // After a restart the last few are applied once more: harmless, upserts are idempotent.
        let fresh: Vec<_> = rows
            .into_iter()
            .filter(|r| !tail.seen.contains(&r.id))
            .collect();
        if fresh.is_empty() {
            return Ok(applied);
        }
        let categories = CategoryPaths::load(db).await?;
        let listing_ids: Vec<ListingId> = fresh
            .iter()
            .map(|r| r.listing_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let public = public_projections(db, &categories, &listing_ids, clock.today()).await?;
        let found: BTreeSet<u64> = public.iter().map(|p| p.doc.listing_id).collect();
        let gone: Vec<ListingId> = listing_ids
            .into_iter()
            .filter(|id| !found.contains(&(id.0 as u64)))
            .collect();
        // The market tables first: if that fails the batch is tried again, index and all.
        market_supply::sync(db, &public, &gone).await?;
        let upserts = public.into_iter().map(|p| p.doc).collect();
        let deletes = gone.into_iter().map(|id| id.0 as u64).collect();
        let newest = fresh.iter().map(|r| r.id).max().unwrap_or(tail.last);
        tail.last = tail.last.max(newest);
        apply_blocking(index, upserts, deletes, Some(tail.last)).await?;
        applied += fresh.len();
        tail.seen.extend(fresh.iter().map(|r| r.id));
        let floor = tail.last - LOOKBACK;
        tail.seen.retain(|id| *id > floor);
        if !full_batch {
            return Ok(applied);
        }
    }
}

/// The indexer task: rebuild if the index is new, then apply changes as they come.
pub async fn run(
    db: DatabaseConnection,
    index: Arc<SearchIndex>,
    wakeup: Arc<Notify>,
    clock: Clock,
    mut stopping: Stopping,
    metrics: Arc<crate::metrics::Metrics>,
) {
    // Until the index is whole, nothing else: a partial index must never look built.
    // Stopping abandons a build (it rolls back: the next start builds again).
    let mut wait = Duration::from_secs(1);
    while index.last_applied_change().is_none() {
        let result = tokio::select! {
            () = stopping.requested() => return,
            result = rebuild(&db, &index, clock, |_, _| {}) => result,
        };
        match result {
            Ok(n) => tracing::info!(searchable = n, "search index built"),
            Err(err) => {
                tracing::error!(error = %err, retry_in = ?wait, "search index build failed");
                tokio::select! {
                    () = stopping.requested() => return,
                    () = tokio::time::sleep(wait) => {}
                }
                wait = (wait * 2).min(Duration::from_secs(60));
            }
        }
    }
    let mut tail = Tail::from_index(&index);
    // A pass under way when stopping is asked for finishes and commits.
    while !stopping.now() {
        let pass = catch_up(&db, &index, &mut tail, clock).await;
        metrics.job_ran("search_index_update", pass.is_ok());
        match pass {
            Ok(0) => index.mark_caught_up(),
            Ok(n) => {
                index.mark_caught_up();
                tracing::debug!(changes = n, last = tail.last, "search index updated");
            }
            Err(err) => tracing::warn!(error = %err, "search index update failed"),
        }
        tokio::select! {
            () = stopping.requested() => {}
            () = wakeup.notified() => {}
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
}
