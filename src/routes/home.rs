//! The home page and the health check.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::db;
use crate::domain::providers::organisations;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{self, Page};

pub async fn index(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
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
