//! Who is asking, and may they? `Access` is the rule every route declares; the `authorize`
//! middleware enforces it before the handler runs, and `CurrentUser` / `MaybeUser` give
//! handlers the signed-in account (loaded once per request).

pub use crate::domain::accounts::CurrentUser;
use entity::users::UserId;
use std::future::{Ready, ready};

use actix_session::{Session, SessionExt};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::future::LocalBoxFuture;

use super::roles::Role;
use super::session_store::{SIGNED_IN_AT_KEY, USER_ID_KEY};
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
    /// An operator's tool sending the `metrics_token` setting as a bearer token; no session
    /// counts, whoever is signed in. Not found while the setting is empty.
    MetricsToken,
}

impl Access {
    pub fn allows(self, user: Option<&CurrentUser>) -> bool {
        match (self, user) {
            (Access::Public, _) => true,
            (Access::MetricsToken, _) => false,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (_, Some(user)) => user.roles.iter().any(|r| self.allows_role(*r)),
        }
    }

    /// Whether someone signed in with `role` may use the route.
    pub fn allows_role(self, role: Role) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::MetricsToken => false,
            Access::Role(needed) => needed == role,
            Access::AnyRole(roles) => roles.contains(&role),
        }
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
    let mut user_id = session.get::<UserId>(USER_ID_KEY).unwrap_or(None);
    if user_id.is_some() && !within_absolute_lifetime(&session) {
        // However active, a sign-in lasts at most SESSION_ABSOLUTE_HOURS.
        session.purge();
        user_id = None;
    }
    let user = match user_id {
        None => None,
        Some(id) => {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| anyhow::anyhow!("AppState missing"))?;
            // Roles count in the council the request is for.
            let council = req
                .extensions()
                .get::<crate::council_scope::ThisCouncil>()
                .map(|this| this.council.id)
                .ok_or_else(|| anyhow::anyhow!("the request's council was not resolved"))?;
            let user = accounts::find_active_user(&state.read, id, council).await?;
            // Staff pages need a sign-in that gave the second factor: a session signed in
            // with a password alone (before a staff role was granted, or by an invitation)
            // counts as signed out.
            let user = user.filter(|u| {
                !crate::domain::accounts::two_factor::required_for(&u.roles_anywhere)
                    || super::second_factor::second_factor_given(&session)
            });
            if user.is_none() {
                session.remove(USER_ID_KEY);
            }
            user
        }
    };
    req.extensions_mut().insert(LoadedUser(user.clone()));
    Ok(user)
}

/// Whether the request carries the configured metrics token: not found while none is set
/// (the route is off), unauthorised without it or with another.
fn bearer_matches(req: &HttpRequest) -> Result<(), AppError> {
    use subtle::ConstantTimeEq;
    let expected = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.metrics_token.trim().to_owned())
        .unwrap_or_default();
    if expected.is_empty() {
        return Err(AppError::NotFound);
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, token)| token.trim());
    // Digests of equal length compared in constant time: nothing about the token, not even
    // its length, shows in how long a refusal takes.
    let digest = |text: &str| crate::domain::tokens::sha256_hex(text);
    if bool::from(digest(given).as_bytes().ct_eq(digest(&expected).as_bytes())) {
        Ok(())
    } else {
        Err(AppError::Unauthorized)
    }
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
    if access == Access::MetricsToken {
        return match bearer_matches(req.request()) {
            Ok(()) => next
                .call(req)
                .await
                .map(ServiceResponse::map_into_left_body),
            Err(err) => {
                let mut res = render_error(&err, req.request());
                if matches!(err, AppError::Unauthorized) {
                    res.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        header::HeaderValue::from_static("Bearer"),
                    );
                }
                Ok(req.into_response(res).map_into_right_body())
            }
        };
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
            // Back to the same council's page (its `/c/{slug}`, if the address named it).
            let target = crate::council_scope::link_prefix()
                + req.uri().path_and_query().map_or("/", |pq| pq.as_str());
            let location = format!("{}?next={}", crate::paths::sign_in(), url_encode(&target));
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish()
        }
        None => render_error(&AppError::Unauthorized, req.request()),
        Some(_) => render_error(&AppError::Forbidden, req.request()),
    };
    Ok(req.into_response(res).map_into_right_body())
}

