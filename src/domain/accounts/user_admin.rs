//! What admins do to accounts: find them, grant and revoke roles, disable and re-enable.

use chrono::Utc;
use entity::users::UserId;
use entity::{user_roles, users};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};

use crate::db::BeginWrite;
use crate::domain::accounts::sessions::end_all_of;
use crate::domain::accounts::{find_user, grant_role_in, roles_of};
use crate::domain::audit::{self, Action, Actor, Event};
use entity::user_roles::Role;

pub const USERS_PAGE_SIZE: u64 = 25;

#[derive(Debug, thiserror::Error)]
pub enum UserAdminError {
    #[error("Account not found")]
    NotFound,
    #[error("You cannot remove your own administrator role. Ask another administrator to do it.")]
    OwnAdminRole,
    #[error("You cannot disable your own account")]
    OwnAccount,
    #[error("This person's data has been erased: the account cannot be used again")]
    Erased,
    #[error(transparent)]
    Db(#[from] DbErr),
}

#[derive(Debug, Clone)]
pub struct UserSummary {
    pub user: users::Model,
    pub roles: Vec<Role>,
}

#[derive(Debug, Default)]
pub struct UserFilter {
    /// Matches part of the email address or name.
    pub text: Option<String>,
    pub role: Option<Role>,
}

pub async fn list(
    db: &DatabaseConnection,
    filter: &UserFilter,
    page: u64,
) -> Result<(Vec<UserSummary>, u64), DbErr> {
    let mut query = users::Entity::find();
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = text.to_lowercase();
        query = query.filter(
            Condition::any()
                .add(users::Column::Email.contains(pattern.as_str()))
                .add(
                    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                        users::Column::DisplayName,
                    )))
                    .like(format!("%{}%", escape_like(&pattern))),
                ),
        );
    }
    if let Some(role) = filter.role {
        query = query.filter(users::Column::Id.in_subquery(ids_with_role(role)));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(users::Column::Email)
        .offset(page.saturating_sub(1) * USERS_PAGE_SIZE)
        .limit(USERS_PAGE_SIZE)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for user in rows {
        let roles = roles_of(db, user.id).await?;
        out.push(UserSummary { user, roles });
    }
    Ok((out, total))
}

fn escape_like(text: &str) -> String {
    text.replace(['\\', '%', '_'], "")
}

/// The administration overview's account figures.
pub struct AccountCounts {
    pub users: u64,
    pub by_role: Vec<(Role, u64)>,
    /// Invitations neither accepted nor expired.
    pub pending_invitations: u64,
}

pub async fn counts(db: &DatabaseConnection) -> Result<AccountCounts, DbErr> {
    let mut by_role = Vec::new();
    for role in Role::ALL {
        let count = user_roles::Entity::find()
            .filter(user_roles::Column::Role.eq(role))
            .count(db)
            .await?;
        by_role.push((role, count));
    }
    Ok(AccountCounts {
        users: users::Entity::find().count(db).await?,
        by_role,
        pending_invitations: entity::invitations::Entity::find()
            .filter(entity::invitations::Column::AcceptedAt.is_null())
            .filter(entity::invitations::Column::ExpiresAt.gt(Utc::now()))
            .count(db)
            .await?,
    })
}

pub async fn get(db: &DatabaseConnection, user_id: UserId) -> Result<UserSummary, UserAdminError> {
    let user = find_user(db, user_id)
        .await?
        .ok_or(UserAdminError::NotFound)?;
    let roles = roles_of(db, user.id).await?;
    Ok(UserSummary { user, roles })
}

pub async fn grant_role(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    role: Role,
) -> Result<(), UserAdminError> {
    let txn = db.begin_write().await?;
    let user = find_user(&txn, user_id)
        .await?
        .ok_or(UserAdminError::NotFound)?;
    if user.erased_at.is_some() {
        return Err(UserAdminError::Erased);
    }
    if grant_role_in(&txn, user_id, role, actor.user_id).await? {
        audit::record(
            &txn,
            actor,
            Event::new(Action::RoleGranted, "user", user_id).to(role.as_str()),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn revoke_role(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    role: Role,
) -> Result<(), UserAdminError> {
    if role == Role::Admin && actor.user_id == Some(user_id) {
        return Err(UserAdminError::OwnAdminRole);
    }
    let txn = db.begin_write().await?;
    find_user(&txn, user_id)
        .await?
        .ok_or(UserAdminError::NotFound)?;
    let res = user_roles::Entity::delete_by_id((user_id, role))
        .exec(&txn)
        .await?;
    if res.rows_affected == 1 {
        audit::record(
            &txn,
            actor,
            Event::new(Action::RoleRevoked, "user", user_id).from(role.as_str()),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Disables (and signs out everywhere) or re-enables an account.
pub async fn set_disabled(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    disabled: bool,
    reason: &str,
) -> Result<(), UserAdminError> {
    if disabled && actor.user_id == Some(user_id) {
        return Err(UserAdminError::OwnAccount);
    }
    let txn = db.begin_write().await?;
    let user = find_user(&txn, user_id)
        .await?
        .ok_or(UserAdminError::NotFound)?;
    if user.disabled_at.is_some() == disabled {
        return Ok(());
    }
    if user.erased_at.is_some() {
        return Err(UserAdminError::Erased);
    }
    let value = disabled.then(Utc::now);
    users::Entity::update_many()
        .col_expr(users::Column::DisabledAt, Expr::value(value))
        .col_expr(users::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    if disabled {
        end_all_of(&txn, user_id).await?;
    }
    let (from, to) = if disabled {
        ("active", "disabled")
    } else {
        ("disabled", "active")
    };
    let mut event = Event::new(Action::AccountStatusChanged, "user", user_id)
        .from(from)
        .to(to);
    event = event.reason(reason);
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Accounts holding `role` that are not disabled (e.g. the admins to tell about a submission).
pub async fn active_with_role(
    conn: &impl sea_orm::ConnectionTrait,
    role: Role,
) -> Result<Vec<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Id.in_subquery(ids_with_role(role)))
        .filter(users::Column::DisabledAt.is_null())
        .order_by_asc(users::Column::Id)
        .all(conn)
        .await
}

/// `SELECT user_id FROM user_roles WHERE role = …`, for `IN (…)` filters.
fn ids_with_role(role: Role) -> sea_orm::sea_query::SelectStatement {
    user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(user_roles::Column::Role.eq(role.as_str()))
        .into_query()
}
