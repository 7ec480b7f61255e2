//! Background workers started with the server: the mail sender, evidence-expiry and
//! listing-review reminders, closing unanswered enquiries, and the expired-session sweep.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::session_store;
use crate::domain::listing_approval::ReviewPolicy;
use crate::domain::{enquiries, evidence_expiry, listing_review, search_changes};
use crate::mail::{MailTransport, worker};

const SESSION_SWEEP_INTERVAL: Duration = Duration::from_secs(60 * 60);
const REMINDER_INTERVAL: Duration = Duration::from_secs(6 * 60 * 60);

pub fn spawn(
    db: DatabaseConnection,
    base_url: String,
    transport: MailTransport,
    mail_from: String,
    mail_wakeup: Arc<Notify>,
    review_policy: ReviewPolicy,
    enquiry_no_response_days: i64,
) {
    tokio::spawn(worker::run(
        db.clone(),
        transport,
        mail_from,
        mail_wakeup.clone(),
    ));
    let reminder_db = db.clone();
    tokio::spawn(async move {
        let mut last_pass: Option<chrono::NaiveDate> = None;
        loop {
            let today = chrono::Utc::now().date_naive();
            // Evidence that lapsed since the last pass (or, after a start, the last month)
            // changes the search flags.
            let since = last_pass.unwrap_or(today - chrono::Duration::days(30));
            if since < today {
                match search_changes::record_lapsed_evidence(&reminder_db, since, today).await {
                    Ok(n) if n > 0 => {
                        tracing::info!(organisations = n, "lapsed evidence re-indexed")
                    }
                    Ok(_) => {}
                    Err(err) => tracing::warn!(error = %err, "lapsed evidence pass failed"),
                }
            }
            last_pass = Some(today);
            match evidence_expiry::send_expiry_reminders(&reminder_db, &base_url, today).await {
                Ok(n) if n > 0 => {
                    tracing::info!(queued = n, "evidence expiry reminders queued");
                    mail_wakeup.notify_one();
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "evidence reminder pass failed"),
            }
            match listing_review::run_review_pass(&reminder_db, &base_url, review_policy, today)
                .await
            {
                Ok(pass) if pass.reminded + pass.hidden > 0 => {
                    tracing::info!(
                        reminded = pass.reminded,
                        hidden = pass.hidden,
                        "listing review pass"
                    );
                    mail_wakeup.notify_one();
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "listing review pass failed"),
            }
            match enquiries::close_unanswered(
                &reminder_db,
                &base_url,
                chrono::Utc::now(),
                enquiry_no_response_days,
            )
            .await
            {
                Ok(n) if n > 0 => {
                    tracing::info!(closed = n, "unanswered enquiries closed");
                    mail_wakeup.notify_one();
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "unanswered enquiry pass failed"),
            }
            tokio::time::sleep(REMINDER_INTERVAL).await;
        }
    });
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
