//! Shared application state handed to every handler.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::rate_limit::RateLimiter;
use crate::config::Settings;

pub struct AppState {
    pub db: DatabaseConnection,
    /// Connections for reading only, which never wait behind a write (on SQLite, read-only
    /// connections beside the single writer; on PostgreSQL, the same pool as `db`). For
    /// pages that only read, such as search; never for reading back one's own transaction.
    pub read: DatabaseConnection,
    /// The demand log's queue: searches are logged without waiting.
    pub search_log: crate::domain::search::log_writer::SearchLogger,
    pub settings: Settings,
    /// The base URL people reach the service at, without a trailing slash.
    pub base_url: String,
    /// Wakes the mail worker after a transaction that queued mail commits.
    pub mail_wakeup: Arc<Notify>,
    pub rate_limiter: RateLimiter,
    /// Searches per client address (page and API together).
    pub search_buckets: crate::auth::rate_limit::TokenBuckets,
    /// Signs the cookies Kith sets itself (recognised devices); the session key.
    pub cookie_key: actix_web::cookie::Key,
    /// Whether the service is reached over https (Secure, `__Host-` cookies).
    pub secure_cookies: bool,
    pub search: Arc<search_index::SearchIndex>,
    /// Wakes this process's indexer after a transaction that changed listings commits.
    pub index_wakeup: Arc<Notify>,
    /// The one clock handlers read.
    pub clock: crate::clock::Clock,
    /// Where uploaded files are kept (the data directory, or a bucket all instances share).
    pub files: crate::file_store::Files,
    /// What `GET /metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The councils this deployment serves, as requests are matched to them.
    pub councils: Arc<crate::council_scope::Councils>,
}

impl AppState {
    pub fn wake_mail_worker(&self) {
        self.mail_wakeup.notify_one();
    }

    /// What links in the emails the current request sends start with: its council's own
    /// host name when that is how its pages were asked for, else `base_url`.
    pub fn link_base(&self) -> String {
        crate::council_scope::base_url(&self.base_url)
    }

    pub fn wake_indexer(&self) {
        self.index_wakeup.notify_one();
    }

    /// `text` salted with the cookie-signing secret (the same on every instance) and
    /// hashed: the same person always gives the same value, and nobody can be read from it.
    pub fn salted_hash(&self, text: &str) -> String {
        let secret = hex::encode(self.cookie_key.signing());
        crate::domain::tokens::sha256_hex(&format!("{secret}{text}"))
    }
}
