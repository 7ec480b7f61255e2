//! Market Position Statement handlers: commissioners draft, edit, refresh and publish
//! versions; everyone reads the published ones.

use actix_session::Session;
use actix_web::{HttpResponse, web};

use crate::auth::CurrentUser;
use crate::council_scope::ThisCouncil;
use crate::domain::dates::required_date;
use crate::domain::market::mps;
use crate::domain::validation::{FieldErrors, FormFields, required_text};
use crate::error::AppResult;
use crate::paths;
use crate::routes::{PathId, RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::{Page, market::mps as view, page::set_flash};
use entity::mps_documents::MpsStatus;

async fn list_page(
    page: &Page,
    state: &AppState,
    values: &FormFields,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let docs = mps::all(&state.db).await?;
    Ok(html_page(
        crate::routes::form_status(errors),
        view::admin_list(page, &docs, values, errors),
    ))
}

pub async fn admin_list(page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    list_page(
        &page,
        &state,
        &FormFields::default(),
        &FieldErrors::default(),
    )
    .await
}

pub async fn create(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let f = FormFields(form.into_inner());
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &f.one("title"), 200, "a title");
    let from = required_date(&mut e, &f, "from", "The start date");
    let to = required_date(&mut e, &f, "to", "The end date");
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        e.add("to", "The end date must be on or after the start date");
    }
    match (title, from, to) {
        (Some(title), Some(from), Some(to)) if e.is_empty() => {
            let id = mps::create(&state.db, &actor, user.id, &title, from, to).await?;
            Ok(see_other(&paths::commissioner_mps_document(id)))
        }
        _ => list_page(&page, &state, &f, &e).await,
    }
}

async fn editor_page(
    page: &Page,
    state: &AppState,
    id: i64,
    values: &FormFields,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let m = mps::find(&state.db, id).await?;
    Ok(html_page(
        crate::routes::form_status(errors),
        view::editor(page, &m, values, errors),
    ))
}

pub async fn editor(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    editor_page(
        &page,
        &state,
        id,
        &FormFields::default(),
        &FieldErrors::default(),
    )
    .await
}

pub async fn save(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let f = FormFields(form.into_inner());
    match mps::save_narrative(&state.db, &actor, id, &f).await? {
        Ok(()) => {
            set_flash(&session, "Saved");
            // "Publish this version" saves what was typed, then asks to confirm.
            Ok(see_other(&if f.one("next") == "publish" {
                paths::commissioner_mps_document_publish(id)
            } else {
                paths::commissioner_mps_document(id)
            }))
        }
        Err(errors) => editor_page(&page, &state, id, &f, &errors).await,
    }
}

pub async fn refresh(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    mps::refresh(&state.db, &actor, id).await?;
    set_flash(&session, "Figures drafted again from today’s data");
    Ok(see_other(&paths::commissioner_mps_document(id)))
}

/// Publishing can never be undone: the editor's button leads here, and only this page's
/// button (which sends `confirm`) publishes.
pub async fn confirm_publish(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let m = mps::find(&state.db, id).await?;
    if m.status != MpsStatus::Draft {
        return Ok(see_other(&paths::commissioner_mps_document(id)));
    }
    Ok(html_page(
        actix_web::http::StatusCode::OK,
        view::confirm_publish(&page, &m),
    ))
}

pub async fn publish(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    if FormFields(form.into_inner()).one("confirm") != "yes" {
        return Ok(see_other(&paths::commissioner_mps_document_publish(id)));
    }
    // A published version never changes, so its PDF is made before it is published: a
    // version whose PDF cannot be made is not published.
    let mut would_be = mps::find(&state.db, id).await?;
    would_be.published_at = Some(chrono::Utc::now());
    let council = page.council.name.clone();
    let made = crate::routes::blocking(move || {
        crate::domain::market::mps_pdf::render(&would_be, &council).map(|_| ())
    })
    .await?;
    if let Err(e) = made {
        tracing::error!(mps = id, "statement PDF: {e}");
        let mut errors = FieldErrors::default();
        errors.add(
            "title",
            "The PDF of this version could not be made, so it has not been published. Check the text for unusual characters and try again.",
        );
        return editor_page(&page, &state, id, &FormFields::default(), &errors).await;
    }
    match mps::publish(&state.db, &actor, id).await? {
        Ok(()) => {
            set_flash(&session, "Published");
            Ok(see_other(&paths::commissioner_mps_document(id)))
        }
        Err(errors) => editor_page(&page, &state, id, &FormFields::default(), &errors).await,
    }
}

pub async fn preview(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<maud::Markup> {
    let m = mps::find(&state.db, id).await?;
    Ok(view::document(&page, &m, true))
}

pub async fn public_list(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let docs = mps::published(&state.db).await?;
    Ok(view::public_list(&page, &docs))
}

pub async fn public_document(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<maud::Markup> {
    let m = mps::public(&state.db, id).await?;
    Ok(view::document(&page, &m, false))
}

fn pdf_response(bytes: Vec<u8>, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(bytes)
}

/// A draft as the PDF it would publish, marked as a draft, for the commissioner to check.
pub async fn draft_pdf(
    state: web::Data<AppState>,
    this: ThisCouncil,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let m = mps::find(&state.db, id).await?;
    let version = m.version;
    let council = this.council.name.clone();
    let bytes = crate::routes::blocking(move || {
        crate::domain::market::mps_pdf::render(&m, &council).map_err(|e| anyhow::anyhow!("{e}"))
    })
    .await?
    .map_err(crate::error::AppError::Internal)?;
    Ok(pdf_response(
        bytes,
        &format!("draft-market-position-statement-v{version}.pdf"),
    ))
}

/// A published statement as a PDF download.
pub async fn public_pdf(
    state: web::Data<AppState>,
    this: ThisCouncil,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let m = mps::public(&state.db, id).await?;
    let version = m.version;
    // A published statement never changes, so its PDF is made once per version and kept:
    // a stranger asking again and again costs a file read, not a render.
    let published = m.published_at.map_or(0, |t| t.timestamp());
    // The directory names the typesetting, so PDFs set before it changed are set again.
    let cached = state
        .settings
        .data_dir
        .join("mps-pdf-tagged")
        .join(format!("{}-v{version}-{published}.pdf", m.id));
    let council = this.council.name.clone();
    let bytes = crate::routes::blocking(move || -> anyhow::Result<Vec<u8>> {
        if let Ok(bytes) = std::fs::read(&cached) {
            return Ok(bytes);
        }
        let bytes = crate::domain::market::mps_pdf::render(&m, &council)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if let Some(dir) = cached.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::documents::write_once(&cached, &bytes)?;
        Ok(bytes)
    })
    .await?
    .map_err(crate::error::AppError::Internal)?;
    Ok(pdf_response(
        bytes,
        &format!("market-position-statement-v{version}.pdf"),
    ))
}
