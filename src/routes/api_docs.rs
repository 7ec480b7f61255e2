//! The JSON API described as OpenAPI 3, generated from the handlers' own parameter and
//! response types, at `/api/openapi.json`, with Swagger UI (bundled in the binary) at
//! `/api/docs/`. A test checks that every `/api/` route in the route table is described.

use actix_web::{HttpResponse, web};
use utoipa::OpenApi;

use crate::error::{AppError, AppResult};
use crate::paths;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kith JSON API",
        version = "1",
        description = "Search the council's care and support marketplace. Responses are JSON; errors are `{\"error\": {\"status\", \"title\", \"message\"}}`. The directory is also published in the Open Referral UK 3.0 standard under `/openreferral/` (its own API description is at `/openreferral/openapi.json`)."
    ),
    paths(crate::routes::search::api, crate::routes::api::me),
    tags(
        (name = "search", description = "Find published services"),
        (name = "accounts", description = "The signed-in account"),
    )
)]
pub struct ApiDoc;

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// Swagger UI's files, configured to read `/api/openapi.json`.
pub async fn docs(path: web::Path<String>) -> AppResult<HttpResponse> {
    let config = std::sync::Arc::new(utoipa_swagger_ui::Config::from(paths::api_openapi_json()));
    match utoipa_swagger_ui::serve(&path, config) {
        Ok(Some(file)) => Ok(HttpResponse::Ok()
            .content_type(file.content_type)
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .body(file.bytes.to_vec())),
        Ok(None) => Err(AppError::NotFound),
        Err(err) => Err(AppError::Internal(anyhow::anyhow!("{err}"))),
    }
}

/// `/api/docs` without the slash: the UI's relative links need it.
pub async fn docs_root() -> HttpResponse {
    crate::routes::see_other(&format!("{}/", paths::api_docs()))
}
