//! Answers to searches already made, kept until the index next changes. Many people make
//! the same searches (a type of support in their town, "help at home"), and an answer stays
//! right until a listing changes, which is a commit: every commit starts a new generation
//! and the answers of the last one are dropped.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{SearchRequest, SearchResults};

/// Answers kept at most; when full, the oldest half goes.
const CAPACITY: usize = 4096;

#[derive(Default)]
pub(crate) struct Cache {
    /// Bumped after every commit, once searches can see it.
    generation: AtomicU64,
    kept: Mutex<Kept>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    answers: HashMap<String, (u64, SearchResults)>,
    next: u64,
}

/// What makes two searches the same search (`None`: not worth keeping).
pub(crate) fn key_of(request: &SearchRequest) -> Option<String> {
    // A saved search's check for new matches names its listings: never asked twice.
    request
        .only_listings
        .is_none()
        .then(|| format!("{request:?}"))
}

impl Cache {
    /// The generation now: read before the searcher is taken, so an answer is never kept as
    /// newer than the index it came from.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Called after a commit is visible to searches.
    pub fn next_generation(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub fn get(&self, generation: u64, key: &str) -> Option<SearchResults> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let found = (kept.generation == generation)
            .then(|| kept.answers.get(key).map(|(_, r)| r.clone()))
            .flatten();
        drop(kept);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub fn put(&self, generation: u64, key: String, results: &SearchResults) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if generation < kept.generation {
            return;
        }
        if generation > kept.generation {
            kept.generation = generation;
            kept.answers.clear();
        }
        if kept.answers.len() >= CAPACITY {
            let mut ages: Vec<u64> = kept.answers.values().map(|(age, _)| *age).collect();
            let (_, median, _) = ages.select_nth_unstable(CAPACITY / 2);
            let median = *median;
            kept.answers.retain(|_, (age, _)| *age > median);
        }
        kept.next += 1;
        let age = kept.next;
        kept.answers.insert(key, (age, results.clone()));
    }

    /// Searches answered from the cache, and searches run, since the process started.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}
