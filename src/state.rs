//! Shared application state handed to every handler.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::rate_limit::RateLimiter;
use crate::config::Settings;

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
    /// The base URL people reach the service at, without a trailing slash.
    pub base_url: String,
    /// Wakes the mail worker after a transaction that queued mail commits.
    pub mail_wakeup: Arc<Notify>,
    pub rate_limiter: RateLimiter,
}

impl AppState {
    pub fn wake_mail_worker(&self) {
        self.mail_wakeup.notify_one();
    }
}
