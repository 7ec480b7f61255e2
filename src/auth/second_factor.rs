//! The session side of two-factor sign-in: a sign-in waiting for its code (the password was
//! right, nobody is signed in yet), "confirm it is you" within the last 10 minutes before a
//! sensitive change, and the optional "do not ask on this browser" cookie.

use actix_session::{Session, SessionExt};
use actix_web::cookie::{Cookie, Key};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use chrono::Utc;
use entity::users::UserId;
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};

use super::access::{CurrentUser, load_user};
use super::devices::{signed_cookie, signed_value};
use crate::error::AppError;

const PENDING_KEY: &str = "pending_sign_in";
const CONFIRMED_AT_KEY: &str = "confirmed_at";
/// Set when the sign-in gave a second factor (a code, a recovery code, or a browser
/// remembered from one).
const SECOND_FACTOR_KEY: &str = "second_factor";
/// How long the code step may follow the password.
const PENDING_SECONDS: i64 = 10 * 60;
/// Wrong codes one pending sign-in may try before starting again from the password.
pub const MAX_CODE_ATTEMPTS: u32 = 5;
/// How recent a sign-in or confirmation must be for a sensitive change.
pub const CONFIRM_WITHIN_SECONDS: i64 = 10 * 60;
const REMEMBER_COOKIE: &str = "kith_2fa";
const SECURE_REMEMBER_COOKIE: &str = "__Host-kith_2fa";
const REMEMBER_DAYS: i64 = 30;

/// A sign-in whose password was right, waiting for its second step.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub user_id: UserId,
    pub started_at: i64,
    pub next: String,
    /// The account must set up an authenticator first (staff without one).
    pub set_up: bool,
    pub attempts: u32,
}

impl PendingSignIn {
    pub fn new(user_id: UserId, next: String, set_up: bool) -> Self {
        Self {
            user_id,
            started_at: Utc::now().timestamp(),
            next,
            set_up,
            attempts: 0,
        }
    }
}

/// Starts waiting for the second step (a new session key, nobody signed in).
pub fn begin(session: &Session, pending: &PendingSignIn) -> Result<(), AppError> {
    session.renew();
    session
        .insert(PENDING_KEY, pending)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

/// The sign-in waiting on this session, if it has not timed out.
pub fn pending(session: &Session) -> Option<PendingSignIn> {
    session
        .get::<PendingSignIn>(PENDING_KEY)
        .unwrap_or(None)
        .filter(|p| (0..PENDING_SECONDS).contains(&(Utc::now().timestamp() - p.started_at)))
}

/// Counts a wrong code; returns false when the pending sign-in has used up its tries (and
/// is forgotten, so the person starts again from the password).
pub fn record_wrong_code(session: &Session, mut pending: PendingSignIn) -> bool {
    pending.attempts += 1;
    if pending.attempts >= MAX_CODE_ATTEMPTS {
        session.remove(PENDING_KEY);
        return false;
    }
    let _ = session.insert(PENDING_KEY, pending);
    true
}

pub fn clear_pending(session: &Session) {
    session.remove(PENDING_KEY);
}

/// Records whether this session's sign-in gave a second factor.
pub fn mark_second_factor(session: &Session, given: bool) -> Result<(), AppError> {
    session
        .insert(SECOND_FACTOR_KEY, given)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

/// Whether this session's sign-in gave a second factor (false for a password-only sign-in,
/// e.g. one made before the account was given a staff role).
pub fn second_factor_given(session: &Session) -> bool {
    session.get::<bool>(SECOND_FACTOR_KEY).unwrap_or(None) == Some(true)
}

/// Records that the person has just proved who they are (signed in, or confirmed).
pub fn mark_confirmed(session: &Session) -> Result<(), AppError> {
    session
        .insert(CONFIRMED_AT_KEY, Utc::now().timestamp())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

fn recently_confirmed(session: &Session) -> bool {
    session
        .get::<i64>(CONFIRMED_AT_KEY)
        .unwrap_or(None)
        .is_some_and(|at| (0..CONFIRM_WITHIN_SECONDS).contains(&(Utc::now().timestamp() - at)))
}

/// The signed-in account, having given its password (and code) within the last 10 minutes:
/// granting roles, disabling accounts, resetting someone's second factor, changing one's own
/// password or second factor take this.
pub struct RecentlyConfirmed(pub CurrentUser);

impl FromRequest for RecentlyConfirmed {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = load_user(&req).await?.ok_or(AppError::Unauthorized)?;
            if recently_confirmed(&req.get_session()) {
                Ok(RecentlyConfirmed(user))
            } else {
                Err(AppError::ConfirmItIsYou {
                    next: came_from(&req),
                })
            }
        })
    }
}

/// Where to send the person back to after confirming: the page the form was on (same site
/// only), else their account page.
fn came_from(req: &HttpRequest) -> String {
    let host = req.connection_info().host().to_owned();
    req.headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| {
            u.host_str()
                .zip(u.port_or_known_default())
                .is_some_and(|(h, p)| host == h || host == format!("{h}:{p}"))
        })
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
        .unwrap_or_else(crate::paths::account)
}

fn remember_name(secure: bool) -> &'static str {
    if secure {
        SECURE_REMEMBER_COOKIE
    } else {
        REMEMBER_COOKIE
    }
}

/// The signed cookie that spares this browser the code for `user_id` for 30 days.
pub fn remember_browser(key: &Key, secure: bool, user_id: UserId) -> Cookie<'static> {
    let until = Utc::now().timestamp() + REMEMBER_DAYS * 24 * 3600;
    signed_cookie(
        key,
        secure,
        remember_name(secure),
        format!("{user_id}.{until}"),
        REMEMBER_DAYS,
    )
}

/// Whether this browser was told not to ask `user_id` for a code, and that has not run out.
pub fn browser_remembered(req: &HttpRequest, key: &Key, secure: bool, user_id: UserId) -> bool {
    signed_value(req, key, remember_name(secure))
        .and_then(|value| {
            let (id, until) = value.split_once('.')?;
            Some((id.parse::<UserId>().ok()?, until.parse::<i64>().ok()?))
        })
        .is_some_and(|(id, until)| id == user_id && until > Utc::now().timestamp())
}
