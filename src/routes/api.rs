//! The JSON API's own endpoints (search is in `search.rs`); all are described in the OpenAPI
//! document at `/api/openapi.json`.

use actix_web::HttpResponse;

use crate::auth::CurrentUser;

/// The signed-in account, as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiAccount {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub email_verified: bool,
    /// `budget_holder`, `broker`, `provider`, `quality_checker`, `commissioner`, `admin`.
    pub roles: Vec<String>,
}

/// The account signed in with the session cookie.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    responses(
        (status = 200, description = "The signed-in account", body = ApiAccount),
        (status = 401, description = "Not signed in", body = crate::error::ApiError),
    )
)]
pub async fn me(user: CurrentUser) -> HttpResponse {
    HttpResponse::Ok().json(ApiAccount {
        id: user.id.0,
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        email_verified: user.email_verified,
        roles: user.roles.iter().map(|r| r.as_str().to_owned()).collect(),
    })
}
