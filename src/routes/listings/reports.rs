//! "Report a problem with this listing" (anyone, rate-limited per address) and the admins'
//! queue of reports to resolve.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::listings::ListingId;

use crate::auth::CurrentUser;
use crate::auth::access::ClientIp;
use crate::auth::rate_limit as limits;
use crate::domain::listings::reports::{self, ReportError};
use crate::domain::listings::{self, ListingError};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, form_status, html_page, rate_limit, see_other};
use crate::state::AppState;
use crate::views::listings::reports as view;
use crate::views::{Page, page::set_flash};

impl From<ReportError> for AppError {
    fn from(err: ReportError) -> Self {
        match err {
            ReportError::NotFound => AppError::NotFound,
            ReportError::AlreadyResolved => AppError::Conflict(err.to_string()),
            ReportError::Listing(e) => e.into(),
            ReportError::Db(e) => e.into(),
        }
    }
}

async fn form_page(
    page: &Page,
    state: &AppState,
    id: ListingId,
    kind: &str,
    details: &str,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let listing = listings::public_listing(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(html_page(
        form_status(errors),
        view::form(page, id, &listing.content.title, kind, details, errors),
    ))
}

pub async fn form(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    form_page(&page, &state, id, "", "", &FieldErrors::default()).await
}

#[derive(serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    details: String,
}

pub async fn send(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    RequestActor(actor): RequestActor,
    PathId(id): PathId<ListingId>,
    form: web::Form<ReportForm>,
) -> AppResult<HttpResponse> {
    let site = crate::council_scope::site(&page.council, &state.base_url);
    let key = reporter_key(&state, &actor, &ip);
    let new = match reports::parse(&form.kind, &form.details, key) {
        Ok(new) => new,
        Err(errors) => {
            return form_page(&page, &state, id, &form.kind, &form.details, &errors).await;
        }
    };
    rate_limit(
        &state,
        format!("listing-report:{ip}"),
        limits::REPORTS_PER_IP,
    )
    .await?;
    match reports::report(&state.db, &actor, &site, id, new, state.clock.today()).await {
        Ok(_) => {
            state.wake_mail_worker();
            set_flash(
                &session,
                "Thank you. Your report has been sent, and the listing will be checked.",
            );
            Ok(see_other(&paths::listing(id)))
        }
        Err(ReportError::Listing(ListingError::NotFound)) => Err(AppError::NotFound),
        Err(err) => Err(err.into()),
    }
}

/// Who reported: their account, or network address when signed out, as a salted hash.
fn reporter_key(state: &AppState, actor: &crate::domain::audit::Actor, ip: &str) -> String {
    let who = match actor.user_id {
        Some(id) => format!("account {id}"),
        None => format!("address {ip}"),
    };
    state.salted_hash(&format!(" report {who}"))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    show: String,
}

async fn queue_page(
    page: &Page,
    state: &AppState,
    resolved: bool,
    failed: Option<(i64, &str, FieldErrors)>,
) -> AppResult<HttpResponse> {
    let rows = reports::queue(&state.db, page.council.id, resolved).await?;
    let status = match &failed {
        Some((_, _, errors)) => form_status(errors),
        None => actix_web::http::StatusCode::OK,
    };
    Ok(html_page(
        status,
        view::queue(
            page,
            &rows,
            resolved,
            failed.as_ref().map(|(id, t, e)| (*id, *t, e)),
        ),
    ))
}

pub async fn queue(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> AppResult<HttpResponse> {
    queue_page(&page, &state, query.show == "resolved", None).await
}

#[derive(serde::Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    resolution: String,
}

pub async fn resolve(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<ResolveForm>,
) -> AppResult<HttpResponse> {
    match reports::parse_resolution(&form.resolution) {
        Ok(note) => {
            reports::resolve(&state.db, &actor, id, user.id, &note).await?;
            set_flash(&session, "Report resolved");
            Ok(see_other(&paths::admin_reports()))
        }
        Err(errors) => queue_page(&page, &state, false, Some((id, &form.resolution, errors))).await,
    }
}
