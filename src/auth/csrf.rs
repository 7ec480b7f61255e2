//! CSRF protection for every state-changing request. The session holds a random token; each
//! form carries it in a hidden `csrf_token` field (urlencoded or multipart) and scripts send it
//! in an `X-CSRF-Token` header. The middleware checks every non-GET request, so a new form
//! cannot forget it.

use actix_session::{Session, SessionExt};
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::auth::roles::Role;
use crate::domain::tokens::{constant_time_eq, new_token};
use crate::error::{AppError, render_error};

pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";
pub(crate) const SESSION_KEY: &str = "csrf";
/// Largest urlencoded form body accepted anywhere.
pub const MAX_FORM_BYTES: usize = 64 * 1024;
/// Largest multipart body (photo uploads) accepted on the upload forms.
pub const MAX_MULTIPART_BYTES: usize = 12 * 1024 * 1024;
/// Largest multipart body of all: CQC's whole register, uploaded by an admin once a month.
pub const MAX_REGISTER_BYTES: usize = 80 * 1024 * 1024;

/// The session's CSRF token, made on first use.
pub fn token(session: &Session) -> String {
    if let Ok(Some(existing)) = session.get::<String>(SESSION_KEY) {
        return existing;
    }
    let fresh = new_token();
    // If the session cannot be written the form will be refused on submit with a clear page.
    let _ = session.insert(SESSION_KEY, &fresh);
    fresh
}

/// Replaces the token (on sign-in and sign-out).
pub fn rotate(session: &Session) {
    let _ = session.insert(SESSION_KEY, new_token());
}

/// Whether a request needs the token: a POST to a path some POST route serves. Every route
/// that changes anything is a POST (the authorisation test checks the route table has only
/// GET and POST); anything else goes on to the router's plain 405 or 404.
fn needs_token(method: &Method, path: &str) -> bool {
    static POST_ROUTES: std::sync::OnceLock<Vec<actix_web::dev::ResourceDef>> =
        std::sync::OnceLock::new();
    *method == Method::POST
        && POST_ROUTES
            .get_or_init(|| {
                crate::routes::table()
                    .into_iter()
                    .filter(|r| r.method == Method::POST)
                    .map(|r| actix_web::dev::ResourceDef::new(r.path))
                    .collect()
            })
            .iter()
            .any(|route| route.is_match(path))
}

/// The forms that upload files, by the route table's names, with the largest body each
/// takes and the role it is for: the body is read only for a signed-in person with that role,
/// so a stranger cannot make the server hold megabytes.
const UPLOAD_ROUTES: &[(&str, usize, Role)] = &[
    (
        "provider_organisation_logo",
        MAX_MULTIPART_BYTES,
        Role::Provider,
    ),
    (
        "provider_organisation_evidence_files",
        MAX_MULTIPART_BYTES,
        Role::Provider,
    ),
    (
        "provider_listing_photos",
        MAX_MULTIPART_BYTES,
        Role::Provider,
    ),
    (
        "checker_inspection_photos_add",
        MAX_MULTIPART_BYTES,
        Role::QualityChecker,
    ),
    ("admin_import", MAX_MULTIPART_BYTES, Role::Admin),
    ("admin_cqc", MAX_REGISTER_BYTES, Role::Admin),
];

/// The largest multipart body a path takes and who may send it, when it is an upload form.
fn upload_limit(path: &str) -> Option<(usize, Role)> {
    static ROUTES: std::sync::OnceLock<Vec<(actix_web::dev::ResourceDef, usize, Role)>> =
        std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| {
            UPLOAD_ROUTES
                .iter()
                .filter_map(|(name, limit, role)| {
                    crate::paths::pattern(name)
                        .map(|p| (actix_web::dev::ResourceDef::new(p), *limit, *role))
                })
                .collect()
        })
        .iter()
        .find(|(route, ..)| route.is_match(path))
        .map(|(_, limit, role)| (*limit, *role))
}