/// Percent-encodes a value for a query string.
pub fn url_encode(value: &str) -> String {
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
        // Each role's home page: what needs doing first.
        _ => crate::paths::home(),
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

/// The signed-in account, with its email address confirmed: anything that reaches other
/// people (organisations, invitations, enquiries, funding applications, reviews) takes this.
pub struct VerifiedUser(pub CurrentUser);

impl FromRequest for VerifiedUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match load_user(&req).await? {
                None => Err(AppError::Unauthorized),
                Some(user) if !user.email_verified => Err(AppError::EmailNotVerified),
                Some(user) => Ok(VerifiedUser(user)),
            }
        })
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

/// The client's address for rate limiting: the connection's peer, or, behind `hops` trusted
/// proxies, the address the outermost of them saw — counted from the right of
/// `X-Forwarded-For`, since everything left of that was written by the client.
pub struct ClientIp(pub String);

impl FromRequest for ClientIp {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let hops = req
            .app_data::<web::Data<AppState>>()
            .map_or(0, |s| s.settings.proxy_hops());
        let peer = req.peer_addr().map(|a| a.ip().to_string());
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ip = client_address(peer.as_deref(), &forwarded, hops);
        ready(Ok(ClientIp(ip.unwrap_or_else(|| "unknown".into()))))
    }
}

/// The client address from the peer and the `X-Forwarded-For` header lines (in order), with
/// `hops` trusted proxies in front: the `hops`-th entry from the right. A header shorter than
/// that (someone reached Kith around the proxies) falls back to the peer.
pub fn client_address(peer: Option<&str>, forwarded: &[&str], hops: u8) -> Option<String> {
    if hops == 0 {
        return peer.map(str::to_owned);
    }
    let entries: Vec<&str> = forwarded
        .iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().checked_sub(usize::from(hops));
    match index.and_then(|i| entries.get(i)) {
        Some(entry) => entry
            .parse::<std::net::IpAddr>()
            .ok()
            .map(|ip| ip.to_string())
            .or_else(|| peer.map(str::to_owned)),
        None => peer.map(str::to_owned),
    }
}

/// The longest a sign-in lasts, however active (the idle timeout is shorter).
pub const SESSION_ABSOLUTE_HOURS: i64 = 12;

fn within_absolute_lifetime(session: &Session) -> bool {
    session
        .get::<i64>(SIGNED_IN_AT_KEY)
        .unwrap_or(None)
        .is_some_and(|at| {
            let age = chrono::Utc::now().timestamp() - at;
            (0..SESSION_ABSOLUTE_HOURS * 3600).contains(&age)
        })
}

/// Signs the account in on this session, rotating the session id first so a key planted
/// before sign-in is useless afterwards.
pub fn start_session(session: &Session, user_id: UserId) -> Result<(), AppError> {
    session.renew();
    session
        .insert(USER_ID_KEY, user_id)
        .and_then(|()| session.insert(SIGNED_IN_AT_KEY, chrono::Utc::now().timestamp()))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

#[cfg(test)]
mod client_address_tests {
    use super::client_address;

    #[test]
    fn counts_trusted_hops_from_the_right() {
        let peer = Some("10.0.0.2");
        // The client wrote "1.1.1.1"; the proxy appended the address it saw.
        let header = ["1.1.1.1, 203.0.113.7"];
        assert_eq!(
            client_address(peer, &header, 1).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client_address(peer, &header, 0).as_deref(),
            Some("10.0.0.2")
        );
        let two = ["9.9.9.9", "203.0.113.7, 10.0.0.9"];
        assert_eq!(
            client_address(peer, &two, 2).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(client_address(peer, &[], 1).as_deref(), Some("10.0.0.2"));
        assert_eq!(
            client_address(peer, &["junk"], 1).as_deref(),
            Some("10.0.0.2")
        );
    }
}
