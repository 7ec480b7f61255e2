//! Accounts: registering, confirming an email address, recording sign-ins, the profile and
//! roles. Messages never reveal whether an email address is registered.

pub mod display_name;
pub mod email_address;
pub mod invitations;
pub mod link_tokens;
pub mod new_password;
pub mod password_hash;
pub mod passwords;
pub mod sessions;
pub mod two_factor;
pub mod user_admin;

use chrono::{Duration, Utc};
use entity::councils::CouncilId;
use entity::users::UserId;
use entity::{user_roles, users};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, SqlErr,
};

use crate::db::BeginWrite;
use crate::domain::accounts::display_name::DisplayName;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::accounts::link_tokens::{
    PURPOSE_VERIFY_EMAIL, VERIFY_EMAIL_HOURS, consume_token, issue_token,
};
use crate::domain::audit::{self, Action, Actor, Event};
use crate::mail::{self, templates};
use crate::paths;
use entity::user_roles::Role;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Same message for unknown email, wrong password and disabled account.
    #[error("Enter a correct email address and password")]
    InvalidCredentials,
    #[error("This link is not valid or has expired")]
    InvalidToken,
    #[error("Your current password is not correct")]
    WrongCurrentPassword,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A signed-in account as a request sees it: who, and which roles they hold in the council
/// the request is for.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// Roles held in [`CurrentUser::council`]: those granted there, and the roles that hold
    /// in every council (a provider's, a deployment administrator's).
    pub roles: Vec<Role>,
    /// The council the request is for.
    pub council: CouncilId,
    /// Every role the account holds in any council: a council's staff sign in with a
    /// second factor wherever they sign in.
    pub roles_anywhere: Vec<Role>,
    pub email_verified: bool,
}

