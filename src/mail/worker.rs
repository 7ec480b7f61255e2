//! The background mail sender: wakes when a transaction queues mail (or every few seconds),
//! claims due messages, sends them, and records success or schedules a retry.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use super::outbox;
use super::transport::{CapturedMail, MailTransport};
use crate::shutdown::Stopping;

const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// What every message is sent with.
#[derive(Clone, Debug)]
pub struct Sending {
    /// The From: address.
    pub from: String,
    /// How long a claimed message waits before another try (see `outbox::claim`).
    pub claim_secs: i64,
}

impl Sending {
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        Self {
            from: settings.mail_from.clone(),
            claim_secs: settings.mail_claim_seconds,
        }
    }
}

/// Sends due mail until stopping is asked for; a message being sent then is finished first
/// (so it is marked sent, not sent again by another worker when its claim runs out).
pub async fn run(
    db: DatabaseConnection,
    transport: MailTransport,
    sending: Sending,
    wakeup: Arc<Notify>,
    mut stopping: Stopping,
    metrics: Arc<crate::metrics::Metrics>,
) {
    while !stopping.now() {
        let pass = send_due_until(&db, &transport, &sending, &stopping, Some(&metrics)).await;
        metrics.job_ran("mail_sender", pass.is_ok());
        if let Err(err) = pass {
            tracing::warn!(error = %err, "mail worker pass failed");
        }
        tokio::select! {
            () = stopping.requested() => {}
            () = wakeup.notified() => {}
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
}

/// One pass over the due messages; returns how many were sent.
pub async fn send_due(
    db: &DatabaseConnection,
    transport: &MailTransport,
    sending: &Sending,
) -> anyhow::Result<usize> {
    send_due_until(db, transport, sending, &Stopping::never(), None).await
}

/// One pass over the due messages, ending early (between messages) when stopping.
async fn send_due_until(
    db: &DatabaseConnection,
    transport: &MailTransport,
    sending: &Sending,
    stopping: &Stopping,
    metrics: Option<&crate::metrics::Metrics>,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for msg in outbox::due(db).await? {
        if stopping.now() {
            break;
        }
        if !outbox::claim(db, &msg, sending.claim_secs).await? {
            continue;
        }
        let attempts = msg.attempts + 1;
        let mail = CapturedMail {
            to: msg.to_address.clone(),
            subject: msg.subject.clone(),
            text: msg.text_body.clone(),
            html: msg.html_body.clone(),
        };
        match transport
            .send(&sending.from, &outbox::message_key(&msg), &mail)
            .await
        {
            Ok(()) => {
                outbox::mark_sent(db, msg.id).await?;
                metrics.inspect(|m| m.mail_attempt(true));
                sent += 1;
            }
            Err(err) => {
                metrics.inspect(|m| m.mail_attempt(false));
                tracing::warn!(mail_id = msg.id, attempts, error = %err, "sending mail failed");
                outbox::mark_failed_attempt(db, msg.id, attempts, &err.to_string()).await?;
            }
        }
    }
    Ok(sent)
}
