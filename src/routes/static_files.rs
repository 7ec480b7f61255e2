//! The stylesheet, scripts and images, compiled into the binary so the service runs from
//! any directory.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::AppError;

const ONE_HOUR_SECS: u32 = 3600;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $ct:literal) => {
        Asset {
            path: $path,
            content_type: $ct,
            body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/", $path)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("govuk/govuk-frontend.min.css", "text/css; charset=utf-8"),
    asset!(
        "govuk/govuk-frontend.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("govuk/LICENSE.txt", "text/plain; charset=utf-8"),
    asset!("css/kith.css", "text/css; charset=utf-8"),
    asset!("js/init.js", "text/javascript; charset=utf-8"),
    asset!("images/favicon.svg", "image/svg+xml"),
];

pub async fn serve(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.path == path.as_str())
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((
            header::CACHE_CONTROL,
            format!("public, max-age={ONE_HOUR_SECS}"),
        ))
        .body(asset.body))
}
