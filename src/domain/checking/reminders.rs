//! Reminders to quality checkers: a few days before a check is due (or as soon as it is
//! found overdue), each open check — offered or accepted, not yet submitted — earns its
//! checker one email. The reminder is recorded so it is sent once.

use chrono::{Duration, NaiveDate, Utc};
use entity::checker_assignments::AssignmentStatus;
use entity::{checker_assignments, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::dates::format_date;
use crate::domain::listings;
use crate::mail::{self, checking_templates as templates};
use crate::paths;

/// Emails each checker whose open check falls due within `days_before` days of `today` and
/// who has not been reminded about it. Returns how many reminders were queued.
pub async fn send_due_reminders(
    db: &DatabaseConnection,
    base_url: &str,
    today: NaiveDate,
    days_before: i64,
) -> Result<u64, DbErr> {
    let horizon = today + Duration::days(days_before.max(0));
    let due = checker_assignments::Entity::find()
        .filter(
            checker_assignments::Column::Status
                .is_in([AssignmentStatus::Offered, AssignmentStatus::Accepted]),
        )
        .filter(checker_assignments::Column::RemindedAt.is_null())
        .filter(checker_assignments::Column::DueOn.lte(horizon))
        .all(db)
        .await?;
    let bases = crate::domain::councils::link_bases(db, base_url).await?;
    let mut sent = 0;
    for assignment in due {
        let council = assignment.council_id;
        let base_url = bases.get(&council).map_or(base_url, String::as_str);
        let Some(checker) = users::Entity::find_by_id(assignment.checker_user_id)
            .one(db)
            .await?
            .filter(|u| u.disabled_at.is_none())
        else {
            continue;
        };
        let title = match listings::load(db, assignment.listing_id).await {
            Ok(view) => view.title().to_owned(),
            Err(_) => continue,
        };
        let txn = db.begin_write().await?;
        let id = assignment.id;
        let accepted = assignment.status == AssignmentStatus::Accepted;
        let overdue = assignment.due_on < today;
        let due_on = format_date(&assignment.due_on);
        let mut active: checker_assignments::ActiveModel = assignment.into();
        active.reminded_at = Set(Some(Utc::now()));
        active.update(&txn).await?;
        audit::record(
            &txn,
            &Actor {
                council: Some(council),
                ..Actor::system()
            },
            Event::new(Action::AssignmentReminded, "assignment", id)
                .detail(format!("due {due_on}")),
        )
        .await?;
        mail::enqueue(
            &txn,
            templates::check_due_reminder(
                &checker.email,
                &checker.display_name,
                &title,
                &due_on,
                templates::Reminder { accepted, overdue },
                &format!("{base_url}{}", paths::checker_assignment(id)),
            ),
        )
        .await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
