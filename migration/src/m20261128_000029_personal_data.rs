//! Personal data that can be found, exported and erased.
//!
//! - The audit log keeps no personal data: the words staff wrote with a decision (a reason,
//!   a message, a note) move to `audit_reasons`, which can be erased with the person they
//!   are about, and emails and file names leave the log's details (the invitation's or
//!   file's id already says which). The log itself stays append-only: its guard is lifted
//!   only for this rewrite.
//! - People and broker clients can be erased (`erased_at`), and a person can ask for it
//!   (`erasure_requests`, the admins' queue).
//! - Retention: closed enquiries are anonymised after a while (`anonymised_at`), and the
//!   words of searches that found nothing are rolled up by day
//!   (`search_zero_words_daily`) before the raw search log is deleted, so the market
//!   figures for past periods stay the same.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditReasons {
    Table,
    AuditId,
    Reason,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    Action,
    Detail,
    FromState,
    ToState,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    ErasedAt,
}

#[derive(DeriveIden)]
enum BrokerClients {
    Table,
    ErasedAt,
}

#[derive(DeriveIden)]
enum Enquiries {
    Table,
    AnonymisedAt,
}

#[derive(DeriveIden)]
enum SearchZeroWordsDaily {
    Table,
    Id,
    Day,
    QueryText,
    Category,
    District,
    Searches,
}

#[derive(DeriveIden)]
enum ErasureRequests {
    Table,
    Id,
    UserId,
    RequestedAt,
    Note,
    ClosedAt,
    ClosedByUserId,
    Outcome,
}

/// Actions whose whole detail was words a person wrote.
const REASON_ACTIONS: &[&str] = &[
    "account.status_changed",
    "organisation.status_changed",
    "listing.suspended",
    "listing.unsuspended",
    "assignment.declined",
    "inspection.returned",
    "review.moderated",
];
/// Actions whose detail is "revision N: the reviewer's message".
const DECISION_ACTIONS: &[&str] = &[
    "listing.approved",
    "listing.changes_requested",
    "listing.rejected",
];
/// Actions whose detail was an email address.
const EMAIL_ACTIONS: &[&str] = &["invitation.created", "organisation.member_invited"];
/// Actions whose from and to states were a person's old and new names.
const NAME_ACTIONS: &[&str] = &["account.profile_updated"];
/// Actions whose detail was "kind: file name".
const FILE_ACTIONS: &[&str] = &["evidence_file.added", "evidence_file.removed"];

/// The new (detail, reason) for one row, or `None` to leave it.
fn rewrite(action: &str, detail: &str) -> Option<(Option<String>, Option<String>)> {
    if REASON_ACTIONS.contains(&action) {
        Some((None, Some(detail.to_owned())))
    } else if DECISION_ACTIONS.contains(&action) {
        let (revision, message) = detail.split_once(": ")?;
        Some((Some(revision.to_owned()), Some(message.to_owned())))
    } else if EMAIL_ACTIONS.contains(&action) {
        Some((None, None))
    } else if FILE_ACTIONS.contains(&action) {
        let kind = detail.split_once(": ").map_or(detail, |(kind, _)| kind);
        Some((Some(kind.to_owned()), None))
    } else {
        None
    }
}

