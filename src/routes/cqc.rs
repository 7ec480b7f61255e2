//! Admins import CQC's register, add the area's unlisted locations as draft listings, and
//! work through the changes each import finds.

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use entity::listings::ListingId;
use futures_util::StreamExt;

use crate::auth::csrf::{MAX_FORM_BYTES, MAX_REGISTER_BYTES};
use crate::domain::categories;
use crate::domain::cqc::{CqcError, changes, drafts, import, register};
use crate::domain::import::apply::{self as import_apply, Options};
use crate::domain::import::rows::Vocabulary;
use crate::domain::listings::reports::MAX_RESOLUTION_CHARS;
use crate::domain::validation::{FieldErrors, one_required_text};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, form_status, html_page, see_other};
use crate::state::AppState;
use crate::views::page::set_flash;
use crate::views::{Page, cqc as view, import as import_view};

/// Imports listed on the page.
const IMPORTS_SHOWN: u64 = 12;
/// Changes dealt with shown under the queue.
const RESOLVED_SHOWN: u64 = 20;

impl From<CqcError> for AppError {
    fn from(err: CqcError) -> Self {
        match err {
            CqcError::NotFound => AppError::NotFound,
            CqcError::AlreadyResolved => AppError::Conflict(err.to_string()),
            CqcError::Empty => AppError::BadRequest(err.to_string()),
            CqcError::NotAtLocation | CqcError::NobodyToInvite(_) | CqcError::NotNewLocation => {
                AppError::Conflict(err.to_string())
            }
            CqcError::Listing(e) => e.into(),
            CqcError::Db(e) => e.into(),
        }
    }
}

async fn cqc_page(
    page: &Page,
    state: &AppState,
    report: Option<&import::ImportReport>,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let imports = import::recent(&state.db, IMPORTS_SHOWN).await?;
    let local_authority = &page.council.local_authority;
    let unlisted = drafts::unlisted_in_area(&state.db, local_authority)
        .await?
        .len();
    Ok(html_page(
        form_status(errors),
        view::page(
            page,
            &view::CqcPage {
                imports: &imports,
                open_changes: changes::open_count(&state.db).await?,
                unlisted,
                local_authority,
                report,
            },
            errors,
        ),
    ))
}

pub async fn page(page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    cqc_page(&page, &state, None, &FieldErrors::default()).await
}

/// Reads the upload's `file` field (its bytes and name), within the register's own limit:
/// larger than any other upload, so not through the shared multipart settings.
async fn register_file(mut payload: Multipart) -> AppResult<(Vec<u8>, String)> {
    let mut bytes = Vec::new();
    let mut name = String::new();
    while let Some(field) = payload.next().await {
        let mut field = field
            .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
        let is_file = field.name() == Some("file");
        if is_file {
            name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default()
                .to_owned();
        }
        let mut read = 0usize;
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
            read += chunk.len();
            if read > MAX_REGISTER_BYTES || (!is_file && read > MAX_FORM_BYTES) {
                return Err(AppError::PayloadTooLarge);
            }
            if is_file {
                bytes.extend_from_slice(&chunk);
            }
        }
    }
    Ok((bytes, name))
}

pub async fn upload(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let (bytes, name) = register_file(payload).await?;
    let mut errors = FieldErrors::default();
    if bytes.is_empty() {
        errors.add("file", "Select CQC's file to import");
        return cqc_page(&page, &state, None, &errors).await;
    }
    // Reading a workbook is heavy work: off the server's threads. A file the reader cannot
    // cope with is the file's fault, said as such.
    let read = web::block(move || register::read(&bytes))
        .await
        .unwrap_or_else(|_| {
            Err("The file could not be read. Use the file from CQC's website".to_owned())
        });
    let register = match read {
        Ok(register) if register.locations.is_empty() => {
            errors.add(
                "file",
                "The file lists no CQC locations. Use CQC's “care directory with filters” file",
            );
            return cqc_page(&page, &state, None, &errors).await;
        }
        Ok(register) => register,
        Err(message) => {
            errors.add("file", message);
            return cqc_page(&page, &state, None, &errors).await;
        }
    };
    let report = import::run(
        &state.db,
        &actor,
        register,
        &name,
        &page.council.local_authority,
    )
    .await?;
    state.wake_indexer();
    cqc_page(&page, &state, Some(&report), &errors).await
}

