//! Innovation-fund handlers for the public and applicants: the funding page, a round, and
//! an organisation's applications (start, save, send, withdraw).

pub mod admin;
pub mod panel;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::auth::CurrentUser;
use crate::auth::VerifiedUser;
use crate::auth::roles::Role;
use crate::council_scope::ThisCouncil;
use crate::domain::fund::applications::{self, ApplicationView};
use crate::domain::fund::rounds::{self, FundError, RoundView, phase};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::domain::{categories, listings::content::format_pounds};
use crate::domain::{
    fund::awards as fund_awards, fund::export as fund_export, providers::organisations,
};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, html_page, path_id, see_other};
use crate::state::AppState;
use crate::views::fund::{self as view, ApplyBox};
use crate::views::{Page, page::set_flash};
use entity::provider_organisations::OrganisationId;

impl From<FundError> for AppError {
    fn from(err: FundError) -> Self {
        match err {
            FundError::NotFound => AppError::NotFound,
            FundError::Db(e) => e.into(),
            FundError::Refused(message) => AppError::Conflict(message),
            FundError::Incomplete => AppError::Conflict(err.to_string()),
        }
    }
}

/// The names of the types of support a round is about.
pub(crate) async fn category_names(state: &AppState, view: &RoundView) -> AppResult<Vec<String>> {
    let names = categories::names(&state.db).await?;
    Ok(rounds::ids_of(&view.round.category_ids)
        .iter()
        .filter_map(|id| names.get(id).cloned())
        .collect())
}

pub async fn index(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let list: Vec<_> = rounds::open_and_upcoming(&state.db, state.clock.today())
        .await?
        .into_iter()
        .map(|r| {
            let p = phase(&r, state.clock.today());
            (r, p)
        })
        .collect();
    Ok(view::index(&page, &list))
}

async fn round_page(
    page: &Page,
    state: &AppState,
    id: i64,
    error: Option<&str>,
) -> AppResult<HttpResponse> {
    let round = rounds::public(&state.db, id).await?;
    let p = round.phase(state.clock.today());
    let apply = match &page.user {
        _ if p != rounds::Phase::Open => ApplyBox::NotOpen,
        None => ApplyBox::SignIn,
        Some(u) if !u.has_role(Role::Provider) => ApplyBox::NotAProvider,
        Some(u) => {
            let orgs: Vec<(OrganisationId, String)> = organisations::of_user(&state.db, u.id)
                .await?
                .into_iter()
                .map(|(o, _)| (o.id, o.name))
                .collect();
            let existing = applications::of_user(&state.db, u.id)
                .await?
                .into_iter()
                .filter(|a| a.round.id == id)
                .map(|a| (a.organisation.id, a.application.id))
                .collect();
            ApplyBox::Organisations(orgs, existing)
        }
    };
    let names = category_names(state, &round).await?;
    let awards = fund_awards::of_round(&state.db, id).await?;
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(html_page(
        status,
        view::round_page(page, &round, p, &names, &apply, &awards, error),
    ))
}

pub async fn round(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    round_page(&page, &state, id, None).await
}

#[derive(serde::Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    organisation: String,
}

pub async fn apply(
    page: Page,
    state: web::Data<AppState>,
    VerifiedUser(user): VerifiedUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<ApplyForm>,
) -> AppResult<HttpResponse> {
    let round_id = id;
    let organisation = OrganisationId(path_id(&form.organisation)?);
    match applications::start(
        &state.db,
        &actor,
        round_id,
        organisation,
        user.id,
        state.clock.today(),
    )
    .await
    {
        Ok(app) => Ok(see_other(&paths::provider_funding_application(app))),
        Err(FundError::Refused(message)) => {
            round_page(&page, &state, round_id, Some(&message)).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn mine(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let apps = applications::of_user(&state.db, user.id).await?;
    Ok(view::my_applications(&page, &apps))
}

async fn application_html(
    page: &Page,
    state: &AppState,
    app: &ApplicationView,
    values: &FormFields,
    errors: &FieldErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let p = phase(&app.round, state.clock.today());
    let award = match fund_awards::load(&state.db, app.application.id).await {
        Ok(award) => Some(award),
        Err(FundError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    Ok(html_page(
        status,
        view::application_page(page, app, award.as_ref(), p, values, errors),
    ))
}

pub async fn application(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let app = applications::for_member(&state.db, id, user.id).await?;
    let values = view::form_values(&app);
    application_html(
        &page,
        &state,
        &app,
        &values,
        &FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn save(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let app = applications::for_member(&state.db, id, user.id).await?;
    let fields = FormFields(form.into_inner());
    let (answers, budget) = match applications::parse_form(&fields) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return application_html(
                &page,
                &state,
                &app,
                &fields,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    applications::save(
        &state.db,
        &actor,
        id,
        user.id,
        &answers,
        &budget,
        state.clock.today(),
    )
    .await?;
    if fields.one("then") != "send" {
        set_flash(
            &session,
            "Saved. You can come back to it before the deadline.",
        );
        return Ok(see_other(&paths::provider_funding_application(id)));
    }
    let mut errors = FieldErrors::default();
    for (field, what) in applications::missing(&answers, &budget) {
        errors.add(field, format!("Enter {what}"));
    }
    let total = applications::total(&budget);
    if total > app.round.max_award_pence {
        errors.add(
            "budget",
            format!(
                "Your budget comes to {}: the most this round awards is {}",
                format_pounds(total),
                format_pounds(app.round.max_award_pence)
            ),
        );
    }
    if !errors.is_empty() {
        let app = applications::for_member(&state.db, id, user.id).await?;
        return application_html(
            &page,
            &state,
            &app,
            &fields,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    applications::submit(
        &state.db,
        &actor,
        &state.link_base(),
        id,
        user.id,
        state.clock.today(),
    )
    .await?;
    state.wake_mail_worker();
    set_flash(
        &session,
        "Application sent. We have emailed you a confirmation.",
    );
    Ok(see_other(&paths::provider_funding_application(id)))
}

pub async fn withdraw(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    applications::withdraw(&state.db, &actor, id, user.id).await?;
    set_flash(&session, "Application withdrawn");
    Ok(see_other(&paths::provider_funding_application(id)))
}

/// Every awarded grant in the 360Giving JSON format.
pub async fn grants_json(state: web::Data<AppState>, this: ThisCouncil) -> AppResult<HttpResponse> {
    let awards = fund_awards::all(&state.db).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .json(fund_export::to_json(&this.council.funder, &awards)))
}

/// Every awarded grant as a 360Giving CSV.
pub async fn grants_csv(state: web::Data<AppState>, this: ThisCouncil) -> AppResult<HttpResponse> {
    let awards = fund_awards::all(&state.db).await?;
    crate::routes::csv_download(
        "grants-360giving.csv",
        fund_export::to_csv(&this.council.funder, &awards),
    )
}
