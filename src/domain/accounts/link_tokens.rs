//! Single-use, expiring tokens sent in email links (confirming an address, resetting a
//! password). Only the SHA-256 of each token is stored.

use chrono::{Duration, Utc};
use entity::auth_tokens;
use entity::users::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};

use crate::domain::accounts::AccountError;
use crate::domain::tokens::{new_token, sha256_hex};

pub const VERIFY_EMAIL_HOURS: i64 = 48;
pub const RESET_PASSWORD_HOURS: i64 = 1;
pub(crate) const PURPOSE_VERIFY_EMAIL: &str = "verify_email";
pub(crate) const PURPOSE_RESET_PASSWORD: &str = "reset_password";

/// Creates a single-use token for the user and returns the secret to put in a link.
pub(crate) async fn issue_token(
    conn: &impl ConnectionTrait,
    user_id: UserId,
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
pub(crate) async fn consume_token(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: &str,
) -> Result<UserId, AccountError> {
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
