//! Passwords: checking one at sign-in, the forgotten-password link, and changing it. Every
//! change ends the account's other sessions and tells the owner by email.

use chrono::{Duration, Utc};
use entity::users;
use entity::users::UserId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
};

use crate::db::BeginWrite;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::accounts::link_tokens::{
    PURPOSE_RESET_PASSWORD, RESET_PASSWORD_HOURS, consume_token, issue_token,
};
use crate::domain::accounts::sessions::end_all_of;
use crate::domain::accounts::{AccountError, find_by_email, mark_email_verified};
use crate::domain::audit::{self, Action, Actor, Event};
use crate::mail::{self, templates};
use crate::paths;

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Same message for unknown email, wrong password and disabled account.
    #[error("Enter a correct email address and password")]
    Refused {
        /// The account the email names, if any: failures are audited against it.
        account_id: Option<UserId>,
    },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The account a sign-in form names, if any.
pub async fn account_named(
    db: &DatabaseConnection,
    email: &str,
) -> Result<Option<users::Model>, DbErr> {
    match EmailAddress::parse(email) {
        Ok(email) => find_by_email(db, &email).await,
        Err(_) => Ok(None),
    }
}

/// Checks a password against the account the form named (see `account_named`). Unknown
/// emails cost the same time as wrong passwords.
pub async fn authenticate(
    user: Option<users::Model>,
    password: String,
) -> Result<users::Model, SignInError> {
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || match stored {
        Some(hash) => crate::domain::accounts::password_hash::verify(&password, &hash),
        None => {
            crate::domain::accounts::password_hash::verify_against_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false);
    match user {
        Some(user) if ok && user.disabled_at.is_none() => Ok(user),
        user => Err(SignInError::Refused {
            account_id: user.map(|u| u.id),
        }),
    }
}

/// Audits a refused sign-in against the account it named (never the password tried).
pub async fn record_failed_sign_in(
    db: &DatabaseConnection,
    actor: &Actor,
    account_id: UserId,
    from_recognised_device: bool,
) -> Result<(), DbErr> {
    audit::record(
        db,
        actor,
        Event::new(Action::AccountSignInFailed, "user", account_id).detail(
            if from_recognised_device {
                "from a browser this account has signed in from"
            } else {
                "from an unrecognised browser"
            },
        ),
    )
    .await
}

/// Emails a reset link if the address belongs to an active account; silent otherwise.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    email: &EmailAddress,
) -> Result<(), DbErr> {
    let txn = db.begin_write().await?;
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
                &format!("{base_url}{}", paths::reset_password(&token)),
            ),
        )
        .await?;
        audit::record(
            &txn,
            actor,
            Event::new(Action::AccountPasswordResetRequested, "user", user.id),
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
) -> Result<UserId, AccountError> {
    let txn = db.begin_write().await?;
    let user_id = consume_token(&txn, token, PURPOSE_RESET_PASSWORD).await?;
    let user = set_password_in(&txn, user_id, new_hash).await?;
    // Following the emailed link proves the address too.
    mark_email_verified(&txn, user_id).await?;
    mail::enqueue(
        &txn,
        templates::password_changed(
            &user.email,
            &user.display_name,
            &format!("{base_url}{}", paths::forgot_password()),
        ),
    )
    .await?;
    audit::record(
        &txn,
        &actor.or_user(user_id),
        Event::new(Action::AccountPasswordReset, "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(user_id)
}

async fn set_password_in(
    conn: &impl ConnectionTrait,
    user_id: UserId,
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
    end_all_of(conn, user_id).await?;
    Ok(user)
}

/// Changes the password after checking the current one; other sessions are ended (the
/// caller starts a fresh one for this browser).
pub async fn change_password(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    user_id: UserId,
    current: String,
    new_hash: String,
) -> Result<(), AccountError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AccountError::WrongCurrentPassword)?;
    let stored = user.password_hash.clone();
    let ok = tokio::task::spawn_blocking(move || {
        crate::domain::accounts::password_hash::verify(&current, &stored)
    })
    .await
    .unwrap_or(false);
    if !ok {
        return Err(AccountError::WrongCurrentPassword);
    }
    let txn = db.begin_write().await?;
    let user = set_password_in(&txn, user_id, new_hash).await?;
    mail::enqueue(
        &txn,
        templates::password_changed(
            &user.email,
            &user.display_name,
            &format!("{base_url}{}", paths::forgot_password()),
        ),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AccountPasswordChanged, "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Hashes a password off the async runtime (argon2 is deliberately slow).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || crate::domain::accounts::password_hash::hash(&password))
        .await?
}
