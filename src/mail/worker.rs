//! The background mail sender: wakes when a transaction queues mail (or every few seconds),
//! claims due messages, sends them, and records success or schedules a retry.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use super::outbox;
use super::transport::{CapturedMail, MailTransport};

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

pub async fn run(
    db: DatabaseConnection,
    transport: MailTransport,
    sending: Sending,
    wakeup: Arc<Notify>,
) {
    loop {
        if let Err(err) = send_due(&db, &transport, &sending).await {
            tracing::warn!(error = %err, "mail worker pass failed");
        }
        let _ = tokio::time::timeout(POLL_INTERVAL, wakeup.notified()).await;
    }
}

/// One pass over the due messages; returns how many were sent.
pub async fn send_due(
    db: &DatabaseConnection,
    transport: &MailTransport,
    sending: &Sending,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for msg in outbox::due(db).await? {
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
                sent += 1;
            }
            Err(err) => {
                tracing::warn!(mail_id = msg.id, attempts, error = %err, "sending mail failed");
                outbox::mark_failed_attempt(db, msg.id, attempts, &err.to_string()).await?;
            }
        }
    }
    Ok(sent)
}
