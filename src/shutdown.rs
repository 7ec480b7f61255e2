//! Stopping without losing work. On SIGTERM (or Ctrl-C) actix stops accepting connections
//! and lets requests in flight finish; then [`Shutdown::finish`] tells the background
//! workers that write (the mail sender, the search indexer) to stop after what they are
//! doing, waits for them, and waits for the demand log's queue to be written. Each wait is
//! bounded, so a stuck database cannot keep a stopping process alive for ever.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::domain::search::log_writer::SearchLogger;

/// How long a stopping process waits for its workers and the demand log (together, after
/// up to 10 s for requests in flight).
pub const LIMIT: Duration = Duration::from_secs(20);

/// Handed to a worker: whether it should stop at its next safe point.
#[derive(Clone)]
pub struct Stopping(watch::Receiver<bool>);

impl Stopping {
    /// A signal that never comes (a worker run by a command or a test).
    pub fn never() -> Self {
        let (tx, rx) = watch::channel(false);
        // The receiver keeps the last value after the sender is gone.
        drop(tx);
        Self(rx)
    }

    /// Whether stopping has been asked for.
    pub fn now(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once stopping has been asked for (never, for [`Stopping::never`]).
    pub async fn requested(&mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The process's background work that must end cleanly.
pub struct Shutdown {
    signal: watch::Sender<bool>,
    workers: Vec<(&'static str, JoinHandle<()>)>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    pub fn new() -> Self {
        Self {
            signal: watch::channel(false).0,
            workers: Vec::new(),
        }
    }

    /// What a worker watches to know when to stop.
    pub fn stopping(&self) -> Stopping {
        Stopping(self.signal.subscribe())
    }

    /// A worker to wait for when stopping.
    pub fn track(&mut self, name: &'static str, worker: JoinHandle<()>) {
        self.workers.push((name, worker));
    }

    /// Asks the workers to stop, waits for them and for the demand log's queue, all within
    /// `limit`; a worker still going then is abandoned (its work is transactional).
    pub async fn finish(self, search_log: &SearchLogger, limit: Duration) {
        self.signal.send_replace(true);
        // All at once, each against the same deadline: a mail relay that hangs must not use
        // up the time the demand log needs.
        let workers = self
            .workers
            .into_iter()
            .map(|(name, mut worker)| async move {
                if tokio::time::timeout(limit, &mut worker).await.is_err() {
                    tracing::warn!(worker = name, "did not stop in time; abandoned");
                    worker.abort();
                }
            });
        let ((), unwritten) = tokio::join!(
            async {
                futures_util::future::join_all(workers).await;
            },
            search_log.flush(limit)
        );
        if unwritten > 0 {
            tracing::warn!(searches = unwritten, "searches not logged before stopping");
        }
        tracing::info!("stopped");
    }
}
