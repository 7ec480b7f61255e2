//! Server-side sessions for actix-session, kept in the `sessions` table. The cookie holds only
//! a signed random key; the table holds the key's SHA-256, so a database leak yields no
//! usable session. Keeping the user id beside the state lets us end every session of an
//! account (password change or reset, account disabled).
//!
//! A visitor who has only been given a form's CSRF token has nothing worth a row: their
//! session key *is* the token (`anon-…`, signed in the cookie like any key), and no row is
//! written until they sign in or change something. Strangers reading form pages cost no
//! database writes.

use entity::users::UserId;
use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use chrono::Utc;
use entity::sessions;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::domain::tokens::{new_token, sha256_hex};

/// The session state key that holds the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";
/// When the account signed in on this session (Unix seconds), for the absolute lifetime.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";

type SessionState = HashMap<String, String>;

#[derive(Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    /// Loading a session only reads (`AppState::read`).
    read: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection, read: DatabaseConnection) -> Self {
        Self { db, read }
    }
}

fn user_id_of(state: &SessionState) -> Option<UserId> {
    state
        .get(USER_ID_KEY)
        .and_then(|v| serde_json::from_str(v).ok())
}

const ANONYMOUS_PREFIX: &str = "anon-";

/// The CSRF token, if it is all the state holds and nobody is signed in.
fn anonymous_token(state: &SessionState) -> Option<String> {
    if state.len() != 1 {
        return None;
    }
    let token: String = serde_json::from_str(state.get(super::csrf::SESSION_KEY)?).ok()?;
    token
        .chars()
        .all(|c| c.is_ascii_alphanumeric())
        .then_some(token)
}

fn anonymous_state(key: &str) -> Option<SessionState> {
    let token = key.strip_prefix(ANONYMOUS_PREFIX)?;
    let json = serde_json::to_string(token).ok()?;
    Some(HashMap::from([(super::csrf::SESSION_KEY.to_owned(), json)]))
}

fn expiry(ttl: &Duration) -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::seconds(ttl.whole_seconds())
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<SessionState>, LoadError> {
        if let Some(state) = anonymous_state(session_key.as_ref()) {
            return Ok(Some(state));
        }
        let row = sessions::Entity::find_by_id(sha256_hex(session_key.as_ref()))
            .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.read)
            .await
            .map_err(|e| LoadError::Other(e.into()))?;
        match row {
            None => Ok(None),
            Some(row) => serde_json::from_str(&row.state)
                .map(Some)
                .map_err(|e| LoadError::Deserialization(e.into())),
        }
    }

    async fn save(&self, state: SessionState, ttl: &Duration) -> Result<SessionKey, SaveError> {
        if let Some(token) = anonymous_token(&state) {
            return SessionKey::try_from(format!("{ANONYMOUS_PREFIX}{token}"))
                .map_err(|e| SaveError::Other(e.into()));
        }
        let key = new_token();
        let body = serde_json::to_string(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        sessions::Entity::insert(sessions::ActiveModel {
            key_hash: Set(sha256_hex(&key)),
            user_id: Set(user_id_of(&state)),
            state: Set(body),
            expires_at: Set(expiry(ttl)),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(&self.db)
        .await
        .map_err(|e| SaveError::Other(e.into()))?;
        SessionKey::try_from(key).map_err(|e| SaveError::Other(e.into()))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: SessionState,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        if session_key.as_ref().starts_with(ANONYMOUS_PREFIX) {
            // Something beyond the token now: a real row, under a new key.
            return self
                .save(state, ttl)
                .await
                .map_err(|e| UpdateError::Other(anyhow::anyhow!("{e}")));
        }
        let body =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let updated = sessions::Entity::update_many()
            .col_expr(sessions::Column::State, Expr::value(body))
            .col_expr(sessions::Column::UserId, Expr::value(user_id_of(&state)))
            .col_expr(sessions::Column::ExpiresAt, Expr::value(expiry(ttl)))
            .filter(sessions::Column::KeyHash.eq(sha256_hex(session_key.as_ref())))
            .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
            .exec(&self.db)
            .await
            .map_err(|e| UpdateError::Other(e.into()))?;
        if updated.rows_affected == 1 {
            Ok(session_key)
        } else {
            // The session ended meanwhile (expired, or all sessions of the user were ended):
            // start a fresh one rather than resurrect the old key.
            self.save(state, ttl)
                .await
                .map_err(|e| UpdateError::Other(anyhow::anyhow!("{e}")))
        }
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &Duration,
    ) -> Result<(), anyhow::Error> {
        if session_key.as_ref().starts_with(ANONYMOUS_PREFIX) {
            return Ok(());
        }
        sessions::Entity::update_many()
            .col_expr(sessions::Column::ExpiresAt, Expr::value(expiry(ttl)))
            .filter(sessions::Column::KeyHash.eq(sha256_hex(session_key.as_ref())))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        if session_key.as_ref().starts_with(ANONYMOUS_PREFIX) {
            return Ok(());
        }
        sessions::Entity::delete_by_id(sha256_hex(session_key.as_ref()))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// Removes expired sessions; run periodically by the jobs module.
pub async fn delete_expired(db: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let res = sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_only_session_lives_in_its_key() {
        let token = new_token();
        let state = HashMap::from([(
            crate::auth::csrf::SESSION_KEY.to_owned(),
            serde_json::to_string(&token).expect("json"),
        )]);
        assert_eq!(anonymous_token(&state).as_deref(), Some(token.as_str()));
        assert_eq!(
            anonymous_state(&format!("{ANONYMOUS_PREFIX}{token}")),
            Some(state.clone())
        );
        let mut signed_in = state;
        signed_in.insert(USER_ID_KEY.to_owned(), "7".to_owned());
        assert_eq!(anonymous_token(&signed_in), None);
    }
}
