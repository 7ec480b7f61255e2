//! Quality-checking handlers: the checker's own assignments and profile, and the admins'
//! workload page, assign form and cancelling.

pub mod inspections;
pub mod review;

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::listings::ListingId;
use entity::listings::ListingStatus;

use crate::auth::CurrentUser;
use crate::domain::checking::assignments::{self, AssignForm, AssignmentError};
use crate::domain::checking::checkers::{self, ProfileForm};
use crate::domain::checking::recheck;
use crate::domain::listings;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, form_status, html_page, see_other};
use crate::state::AppState;
use crate::views::checking::{self as view, AssignPage, AssignmentPage};
use crate::views::{Page, page::set_flash};

impl From<AssignmentError> for AppError {
    fn from(err: AssignmentError) -> Self {
        match err {
            AssignmentError::NotFound => AppError::NotFound,
            AssignmentError::Db(e) => e.into(),
            AssignmentError::Listing(e) => e.into(),
            AssignmentError::NotPublished
            | AssignmentError::NotAChecker
            | AssignmentError::AlreadyAnswered
            | AssignmentError::Closed => AppError::Conflict(err.to_string()),
        }
    }
}

pub async fn home(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let mine = assignments::for_checker(&state.db, user.id).await?;
    let profile = checkers::profile(&state.db, user.id).await?;
    Ok(view::checker_home(
        &page,
        &mine,
        !profile.areas.is_empty(),
        state.clock.today(),
    ))
}

pub async fn profile_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let profile = checkers::profile(&state.db, user.id).await?;
    Ok(view::profile_form(
        &page,
        &ProfileForm::of(&profile),
        &FieldErrors::default(),
    ))
}

pub async fn save_profile(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let form = ProfileForm::from_fields(&FormFields(form.into_inner()));
    match form.parse() {
        Ok(profile) => {
            checkers::save_profile(&state.db, &actor, user.id, &profile).await?;
            set_flash(&session, "Saved");
            Ok(see_other(&paths::checker()))
        }
        Err(errors) => Ok(html_page(
            form_status(&errors),
            view::profile_form(&page, &form, &errors),
        )),
    }
}

async fn assignment_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let assignment = assignments::of_checker(&state.db, id, user.id).await?;
    let listing = listings::public_listing(&state.db, assignment.listing_id).await?;
    let views = assignments::for_checker(&state.db, user.id).await?;
    let v = views
        .iter()
        .find(|v| v.assignment.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(html_page(
        form_status(errors),
        view::assignment(
            page,
            &AssignmentPage {
                view: v,
                listing: listing.as_ref(),
                today: state.clock.today(),
            },
            errors,
        ),
    ))
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    assignment_page(&page, &state, &user, id, &FieldErrors::default()).await
}

pub async fn accept(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    assignments::respond(&state.db, &actor, &state.link_base(), id, user.id, true, "").await?;
    set_flash(&session, "Thank you. The check is on your list.");
    Ok(see_other(&paths::checker_assignment(id)))
}

#[derive(serde::Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
}

pub async fn decline(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<DeclineForm>,
) -> AppResult<HttpResponse> {
    // Someone else's assignment is "not found" before anything else is said.
    assignments::of_checker(&state.db, id, user.id).await?;
    match assignments::parse_decline_reason(&form.reason) {
        Ok(reason) => {
            assignments::respond(
                &state.db,
                &actor,
                &state.link_base(),
                id,
                user.id,
                false,
                &reason,
            )
            .await?;
            state.wake_mail_worker();
            set_flash(&session, "Declined. The council has been told why.");
            Ok(see_other(&paths::checker()))
        }
        Err(errors) => assignment_page(&page, &state, &user, id, &errors).await,
    }
}

/// Checks falling due within this many days are listed.
const DUE_HORIZON_DAYS: i64 = 30;

#[derive(serde::Deserialize)]
pub struct AreaQuery {
    #[serde(default)]
    area: String,
}

pub async fn admin_overview(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AreaQuery>,
) -> AppResult<maud::Markup> {
    let checkers =
        checkers::all_with_workload(&state.db, page.council.id, state.clock.today()).await?;
    let open = assignments::open(&state.db, page.council.id).await?;
    let declined = assignments::declined(&state.db, page.council.id).await?;
    let due = recheck::schedule(
        &state.db,
        state.settings.recheck_policy(),
        state.clock.today(),
        DUE_HORIZON_DAYS,
    )
    .await?;
    let area = query.area.trim().to_uppercase();
    Ok(view::admin_overview(
        &page,
        &view::Overview {
            checkers: &checkers,
            open: &open,
            declined: &declined,
            due: &due,
            area: (!area.is_empty()).then_some(area.as_str()),
            horizon_days: DUE_HORIZON_DAYS,
        },
        state.clock.today(),
    ))
}

async fn assign_page(
    page: &Page,
    state: &AppState,
    listing_id: ListingId,
    form: &AssignForm,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let view = listings::load(&state.db, listing_id).await?;
    let live = view
        .live
        .as_ref()
        .filter(|_| view.listing.status == ListingStatus::Approved)
        .ok_or(AppError::NotFound)?;
    let area = live
        .content
        .at_home
        .as_ref()
        .map(|h| h.place.clone())
        .or_else(|| live.content.venue.as_ref().map(|v| v.postcode.clone()));
    let checkers =
        checkers::all_with_workload(&state.db, page.council.id, state.clock.today()).await?;
    let history = assignments::for_listing(&state.db, page.council.id, listing_id).await?;
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        view::assign_form(
            page,
            &AssignPage {
                listing_id,
                listing_title: &live.content.title,
                area: area.as_deref(),
                checkers: &checkers,
                history: &history,
            },
            form,
            errors,
        ),
    ))
}

pub async fn assign_form(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    assign_page(
        &page,
        &state,
        id,
        &AssignForm::default(),
        &FieldErrors::default(),
    )
    .await
}

pub async fn assign(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let site = crate::council_scope::site(&page.council, &state.base_url);
    let form = AssignForm::from_fields(&FormFields(form.into_inner()));
    match form.parse(state.clock.today()) {
        Ok(new) => match assignments::assign(&state.db, &actor, &site, id, user.id, new).await {
            Ok(_) => {
                state.wake_mail_worker();
                set_flash(&session, "Assigned. The checker has been emailed.");
                Ok(see_other(&paths::admin_checking()))
            }
            Err(AssignmentError::NotAChecker) => {
                let mut errors = FieldErrors::default();
                errors.add("checker", AssignmentError::NotAChecker.to_string());
                assign_page(&page, &state, id, &form, &errors).await
            }
            Err(err) => Err(err.into()),
        },
        Err(errors) => assign_page(&page, &state, id, &form, &errors).await,
    }
}

pub async fn cancel(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    assignments::cancel(&state.db, &actor, id).await?;
    set_flash(&session, "Check cancelled");
    Ok(see_other(&paths::admin_checking()))
}
