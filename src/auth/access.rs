//! Who is asking, and may they? `Access` is the rule every route declares; the `authorize`
//! middleware enforces it before the handler runs, and `CurrentUser` / `MaybeUser` give
//! handlers the signed-in account (loaded once per request).

use std::future::{Ready, ready};

use actix_session::{Session, SessionExt};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::future::LocalBoxFuture;

use super::roles::Role;
use super::session_store::USER_ID_KEY;
use crate::domain::accounts;
use crate::error::{AppError, render_error, wants_json};
use crate::state::AppState;

/// The authorisation rule of one route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Signed in and holding this role.
    Role(Role),
    /// Signed in and holding at least one of these roles.
    AnyRole(&'static [Role]),
}

impl Access {
    pub fn allows(self, user: Option<&CurrentUser>) -> bool {
        match (self, user) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (_, Some(user)) => user.roles.iter().any(|r| self.allows_role(*r)),
        }
    }

    /// Whether someone signed in with `role` may use the route.
    pub fn allows_role(self, role: Role) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Role(needed) => needed == role,
            Access::AnyRole(roles) => roles.contains(&role),
        }
    }
}

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub email_verified: bool,
}

impl CurrentUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The signed-in account, cached in the request's extensions (`None` = signed out).
#[derive(Clone)]
struct LoadedUser(Option<CurrentUser>);

/// Loads the account whose id the session holds; disabled or deleted accounts count as
/// signed out (and the stale id is removed from the session).
pub async fn load_user(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
    if let Some(LoadedUser(user)) = req.extensions().get::<LoadedUser>() {
        return Ok(user.clone());
    }
    let session = req.get_session();
    let user_id = session.get::<i64>(USER_ID_KEY).unwrap_or(None);
    let user = match user_id {
        None => None,
        Some(id) => {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| anyhow::anyhow!("AppState missing"))?;
            let user = accounts::find_active_user(&state.db, id).await?;
            if user.is_none() {
                session.remove(USER_ID_KEY);
            }
            user
        }
    };
    req.extensions_mut().insert(LoadedUser(user.clone()));
    Ok(user)
}

/// Middleware enforcing one route's `Access` rule: signed-out people are sent to sign in
/// (or get a 401 from the API); signed-in people without the role get a 403.
pub async fn authorize<B: MessageBody + 'static>(
    access: Access,
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if access == Access::Public {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let user = match load_user(req.request()).await {
        Ok(user) => user,
        Err(err) => {
            let res = render_error(&err, req.request());
            return Ok(req.into_response(res).map_into_right_body());
        }
    };
    if access.allows(user.as_ref()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let res = match user {
        None if !wants_json(req.request()) => {
            let target = req
                .uri()
                .path_and_query()
                .map_or("/", |pq| pq.as_str())
                .to_owned();
            let location = format!("/sign-in?next={}", url_encode(&target));
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish()
        }
        None => render_error(&AppError::Unauthorized, req.request()),
        Some(_) => render_error(&AppError::Forbidden, req.request()),
    };
    Ok(req.into_response(res).map_into_right_body())
}

fn url_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A local path safe to redirect to after sign-in: no other host, no scheme tricks.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { load_user(&req).await?.ok_or(AppError::Unauthorized) })
    }
}

/// The signed-in account if there is one.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeUser(load_user(&req).await?)) })
    }
}

/// The client's address for rate limiting: the peer, or `X-Forwarded-For` when configured.
pub struct ClientIp(pub String);

impl FromRequest for ClientIp {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.settings.trust_forwarded_for);
        let ip = if trust {
            req.connection_info()
                .realip_remote_addr()
                .map(str::to_owned)
        } else {
            req.peer_addr().map(|a| a.ip().to_string())
        };
        ready(Ok(ClientIp(ip.unwrap_or_else(|| "unknown".into()))))
    }
}

/// Signs the account in on this session, rotating the session id first so a key planted
/// before sign-in is useless afterwards.
pub fn start_session(session: &Session, user_id: i64) -> Result<(), AppError> {
    session.renew();
    session
        .insert(USER_ID_KEY, user_id)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}
