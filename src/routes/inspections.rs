//! Inspection handlers for quality checkers: start (or resume) from an accepted check, save
//! each step, check answers and submit.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{RequestActor, html_page, path_id, see_other};
use crate::auth::CurrentUser;
use crate::domain::inspections::{self, InspectionError, Step};
use crate::domain::listings;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::{Page, inspections as view, page::set_flash};

impl From<InspectionError> for AppError {
    fn from(err: InspectionError) -> Self {
        match err {
            InspectionError::NotFound => AppError::NotFound,
            InspectionError::Assignment(e) => e.into(),
            InspectionError::Db(e) => e.into(),
            InspectionError::Listing(e) => e.into(),
            other => AppError::Conflict(other.to_string()),
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn title(state: &AppState, listing_id: i64) -> AppResult<String> {
    Ok(listings::load(&state.db, listing_id)
        .await?
        .title()
        .to_owned())
}

/// Starts or resumes the inspection of an assignment, at the first step with a gap.
pub async fn start(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let model = inspections::open_for(&state.db, &actor, path_id(&id)?, user.id).await?;
    let next = inspections::missing(&model)
        .first()
        .map_or("check", |(step, _)| step.slug());
    Ok(see_other(&format!(
        "/checker/inspections/{}/{next}",
        model.id
    )))
}

pub async fn step_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, slug) = path.into_inner();
    let model = inspections::of_checker(&state.db, path_id(&id)?, user.id).await?;
    let title = title(&state, model.listing_id).await?;
    if slug == "check" {
        return Ok(html_page(
            StatusCode::OK,
            view::check_page(&page, &model, &title, false),
        ));
    }
    let step = Step::parse(&slug).ok_or(AppError::NotFound)?;
    if model.status != inspections::DRAFT && model.status != inspections::RETURNED {
        return Ok(see_other(&format!(
            "/checker/inspections/{}/check",
            model.id
        )));
    }
    Ok(html_page(
        StatusCode::OK,
        view::step_page(&page, &model, &title, step, None, &FieldErrors::default()),
    ))
}

pub async fn save_step(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (id, slug) = path.into_inner();
    let id = path_id(&id)?;
    let step = Step::parse(&slug).ok_or(AppError::NotFound)?;
    let fields = FormFields(form.into_inner());
    match inspections::save_step(&state.db, &actor, id, user.id, step, &fields, today()).await? {
        Ok(()) => {
            let model = inspections::of_checker(&state.db, id, user.id).await?;
            if fields.one("then") == "later" {
                set_flash(
                    &session,
                    "Saved. You can come back to it from your list of checks.",
                );
                return Ok(see_other(&format!(
                    "/checker/assignments/{}",
                    model.assignment_id
                )));
            }
            let next = step.next().map_or("check", Step::slug);
            Ok(see_other(&format!("/checker/inspections/{id}/{next}")))
        }
        Err(errors) => {
            let model = inspections::of_checker(&state.db, id, user.id).await?;
            let title = title(&state, model.listing_id).await?;
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::step_page(&page, &model, &title, step, Some(&fields), &errors),
            ))
        }
    }
}

pub async fn submit(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = path_id(&id)?;
    match inspections::submit(&state.db, &actor, &state.base_url, id, user.id).await {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(
                &session,
                "Thank you. Your inspection has been sent to the council.",
            );
            Ok(see_other("/checker"))
        }
        Err(InspectionError::Incomplete) => {
            let model = inspections::of_checker(&state.db, id, user.id).await?;
            let title = title(&state, model.listing_id).await?;
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::check_page(&page, &model, &title, true),
            ))
        }
        Err(err) => Err(err.into()),
    }
}
