//! The home page and the health check.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::auth::CurrentUser;
use crate::auth::roles::Role;
use crate::db;
use crate::domain::dashboard::{DashboardError, provider, seeker, staff};
use crate::domain::providers::organisations;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::{self, Page};

impl From<DashboardError> for AppError {
    fn from(err: DashboardError) -> Self {
        AppError::Internal(err.into())
    }
}

/// `/`: the public front page, or, signed in, the home page of each role held.
pub async fn index(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    if let Some(user) = &page.user {
        let dashboard = dashboard_of(&state, user).await?;
        return Ok(views::dashboard::dashboard(&page, &dashboard));
    }
    let approved_providers = organisations::count_approved(&state.read).await?;
    Ok(views::home::home(
        &page,
        &views::home::HomeFigures { approved_providers },
    ))
}

/// `GET /health`: 200 with the version while the process answers at all (liveness).
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// `GET /metrics`: this instance's metrics for Prometheus (OpenMetrics text), for the
/// bearer of the `metrics_token` setting.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let body = state.metrics.render(&state).await;
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(body)
}

/// `GET /ready`: 200 when this instance can serve people: the database answers and the
/// file store answers, and the search index is whole and caught up with the change table;
/// 503 saying which is not.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    use crate::indexer::Readiness;
    let (db_ok, files_ok) = futures_util::join!(db::answers(&state.read), state.files.answers());
    let search = Readiness::of(&state.search)
        .ready_after(&state.read, &state.search)
        .await;
    let ready = db_ok && files_ok && search == Readiness::Ready;
    let mut body = json!({
        "status": if ready { "ready" } else { "not ready" },
        "database": if db_ok { "ok" } else { "unreachable" },
        "files": if files_ok { "ok" } else { "unreachable" },
        "search": match search {
            Readiness::Ready => "ok",
            Readiness::Building(_) => "being rebuilt",
            Readiness::Behind => "behind the database",
        },
        "version": env!("CARGO_PKG_VERSION"),
    });
    if let Readiness::Building(Some(under)) = &search {
        body["rebuild"] = json!({ "done": under.done, "total": under.total });
    }
    let mut res = if ready {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    if let Some(secs) = search.building_for() {
        res.insert_header((actix_web::http::header::RETRY_AFTER, secs.to_string()));
    }
    res.json(body)
}

async fn dashboard_of(
    state: &AppState,
    user: &CurrentUser,
) -> Result<views::dashboard::Dashboard, DashboardError> {
    let db = &state.db;
    let mut d = views::dashboard::Dashboard::default();
    if user.has_role(Role::BudgetHolder) {
        d.holder = Some(seeker::holder(db, user.id).await?);
    }
    if user.has_role(Role::Broker) {
        d.caseload = Some(seeker::caseload(db, user.id).await?);
    }
    if user.has_role(Role::Provider) {
        d.provider = Some(
            provider::home(
                db,
                user.id,
                state.clock.now(),
                state.clock.today(),
                state.settings.enquiry_no_response_days,
            )
            .await?,
        );
    }
    if user.has_role(Role::QualityChecker) {
        d.checker = Some(staff::checker(db, user.id).await?);
    }
    if user.has_role(Role::Commissioner) {
        d.commissioner = Some(staff::commissioner(db, state.clock.today()).await?);
    }
    if user.has_role(Role::Admin) {
        d.admin = Some(staff::admin_queues(db, user.council).await?);
    }
    d.saved_searches = crate::domain::search::saved::of_user(db, user.id)
        .await?
        .len();
    Ok(d)
}
