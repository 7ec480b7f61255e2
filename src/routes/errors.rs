//! Turning every error response into a clear page or JSON body: unknown paths (404), wrong
//! methods (405), unreadable forms and queries (400), oversized bodies (413), and anything
//! actix produced with a bare body.

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::{AppError, render_error, wants_json};

/// The default service: 405 when the path exists for another method, else 404.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let allowed: Vec<Method> = crate::routes::table()
        .into_iter()
        .filter(|rule| actix_web::dev::ResourceDef::new(rule.path).is_match(req.path()))
        .map(|rule| rule.method)
        .collect();
    if allowed.is_empty() {
        return render_error(&AppError::NotFound, &req);
    }
    let allow = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut res = render_error(
        &AppError::BadRequest("This address does not accept that kind of request.".into()),
        &req,
    );
    *res.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        res.headers_mut().insert(header::ALLOW, value);
    }
    res
}

fn bad_request(message: &str) -> actix_web::Error {
    AppError::BadRequest(message.to_owned()).into()
}

pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(crate::auth::csrf::MAX_FORM_BYTES)
        .error_handler(|err, _req| match err {
            actix_web::error::UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge.into(),
            _ => bad_request(
                "We could not read the form you sent. Go back, check your answers and try again.",
            ),
        })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|_err, _req| {
        bad_request(
            "The web address has a search or filter we could not read. Check it and try again.",
        )
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, _req| AppError::NotFound.into())
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(256 * 1024)
        .error_handler(|err, _req| {
            bad_request(&format!("The JSON you sent could not be read: {err}"))
        })
}

/// Re-renders any error response that is not already an HTML page or JSON body, so people
/// never see a bare status line (and JSON clients never get HTML).
pub fn render_bare_errors<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_rendered = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"));
    let json_mismatch = wants_json(res.request())
        && res
            .response()
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/html"));
    if is_rendered && !json_mismatch {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let err = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(|e| match e {
            AppError::BadRequest(m) => AppError::BadRequest(m.clone()),
            AppError::TooManyRequests { retry_after_secs } => AppError::TooManyRequests {
                retry_after_secs: *retry_after_secs,
            },
            AppError::SearchRebuilding { retry_after_secs } => AppError::SearchRebuilding {
                retry_after_secs: *retry_after_secs,
            },
            _ => status_to_error(status),
        })
        .unwrap_or_else(|| status_to_error(status));
    let (req, _) = res.into_parts();
    let mut rendered: HttpResponse<BoxBody> = render_error(&err, &req);
    *rendered.status_mut() = status;
    let res = ServiceResponse::new(req, rendered).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        res.map_body(|_, b| EitherBody::right(b)),
    ))
}

fn status_to_error(status: StatusCode) -> AppError {
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::FORBIDDEN => AppError::Forbidden,
        StatusCode::UNAUTHORIZED => AppError::Unauthorized,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        s if s.is_client_error() => {
            AppError::BadRequest("We could not understand that request.".into())
        }
        _ => AppError::Internal(anyhow::anyhow!("error response with status {status}")),
    }
}