pub async fn verify<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    // The path as the router will match it (percent-escapes decoded), so `/sign-%69n`
    // is the sign-in form here too.
    if !needs_token(req.method(), req.match_info().as_str()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    match check(&mut req).await {
        Ok(()) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Err(err) => {
            let res = render_error(&err, req.request());
            Ok(req.into_response(res).map_into_right_body())
        }
    }
}

async fn check(req: &mut ServiceRequest) -> Result<(), AppError> {
    // A session that was never given a token cannot send a matching one: refuse before
    // reading (and holding) a stranger's body.
    let Some(expected) = req.get_session().get::<String>(SESSION_KEY).unwrap_or(None) else {
        return Err(AppError::Csrf);
    };
    let header_token = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let sent = match header_token {
        Some(t) => Some(t),
        None => token_from_body(req).await?,
    };
    match sent {
        Some(sent) if constant_time_eq(&expected, &sent) => Ok(()),
        _ => Err(AppError::Csrf),
    }
}

/// Reads the body (within the size limits), finds the token, and puts the body back for the
/// handler.
async fn token_from_body(req: &mut ServiceRequest) -> Result<Option<String>, AppError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (limit, multipart) = if content_type.starts_with("application/x-www-form-urlencoded") {
        (MAX_FORM_BYTES, false)
    } else if let Some((limit, role)) = upload_limit(req.match_info().as_str())
        .filter(|_| content_type.starts_with("multipart/form-data"))
    {
        // Only someone the route is for may make the server read an upload.
        match crate::auth::access::load_user(req.request()).await? {
            Some(user) if user.has_role(role) => {}
            Some(_) => return Err(AppError::Forbidden),
            None => return Err(AppError::Unauthorized),
        }
        (limit, true)
    } else if content_type.starts_with("multipart/form-data") {
        // Only the upload forms need megabytes; anywhere else a multipart form is small.
        (MAX_FORM_BYTES, true)
    } else {
        return Ok(None);
    };
    let body = read_body(req, limit).await?;
    let token = if multipart {
        token_in_multipart(&body)
    } else {
        url::form_urlencoded::parse(&body)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned())
    };
    req.set_payload(Payload::from(body));
    Ok(token)
}

async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<Bytes, AppError> {
    if let Some(len) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && len > limit
    {
        return Err(AppError::PayloadTooLarge);
    }
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| AppError::BadRequest("The request body could not be read.".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Finds `name="csrf_token"` in a multipart body and returns its value.
fn token_in_multipart(body: &[u8]) -> Option<String> {
    let marker = b"name=\"csrf_token\"";
    let start = body.windows(marker.len()).position(|w| w == marker)?;
    let rest = &body[start + marker.len()..];
    let value_start = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let value = &rest[value_start..];
    let value_end = value.windows(2).position(|w| w == b"\r\n")?;
    std::str::from_utf8(&value[..value_end])
        .ok()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_upload_route_is_a_post_route_of_the_table() {
        let table = crate::routes::table();
        for (name, ..) in UPLOAD_ROUTES {
            let path = crate::paths::pattern(name).unwrap_or_else(|| panic!("{name} is named"));
            assert!(
                table
                    .iter()
                    .any(|r| r.path == path && r.method == actix_web::http::Method::POST),
                "{name} takes a POST"
            );
        }
        assert_eq!(
            upload_limit("/provider/listings/12/photos"),
            Some((MAX_MULTIPART_BYTES, Role::Provider))
        );
        assert_eq!(
            upload_limit("/admin/cqc"),
            Some((MAX_REGISTER_BYTES, Role::Admin))
        );
        assert_eq!(upload_limit("/register"), None);
    }

    #[test]
    fn finds_the_token_in_a_multipart_body() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b--\r\n";
        assert_eq!(token_in_multipart(body).as_deref(), Some("abc123"));
        assert_eq!(token_in_multipart(b"--b\r\n\r\n"), None);
    }
}
