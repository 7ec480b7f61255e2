//! Quality-check assignments: an admin asks a checker to inspect a published listing by a
//! date; the checker is emailed and accepts or declines (with a reason); admins may cancel.
//! Checkers see only their own assignments; overdue ones are flagged.

use chrono::{NaiveDate, Utc};
use entity::checker_assignments::AssignmentStatus;
use entity::councils::CouncilId;
use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::users::UserId;
use entity::{checker_assignments, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::accounts;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::dates::{format_date, parse_date};
use crate::domain::listings::{self, ListingError};
use crate::domain::validation::{FieldErrors, FormFields, optional_text, required_text};
use crate::mail::{self, checking_templates as templates};
use crate::paths;
use entity::user_roles::Role;

pub fn status_label(status: AssignmentStatus) -> &'static str {
    match status {
        AssignmentStatus::Offered => "Waiting for the checker",
        AssignmentStatus::Accepted => "Accepted",
        AssignmentStatus::Declined => "Declined",
        AssignmentStatus::Cancelled => "Cancelled",
        AssignmentStatus::Submitted => "Inspection sent to the council",
        AssignmentStatus::Published => "Inspection published",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AssignmentError {
    #[error("assignment not found")]
    NotFound,
    #[error("Only published (or suspended) listings can be checked")]
    NotPublished,
    #[error("That account is not an active quality checker")]
    NotAChecker,
    #[error("This assignment has already been answered")]
    AlreadyAnswered,
    #[error("This assignment is closed")]
    Closed,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Listing(#[from] ListingError),
}

/// The admin's "assign a checker" form.
#[derive(Clone, Debug, Default)]
pub struct AssignForm {
    pub checker: String,
    pub due_day: String,
    pub due_month: String,
    pub due_year: String,
    pub notes: String,
}

pub struct NewAssignment {
    pub checker_user_id: UserId,
    pub due_on: NaiveDate,
    pub notes: String,
}

impl AssignForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            checker: f.one("checker"),
            due_day: f.one("due-day"),
            due_month: f.one("due-month"),
            due_year: f.one("due-year"),
            notes: f.one("notes"),
        }
    }

    pub fn parse(&self, today: NaiveDate) -> Result<NewAssignment, FieldErrors> {
        let mut e = FieldErrors::default();
        let checker = self.checker.trim().parse::<UserId>().ok();
        if checker.is_none() {
            e.add("checker", "Choose a quality checker");
        }
        let due = match parse_date(
            &self.due_day,
            &self.due_month,
            &self.due_year,
            "The due date",
        ) {
            Ok(Some(d)) if d < today => {
                e.add("due", "The due date must be today or later");
                None
            }
            Ok(Some(d)) if d > today + chrono::Duration::days(366) => {
                e.add("due", "The due date must be within a year");
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                e.add("due", "Enter the date the check is due");
                None
            }
            Err(message) => {
                e.add("due", message);
                None
            }
        };
        let notes = optional_text(&mut e, "notes", &self.notes, 2000, "Notes");
        match (checker, due) {
            (Some(checker_user_id), Some(due_on)) if e.is_empty() => Ok(NewAssignment {
                checker_user_id,
                due_on,
                notes: notes.unwrap_or_default(),
            }),
            _ => Err(e),
        }
    }
}

