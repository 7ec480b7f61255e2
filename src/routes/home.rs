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
    let approved_providers = organisations::count_approved(&state.db).await?;
    Ok(views::home::home(
        &page,
        &views::home::HomeFigures { approved_providers },
    ))
}

/// `GET /health`: 200 with the version when the database answers, 503 when it does not.
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let db_ok = db::answers(&state.db).await;
    let body = json!({
        "status": if db_ok { "ok" } else { "unavailable" },
        "database": if db_ok { "ok" } else { "unreachable" },
        "version": env!("CARGO_PKG_VERSION"),
    });
    if db_ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
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
        d.admin = Some(staff::admin_queues(db).await?);
    }
    d.saved_searches = crate::domain::search::saved::of_user(db, user.id)
        .await?
        .len();
    Ok(d)
}
