//! Inspection handlers for quality checkers: start (or resume) from an accepted check, save
//! each step, check answers and submit.

use actix_multipart::form::{MultipartForm, bytes::Bytes as UploadBytes, text::Text};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use entity::inspections::InspectionStatus;
use entity::listings::ListingId;

use crate::auth::CurrentUser;
use crate::domain::checking::inspections::{self, InspectionError, Step};
use crate::domain::checking::photos::{self as inspection_photos, NewPhoto, Viewer};
use crate::domain::councils::Site;
use crate::domain::listings;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, PathIds, RequestActor, html_page, pictures, see_other};
use crate::state::AppState;
use crate::views::{Page, checking::inspections as view, page::set_flash};

impl From<InspectionError> for AppError {
    fn from(err: InspectionError) -> Self {
        match err {
            InspectionError::NotFound => AppError::NotFound,
            InspectionError::Assignment(e) => e.into(),
            InspectionError::Db(e) => e.into(),
            InspectionError::Listing(e) => e.into(),
            InspectionError::NotAccepted
            | InspectionError::Closed
            | InspectionError::Incomplete
            | InspectionError::TooManyPhotos => AppError::Conflict(err.to_string()),
        }
    }
}

async fn title(state: &AppState, listing_id: ListingId) -> AppResult<String> {
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
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let model = inspections::open_for(&state.db, &actor, id, user.id).await?;
    let next = inspections::missing(&model)
        .first()
        .map_or("check", |(step, _)| step.slug());
    Ok(see_other(&paths::checker_inspection_step(model.id, next)))
}

pub async fn step_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    InspectionStep(id, slug): InspectionStep,
) -> AppResult<HttpResponse> {
    let model = inspections::of_checker(&state.db, id, user.id).await?;
    let title = title(&state, model.listing_id).await?;
    if slug == "check" {
        let photos = inspection_photos::of_inspection(&state.db, model.id).await?;
        return Ok(html_page(
            StatusCode::OK,
            view::check_page(&page, &model, &title, &photos, false),
        ));
    }
    let step = (slug != "photos")
        .then(|| Step::parse(&slug).ok_or(AppError::NotFound))
        .transpose()?;
    if model.status != InspectionStatus::Draft && model.status != InspectionStatus::Returned {
        return Ok(see_other(&paths::checker_inspection_step(
            model.id, "check",
        )));
    }
    let Some(step) = step else {
        return photos_page(
            &page,
            &state,
            &model,
            &title,
            ("", false),
            &FieldErrors::default(),
        )
        .await;
    };
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
    InspectionStep(id, slug): InspectionStep,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let step = Step::parse(&slug).ok_or(AppError::NotFound)?;
    let fields = FormFields(form.into_inner());
    match inspections::save_step(
        &state.db,
        &actor,
        id,
        user.id,
        step,
        &fields,
        state.clock.today(),
    )
    .await?
    {
        Ok(()) => {
            let model = inspections::of_checker(&state.db, id, user.id).await?;
            if fields.one("then") == "later" {
                set_flash(
                    &session,
                    "Saved. You can come back to it from your list of checks.",
                );
                return Ok(see_other(&paths::checker_assignment(model.assignment_id)));
            }
            // Photos are optional and come after the last question, before checking answers.
            let next = step.next().map_or("photos", Step::slug);
            Ok(see_other(&paths::checker_inspection_step(id, next)))
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
    site: Site,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    match inspections::submit(&state.db, &actor, &site, id, user.id).await {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(
                &session,
                "Thank you. Your inspection has been sent to the council.",
            );
            Ok(see_other(&paths::checker()))
        }
        Err(InspectionError::Incomplete) => {
            let model = inspections::of_checker(&state.db, id, user.id).await?;
            let title = title(&state, model.listing_id).await?;
            let photos = inspection_photos::of_inspection(&state.db, model.id).await?;
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::check_page(&page, &model, &title, &photos, true),
            ))
        }
        Err(err) => Err(err.into()),
    }
}

async fn photos_page(
    page: &Page,
    state: &AppState,
    model: &entity::inspections::Model,
    title: &str,
    draft: (&str, bool),
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let photos = inspection_photos::of_inspection(&state.db, model.id).await?;
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        view::photos_page(page, model, title, &photos, draft, errors),
    ))
}