/// Assigns a published listing to an active checker and emails them.
pub async fn assign(
    db: &DatabaseConnection,
    actor: &Actor,
    site: &crate::domain::councils::Site,
    listing_id: ListingId,
    admin_user_id: UserId,
    new: NewAssignment,
) -> Result<i64, AssignmentError> {
    let txn = db.begin_write().await?;
    let view = listings::load(&txn, listing_id).await?;
    // Published listings, suspended ones too: a re-check often follows a suspension.
    if view.listing.status != ListingStatus::Approved || view.live.is_none() {
        return Err(AssignmentError::NotPublished);
    }
    let checker = users::Entity::find_by_id(new.checker_user_id)
        .one(&txn)
        .await?
        .filter(|u| u.disabled_at.is_none())
        .ok_or(AssignmentError::NotAChecker)?;
    // A checker of the council assigning the check.
    if !accounts::roles_in(&txn, checker.id, site.council)
        .await?
        .contains(&Role::QualityChecker)
    {
        return Err(AssignmentError::NotAChecker);
    }
    let now = Utc::now();
    let row = checker_assignments::ActiveModel {
        council_id: Set(site.council),
        listing_id: Set(listing_id),
        organisation_id: Set(view.org.id),
        checker_user_id: Set(checker.id),
        assigned_by_user_id: Set(admin_user_id),
        due_on: Set(new.due_on),
        notes: Set(new.notes),
        status: Set(AssignmentStatus::Offered),
        decline_reason: Set(None),
        responded_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AssignmentOffered, "assignment", row.id)
            .to(AssignmentStatus::Offered)
            .detail(format!("listing {listing_id} to checker {}", checker.id)),
    )
    .await?;
    mail::enqueue(
        &txn,
        templates::assignment_offered(
            &checker.email,
            &checker.display_name,
            view.title(),
            &format_date(&row.due_on),
            &format!("{}{}", site.base_url, paths::checker_assignment(row.id)),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// One of this checker's assignments; anyone else's is "not found".
pub async fn of_checker(
    conn: &impl ConnectionTrait,
    id: i64,
    checker_user_id: UserId,
) -> Result<checker_assignments::Model, AssignmentError> {
    checker_assignments::Entity::find_by_id(id)
        .filter(checker_assignments::Column::CheckerUserId.eq(checker_user_id))
        .one(conn)
        .await?
        .ok_or(AssignmentError::NotFound)
}

/// The checker's answer: accept, or decline with a reason (which the admin is emailed).
pub async fn respond(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
    checker_user_id: UserId,
    accept: bool,
    reason: &str,
) -> Result<(), AssignmentError> {
    let txn = db.begin_write().await?;
    let assignment = of_checker(&txn, id, checker_user_id).await?;
    if assignment.status != AssignmentStatus::Offered {
        return Err(AssignmentError::AlreadyAnswered);
    }
    let to = if accept {
        AssignmentStatus::Accepted
    } else {
        AssignmentStatus::Declined
    };
    let mut active: checker_assignments::ActiveModel = assignment.clone().into();
    active.status = Set(to.to_owned());
    active.decline_reason = Set((!accept).then(|| reason.to_owned()));
    active.responded_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let mut event = Event::new(
        if accept {
            Action::AssignmentAccepted
        } else {
            Action::AssignmentDeclined
        },
        "assignment",
        id,
    )
    .from(AssignmentStatus::Offered)
    .to(to);
    if !accept {
        event = event.reason(reason);
        let title = listings::load(&txn, assignment.listing_id)
            .await?
            .title()
            .to_owned();
        if let Some(admin) = users::Entity::find_by_id(assignment.assigned_by_user_id)
            .one(&txn)
            .await?
        {
            mail::enqueue(
                &txn,
                templates::assignment_declined(
                    &admin.email,
                    &admin.display_name,
                    &title,
                    reason,
                    &format!("{base_url}{}", paths::admin_checking()),
                ),
            )
            .await?;
        }
    }
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// A decline needs a reason the admin can act on.
pub fn parse_decline_reason(raw: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    match required_text(
        &mut e,
        "reason",
        raw,
        1000,
        "why you cannot take this check",
    ) {
        Some(reason) => Ok(reason),
        None => Err(e),
    }
}

/// An admin withdraws an assignment that is still open.
pub async fn cancel(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> Result<(), AssignmentError> {
    let txn = db.begin_write().await?;
    let assignment = checker_assignments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|a| actor.may_reach(a.council_id))
        .ok_or(AssignmentError::NotFound)?;
    if assignment.status != AssignmentStatus::Offered
        && assignment.status != AssignmentStatus::Accepted
    {
        return Err(AssignmentError::Closed);
    }
    let from = assignment.status;
    let mut active: checker_assignments::ActiveModel = assignment.into();
    active.status = Set(AssignmentStatus::Cancelled);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AssignmentCancelled, "assignment", id)
            .from(from)
            .to(AssignmentStatus::Cancelled),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Withdraws the open checks of a listing being archived (inside its transaction).
pub async fn cancel_for_archived(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    listing_id: ListingId,
) -> Result<(), DbErr> {
    let open = checker_assignments::Entity::find()
        .filter(checker_assignments::Column::ListingId.eq(listing_id))
        .filter(
            checker_assignments::Column::Status
                .is_in([AssignmentStatus::Offered, AssignmentStatus::Accepted]),
        )
        .all(txn)
        .await?;
    for assignment in open {
        let (id, from) = (assignment.id, assignment.status);
        let mut active: checker_assignments::ActiveModel = assignment.into();
        active.status = Set(AssignmentStatus::Cancelled);
        active.updated_at = Set(Utc::now());
        active.update(txn).await?;
        audit::record(
            txn,
            actor,
            Event::new(Action::AssignmentCancelled, "assignment", id)
                .from(from)
                .to(AssignmentStatus::Cancelled)
                .detail("the listing was archived"),
        )
        .await?;
    }
    Ok(())
}

/// An assignment with the listing's title and provider, for lists.
pub struct AssignmentView {
    pub assignment: checker_assignments::Model,
    pub listing_title: String,
    pub provider_name: String,
    pub checker_name: String,
}

impl AssignmentView {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        (self.assignment.status == AssignmentStatus::Offered
            || self.assignment.status == AssignmentStatus::Accepted)
            && self.assignment.due_on < today
    }
}

async fn views(
    db: &DatabaseConnection,
    rows: Vec<checker_assignments::Model>,
) -> Result<Vec<AssignmentView>, AssignmentError> {
    let mut out = Vec::with_capacity(rows.len());
    for assignment in rows {
        let listing = listings::load(db, assignment.listing_id).await?;
        let checker_name = users::Entity::find_by_id(assignment.checker_user_id)
            .one(db)
            .await?
            .map_or_else(String::new, |u| u.display_name);
        out.push(AssignmentView {
            listing_title: listing.title().to_owned(),
            provider_name: listing.org.name.clone(),
            checker_name,
            assignment,
        });
    }
    Ok(out)
}

/// A checker's assignments, soonest due first.
pub async fn for_checker(
    db: &DatabaseConnection,
    checker_user_id: UserId,
) -> Result<Vec<AssignmentView>, AssignmentError> {
    let rows = checker_assignments::Entity::find()
        .filter(checker_assignments::Column::CheckerUserId.eq(checker_user_id))
        .order_by_asc(checker_assignments::Column::DueOn)
        .order_by_asc(checker_assignments::Column::Id)
        .all(db)
        .await?;
    views(db, rows).await
}

/// `council`'s open assignments (offered or accepted), soonest due first; and a listing's
/// history.
pub async fn open(
    db: &DatabaseConnection,
    council: CouncilId,
) -> Result<Vec<AssignmentView>, AssignmentError> {
    let rows = checker_assignments::Entity::find()
        .filter(checker_assignments::Column::CouncilId.eq(council))
        .filter(
            checker_assignments::Column::Status
                .is_in([AssignmentStatus::Offered, AssignmentStatus::Accepted]),
        )
        .order_by_asc(checker_assignments::Column::DueOn)
        .all(db)
        .await?;
    views(db, rows).await
}

pub async fn for_listing(
    db: &DatabaseConnection,
    council: CouncilId,
    listing_id: ListingId,
) -> Result<Vec<AssignmentView>, AssignmentError> {
    let rows = checker_assignments::Entity::find()
        .filter(checker_assignments::Column::CouncilId.eq(council))
        .filter(checker_assignments::Column::ListingId.eq(listing_id))
        .order_by_desc(checker_assignments::Column::Id)
        .all(db)
        .await?;
    views(db, rows).await
}

/// `council`'s recently declined assignments, for its admins to reassign.
pub async fn declined(
    db: &DatabaseConnection,
    council: CouncilId,
) -> Result<Vec<AssignmentView>, AssignmentError> {
    let rows = checker_assignments::Entity::find()
        .filter(checker_assignments::Column::CouncilId.eq(council))
        .filter(checker_assignments::Column::Status.eq(AssignmentStatus::Declined))
        .order_by_desc(checker_assignments::Column::RespondedAt)
        .all(db)
        .await?;
    views(db, rows).await
}
