//! Background workers started with the server: the mail sender, the six-hourly pass
//! (evidence-expiry and listing-review reminders, quality-check reminders, closing unanswered
//! enquiries) and the hourly sweep (expired sessions, and the retention schedule).

use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::session_store;
use crate::config::Settings;
use crate::domain::listings::approval::ReviewPolicy;
use crate::domain::{
    checking::reminders as check_reminders, enquiries, listings::review as listing_review,
    providers::evidence_expiry, search::changes as search_changes, vacancies,
};
use crate::file_store::Files;
use crate::mail::{MailTransport, worker};
use crate::metrics::Metrics;
use crate::shutdown::Shutdown;

const SESSION_SWEEP_INTERVAL: Duration = Duration::from_secs(60 * 60);
const REMINDER_INTERVAL: Duration = Duration::from_secs(6 * 60 * 60);
/// Saved searches are looked at this often; each emails at most daily or weekly.
const ALERT_INTERVAL: Duration = Duration::from_secs(15 * 60);

/// What the six-hourly pass needs.
struct Pass {
    db: DatabaseConnection,
    base_url: String,
    mail_wakeup: Arc<Notify>,
    review_policy: ReviewPolicy,
    enquiry_no_response_days: i64,
    check_reminder_days: i64,
    metrics: Arc<Metrics>,
}

/// Logs what a step of the pass did; wakes the mail sender when it queued mail. Whether
/// the step worked.
fn report<N: TryInto<u64>, E: Display>(
    pass: &Pass,
    what: &str,
    result: Result<N, E>,
    mails: bool,
) -> bool {
    match result.map(|n| n.try_into().unwrap_or(u64::MAX)) {
        Ok(0) => true,
        Ok(n) => {
            tracing::info!(count = n, "{what}");
            if mails {
                pass.mail_wakeup.notify_one();
            }
            true
        }
        Err(err) => {
            tracing::warn!(error = %err, "{what}: failed");
            false
        }
    }
}

impl Pass {
    async fn run(&self, today: NaiveDate, lapsed_since: NaiveDate) {
        let db = &self.db;
        let mut ok = true;
        if lapsed_since < today {
            // Evidence that lapsed since the last pass changes the search flags.
            let n = search_changes::record_lapsed_evidence(db, lapsed_since, today).await;
            ok &= report(self, "lapsed evidence re-indexed", n, false);
            // So do places that became free.
            let n = vacancies::record_becoming_free(db, lapsed_since, today).await;
            ok &= report(self, "places now free re-indexed", n, false);
        }
        let n = vacancies::remind_stale(db, &self.base_url, chrono::Utc::now()).await;
        ok &= report(self, "reminders about old places queued", n, true);
        let n = evidence_expiry::send_expiry_reminders(db, &self.base_url, today).await;
        ok &= report(self, "evidence expiry reminders queued", n, true);
        let n = listing_review::run_review_pass(db, &self.base_url, self.review_policy, today)
            .await
            .map(|pass| pass.reminded + pass.hidden);
        ok &= report(self, "listing review pass: reminded or hidden", n, true);
        let n = check_reminders::send_due_reminders(
            db,
            &self.base_url,
            today,
            self.check_reminder_days,
        )
        .await;
        ok &= report(self, "quality check reminders queued", n, true);
        let n = enquiries::close_unanswered(
            db,
            &self.base_url,
            chrono::Utc::now(),
            self.enquiry_no_response_days,
        )
        .await;
        ok &= report(self, "unanswered enquiries closed", n, true);
        self.metrics.job_ran("six_hourly_pass", ok);
    }
}

/// What the background workers share with the server.
pub struct Shared {
    pub db: DatabaseConnection,
    pub base_url: String,
    pub transport: MailTransport,
    pub mail_wakeup: Arc<Notify>,
    /// The server's own file store, so the retention sweep deletes where handlers write.
    pub files: Files,
    pub metrics: Arc<Metrics>,
}