#[derive(MultipartForm)]
pub struct InspectionPhotoUpload {
    #[multipart(limit = "11MB")]
    photo: Option<UploadBytes>,
    photo_alt: Option<Text<String>>,
    public: Option<Text<String>>,
}

pub async fn add_photo(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: MultipartForm<InspectionPhotoUpload>,
) -> AppResult<HttpResponse> {
    let model = inspections::of_checker(&state.db, id, user.id).await?;
    if model.status != InspectionStatus::Draft && model.status != InspectionStatus::Returned {
        return Err(InspectionError::Closed.into());
    }
    let form = form.into_inner();
    let public = form.public.is_some_and(|t| t.0 == "yes");
    let mut errors = FieldErrors::default();
    let alt = pictures::description(
        form.photo_alt,
        "photo_alt",
        "Describe the photo for people who cannot see it",
        &mut errors,
    );
    let bytes = form.photo.map(|f| f.data).unwrap_or_default();
    // Counted before the picture is decoded: a full inspection costs no image work.
    match inspection_photos::has_room_for_a_photo(&state.db, model.id).await {
        Err(full @ InspectionError::TooManyPhotos) => errors.add("photo", full.to_string()),
        Err(other) => return Err(other.into()),
        Ok(()) if bytes.is_empty() => errors.add("photo", "Choose a photo to upload"),
        Ok(()) => {}
    }
    let title = title(&state, model.listing_id).await?;
    if !errors.is_empty() {
        return photos_page(&page, &state, &model, &title, (&alt, public), &errors).await;
    }
    let stored = match pictures::store(&state.files, crate::images::Area::Inspection, bytes).await?
    {
        Ok(stored) => stored,
        Err(err) => {
            errors.add("photo", err.to_string());
            return photos_page(&page, &state, &model, &title, (&alt, public), &errors).await;
        }
    };
    let photo = NewPhoto {
        file: stored.image.file_name(),
        thumbnail: stored.thumbnail.file_name(),
        alt: alt.clone(),
        public,
    };
    match inspection_photos::add(&state.db, &actor, model.id, user.id, photo).await {
        Ok(()) => {
            set_flash(&session, "Photo added");
            Ok(see_other(&paths::checker_inspection_step(
                model.id, "photos",
            )))
        }
        Err(InspectionError::TooManyPhotos) => {
            errors.add("photo", InspectionError::TooManyPhotos.to_string());
            photos_page(&page, &state, &model, &title, (&alt, public), &errors).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn remove_photo(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathIds(id, photo): PathIds,
) -> AppResult<HttpResponse> {
    inspection_photos::remove(&state.db, &actor, id, photo, user.id)
        .await?
        .delete_unused(&state.db, &state.files)
        .await?;
    set_flash(&session, "Photo removed");
    Ok(see_other(&paths::checker_inspection_step(id, "photos")))
}

/// An inspection's `{id}` and `{step}`: a step's slug, or `check` for the answers so far.
/// An id that is not a number is a page that does not exist (404).
pub struct InspectionStep(i64, String);

impl actix_web::FromRequest for InspectionStep {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let info = req.match_info();
        std::future::ready(
            match (info.get("id").map(crate::routes::path_id), info.get("step")) {
                (Some(Ok(id)), Some(step)) => Ok(InspectionStep(id, step.to_owned())),
                _ => Err(AppError::NotFound),
            },
        )
    }
}

#[derive(serde::Deserialize)]
pub struct PhotoSize {
    #[serde(default)]
    size: String,
}

/// An inspection photo, for those allowed to see it (see `inspection_photos::readable`).
pub async fn photo(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
    size: web::Query<PhotoSize>,
) -> AppResult<HttpResponse> {
    let viewer = page.user.as_ref().map(|u| Viewer {
        user_id: u.id,
        admin_of: u
            .has_role(crate::auth::roles::Role::Admin)
            .then_some(u.council),
    });
    let photo = inspection_photos::readable(&state.db, id, viewer.as_ref()).await?;
    let name = if size.size == "thumb" {
        &photo.thumbnail
    } else {
        &photo.file
    };
    pictures::serve(
        &state.files,
        crate::images::Area::Inspection,
        name,
        "private, no-store",
    )
    .await
}
