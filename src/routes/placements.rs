//! Placement requests: brokers ask homes with places for a client and confirm one offer;
//! members of each home's organisation answer.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::placement_offers::OfferStatus;

use crate::auth::CurrentUser;
use crate::auth::access::VerifiedUser;
use crate::domain::placements::form::{RequestForm, parse_answer};
use crate::domain::placements::{self, Answer, PlacementError};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::acting;
use crate::routes::{PathId, RequestActor, form_status, html_page, see_other};
use crate::state::AppState;
use crate::views::page::set_flash;
use crate::views::{Page, placements as view};

impl From<PlacementError> for AppError {
    fn from(err: PlacementError) -> Self {
        match err {
            PlacementError::Db(e) => e.into(),
            PlacementError::Listing(e) => e.into(),
            PlacementError::Client(e) => e.into(),
            PlacementError::NotFound => AppError::NotFound,
            PlacementError::NoPlace(..)
            | PlacementError::Closed
            | PlacementError::WrongStage
            | PlacementError::OfferChanged
            | PlacementError::NotListed => AppError::Conflict(err.to_string()),
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    listing: String,
}

/// The form for the client the broker acts for; without one, the broker is asked to choose.
async fn form_page(
    page: &Page,
    state: &AppState,
    client: (i64, &str),
    form: &RequestForm,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let homes = placements::homes_with_places(&state.db, None, state.clock.today()).await?;
    Ok(html_page(
        form_status(errors),
        view::new_form(page, client, &homes, form, errors),
    ))
}

pub async fn new_form(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    VerifiedUser(user): VerifiedUser,
    query: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let acting = acting::current(&state, &session, &user).await?;
    let Some((id, name)) = acting.client_id_name() else {
        set_flash(
            &session,
            "Choose the client to request a placement for, then ask again",
        );
        return Ok(see_other(&paths::broker_clients()));
    };
    let form = RequestForm {
        listings: Some(query.listing.trim().to_owned())
            .filter(|l| !l.is_empty())
            .into_iter()
            .collect(),
        ..RequestForm::default()
    };
    form_page(&page, &state, (id, name), &form, &FieldErrors::default()).await
}

pub async fn send(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    VerifiedUser(user): VerifiedUser,
    RequestActor(actor): RequestActor,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let acting = acting::from_form(&state, &user, &fields.one("client")).await?;
    let Some((client_id, client_name)) = acting.client_id_name() else {
        return Err(AppError::BadRequest(
            "Choose the client to request a placement for".into(),
        ));
    };
    let form = RequestForm::from_fields(&fields);
    let new = match form.parse(state.clock.today()) {
        Ok(new) => new,
        Err(errors) => {
            return form_page(&page, &state, (client_id, client_name), &form, &errors).await;
        }
    };
    match placements::send(
        &state.db,
        &actor,
        &state.link_base(),
        user.id,
        client_id,
        &new,
    )
    .await
    {
        Ok(id) => {
            set_flash(&session, "Placement request sent");
            Ok(see_other(&paths::placement(id)))
        }
        Err(PlacementError::NoPlace(home, kind)) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "listing",
                format!("{home} has no {kind} free by the start date: choose homes that have one"),
            );
            form_page(&page, &state, (client_id, client_name), &form, &errors).await
        }
        Err(PlacementError::NotListed) => {
            let mut errors = FieldErrors::default();
            errors.add("listing", PlacementError::NotListed.to_string());
            form_page(&page, &state, (client_id, client_name), &form, &errors).await
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn list(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    let requests = placements::list_for_broker(&state.db, user.id).await?;
    Ok(html_page(
        actix_web::http::StatusCode::OK,
        view::list(&page, &requests),
    ))
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let request = placements::for_broker(&state.db, user.id, id).await?;
    Ok(html_page(
        actix_web::http::StatusCode::OK,
        view::show(&page, &request),
    ))
}

#[derive(serde::Deserialize)]
pub struct ConfirmPath {
    id: i64,
    offer: i64,
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    seen: String,
}

pub async fn confirm(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    path: web::Path<ConfirmPath>,
    form: web::Form<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let confirmed = placements::confirm(
        &state.db,
        &actor,
        &state.link_base(),
        user.id,
        (path.id, path.offer),
        &form.seen,
    )
    .await;
    match confirmed {
        Ok(()) => {
            state.wake_indexer();
            set_flash(
                &session,
                "Placement confirmed. The other homes have been told.",
            );
        }
        // Show the page again with what the homes say now.
        Err(PlacementError::OfferChanged) => {
            set_flash(&session, &PlacementError::OfferChanged.to_string());
        }
        Err(err) => return Err(err.into()),
    }
    Ok(see_other(&paths::placement(path.id)))
}

pub async fn withdraw(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    placements::withdraw(&state.db, &actor, &state.link_base(), user.id, id).await?;
    set_flash(&session, "Request withdrawn. The homes have been told.");
    Ok(see_other(&paths::placement(id)))
}

pub async fn provider_list(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    let homes = placements::list_for_member(&state.db, user.id).await?;
    Ok(html_page(
        actix_web::http::StatusCode::OK,
        view::provider_list(&page, &homes),
    ))
}

async fn provider_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    typed: (&str, &str),
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let home = placements::for_home(&state.db, user.id, id).await?;
    if !errors.is_empty()
        && home.request.status != entity::placement_requests::PlacementStatus::Open
    {
        return Err(PlacementError::Closed.into());
    }
    Ok(html_page(
        form_status(errors),
        view::provider_show(page, &home, typed, errors),
    ))
}

pub async fn provider_show(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    provider_page(&page, &state, &user, id, ("", ""), &FieldErrors::default()).await
}

async fn answered(
    state: &AppState,
    session: &Session,
    actor: &crate::domain::audit::Actor,
    user: &CurrentUser,
    id: i64,
    answer: Answer,
) -> AppResult<HttpResponse> {
    let said = match &answer {
        Answer::Assess => "You agreed to assess. The broker has been told.",
        Answer::Decline(_) => "Request declined. The broker has been told.",
        Answer::Offer(_) => "Offer sent to the broker.",
    };
    let assess = answer == Answer::Assess;
    match placements::answer(&state.db, actor, &state.link_base(), user.id, id, answer).await {
        Ok(()) => set_flash(session, said),
        // A second click on "Agree to assess" (or another member's first): already done.
        Err(PlacementError::WrongStage) if assess => {
            set_flash(session, "Someone has already answered this request");
        }
        Err(err) => return Err(err.into()),
    }
    Ok(see_other(&paths::provider_placement(id)))
}

pub async fn assess(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    answered(&state, &session, &actor, &user, id, Answer::Assess).await
}

#[derive(serde::Deserialize)]
pub struct OfferForm {
    #[serde(default)]
    details: String,
}

pub async fn offer(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<OfferForm>,
) -> AppResult<HttpResponse> {
    match parse_answer(
        "details",
        &form.details,
        "What you offer",
        "Enter what you offer",
    ) {
        Ok(details) => answered(&state, &session, &actor, &user, id, Answer::Offer(details)).await,
        Err(errors) => provider_page(&page, &state, &user, id, (&form.details, ""), &errors).await,
    }
}

#[derive(serde::Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
}

pub async fn decline(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<DeclineForm>,
) -> AppResult<HttpResponse> {
    match parse_answer(
        "reason",
        &form.reason,
        "Why you cannot offer a place",
        "Enter why you cannot offer a place",
    ) {
        Ok(reason) => answered(&state, &session, &actor, &user, id, Answer::Decline(reason)).await,
        Err(errors) => provider_page(&page, &state, &user, id, ("", &form.reason), &errors).await,
    }
}

/// Whether an offer is at a stage a home can still answer (for pages that link to it).
pub fn answerable(status: OfferStatus) -> bool {
    matches!(
        status,
        OfferStatus::Sent | OfferStatus::Assessing | OfferStatus::Offered
    )
}
