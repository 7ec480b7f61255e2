//! Accounts: registering, confirming an email address, signing in, resetting and changing a
//! password, and the profile. Messages never reveal whether an email address is registered.

use chrono::{Duration, Utc};
use entity::{auth_tokens, user_roles, users};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, SqlErr, TransactionTrait,
};

use super::audit::{self, Actor, Event};
use super::display_name::DisplayName;
use super::email_address::EmailAddress;
use crate::auth::access::CurrentUser;
use crate::auth::roles::Role;
use crate::auth::session_store::end_all_sessions_of;
use crate::auth::tokens::{new_token, sha256_hex};
use crate::mail::{self, templates};

pub const VERIFY_EMAIL_HOURS: i64 = 48;
pub const RESET_PASSWORD_HOURS: i64 = 1;
const PURPOSE_VERIFY_EMAIL: &str = "verify_email";
const PURPOSE_RESET_PASSWORD: &str = "reset_password";

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

/// The account's roles, in display order.
pub async fn roles_of(conn: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Role>, DbErr> {
    let mut roles: Vec<Role> = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|r| r.role.parse().ok())
        .collect();
    roles.sort();
    Ok(roles)
}

/// The account behind a session, if it exists and is not disabled.
pub async fn find_active_user(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<Option<CurrentUser>, DbErr> {
    let Some(user) = users::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    if user.disabled_at.is_some() {
        return Ok(None);
    }
    let roles = roles_of(db, user.id).await?;
    Ok(Some(CurrentUser {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        roles,
        email_verified: user.email_verified_at.is_some(),
    }))
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

/// Creates a single-use token for the user and returns the secret to put in a link.
async fn issue_token(
    conn: &impl ConnectionTrait,
    user_id: i64,
    purpose: &str,
    valid_for: Duration,
) -> Result<String, DbErr> {
    // Older unused tokens of the same purpose stop working: only the newest link is valid.
    auth_tokens::Entity::update_many()
        .col_expr(auth_tokens::Column::UsedAt, Expr::value(Some(Utc::now())))
        .filter(auth_tokens::Column::UserId.eq(user_id))
        .filter(auth_tokens::Column::Purpose.eq(purpose))
        .filter(auth_tokens::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    let token = new_token();
    let now = Utc::now();
    auth_tokens::Entity::insert(auth_tokens::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.to_owned()),
        token_hash: Set(sha256_hex(&token)),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// Marks a valid, unused, unexpired token used and returns its user id.
async fn consume_token(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: &str,
) -> Result<i64, AccountError> {
    let now = Utc::now();
    let row = auth_tokens::Entity::find()
        .filter(auth_tokens::Column::TokenHash.eq(sha256_hex(token)))
        .filter(auth_tokens::Column::Purpose.eq(purpose))
        .one(conn)
        .await?
        .filter(|t| t.used_at.is_none() && t.expires_at > now)
        .ok_or(AccountError::InvalidToken)?;
    // Guarded on used_at so two concurrent uses cannot both succeed.
    let res = auth_tokens::Entity::update_many()
        .col_expr(auth_tokens::Column::UsedAt, Expr::value(Some(now)))
        .filter(auth_tokens::Column::Id.eq(row.id))
        .filter(auth_tokens::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AccountError::InvalidToken);
    }
    Ok(row.user_id)
}

/// True if a password-reset token would be accepted (for showing the reset form).
pub async fn reset_token_is_valid(db: &DatabaseConnection, token: &str) -> Result<bool, DbErr> {
    let now = Utc::now();
    Ok(auth_tokens::Entity::find()
        .filter(auth_tokens::Column::TokenHash.eq(sha256_hex(token)))
        .filter(auth_tokens::Column::Purpose.eq(PURPOSE_RESET_PASSWORD))
        .one(db)
        .await?
        .is_some_and(|t| t.used_at.is_none() && t.expires_at > now))
}

pub struct NewAccount {
    pub email: EmailAddress,
    pub display_name: DisplayName,
    pub password_hash: String,
    pub role: Role,
}

/// What happened; the person sees the same "check your email" page either way.
#[derive(Debug, PartialEq, Eq)]
pub enum Registration {
    Created(i64),
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
    let txn = db.begin().await?;
    if let Some(existing) = find_by_email(&txn, &account.email).await? {
        if existing.disabled_at.is_none() {
            mail::enqueue(
                &txn,
                templates::already_registered(
                    &existing.email,
                    &existing.display_name,
                    &format!("{base_url}/sign-in"),
                    &format!("{base_url}/forgot-password"),
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
    grant_role_in(&txn, user.id, account.role, None).await?;
    queue_verification_email(&txn, base_url, user.id, &user.email, &user.display_name).await?;
    let actor = Actor {
        user_id: Some(user.id),
        ..actor.clone()
    };
    audit::record(
        &txn,
        &actor,
        Event::new("account.registered", "user", user.id).to(account.role.as_str()),
    )
    .await?;
    txn.commit().await?;
    Ok(Registration::Created(user.id))
}

pub async fn grant_role_in(
    conn: &impl ConnectionTrait,
    user_id: i64,
    role: Role,
    granted_by: Option<i64>,
) -> Result<bool, DbErr> {
    let exists = user_roles::Entity::find_by_id((user_id, role.as_str().to_owned()))
        .one(conn)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    user_roles::Entity::insert(user_roles::ActiveModel {
        user_id: Set(user_id),
        role: Set(role.as_str().to_owned()),
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
    user_id: i64,
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
    let link = format!("{base_url}/verify-email/{token}");
    mail::enqueue(conn, templates::verify_email(email, name, &link)).await
}

pub async fn verify_email(
    db: &DatabaseConnection,
    actor: &Actor,
    token: &str,
) -> Result<i64, AccountError> {
    let txn = db.begin().await?;
    let user_id = consume_token(&txn, token, PURPOSE_VERIFY_EMAIL).await?;
    users::Entity::update_many()
        .col_expr(
            users::Column::EmailVerifiedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    let actor = Actor {
        user_id: actor.user_id.or(Some(user_id)),
        ..actor.clone()
    };
    audit::record(
        &txn,
        &actor,
        Event::new("account.email_verified", "user", user_id),
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
    let txn = db.begin().await?;
    queue_verification_email(&txn, base_url, user.id, &user.email, &user.display_name).await?;
    txn.commit().await
}

/// Checks an email and password. Unknown emails cost the same time as wrong passwords.
pub async fn authenticate(
    db: &DatabaseConnection,
    email: &str,
    password: String,
) -> Result<users::Model, AccountError> {
    let user = match EmailAddress::parse(email) {
        Ok(email) => find_by_email(db, &email).await?,
        Err(_) => None,
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || match stored {
        Some(hash) => crate::auth::password::verify(&password, &hash),
        None => {
            crate::auth::password::verify_against_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false);
    match user {
        Some(user) if ok && user.disabled_at.is_none() => Ok(user),
        _ => Err(AccountError::InvalidCredentials),
    }
}

pub async fn record_sign_in(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i64,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
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
        Event::new("account.signed_in", "user", user_id),
    )
    .await?;
    txn.commit().await
}

/// Emails a reset link if the address belongs to an active account; silent otherwise.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    email: &EmailAddress,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    if let Some(user) = find_by_email(&txn, email).await?
        && user.disabled_at.is_none()
    {
        let token = issue_token(
            &txn,
            user.id,
            PURPOSE_RESET_PASSWORD,
            Duration::hours(RESET_PASSWORD_HOURS),
        )
        .await?;
        mail::enqueue(
            &txn,
            templates::password_reset(
                &user.email,
                &user.display_name,
                &format!("{base_url}/reset-password/{token}"),
            ),
        )
        .await?;
        audit::record(
            &txn,
            actor,
            Event::new("account.password_reset_requested", "user", user.id),
        )
        .await?;
    }
    txn.commit().await
}

/// Sets a new password from a reset link, ends every session of the account, and tells the
/// owner by email.
pub async fn reset_password(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    token: &str,
    new_hash: String,
) -> Result<i64, AccountError> {
    let txn = db.begin().await?;
    let user_id = consume_token(&txn, token, PURPOSE_RESET_PASSWORD).await?;
    let user = set_password_in(&txn, user_id, new_hash).await?;
    // Following the emailed link proves the address too.
    if user.email_verified_at.is_none() {
        users::Entity::update_many()
            .col_expr(
                users::Column::EmailVerifiedAt,
                Expr::value(Some(Utc::now())),
            )
            .filter(users::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
    }
    mail::enqueue(
        &txn,
        templates::password_changed(
            &user.email,
            &user.display_name,
            &format!("{base_url}/forgot-password"),
        ),
    )
    .await?;
    let actor = Actor {
        user_id: actor.user_id.or(Some(user_id)),
        ..actor.clone()
    };
    audit::record(
        &txn,
        &actor,
        Event::new("account.password_reset", "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(user_id)
}

async fn set_password_in(
    conn: &impl ConnectionTrait,
    user_id: i64,
    new_hash: String,
) -> Result<users::Model, AccountError> {
    let user = users::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or(AccountError::InvalidToken)?;
    let mut active: users::ActiveModel = user.into();
    active.password_hash = Set(new_hash);
    active.updated_at = Set(Utc::now());
    let user = active.update(conn).await?;
    end_all_sessions_of(conn, user_id).await?;
    Ok(user)
}

/// Changes the password after checking the current one; other sessions are ended (the
/// caller starts a fresh one for this browser).
pub async fn change_password(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    user_id: i64,
    current: String,
    new_hash: String,
) -> Result<(), AccountError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AccountError::WrongCurrentPassword)?;
    let stored = user.password_hash.clone();
    let ok = tokio::task::spawn_blocking(move || crate::auth::password::verify(&current, &stored))
        .await
        .unwrap_or(false);
    if !ok {
        return Err(AccountError::WrongCurrentPassword);
    }
    let txn = db.begin().await?;
    let user = set_password_in(&txn, user_id, new_hash).await?;
    mail::enqueue(
        &txn,
        templates::password_changed(
            &user.email,
            &user.display_name,
            &format!("{base_url}/forgot-password"),
        ),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new("account.password_changed", "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn update_profile(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i64,
    name: &DisplayName,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let Some(user) = users::Entity::find_by_id(user_id).one(&txn).await? else {
        return Ok(());
    };
    if user.display_name == name.as_str() {
        return Ok(());
    }
    let before = user.display_name.clone();
    let mut active: users::ActiveModel = user.into();
    active.display_name = Set(name.as_str().to_owned());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new("account.profile_updated", "user", user_id)
            .from(before)
            .to(name.as_str()),
    )
    .await?;
    txn.commit().await
}

/// Hashes a password off the async runtime (argon2 is deliberately slow).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || crate::auth::password::hash(&password)).await?
}

/// Creates an account whose email is already known to be good (the command line, demo data).
pub async fn create_verified_account(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    email: &EmailAddress,
    name: &DisplayName,
    password_hash: String,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let user = users::ActiveModel {
        email: Set(email.as_str().to_owned()),
        display_name: Set(name.as_str().to_owned()),
        password_hash: Set(password_hash),
        email_verified_at: Set(Some(now)),
        disabled_at: Set(None),
        last_sign_in_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::record(conn, actor, Event::new("account.created", "user", user.id)).await?;
    Ok(user.id)
}
