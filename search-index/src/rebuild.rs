//! Rebuilding the whole index, and whether the index is ready to answer. A rebuild adds
//! every listing without committing and commits once at the end, so searches keep seeing the
//! last committed index until the new one is whole; while it runs, how far it has got is
//! known, for saying how long search will be away when there is no index to show.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{ListingDoc, SearchError, SearchIndex, collector};

/// Where the index stands, for the readiness check and the search page.
#[derive(Default)]
pub(crate) struct Progress {
    rebuild: Mutex<Option<Under>>,
    caught_up: Mutex<Option<Instant>>,
}

#[derive(Clone, Copy)]
struct Under {
    started: Instant,
    done: usize,
    total: usize,
}

/// A rebuild under way: listings added so far out of all, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rebuilding {
    pub done: usize,
    pub total: usize,
    pub elapsed: Duration,
}

impl Rebuilding {
    /// How much longer it should take, at the pace so far (none before any progress).
    pub fn remaining(&self) -> Option<Duration> {
        if self.done == 0 || self.total < self.done {
            return None;
        }
        let per = self.elapsed.as_secs_f64() / self.done as f64;
        Some(Duration::from_secs_f64(
            per * (self.total - self.done) as f64,
        ))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A full rebuild: dropped without `finish`, it is abandoned and the index is left as it was.
pub struct Rebuild {
    index: Arc<SearchIndex>,
    finished: bool,
}

impl SearchIndex {
    /// Starts rebuilding the whole index, `total` listings expected.
    pub fn begin_rebuild(self: &Arc<Self>, total: usize) -> Result<Rebuild, SearchError> {
        self.clear()?;
        *lock(&self.progress.rebuild) = Some(Under {
            started: Instant::now(),
            done: 0,
            total,
        });
        Ok(Rebuild {
            index: self.clone(),
            finished: false,
        })
    }

    /// The rebuild under way, if any.
    pub fn rebuilding(&self) -> Option<Rebuilding> {
        lock(&self.progress.rebuild).map(|u| Rebuilding {
            done: u.done,
            total: u.total,
            elapsed: u.started.elapsed(),
        })
    }

    /// Whether the index has ever been built whole (a new index, or one made for another
    /// schema version, has not).
    pub fn is_built(&self) -> bool {
        self.last_applied_change().is_some()
    }

    /// Notes that the indexer has just applied every change it found.
    pub fn mark_caught_up(&self) {
        *lock(&self.progress.caught_up) = Some(Instant::now());
    }

    /// How long since the indexer last had nothing left to apply.
    pub fn since_caught_up(&self) -> Option<Duration> {
        lock(&self.progress.caught_up).map(|t| t.elapsed())
    }
}

impl Rebuild {
    /// Adds listings to the new index (not yet visible to searches). It may wait while the
    /// indexing threads catch up: call it off the async threads.
    pub fn add(&self, docs: &[ListingDoc]) -> Result<(), SearchError> {
        let writer = self.index.writer.lock().unwrap_or_else(|p| p.into_inner());
        for doc in docs {
            writer.add_document(collector::document(&self.index.fields, doc))?;
        }
        drop(writer);
        if let Some(under) = lock(&self.index.progress.rebuild).as_mut() {
            under.done += docs.len();
        }
        Ok(())
    }

    /// Commits the new index, up to date with change `change_id`, and shows it to searches.
    pub fn finish(mut self, change_id: i64) -> Result<(), SearchError> {
        self.index.apply(&[], &[], Some(change_id))?;
        self.finished = true;
        *lock(&self.index.progress.rebuild) = None;
        Ok(())
    }
}

impl Drop for Rebuild {
    fn drop(&mut self) {
        if !self.finished {
            let mut writer = self.index.writer.lock().unwrap_or_else(|p| p.into_inner());
            // Only uncommitted work is lost, which the next commit or rebuild replaces.
            if let Err(err) = writer.rollback() {
                tracing::warn!(%err, "search index: abandoning a rebuild");
            }
            drop(writer);
            *lock(&self.index.progress.rebuild) = None;
        }
    }
}