/// Adds the area's unlisted registered locations as draft listings, each waiting for
/// approval, and shows the import's report of every one.
pub async fn add_drafts(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
) -> AppResult<HttpResponse> {
    let locations = drafts::unlisted_in_area(&state.db, &page.council.local_authority).await?;
    let vocabulary = Vocabulary::new(&categories::tree(&state.db, false).await?);
    let read = drafts::rows_for(&locations, &vocabulary);
    let options = Options {
        dry_run: false,
        approve: false,
        source: "CQC register".to_owned(),
        policy: state.settings.review_policy(),
        today: state.clock.today(),
    };
    let report = import_apply::run(&state.db, &actor, read, &vocabulary, &options, |_| {}).await?;
    state.wake_indexer();
    Ok(html_page(
        StatusCode::OK,
        import_view::report(&page, &options.source, &report),
    ))
}

async fn queue_page(
    page: &Page,
    state: &AppState,
    failed: Option<&view::Failed<'_>>,
) -> AppResult<HttpResponse> {
    let open = changes::open(&state.db).await?;
    let resolved = changes::recently_resolved(&state.db, RESOLVED_SHOWN).await?;
    let status = failed.map_or(StatusCode::OK, |f| form_status(f.errors));
    Ok(html_page(
        status,
        view::queue(page, &open, &resolved, failed),
    ))
}

pub async fn queue(page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    queue_page(&page, &state, None).await
}

fn words(
    field: &'static str,
    raw: &str,
    label: &str,
    missing: &str,
) -> Result<String, FieldErrors> {
    one_required_text(field, raw, MAX_RESOLUTION_CHARS, label, missing)
}

#[derive(serde::Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

pub async fn acknowledge(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<NoteForm>,
) -> AppResult<HttpResponse> {
    match words(
        "note",
        &form.note,
        "Note",
        "Enter a note saying what you did or will do",
    ) {
        Ok(note) => {
            changes::acknowledge(&state.db, &actor, id, &note).await?;
            set_flash(&session, "Change acknowledged");
            Ok(see_other(&paths::admin_cqc_changes()))
        }
        Err(errors) => {
            let failed = view::Failed {
                id,
                listing: None,
                field: "note",
                typed: &form.note,
                errors: &errors,
            };
            queue_page(&page, &state, Some(&failed)).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct SuspendForm {
    #[serde(default)]
    listing_id: String,
    #[serde(default)]
    reason: String,
}

pub async fn suspend(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<SuspendForm>,
) -> AppResult<HttpResponse> {
    let listing_id: ListingId = form
        .listing_id
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Choose a listing to suspend".into()))?;
    match words(
        "reason",
        &form.reason,
        "Why suspend",
        "Enter why the listing is suspended",
    ) {
        Ok(reason) => {
            changes::suspend(
                &state.db,
                &actor,
                &state.link_base(),
                id,
                listing_id,
                &reason,
            )
            .await?;
            state.wake_indexer();
            set_flash(&session, "Listing suspended");
            Ok(see_other(&paths::admin_cqc_changes()))
        }
        Err(errors) => {
            let failed = view::Failed {
                id,
                listing: Some(listing_id),
                field: "reason",
                typed: &form.reason,
                errors: &errors,
            };
            queue_page(&page, &state, Some(&failed)).await
        }
    }
}

pub async fn invite(
    state: web::Data<AppState>,
    session: Session,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let sent = changes::invite(&state.db, &actor, &state.link_base(), id).await?;
    set_flash(
        &session,
        &format!(
            "Provider invited: {} emailed",
            crate::domain::words::plural(sent, "member", "members")
        ),
    );
    Ok(see_other(&paths::admin_cqc_changes()))
}
