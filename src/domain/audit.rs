//! The append-only audit log: who did what to which record, from what state to what, and why.

use chrono::Utc;
use entity::audit_log;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// Who is acting, carried from the request into every domain function that changes state.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self::default()
    }

    /// The same request, credited to `user_id` when nobody is signed in (e.g. following an
    /// emailed link).
    pub fn or_user(&self, user_id: i64) -> Self {
        Self {
            user_id: self.user_id.or(Some(user_id)),
            ..self.clone()
        }
    }
}

/// One audit entry; build with [`Event::new`] and the `from`/`to`/`detail` setters.
#[derive(Debug)]
pub struct Event {
    action: &'static str,
    subject_type: &'static str,
    subject_id: String,
    from_state: Option<String>,
    to_state: Option<String>,
    detail: Option<String>,
}

impl Event {
    pub fn new(
        action: &'static str,
        subject_type: &'static str,
        subject_id: impl ToString,
    ) -> Self {
        Self {
            action,
            subject_type,
            subject_id: subject_id.to_string(),
            from_state: None,
            to_state: None,
            detail: None,
        }
    }

    pub fn from(mut self, state: impl Into<String>) -> Self {
        self.from_state = Some(state.into());
        self
    }

    pub fn to(mut self, state: impl Into<String>) -> Self {
        self.to_state = Some(state.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

pub async fn record(conn: &impl ConnectionTrait, actor: &Actor, event: Event) -> Result<(), DbErr> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        occurred_at: Set(Utc::now()),
        actor_user_id: Set(actor.user_id),
        on_behalf_of: Set(None),
        action: Set(event.action.to_owned()),
        subject_type: Set(event.subject_type.to_owned()),
        subject_id: Set(event.subject_id),
        from_state: Set(event.from_state),
        to_state: Set(event.to_state),
        detail: Set(event.detail),
        request_id: Set(actor.request_id.clone()),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Filters for the admin's audit log page.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_user_id: Option<i64>,
    pub subject: Option<(String, String)>,
}

pub const AUDIT_PAGE_SIZE: u64 = 50;

/// Newest first, one page; returns the rows and the total count.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let mut query = audit_log::Entity::find();
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::Column::Action.starts_with(action.as_str()));
    }
    if let Some(actor) = filter.actor_user_id {
        query = query.filter(audit_log::Column::ActorUserId.eq(actor));
    }
    if let Some((kind, id)) = &filter.subject {
        query = query
            .filter(audit_log::Column::SubjectType.eq(kind.as_str()))
            .filter(audit_log::Column::SubjectId.eq(id.as_str()));
    }
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .offset(page.saturating_sub(1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE)
        .all(conn)
        .await?;
    Ok((rows, total))
}
