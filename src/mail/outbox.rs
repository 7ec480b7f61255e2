//! Queueing mail in the outbox table, and claiming it for sending.

use chrono::{DateTime, Utc};
use entity::mail_outbox;
use entity::mail_outbox::MailStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Attempts before a message is marked failed and left for an admin to see.
pub const MAX_ATTEMPTS: i32 = 8;
const BATCH_SIZE: u64 = 20;
/// What a message's bodies become once it has been sent, or has failed for good: sign-up,
/// reset and invitation links, and people's enquiries, must not outlive their delivery in
/// the database. The recipient, subject and dates stay for the admin's outbox page.
pub const REDACTED_BODY: &str = "(The text of this message was removed after sending.)";

/// A message ready to queue: plain text and HTML alternatives of the same content.
#[derive(Clone, Debug)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues a message. Call inside the transaction of the change that causes it.
pub async fn enqueue(conn: &impl ConnectionTrait, mail: OutgoingMail) -> Result<(), DbErr> {
    let now = Utc::now();
    mail_outbox::Entity::insert(mail_outbox::ActiveModel {
        to_address: Set(mail.to),
        subject: Set(mail.subject),
        text_body: Set(mail.text),
        html_body: Set(mail.html),
        status: Set(MailStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Messages due for an attempt, oldest first.
pub async fn due(db: &DatabaseConnection) -> Result<Vec<mail_outbox::Model>, DbErr> {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Status.eq(MailStatus::Pending))
        .filter(mail_outbox::Column::NextAttemptAt.lte(Utc::now()))
        .order_by_asc(mail_outbox::Column::Id)
        .limit(BATCH_SIZE)
        .all(db)
        .await
}

/// Claims a message for this worker by moving its next attempt `claim_secs` into the future
/// (when it is tried again if this worker dies mid-send), guarded on the value we read, so
/// two workers (two app instances) never both send it.
pub async fn claim(
    db: &DatabaseConnection,
    msg: &mail_outbox::Model,
    claim_secs: i64,
) -> Result<bool, DbErr> {
    let res = mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::NextAttemptAt,
            Expr::value(Utc::now() + chrono::Duration::seconds(claim_secs.max(1))),
        )
        .col_expr(mail_outbox::Column::Attempts, Expr::value(msg.attempts + 1))
        .filter(mail_outbox::Column::Id.eq(msg.id))
        .filter(mail_outbox::Column::Status.eq(MailStatus::Pending))
        .filter(mail_outbox::Column::Attempts.eq(msg.attempts))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The message's lasting name: when it was queued and its row, so every attempt at the
/// same message carries the same `Message-ID` (and development files sort by time).
pub fn message_key(msg: &mail_outbox::Model) -> String {
    format!("kith-{}-{}", msg.created_at.format("%Y%m%dT%H%M%S"), msg.id)
}

pub async fn mark_sent(db: &DatabaseConnection, id: i64) -> Result<(), DbErr> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(MailStatus::Sent))
        .col_expr(mail_outbox::Column::TextBody, Expr::value(REDACTED_BODY))
        .col_expr(mail_outbox::Column::HtmlBody, Expr::value(REDACTED_BODY))
        .col_expr(mail_outbox::Column::SentAt, Expr::value(Some(Utc::now())))
        .col_expr(
            mail_outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Exponential back-off: 30 s, 1 min, 2 min … capped at an hour.
pub fn retry_delay(attempts: i32) -> chrono::Duration {
    let exp = attempts.clamp(1, 8) as u32 - 1;
    chrono::Duration::seconds((30_i64 << exp).min(3600))
}

pub async fn mark_failed_attempt(
    db: &DatabaseConnection,
    id: i64,
    attempts: i32,
    error: &str,
) -> Result<(), DbErr> {
    let (status, next): (MailStatus, DateTime<Utc>) = if attempts >= MAX_ATTEMPTS {
        (MailStatus::Failed, Utc::now())
    } else {
        (MailStatus::Pending, Utc::now() + retry_delay(attempts))
    };
    let mut update = mail_outbox::Entity::update_many();
    if status == MailStatus::Failed {
        // Given up on: nobody will read the link, so nobody else may.
        update = update
            .col_expr(mail_outbox::Column::TextBody, Expr::value(REDACTED_BODY))
            .col_expr(mail_outbox::Column::HtmlBody, Expr::value(REDACTED_BODY));
    }
    update
        .col_expr(mail_outbox::Column::Status, Expr::value(status))
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(next))
        .col_expr(
            mail_outbox::Column::LastError,
            Expr::value(Some(error.chars().take(1000).collect::<String>())),
        )
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub const OUTBOX_PAGE_SIZE: u64 = 50;

/// For the admin's mail page: newest first, optionally one status.
/// Messages waiting to be sent, and messages given up on.
pub async fn counts(db: &DatabaseConnection) -> Result<(u64, u64), DbErr> {
    let count = |status: MailStatus| {
        mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Status.eq(status))
            .count(db)
    };
    Ok((
        count(MailStatus::Pending).await?,
        count(MailStatus::Failed).await?,
    ))
}

pub async fn list(
    db: &DatabaseConnection,
    status: Option<MailStatus>,
    page: u64,
) -> Result<(Vec<mail_outbox::Model>, u64), DbErr> {
    let mut query = mail_outbox::Entity::find();
    if let Some(status) = status {
        query = query.filter(mail_outbox::Column::Status.eq(status));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(mail_outbox::Column::Id)
        .offset(page.saturating_sub(1) * OUTBOX_PAGE_SIZE)
        .limit(OUTBOX_PAGE_SIZE)
        .all(db)
        .await?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_caps() {
        assert_eq!(retry_delay(1).num_seconds(), 30);
        assert_eq!(retry_delay(2).num_seconds(), 60);
        assert_eq!(retry_delay(5).num_seconds(), 480);
        assert_eq!(retry_delay(8).num_seconds(), 3600);
        assert_eq!(retry_delay(40).num_seconds(), 3600);
    }
}
