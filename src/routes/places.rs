//! Places free: a provider says how many a listing has; brokers, commissioners and admins
//! see them across the area.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::listings::ListingId;
use entity::vacancies::PlaceKind;

use crate::auth::CurrentUser;
use crate::auth::roles::Role;
use crate::domain::listings;
use crate::domain::vacancies::form::VacancyForm;
use crate::domain::vacancies::{self, VacancyError, overview};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, form_status, html_page, see_other};
use crate::state::AppState;
use crate::views::page::set_flash;
use crate::views::{Page, places as view};

/// Weeks the supply pressure looks back over.
const PRESSURE_WEEKS: i64 = 12;

impl From<VacancyError> for AppError {
    fn from(err: VacancyError) -> Self {
        match err {
            VacancyError::Db(e) => e.into(),
            VacancyError::Listing(e) => e.into(),
            VacancyError::NotAPlaceService => AppError::NotFound,
        }
    }
}

/// The listing, if the user is a member of its organisation and its types of support can
/// have places.
async fn place_listing(
    state: &AppState,
    user: &CurrentUser,
    id: ListingId,
) -> AppResult<listings::ListingView> {
    let view = listings::as_member(&state.db, id, user.id).await?;
    let latest = view.latest().ok_or(AppError::NotFound)?;
    if !vacancies::listing_offers_places(&state.db, &latest.content).await? {
        return Err(VacancyError::NotAPlaceService.into());
    }
    Ok(view)
}

pub async fn form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    let view = place_listing(&state, &user, id).await?;
    let rows = vacancies::of_listing(&state.db, id).await?;
    Ok(html_page(
        actix_web::http::StatusCode::OK,
        view::form(
            &page,
            id,
            view.title(),
            &VacancyForm::of(&rows),
            &FieldErrors::default(),
        ),
    ))
}

pub async fn save(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId<ListingId>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let view = place_listing(&state, &user, id).await?;
    let form = VacancyForm::from_fields(&FormFields(form.into_inner()));
    match form.parse(state.clock.today()) {
        Ok(entries) => {
            vacancies::save(&state.db, &actor, id, &entries, state.clock.now()).await?;
            state.wake_indexer();
            set_flash(&session, "Places saved");
            Ok(see_other(&paths::provider_listing(id)))
        }
        Err(errors) => Ok(html_page(
            form_status(&errors),
            view::form(&page, id, view.title(), &form, &errors),
        )),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct OverviewQuery {
    kind: String,
}

pub async fn overview(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<OverviewQuery>,
) -> AppResult<HttpResponse> {
    let kind = PlaceKind::parse(query.kind.trim());
    let now = state.clock.now();
    let today = state.clock.today();
    let places = overview::places_now(&state.db, kind, today, now).await?;
    let pressure = overview::pressure(
        &state.db,
        now - chrono::Duration::weeks(PRESSURE_WEEKS),
        now,
        None,
    )
    .await?;
    Ok(html_page(
        actix_web::http::StatusCode::OK,
        view::overview(
            &page,
            &places,
            kind,
            &pressure,
            today,
            user.has_role(Role::Broker),
        ),
    ))
}
