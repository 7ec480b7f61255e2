//! Requests people make from their account page for their data to be erased: one open
//! request at a time, waiting in the admins' queue until an admin erases or declines it.

use chrono::{DateTime, Utc};
use entity::councils::CouncilId;
use entity::erasure_requests::{self, ErasureOutcome};
use entity::user_roles::Role;
use entity::users::{self, UserId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::accounts::user_admin;
use crate::domain::audit::{self, Action, Actor, Event};

/// Longest note a person may add to their request.
pub const MAX_NOTE_CHARS: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("Keep your note to {MAX_NOTE_CHARS} characters or fewer")]
    NoteTooLong,
    #[error("There is no such request")]
    NotFound,
    #[error("This request has already been dealt with")]
    Closed,
    #[error("Say why the request is declined: the person is told")]
    ReasonRequired,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The person's open request, if any.
pub async fn open_of(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Option<erasure_requests::Model>, DbErr> {
    erasure_requests::Entity::find()
        .filter(erasure_requests::Column::UserId.eq(user_id))
        .filter(erasure_requests::Column::ClosedAt.is_null())
        .one(conn)
        .await
}

pub async fn find(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<erasure_requests::Model>, DbErr> {
    erasure_requests::Entity::find_by_id(id).one(conn).await
}

/// Records a request (or returns the one already open). Returns when it was made.
pub async fn request(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    user_id: UserId,
    note: &str,
) -> Result<DateTime<Utc>, RequestError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(RequestError::NoteTooLong);
    }
    let txn = db.begin_write().await?;
    if let Some(open) = open_of(&txn, user_id).await? {
        return Ok(open.requested_at);
    }
    let now = Utc::now();
    let row = erasure_requests::ActiveModel {
        user_id: Set(user_id),
        requested_at: Set(now),
        note: Set((!note.is_empty()).then(|| note.to_owned())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::PersonErasureRequested, "user", user_id)
            .detail(format!("request {}", row.id)),
    )
    .await?;
    // Every active administrator of the person's council is told: it has a month to answer.
    let council = users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(DbErr::RecordNotFound("the account".into()))?
        .council_id;
    let link = format!(
        "{base_url}{}",
        crate::paths::admin_user_personal_data(user_id)
    );
    for admin in user_admin::active_with_role(&txn, council, Role::Admin).await? {
        crate::mail::enqueue(
            &txn,
            crate::mail::templates::erasure_requested(
                &admin.email,
                &admin.display_name,
                &answer_by(now),
                &link,
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(now)
}

/// The day by which the council must answer a request made at `at` (one month, as UK GDPR
/// Article 12(3) gives), as pages and emails say it.
pub fn answer_by(at: DateTime<Utc>) -> String {
    let day = crate::domain::dates::uk_date(&at);
    let due = day
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(day);
    crate::domain::dates::format_date(&due)
}

/// An open request with the person's current name.
pub struct OpenRequest {
    pub request: erasure_requests::Model,
    pub name: String,
}

/// Open requests, oldest first.
/// The open requests of people `council`'s administrators look after, oldest first.
pub async fn queue(
    conn: &impl ConnectionTrait,
    council: CouncilId,
) -> Result<Vec<OpenRequest>, DbErr> {
    let rows = erasure_requests::Entity::find()
        .filter(erasure_requests::Column::ClosedAt.is_null())
        .filter(erasure_requests::Column::UserId.in_subquery(user_admin::accounts_of(council)))
        .order_by_asc(erasure_requests::Column::RequestedAt)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for request in rows {
        let name = users::Entity::find_by_id(request.user_id)
            .one(conn)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        out.push(OpenRequest { request, name });
    }
    Ok(out)
}

/// Declines an open request; the reason is kept beside the audit log (and told to the
/// person by email).
pub async fn decline(
    db: &DatabaseConnection,
    actor: &Actor,
    council: CouncilId,
    request_id: i64,
    reason: &str,
) -> Result<(), RequestError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RequestError::ReasonRequired);
    }
    if reason.chars().count() > MAX_NOTE_CHARS {
        return Err(RequestError::NoteTooLong);
    }
    let txn = db.begin_write().await?;
    let row = erasure_requests::Entity::find_by_id(request_id)
        .one(&txn)
        .await?
        .ok_or(RequestError::NotFound)?;
    if !user_admin::belongs_to(&txn, council, row.user_id).await? {
        return Err(RequestError::NotFound);
    }
    if row.closed_at.is_some() {
        return Err(RequestError::Closed);
    }
    let user_id = row.user_id;
    let mut active: erasure_requests::ActiveModel = row.into();
    active.closed_at = Set(Some(Utc::now()));
    active.closed_by_user_id = Set(actor.user_id);
    active.outcome = Set(Some(ErasureOutcome::Declined));
    active.update(&txn).await?;
    if let Some(user) = users::Entity::find_by_id(user_id).one(&txn).await? {
        crate::mail::enqueue(
            &txn,
            crate::mail::templates::erasure_declined(&user.email, &user.display_name, reason),
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Event::new(Action::PersonErasureDeclined, "user", user_id)
            .detail(format!("request {request_id}"))
            .reason(reason),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