impl CurrentUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Every role the account holds, in any council, in display order.
pub async fn roles_of(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Vec<Role>, DbErr> {
    let mut roles: Vec<Role> = grants_of(conn, user_id)
        .await?
        .into_iter()
        .map(|(_, role)| role)
        .collect();
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// The roles the account holds in `council`, in display order: those granted there and
/// those that hold in every council.
pub async fn roles_in(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    council: CouncilId,
) -> Result<Vec<Role>, DbErr> {
    Ok(in_council(&grants_of(conn, user_id).await?, council))
}

/// Which of `grants` hold in `council`, sorted.
fn in_council(grants: &[(CouncilId, Role)], council: CouncilId) -> Vec<Role> {
    let mut roles: Vec<Role> = grants
        .iter()
        .filter(|(at, role)| *at == council || role.is_deployment_wide())
        .map(|(_, role)| *role)
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// Every grant the account holds: the council and the role.
pub async fn grants_of(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Vec<(CouncilId, Role)>, DbErr> {
    Ok(user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.council_id, r.role))
        .collect())
}

/// The account behind a session, if it exists and is not disabled, with its roles in
/// `council`.
pub async fn find_active_user(
    db: &DatabaseConnection,
    user_id: UserId,
    council: CouncilId,
) -> Result<Option<CurrentUser>, DbErr> {
    let Some(user) = users::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    if user.disabled_at.is_some() {
        return Ok(None);
    }
    let grants = grants_of(db, user.id).await?;
    let mut roles_anywhere: Vec<Role> = grants.iter().map(|(_, role)| *role).collect();
    roles_anywhere.sort();
    roles_anywhere.dedup();
    Ok(Some(CurrentUser {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        roles: in_council(&grants, council),
        council,
        roles_anywhere,
        email_verified: user.email_verified_at.is_some(),
    }))
}

/// The account's email address (empty if it is gone).
pub async fn email_of(conn: &impl ConnectionTrait, user_id: UserId) -> Result<String, DbErr> {
    Ok(find_user(conn, user_id)
        .await?
        .map(|u| u.email)
        .unwrap_or_default())
}

pub async fn find_user(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(user_id).one(conn).await
}

pub async fn find_by_email(
    conn: &impl ConnectionTrait,
    email: &EmailAddress,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(conn)
        .await
}

pub struct NewAccount {
    pub email: EmailAddress,
    pub display_name: DisplayName,
    pub password_hash: String,
    pub role: Role,
    /// The council whose pages they registered on: a budget holder belongs to it.
    pub council: CouncilId,
}

/// What happened; the person sees the same "check your email" page either way.
#[derive(Debug, PartialEq, Eq)]
pub enum Registration {
    Created(UserId),
    AlreadyRegistered,
}

#[tracing::instrument(skip_all, fields(role = account.role.as_str()))]
pub async fn register(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    account: NewAccount,
) -> Result<Registration, DbErr> {
    debug_assert!(account.role.is_self_service());
    let txn = db.begin_write().await?;
    if let Some(existing) = find_by_email(&txn, &account.email).await? {
        if existing.disabled_at.is_none() {
            mail::enqueue(
                &txn,
                templates::already_registered(
                    &existing.email,
                    &existing.display_name,
                    &format!("{base_url}{}", paths::sign_in()),
                    &format!("{base_url}{}", paths::forgot_password()),
                ),
            )
            .await?;
        }
        txn.commit().await?;
        return Ok(Registration::AlreadyRegistered);
    }
    let now = Utc::now();
    let inserted = users::ActiveModel {
        email: Set(account.email.as_str().to_owned()),
        display_name: Set(account.display_name.as_str().to_owned()),
        password_hash: Set(account.password_hash),
        council_id: Set(account.council),
        email_verified_at: Set(None),
        disabled_at: Set(None),
        last_sign_in_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let user = match inserted {
        Ok(user) => user,
        // Lost a race with a concurrent registration of the same address.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(Registration::AlreadyRegistered);
        }
        Err(err) => return Err(err),
    };
    grant_role_in(&txn, user.id, account.council, account.role, None).await?;
    queue_verification_email(&txn, base_url, user.id, &user.email, &user.display_name).await?;
    let actor = Actor {
        user_id: Some(user.id),
        ..actor.clone()
    };
    audit::record(
        &txn,
        &actor,
        Event::new(Action::AccountRegistered, "user", user.id).to(account.role.as_str()),
    )
    .await?;
    txn.commit().await?;
    Ok(Registration::Created(user.id))
}

/// Grants `role` in `council`, unless the account already holds it there (or, for a role
/// that holds in every council, anywhere). Whether it was granted now.
pub async fn grant_role_in(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    council: CouncilId,
    role: Role,
    granted_by: Option<UserId>,
) -> Result<bool, DbErr> {
    let held = if role.is_deployment_wide() {
        roles_of(conn, user_id).await?.contains(&role)
    } else {
        roles_in(conn, user_id, council).await?.contains(&role)
    };
    if held {
        return Ok(false);
    }
    user_roles::Entity::insert(user_roles::ActiveModel {
        user_id: Set(user_id),
        council_id: Set(council),
        role: Set(role),
        granted_by: Set(granted_by),
        granted_at: Set(Utc::now()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(true)
}

/// Issues a new confirmation link (older ones stop working) and queues the email.
async fn queue_verification_email(
    conn: &impl ConnectionTrait,
    base_url: &str,
    user_id: UserId,
    email: &str,
    name: &str,
) -> Result<(), DbErr> {
    let token = issue_token(
        conn,
        user_id,
        PURPOSE_VERIFY_EMAIL,
        Duration::hours(VERIFY_EMAIL_HOURS),
    )
    .await?;
    let link = format!("{base_url}{}", paths::verify_email(&token));
    mail::enqueue(conn, templates::verify_email(email, name, &link)).await
}

/// Records that the account's email address is proven (by following an emailed link).
pub(crate) async fn mark_email_verified(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(
            users::Column::EmailVerifiedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::EmailVerifiedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn verify_email(
    db: &DatabaseConnection,
    actor: &Actor,
    token: &str,
) -> Result<UserId, AccountError> {
    let txn = db.begin_write().await?;
    let user_id = consume_token(&txn, token, PURPOSE_VERIFY_EMAIL).await?;
    mark_email_verified(&txn, user_id).await?;
    audit::record(
        &txn,
        &actor.or_user(user_id),
        Event::new(Action::AccountEmailVerified, "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(user_id)
}

pub async fn resend_verification(
    db: &DatabaseConnection,
    base_url: &str,
    user: &CurrentUser,
) -> Result<(), DbErr> {
    if user.email_verified {
        return Ok(());
    }
    let txn = db.begin_write().await?;
    queue_verification_email(&txn, base_url, user.id, &user.email, &user.display_name).await?;
    txn.commit().await
}

pub async fn record_sign_in(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
) -> Result<(), DbErr> {
    let txn = db.begin_write().await?;
    users::Entity::update_many()
        .col_expr(users::Column::LastSignInAt, Expr::value(Some(Utc::now())))
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    let actor = Actor {
        user_id: Some(user_id),
        ..actor.clone()
    };
    audit::record(
        &txn,
        &actor,
        Event::new(Action::AccountSignedIn, "user", user_id),
    )
    .await?;
    txn.commit().await
}

pub async fn update_profile(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    name: &DisplayName,
) -> Result<(), DbErr> {
    let txn = db.begin_write().await?;
    let Some(user) = users::Entity::find_by_id(user_id).one(&txn).await? else {
        return Ok(());
    };
    if user.display_name == name.as_str() {
        return Ok(());
    }
    let mut active: users::ActiveModel = user.into();
    active.display_name = Set(name.as_str().to_owned());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AccountProfileUpdated, "user", user_id).detail("name changed"),
    )
    .await?;
    txn.commit().await
}

/// Creates an account of `council` whose email is already known to be good (the command
/// line, demo data).
pub async fn create_verified_account(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    council: CouncilId,
    email: &EmailAddress,
    name: &DisplayName,
    password_hash: String,
) -> Result<UserId, DbErr> {
    let now = Utc::now();
    let user = users::ActiveModel {
        email: Set(email.as_str().to_owned()),
        display_name: Set(name.as_str().to_owned()),
        password_hash: Set(password_hash),
        council_id: Set(council),
        email_verified_at: Set(Some(now)),
        disabled_at: Set(None),
        last_sign_in_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        actor,
        Event::new(Action::AccountCreated, "user", user.id),
    )
    .await?;
    Ok(user.id)
}
