//! Writing the demand log without making anyone wait for it. A search hands its entry to a
//! bounded queue and answers at once; one background writer takes what has queued and
//! writes it in a single transaction. When the writer falls a whole queue behind (the
//! database is slow or locked), further entries are counted as not logged and dropped: a
//! missing line in the demand log is better than a search that does not answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;

use super::log::{self, Entry};

/// The most searches written in one transaction.
const BATCH: usize = 500;
/// How often a batch that could not be written is tried again before it is given up.
const ATTEMPTS: u32 = 3;

#[derive(Clone)]
pub struct SearchLogger {
    queue: mpsc::Sender<Entry>,
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    /// Given up on: the queue was full, or the database refused them.
    not_logged: AtomicU64,
    /// Queued or being written.
    unwritten: AtomicU64,
}

impl SearchLogger {
    /// Starts the writer on `db`, with room for `capacity` searches waiting.
    pub fn start(db: DatabaseConnection, capacity: usize) -> Self {
        let (queue, waiting) = mpsc::channel(capacity.max(1));
        let counts = Arc::new(Counts::default());
        tokio::spawn(write_all(db, waiting, counts.clone()));
        Self { queue, counts }
    }

    /// Queues a search for the log; never waits.
    pub fn log(&self, entry: Entry) {
        self.counts.unwritten.fetch_add(1, Ordering::SeqCst);
        if self.queue.try_send(entry).is_err() {
            self.counts.unwritten.fetch_sub(1, Ordering::SeqCst);
            self.counts.not_logged.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Searches since this process started that are not in the log: the queue was full, or
    /// the database refused them.
    pub fn not_logged(&self) -> u64 {
        self.counts.not_logged.load(Ordering::Relaxed)
    }

    /// Searches queued or being written now.
    pub fn unwritten(&self) -> u64 {
        self.counts.unwritten.load(Ordering::SeqCst)
    }

    /// Waits up to `limit` for what is queued to be written (a stopping process); returns
    /// how many searches are still unwritten.
    pub async fn flush(&self, limit: Duration) -> u64 {
        let deadline = tokio::time::Instant::now() + limit;
        while self.unwritten() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.unwritten()
    }
}

async fn write_all(
    db: DatabaseConnection,
    mut waiting: mpsc::Receiver<Entry>,
    counts: Arc<Counts>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while waiting.recv_many(&mut batch, BATCH).await > 0 {
        let mut attempt = 1;
        while let Err(err) = log::write(&db, &batch).await {
            if attempt == ATTEMPTS {
                tracing::warn!(%err, searches = batch.len(), "searches could not be logged");
                counts
                    .not_logged
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                break;
            }
            attempt += 1;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        counts
            .unwritten
            .fetch_sub(batch.len() as u64, Ordering::SeqCst);
        batch.clear();
    }
}
