//! Who a request acts for: the signed-in person themselves, or — for a broker — the client
//! they chose to act for. Forms carry the client's id in a hidden `client` field, so a form
//! opened for one client is never sent for another after the broker switches in another tab.

use actix_session::Session;

use crate::auth::CurrentUser;
use crate::auth::roles::Role;
use crate::domain::plans::clients::{self, Acting, ClientError};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::page::{ACTING_FOR_KEY, ChosenClient};

impl From<ClientError> for AppError {
    fn from(err: ClientError) -> Self {
        match err {
            ClientError::NotFound => AppError::NotFound,
            ClientError::Db(db) => db.into(),
            ClientError::Closed | ClientError::SameBroker | ClientError::Erased => {
                AppError::Conflict(err.to_string())
            }
            ClientError::NoSuchBroker => AppError::BadRequest(err.to_string()),
        }
    }
}

/// Starts acting for a client: later pages show a banner and act for them.
pub fn start(session: &Session, acting: &Acting) -> AppResult<()> {
    if let Some(client) = &acting.client {
        session
            .insert(ACTING_FOR_KEY, ChosenClient { id: client.id })
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    }
    Ok(())
}

pub fn stop(session: &Session) {
    session.remove(ACTING_FOR_KEY);
}

/// Who a page that anyone may open acts for: nobody when signed out.
pub async fn current_if_signed_in(
    state: &AppState,
    session: &Session,
    user: Option<&CurrentUser>,
) -> AppResult<Option<Acting>> {
    Ok(match user {
        Some(user) => Some(current(state, session, user).await?),
        None => None,
    })
}

/// Who this request acts for, from the session (pages that show a holder's things).
pub async fn current(state: &AppState, session: &Session, user: &CurrentUser) -> AppResult<Acting> {
    if !user.has_role(Role::Broker) {
        return Ok(Acting::for_self(user.id));
    }
    let Some(chosen) = session.get::<ChosenClient>(ACTING_FOR_KEY).unwrap_or(None) else {
        return Ok(Acting::for_self(user.id));
    };
    match clients::act_for(&state.db, user.id, chosen.id).await {
        Ok(acting) => Ok(acting),
        // Handed over or closed since: stop acting for them.
        Err(ClientError::NotFound | ClientError::Closed) => {
            stop(session);
            Ok(Acting::for_self(user.id))
        }
        Err(err) => Err(err.into()),
    }
}

/// Who a submitted form acts for: the client named in its `client` field (which must be on
/// this broker's open caseload), or the person themselves when it is empty.
pub async fn from_form(state: &AppState, user: &CurrentUser, client: &str) -> AppResult<Acting> {
    if client.trim().is_empty() {
        return Ok(Acting::for_self(user.id));
    }
    let id: i64 = client.trim().parse().map_err(|_| AppError::NotFound)?;
    if !user.has_role(Role::Broker) {
        return Err(AppError::NotFound);
    }
    Ok(clients::act_for(&state.db, user.id, id).await?)
}
