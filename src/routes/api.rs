//! The JSON API (grows with later issues).

use actix_web::HttpResponse;
use serde_json::json;

use crate::auth::CurrentUser;

/// `GET /api/v1/me`: the signed-in account.
pub async fn me(user: CurrentUser) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "email_verified": user.email_verified,
        "roles": user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
    }))
}
