//! `AppError`: every failure a handler can return, rendered as a GOV.UK-style HTML page or a
//! JSON problem body (for `/api/` paths and clients that ask for JSON). Internal details go to
//! the log, never to the person.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::views;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Page not found")]
    NotFound,
    #[error("You do not have permission to see this page")]
    Forbidden,
    #[error("Sign in to continue")]
    Unauthorized,
    /// A sensitive change needs a fresh password and code; `next` is where to come back to.
    #[error("Confirm it is you")]
    ConfirmItIsYou { next: String },
    /// The account's email address is not confirmed, and this reaches other people.
    #[error("Confirm your email address first")]
    EmailNotVerified,
    #[error("{0}")]
    BadRequest(String),
    /// The request was fine but the thing is not in a state that allows it.
    #[error("{0}")]
    Conflict(String),
    #[error("Your form has expired or was not sent from this website")]
    Csrf,
    #[error("Too many attempts")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("What you sent is too large")]
    PayloadTooLarge,
    /// Search cannot answer while its index is built from the database.
    #[error("Search is being rebuilt")]
    SearchRebuilding { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.into())
    }
}

impl From<sea_orm::TransactionError<sea_orm::DbErr>> for AppError {
    fn from(err: sea_orm::TransactionError<sea_orm::DbErr>) -> Self {
        Self::Internal(anyhow::anyhow!("{err}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The heading and explanation a person sees.
    pub fn title_and_message(&self) -> (String, String) {
        match self {
            Self::NotFound => (
                "Page not found".into(),
                "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.".into(),
            ),
            Self::Forbidden => (
                "You do not have permission to see this page".into(),
                "Your account does not have the role this page needs. If you think it should, contact the Kith team at the council.".into(),
            ),
            Self::Unauthorized => ("Sign in to continue".into(), "You need to sign in to see this page.".into()),
            Self::ConfirmItIsYou { .. } => (
                "Confirm it is you".into(),
                "This change needs you to have signed in within the last 10 minutes. Confirm your password (and code) and try again.".into(),
            ),
            Self::EmailNotVerified => (
                "Confirm your email address first".into(),
                "Before you can contact providers, invite people, set up an organisation, apply for funding or write a review, follow the link we emailed you when you registered. This proves the address is yours.".into(),
            ),
            Self::BadRequest(message) => ("There is a problem with your request".into(), message.clone()),
            Self::Conflict(message) => ("This cannot be done now".into(), message.clone()),
            Self::Csrf => (
                "Your form has expired".into(),
                "For your security, forms expire if you are signed out or the page was open for a long time. Go back, reload the page and try again.".into(),
            ),
            Self::TooManyRequests { retry_after_secs } => (
                "Too many attempts".into(),
                format!(
                    "For your security, please wait {} before trying again.",
                    human_wait(*retry_after_secs)
                ),
            ),
            Self::SearchRebuilding { retry_after_secs } => (
                "Search is being rebuilt".into(),
                format!(
                    "Kith is rebuilding its search, so it cannot look for services just now. It should be back in about {}. Please try again then.",
                    human_wait(*retry_after_secs)
                ),
            ),
            Self::PayloadTooLarge => (
                "What you sent is too large".into(),
                "The form or file you sent is larger than Kith accepts. Make it smaller and try again.".into(),
            ),
            Self::Internal(_) => (
                "Sorry, there is a problem with the service".into(),
                "Try again later. Nothing you entered has been saved unless you saw a confirmation.".into(),
            ),
        }
    }
}

impl AppError {
    /// A link to what the person can do next, if there is one: (address, words).
    pub fn next_step(&self) -> Option<(String, &'static str)> {
        match self {
            Self::Unauthorized => Some((crate::paths::sign_in(), "Sign in")),
            Self::EmailNotVerified => Some((
                crate::paths::account(),
                "Go to your account to send the confirmation link again",
            )),
            Self::ConfirmItIsYou { next } => Some((
                format!(
                    "{}?next={}",
                    crate::paths::account_confirm(),
                    crate::auth::access::url_encode(next)
                ),
                "Confirm it is you",
            )),
            _ => None,
        }
    }
}

fn human_wait(secs: u64) -> String {
    let minutes = secs.div_ceil(60).max(1);
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::Csrf | Self::EmailNotVerified | Self::ConfirmItIsYou { .. } => {
                StatusCode::FORBIDDEN
            }
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::SearchRebuilding { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // Without the request we cannot tell HTML from JSON; `render_error` is used where we can.
        render(self, false)
    }
}

/// Renders an error for this request: JSON for the API or clients that ask for it, else HTML.
pub fn render_error(err: &AppError, req: &HttpRequest) -> HttpResponse {
    render(err, wants_json(req))
}

pub fn wants_json(req: &HttpRequest) -> bool {
    req.path().starts_with("/api/")
        || req.path().starts_with("/openreferral")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| {
                accept.contains("application/json") && !accept.contains("text/html")
            })
}

/// Every JSON error: `{"error": {"status", "title", "message"}}`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// The HTTP status code again.
    pub status: u16,
    pub title: String,
    /// What went wrong, in plain English.
    pub message: String,
}

fn render(err: &AppError, json: bool) -> HttpResponse {
    if let AppError::Internal(inner) = err {
        tracing::error!(error = ?inner, "internal error");
    }
    let status = err.status_code();
    let (title, message) = err.title_and_message();
    let mut builder = HttpResponse::build(status);
    if let AppError::TooManyRequests { retry_after_secs }
    | AppError::SearchRebuilding { retry_after_secs } = err
    {
        builder.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
    }
    if json {
        builder.json(ApiError {
            error: ApiErrorBody {
                status: status.as_u16(),
                title: title.to_string(),
                message: message.to_string(),
            },
        })
    } else {
        builder.content_type("text/html; charset=utf-8").body(
            views::errors::error_page(
                status,
                &title,
                &message,
                err.next_step().as_ref().map(|(h, w)| (h.as_str(), *w)),
            )
            .into_string(),
        )
    }
}