async fn guard(manager: &SchemaManager<'_>, on: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Sqlite => {
            for op in ["UPDATE", "DELETE"] {
                let name = format!("audit_log_no_{}", op.to_lowercase());
                let sql = if on {
                    format!(
                        "CREATE TRIGGER {name} BEFORE {op} ON audit_log \
                         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
                    )
                } else {
                    format!("DROP TRIGGER IF EXISTS {name}")
                };
                db.execute_unprepared(&sql).await?;
            }
        }
        DbBackend::Postgres => {
            let verb = if on { "ENABLE" } else { "DISABLE" };
            db.execute_unprepared(&format!(
                "ALTER TABLE audit_log {verb} TRIGGER audit_log_append_only"
            ))
            .await?;
        }
        _ => {}
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On SQLite too: the append-only guard is lifted for the rewrite, so it must come back
    /// (and the rewrite count) whole or not at all.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditReasons::Table)
                    .col(big_integer(AuditReasons::AuditId).primary_key())
                    .col(text(AuditReasons::Reason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditReasons::Table, AuditReasons::AuditId)
                            .to(AuditLog::Table, AuditLog::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::ErasedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(BrokerClients::Table)
                    .add_column(timestamp_with_time_zone_null(BrokerClients::ErasedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Enquiries::Table)
                    .add_column(timestamp_with_time_zone_null(Enquiries::AnonymisedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SearchZeroWordsDaily::Table)
                    .col(big_pk_auto(SearchZeroWordsDaily::Id))
                    .col(date(SearchZeroWordsDaily::Day))
                    .col(string_len(SearchZeroWordsDaily::QueryText, 100))
                    .col(string_len(SearchZeroWordsDaily::Category, 100))
                    .col(string_len(SearchZeroWordsDaily::District, 8))
                    .col(big_integer(SearchZeroWordsDaily::Searches))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_search_zero_words_daily_key")
                    .table(SearchZeroWordsDaily::Table)
                    .col(SearchZeroWordsDaily::Day)
                    .col(SearchZeroWordsDaily::QueryText)
                    .col(SearchZeroWordsDaily::Category)
                    .col(SearchZeroWordsDaily::District)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ErasureRequests::Table)
                    .col(big_pk_auto(ErasureRequests::Id))
                    .col(big_integer(ErasureRequests::UserId))
                    .col(timestamp_with_time_zone(ErasureRequests::RequestedAt))
                    .col(text_null(ErasureRequests::Note))
                    .col(timestamp_with_time_zone_null(ErasureRequests::ClosedAt))
                    .col(big_integer_null(ErasureRequests::ClosedByUserId))
                    .col(string_len_null(ErasureRequests::Outcome, 16))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ErasureRequests::Table, ErasureRequests::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_erasure_requests_user")
                    .table(ErasureRequests::Table)
                    .col(ErasureRequests::UserId)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let actions: Vec<&str> = [
            REASON_ACTIONS,
            DECISION_ACTIONS,
            EMAIL_ACTIONS,
            FILE_ACTIONS,
        ]
        .concat();
        let renamed = db
            .query_all(
                &Query::select()
                    .column(AuditLog::Id)
                    .from(AuditLog::Table)
                    .and_where(Expr::col(AuditLog::Action).is_in(NAME_ACTIONS.iter().copied()))
                    .and_where(Expr::col(AuditLog::ToState).is_not_null())
                    .to_owned(),
            )
            .await?;
        let rows = db
            .query_all(
                &Query::select()
                    .columns([AuditLog::Id, AuditLog::Action, AuditLog::Detail])
                    .from(AuditLog::Table)
                    .and_where(Expr::col(AuditLog::Action).is_in(actions))
                    .and_where(Expr::col(AuditLog::Detail).is_not_null())
                    .to_owned(),
            )
            .await?;
        if rows.is_empty() && renamed.is_empty() {
            return Ok(());
        }
        guard(manager, false).await?;
        for row in renamed {
            let id: i64 = row.try_get("", "id")?;
            db.execute(
                &Query::update()
                    .table(AuditLog::Table)
                    .value(AuditLog::FromState, Option::<String>::None)
                    .value(AuditLog::ToState, Option::<String>::None)
                    .value(AuditLog::Detail, "name changed")
                    .and_where(Expr::col(AuditLog::Id).eq(id))
                    .to_owned(),
            )
            .await?;
        }
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let action: String = row.try_get("", "action")?;
            let detail: String = row.try_get("", "detail")?;
            let Some((new_detail, reason)) = rewrite(&action, &detail) else {
                continue;
            };
            db.execute(
                &Query::update()
                    .table(AuditLog::Table)
                    .value(AuditLog::Detail, new_detail)
                    .and_where(Expr::col(AuditLog::Id).eq(id))
                    .to_owned(),
            )
            .await?;
            if let Some(reason) = reason.filter(|r| !r.is_empty()) {
                db.execute(
                    &Query::insert()
                        .into_table(AuditReasons::Table)
                        .columns([AuditReasons::AuditId, AuditReasons::Reason])
                        .values_panic([id.into(), reason.into()])
                        .to_owned(),
                )
                .await?;
            }
        }
        guard(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ErasureRequests::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SearchZeroWordsDaily::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Enquiries::Table)
                    .drop_column(Enquiries::AnonymisedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(BrokerClients::Table)
                    .drop_column(BrokerClients::ErasedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::ErasedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(AuditReasons::Table).to_owned())
            .await
    }
}
