//! What admins do to accounts: find them, grant and revoke roles, disable and re-enable.
//! A council's administrators see the accounts that belong to their council (any role
//! granted there) and providers, who are shared by every council; nobody else's.

use chrono::Utc;
use entity::councils::CouncilId;
use entity::users::UserId;
use entity::{user_roles, users};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use crate::db::BeginWrite;
use crate::domain::accounts::sessions::end_all_of;
use crate::domain::accounts::{find_user, grant_role_in, roles_in};
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
    #[error("A council's administrators grant council roles only")]
    NotACouncilRole,
    #[error(
        "This account also holds roles at another council, or administers the whole deployment: only the deployment's administrators can change the whole account"
    )]
    SharedAccount,
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
    council: CouncilId,
    filter: &UserFilter,
    page: u64,
) -> Result<(Vec<UserSummary>, u64), DbErr> {
    let mut query = users::Entity::find().filter(of_council(council));
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
        query = query.filter(users::Column::Id.in_subquery(ids_with_role(council, role)));
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
        let roles = roles_in(db, user.id, council).await?;
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

/// The figures for `council`: its accounts (providers included) and its invitations.
pub async fn counts(db: &DatabaseConnection, council: CouncilId) -> Result<AccountCounts, DbErr> {
    let mut by_role = Vec::new();
    for role in Role::ALL.into_iter().filter(|r| *r != Role::SuperAdmin) {
        let count = users::Entity::find()
            .filter(users::Column::Id.in_subquery(ids_with_role(council, role)))
            .count(db)
            .await?;
        by_role.push((role, count));
    }
    Ok(AccountCounts {
        users: users::Entity::find()
            .filter(of_council(council))
            .count(db)
            .await?,
        by_role,
        pending_invitations: entity::invitations::Entity::find()
            .filter(entity::invitations::Column::CouncilId.eq(council))
            .filter(entity::invitations::Column::AcceptedAt.is_null())
            .filter(entity::invitations::Column::ExpiresAt.gt(Utc::now()))
            .count(db)
            .await?,
    })
}

/// An account of `council` (or a provider), as its administrators see it.
pub async fn get(
    db: &DatabaseConnection,
    council: CouncilId,
    user_id: UserId,
) -> Result<UserSummary, UserAdminError> {
    let user = find_in(db, council, user_id).await?;
    let roles = roles_in(db, user.id, council).await?;
    Ok(UserSummary { user, roles })
}

/// Whether the account belongs to `council` (registered or was invited there, or holds a
/// role granted there) or is a provider's, so that the council's administrators may see and
/// manage it.
pub async fn belongs_to(
    conn: &impl ConnectionTrait,
    council: CouncilId,
    user_id: UserId,
) -> Result<bool, DbErr> {
    Ok(users::Entity::find_by_id(user_id)
        .filter(of_council(council))
        .count(conn)
        .await?
        > 0)
}

/// `SELECT id FROM users WHERE …` the accounts `council`'s administrators look after, for
/// `IN (…)` filters.
pub(crate) fn accounts_of(council: CouncilId) -> sea_orm::sea_query::SelectStatement {
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(of_council(council))
        .into_query()
}

/// Whether `council`'s administrators may act on the whole account (disable it, erase it,
/// reset its second factor, export all of it): it is their council's, holds no role at
/// another council (a provider's aside, which holds everywhere) and does not administer the
/// deployment. Accounts that span councils are the deployment administrators' to change.
pub async fn wholly_of(
    conn: &impl ConnectionTrait,
    council: CouncilId,
    user_id: UserId,
) -> Result<bool, DbErr> {
    let Some(user) = find_user(conn, user_id).await? else {
        return Ok(false);
    };
    let grants = crate::domain::accounts::grants_of(conn, user_id).await?;
    Ok(user.council_id == council
        && grants.iter().all(|(at, role)| {
            *role != Role::SuperAdmin && (*at == council || *role == Role::Provider)
        }))
}

/// The accounts a council's administrators see: its own, those holding a role there, and
/// providers'.
fn of_council(council: CouncilId) -> Condition {
    Condition::any()
        .add(users::Column::CouncilId.eq(council))
        .add(users::Column::Id.in_subquery(ids_in(council)))
}

/// The account, if it belongs to `council` (else not found, as if it did not exist).
async fn find_in(
    conn: &impl ConnectionTrait,
    council: CouncilId,
    user_id: UserId,
) -> Result<users::Model, UserAdminError> {
    if !belongs_to(conn, council, user_id).await? {
        return Err(UserAdminError::NotFound);
    }
    find_user(conn, user_id)
        .await?
        .ok_or(UserAdminError::NotFound)
}

/// Grants `role` in `council` to one of its accounts.
pub async fn grant_role(
    db: &DatabaseConnection,
    actor: &Actor,
    council: CouncilId,
    user_id: UserId,
    role: Role,
) -> Result<(), UserAdminError> {
    if role == Role::SuperAdmin {
        return Err(UserAdminError::NotACouncilRole);
    }
    let txn = db.begin_write().await?;
    let user = find_in(&txn, council, user_id).await?;
    if user.erased_at.is_some() {
        return Err(UserAdminError::Erased);
    }
    grant_audited(&txn, actor, council, user_id, role).await?;
    txn.commit().await?;
    Ok(())
}

/// Grants the role unless held, and audits it when it was granted now.
async fn grant_audited(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    council: CouncilId,
    user_id: UserId,
    role: Role,
) -> Result<(), DbErr> {
    if grant_role_in(txn, user_id, council, role, actor.user_id).await? {
        audit::record(
            txn,
            actor,
            Event::new(Action::RoleGranted, "user", user_id).to(role.as_str()),
        )
        .await?;
    }
    Ok(())
}

/// Grants `role` in `council` for whoever runs `kith admin create` on the server: any
/// account, any role (the deployment's own administrators included); audited.
pub async fn grant_from_command_line(
    db: &DatabaseConnection,
    council: CouncilId,
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
    let actor = Actor {
        council: Some(council),
        ..Actor::system()
    };
    grant_audited(&txn, &actor, council, user_id, role).await?;
    txn.commit().await?;
    Ok(())
}

/// Takes `role` in `council` from one of its accounts (a provider's role, wherever it was
/// granted: it holds in every council).
pub async fn revoke_role(
    db: &DatabaseConnection,
    actor: &Actor,
    council: CouncilId,
    user_id: UserId,
    role: Role,
) -> Result<(), UserAdminError> {
    if role == Role::SuperAdmin {
        return Err(UserAdminError::NotACouncilRole);
    }
    if role == Role::Admin && actor.user_id == Some(user_id) {
        return Err(UserAdminError::OwnAdminRole);
    }
    let txn = db.begin_write().await?;
    find_in(&txn, council, user_id).await?;
    // A provider's role holds at every council: only the account's own council takes it.
    if role.is_deployment_wide() && !wholly_of(&txn, council, user_id).await? {
        return Err(UserAdminError::SharedAccount);
    }
    let res = user_roles::Entity::delete_many()
        .filter(user_roles::Column::UserId.eq(user_id))
        .filter(user_roles::Column::Role.eq(role))
        .filter(in_council(council))
        .exec(&txn)
        .await?;
    if res.rows_affected > 0 {
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
    council: CouncilId,
    user_id: UserId,
    disabled: bool,
    reason: &str,
) -> Result<(), UserAdminError> {
    if disabled && actor.user_id == Some(user_id) {
        return Err(UserAdminError::OwnAccount);
    }
    let txn = db.begin_write().await?;
    let user = find_in(&txn, council, user_id).await?;
    if !wholly_of(&txn, council, user_id).await? {
        return Err(UserAdminError::SharedAccount);
    }
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

/// Accounts holding `role` in `council` that are not disabled (e.g. the admins to tell
/// about a submission).
pub async fn active_with_role(
    conn: &impl ConnectionTrait,
    council: CouncilId,
    role: Role,
) -> Result<Vec<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Id.in_subquery(ids_with_role(council, role)))
        .filter(users::Column::DisabledAt.is_null())
        .order_by_asc(users::Column::Id)
        .all(conn)
        .await
}

/// Grants that hold in `council`: made there, or of a role that holds everywhere. A
/// deployment administrator's role is left out: council administrators do not manage it.
fn in_council(council: CouncilId) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(user_roles::Column::CouncilId.eq(council))
                .add(user_roles::Column::Role.ne(Role::SuperAdmin)),
        )
        .add(user_roles::Column::Role.eq(Role::Provider))
}

/// `SELECT user_id FROM user_roles WHERE …` the accounts of `council`, for `IN (…)` filters.
fn ids_in(council: CouncilId) -> sea_orm::sea_query::SelectStatement {
    user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(in_council(council))
        .into_query()
}

/// The accounts holding `role` in `council`, for `IN (…)` filters.
fn ids_with_role(council: CouncilId, role: Role) -> sea_orm::sea_query::SelectStatement {
    let mut grants = user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(user_roles::Column::Role.eq(role));
    if !role.is_deployment_wide() {
        grants = grants.filter(user_roles::Column::CouncilId.eq(council));
    }
    grants.into_query()
}
