//! When DBS re-checks and insurance fall due: the flag on lapsed evidence, and one reminder
//! email to every member before it lapses.

use chrono::{Duration, NaiveDate, Utc};
use entity::{provider_evidence, provider_organisations};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::providers::evidence::EvidenceKind;
use crate::domain::providers::organisations;
use crate::mail::{self, templates};
use crate::paths;

/// Reminders go out this long before a DBS re-check or insurance falls due.
pub const EXPIRY_REMINDER_DAYS: i64 = 30;

/// Where a piece of evidence stands against its expiry date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    Current,
    DueSoon { days_left: i64 },
    Lapsed,
}

pub fn expiry_of(evidence: &provider_evidence::Model, today: NaiveDate) -> Expiry {
    match evidence.expires_on {
        Some(date) if date < today => Expiry::Lapsed,
        Some(date) if (date - today).num_days() <= EXPIRY_REMINDER_DAYS => Expiry::DueSoon {
            days_left: (date - today).num_days(),
        },
        _ => Expiry::Current,
    }
}

/// The kinds whose evidence has lapsed: shown to admins and the provider as a flag.
pub fn lapsed(evidence: &[provider_evidence::Model], today: NaiveDate) -> Vec<EvidenceKind> {
    evidence
        .iter()
        .filter(|e| expiry_of(e, today) == Expiry::Lapsed)
        .map(|e| e.kind)
        .collect()
}

/// Emails every member once when a DBS re-check or insurance falls due within
/// `EXPIRY_REMINDER_DAYS`; returns how many reminders were queued. Run daily by the jobs.
pub async fn send_expiry_reminders(
    db: &DatabaseConnection,
    base_url: &str,
    today: NaiveDate,
) -> Result<usize, DbErr> {
    let horizon = today + Duration::days(EXPIRY_REMINDER_DAYS);
    let due = provider_evidence::Entity::find()
        .filter(provider_evidence::Column::ExpiresOn.lte(horizon))
        .filter(provider_evidence::Column::ReminderSentAt.is_null())
        .all(db)
        .await?;
    let mut sent = 0;
    for evidence in due {
        let kind = evidence.kind;
        let Some(expires_on) = evidence.expires_on else {
            continue;
        };
        let txn = db.begin_write().await?;
        let Some(org) = provider_organisations::Entity::find_by_id(evidence.organisation_id)
            .one(&txn)
            .await?
        else {
            continue;
        };
        let link = format!(
            "{base_url}{}",
            paths::provider_organisation_evidence(org.id)
        );
        for (user, _) in organisations::members(&txn, org.id).await? {
            mail::enqueue(
                &txn,
                templates::evidence_expiring(
                    &user.email,
                    &user.display_name,
                    &org.name,
                    &kind.in_sentence(),
                    &crate::domain::dates::format_date(&expires_on),
                    expires_on < today,
                    &link,
                ),
            )
            .await?;
            sent += 1;
        }
        provider_evidence::Entity::update_many()
            .col_expr(
                provider_evidence::Column::ReminderSentAt,
                Expr::value(Some(Utc::now())),
            )
            .filter(provider_evidence::Column::Id.eq(evidence.id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            &Actor::system(),
            Event::new(
                Action::OrganisationEvidenceReminderSent,
                "provider_organisation",
                org.id,
            )
            .to(kind.as_str())
            .detail(format!("expires {expires_on}")),
        )
        .await?;
        txn.commit().await?;
    }
    Ok(sent)
}