/// Starts the mail sender (tracked by `shutdown`), the six-hourly pass and the hourly sweep.
pub fn spawn(shared: Shared, settings: &Settings, shutdown: &mut Shutdown) {
    let Shared {
        db,
        base_url,
        transport,
        mail_wakeup,
        files,
        metrics,
    } = shared;
    let mail = tokio::spawn(worker::run(
        db.clone(),
        transport,
        worker::Sending::from_settings(settings),
        mail_wakeup.clone(),
        shutdown.stopping(),
        metrics.clone(),
    ));
    shutdown.track("mail sender", mail);
    let pass = Pass {
        db: db.clone(),
        base_url,
        mail_wakeup,
        review_policy: settings.review_policy(),
        enquiry_no_response_days: settings.enquiry_no_response_days.clamp(1, 365),
        check_reminder_days: settings.quality_check_reminder_days.clamp(0, 60),
        metrics: metrics.clone(),
    };
    tokio::spawn(async move {
        let mut last_pass: Option<NaiveDate> = None;
        loop {
            let today = crate::clock::Clock::system().today();
            // After a start, look back a month for lapsed evidence.
            let since = last_pass.unwrap_or(today - chrono::Duration::days(30));
            pass.run(today, since).await;
            last_pass = Some(today);
            tokio::time::sleep(REMINDER_INTERVAL).await;
        }
    });
    let policy = crate::domain::privacy::retention::Policy::from_settings(settings);
    let retention_job = settings.retention_job;
    let mail_dir = settings.mail_dir();
    tokio::spawn(async move {
        loop {
            let mut ok = true;
            match session_store::delete_expired(&db).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(err) => {
                    ok = false;
                    tracing::warn!(error = %err, "session sweep failed");
                }
            }
            match crate::auth::rate_limit::forget_old_attempts(&db, chrono::Utc::now()).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "old rate-limit attempts removed"),
                Ok(_) => {}
                Err(err) => {
                    ok = false;
                    tracing::warn!(error = %err, "rate-limit sweep failed");
                }
            }
            let today = chrono::Utc::now().date_naive();
            match crate::domain::search::log::forget_old_searches(&db, today).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "old search keys forgotten"),
                Ok(_) => {}
                Err(err) => {
                    ok = false;
                    tracing::warn!(error = %err, "search key sweep failed");
                }
            }
            if retention_job {
                // The retention schedule: what is due goes, a batch at a time.
                let now = chrono::Utc::now();
                match crate::domain::privacy::retention::apply(&db, &files, &policy, now).await {
                    Ok(report) if report.total() > 0 => {
                        tracing::info!(done = %report.summary(), "retention schedule applied");
                    }
                    Ok(_) => {}
                    Err(err) => {
                        ok = false;
                        tracing::warn!(error = %err, "retention schedule failed");
                    }
                }
                crate::mail::transport::forget_old_files(&mail_dir, policy.mail_days);
            }
            metrics.job_ran("hourly_sweep", ok);
            tokio::time::sleep(SESSION_SWEEP_INTERVAL).await;
        }
    });
}

/// Emails saved searches their new matches, every [`ALERT_INTERVAL`]. Safe on several
/// instances at once: each search is claimed in a write transaction, and a listing is
/// recorded as sent for a search once (the table's key), in the same transaction as its
/// email.
pub fn spawn_saved_search_alerts(
    db: DatabaseConnection,
    index: std::sync::Arc<search_index::SearchIndex>,
    base_url: String,
    secret: Vec<u8>,
    mail_wakeup: Arc<Notify>,
    metrics: Arc<Metrics>,
) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(ALERT_INTERVAL).await;
            let links = crate::domain::search::saved::AlertLinks {
                base_url: &base_url,
                secret: &secret,
            };
            let sent =
                crate::domain::search::saved::send_alerts(&db, &index, &links, chrono::Utc::now())
                    .await;
            metrics.job_ran("saved_search_alerts", sent.is_ok());
            match sent {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(emails = n, "saved search alerts queued");
                    mail_wakeup.notify_one();
                }
                Err(err) => tracing::warn!(error = %err, "saved search alerts failed"),
            }
        }
    });
}
