//! What every picture upload shares: the description for people who cannot see it, and
//! checking, cleaning and storing the picture off the async threads.

use actix_multipart::form::text::Text;

use crate::domain::providers::profile::MAX_ALT_CHARS;
use crate::domain::validation::{FieldErrors, has_control_chars};
use crate::error::{AppError, AppResult};
use crate::file_store::Files;
use crate::images::{self, ImageError, StoredImage};
use crate::routes::blocking;
use crate::stored_files::FileRef;

/// The trimmed description sent in `field`; `missing` is the message when there is none.
pub(crate) fn description(
    raw: Option<Text<String>>,
    field: &'static str,
    missing: &str,
    errors: &mut FieldErrors,
) -> String {
    let alt = raw.map(|t| t.0.trim().to_owned()).unwrap_or_default();
    if alt.is_empty() {
        errors.add(field, missing);
    } else if alt.chars().count() > MAX_ALT_CHARS || has_control_chars(&alt) {
        errors.add(field, "The description must be 250 characters or fewer");
    }
    alt
}

/// Checks, cleans and stores a picture. The inner error is the person's (a message for the
/// form); the outer one is ours.
pub(crate) async fn store(
    files: &Files,
    area: images::Area,
    bytes: actix_web::web::Bytes,
) -> AppResult<Result<StoredImage, ImageError>> {
    match blocking(move || images::process(&bytes)).await? {
        Ok(processed) => Ok(Ok(processed
            .store(files, area)
            .await
            .map_err(AppError::Internal)?)),
        Err(err) => Ok(Err(err)),
    }
}

/// Sends a stored picture; a name that is not ours, or a missing file, is "not found".
pub(crate) async fn serve(
    files: &Files,
    area: images::Area,
    name: &str,
    cache_control: &str,
) -> AppResult<actix_web::HttpResponse> {
    let bytes = files
        .get(&FileRef::new(area.store(), name))
        .await
        .map_err(AppError::Internal)?
        .ok_or(AppError::NotFound)?;
    let content_type = if name.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    Ok(actix_web::HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((actix_web::http::header::CACHE_CONTROL, cache_control))
        .body(bytes))
}
