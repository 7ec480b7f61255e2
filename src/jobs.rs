//! Background workers started with the server: the mail sender and the expired-session sweep.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::session_store;
use crate::mail::{MailTransport, worker};

const SESSION_SWEEP_INTERVAL: Duration = Duration::from_secs(60 * 60);

pub fn spawn(
    db: DatabaseConnection,
    transport: MailTransport,
    mail_from: String,
    mail_wakeup: Arc<Notify>,
) {
    tokio::spawn(worker::run(db.clone(), transport, mail_from, mail_wakeup));
    tokio::spawn(async move {
        loop {
            match session_store::delete_expired(&db).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "session sweep failed"),
            }
            tokio::time::sleep(SESSION_SWEEP_INTERVAL).await;
        }
    });
}
