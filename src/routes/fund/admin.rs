//! Innovation-fund handlers for commissioners: rounds (create, change while a draft,
//! publish), the panel, the ranking, and decisions on applications.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::fund_applications::ApplicationStatus;
use entity::fund_reviews::PanelReviewStatus;
use entity::fund_rounds::RoundStatus;
use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::users::UserId;

use crate::auth::CurrentUser;
use crate::domain::fund::applications;
use crate::domain::fund::decisions::{self, Refusal};
use crate::domain::fund::panel as fund_panel;
use crate::domain::fund::rounds::{self, FundError, phase};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::domain::{categories, fund::awards as fund_awards, listings};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::fund::category_names;
use crate::routes::{PathId, PathIds, RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::fund::admin::{self as view, DecisionPage, RoundAdmin};
use crate::views::{Page, page::set_flash};

pub async fn list(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let all: Vec<_> = rounds::all(&state.db)
        .await?
        .into_iter()
        .map(|r| {
            let p = phase(&r, state.clock.today());
            (r, p)
        })
        .collect();
    Ok(view::rounds(&page, &all))
}

/// Every category as (id, label), children under their parent's name.
async fn category_options(state: &AppState) -> AppResult<(Vec<(String, String)>, Vec<i64>)> {
    let mut options = Vec::new();
    for node in categories::tree(&state.db, false).await? {
        options.push((node.category.id.to_string(), node.category.name.clone()));
        for child in node.children {
            options.push((
                child.id.to_string(),
                format!("{}: {}", node.category.name, child.name),
            ));
        }
    }
    let ids = options
        .iter()
        .filter_map(|(id, _)| id.parse().ok())
        .collect();
    Ok((options, ids))
}

async fn form_page(
    page: &Page,
    state: &AppState,
    id: Option<i64>,
    values: &FormFields,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let (options, _) = category_options(state).await?;
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        view::round_form(page, id, values, &options, errors),
    ))
}

/// A new round, optionally pre-filled from a gap in the market (`?title=…&need=…&categories=…
/// &client_groups=…&districts=…`).
pub async fn new_form(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    const PREFILL: [&str; 5] = ["title", "need", "categories", "client_groups", "districts"];
    let values = FormFields(
        query
            .into_inner()
            .into_iter()
            .filter(|(k, v)| PREFILL.contains(&k.as_str()) && v.chars().count() <= 4000)
            .collect(),
    );
    form_page(&page, &state, None, &values, &FieldErrors::default()).await
}

pub async fn create(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let (_, known) = category_options(&state).await?;
    match rounds::parse_round(&fields, &known) {
        Ok(input) => {
            let id = rounds::create(&state.db, &actor, user.id, &input).await?;
            set_flash(
                &session,
                "Round saved as a draft. Add a panel, then publish it.",
            );
            Ok(see_other(&paths::commissioner_funding_round(id)))
        }
        Err(errors) => form_page(&page, &state, None, &fields, &errors).await,
    }
}

pub async fn edit_form(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let round = rounds::load(&state.db, id).await?;
    if round.round.status != RoundStatus::Draft {
        return Ok(see_other(&paths::commissioner_funding_round(id)));
    }
    form_page(
        &page,
        &state,
        Some(id),
        &view::round_values(&round),
        &FieldErrors::default(),
    )
    .await
}

pub async fn update(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    rounds::find(&state.db, id).await?;
    let fields = FormFields(form.into_inner());
    let (_, known) = category_options(&state).await?;
    match rounds::parse_round(&fields, &known) {
        Ok(input) => {
            rounds::update(&state.db, &actor, id, &input).await?;
            set_flash(&session, "Round saved");
            Ok(see_other(&paths::commissioner_funding_round(id)))
        }
        Err(errors) => form_page(&page, &state, Some(id), &fields, &errors).await,
    }
}

async fn round_page(
    page: &Page,
    state: &AppState,
    id: i64,
    panel_email: &str,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let round = rounds::load(&state.db, id).await?;
    let names = category_names(state, &round).await?;
    let ranking = fund_panel::ranking(&state.db, id).await?;
    let awarded = decisions::awarded_total(&state.db, id).await?;
    let awards = fund_awards::of_round(&state.db, id).await?;
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        view::round_admin(
            page,
            &RoundAdmin {
                view: &round,
                phase: round.phase(state.clock.today()),
                category_names: &names,
                ranking: &ranking,
                awarded_pence: awarded,
                panel_email,
                awards: &awards,
            },
            errors,
        ),
    ))
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    round_page(&page, &state, id, "", &FieldErrors::default()).await
}

pub async fn publish(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    rounds::publish(&state.db, &actor, id, state.clock.today()).await?;
    set_flash(&session, "Round published on the funding page");
    Ok(see_other(&paths::commissioner_funding_round(id)))
}

#[derive(serde::Deserialize)]
pub struct PanelForm {
    #[serde(default)]
    email: String,
}

pub async fn add_panel_member(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<PanelForm>,
) -> AppResult<HttpResponse> {
    match rounds::add_panel_member(&state.db, &actor, &state.link_base(), id, &form.email).await? {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(&session, "Added to the panel and emailed");
            Ok(see_other(&paths::commissioner_funding_round(id)))
        }
        Err(errors) => round_page(&page, &state, id, &form.email, &errors).await,
    }
}

pub async fn remove_panel_member(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathIds(id, user): PathIds<i64, UserId>,
) -> AppResult<HttpResponse> {
    rounds::remove_panel_member(&state.db, &actor, id, user).await?;
    set_flash(&session, "Removed from the panel");
    Ok(see_other(&paths::commissioner_funding_round(id)))
}

async fn application_page(
    page: &Page,
    state: &AppState,
    id: i64,
    values: &FormFields,
    errors: &FieldErrors,
    over_pot: bool,
) -> AppResult<HttpResponse> {
    let app = applications::load(&state.db, id).await?;
    if app.application.status == ApplicationStatus::Draft
        || app.application.status == ApplicationStatus::Withdrawn
    {
        return Err(AppError::NotFound);
    }
    let criteria = rounds::criteria_of(&state.db, app.round.id).await?;
    let round = rounds::load(&state.db, app.round.id).await?;
    let mut reviews = Vec::new();
    for r in fund_panel::reviews_of(&state.db, id).await? {
        let name = view::panel_member_name(&round.panel, r.user_id);
        reviews.push((r, name));
    }
    let scored: Vec<_> = reviews
        .iter()
        .filter(|(r, _)| r.status == PanelReviewStatus::Submitted)
        .map(|(r, _)| fund_panel::scores_of(r))
        .collect();
    let awarded = decisions::awarded_total(&state.db, app.round.id).await?;
    let award = match fund_awards::load(&state.db, id).await {
        Ok(award) => Some(award),
        Err(FundError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    let org_listings: Vec<(ListingId, String)> =
        listings::of_organisation(&state.db, app.organisation.id)
            .await?
            .iter()
            .filter(|l| l.listing.status != ListingStatus::Archived)
            .map(|l| (l.listing.id, l.title().to_owned()))
            .collect();
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        view::application_admin(
            page,
            &DecisionPage {
                view: &app,
                phase: phase(&app.round, state.clock.today()),
                criteria: &criteria,
                reviews: &reviews,
                score: fund_panel::weighted_score(&criteria, &scored),
                awarded_pence: awarded,
                over_pot,
                award: award.as_ref(),
                org_listings: &org_listings,
            },
            values,
            errors,
        ),
    ))
}

pub async fn application(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    application_page(
        &page,
        &state,
        id,
        &FormFields::default(),
        &FieldErrors::default(),
        false,
    )
    .await
}

pub async fn decide(
    page: Page,
    state: web::Data<AppState>,
    _user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let (decision, confirm) = match decisions::parse_decision(&fields) {
        Ok(parsed) => parsed,
        Err(errors) => return application_page(&page, &state, id, &fields, &errors, false).await,
    };
    match decisions::decide(
        &state.db,
        &actor,
        &state.link_base(),
        state.clock.today(),
        id,
        &decision,
        confirm,
    )
    .await
    {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(&session, "Decision recorded and the applicant emailed");
            let round = applications::load(&state.db, id).await?.round.id;
            Ok(see_other(&paths::commissioner_funding_round(round)))
        }
        Err(Refusal::OverPot { awarded, pot }) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "amount",
                format!(
                    "This would take awards to more than the pot ({} awarded of {}). Tick the box to confirm, or award less.",
                    crate::domain::listings::content::format_pounds(awarded),
                    crate::domain::listings::content::format_pounds(pot)
                ),
            );
            application_page(&page, &state, id, &fields, &errors, true).await
        }
        Err(Refusal::Fund(FundError::Refused(message))) => {
            let mut errors = FieldErrors::default();
            errors.add("decision", message);
            application_page(&page, &state, id, &fields, &errors, false).await
        }
        Err(Refusal::Fund(other)) => Err(other.into()),
    }
}

/// Runs an award-tracking form: on success back to the award, else the page with errors.
async fn tracking(
    page: &Page,
    state: &AppState,
    session: &Session,
    id: i64,
    fields: &FormFields,
    result: Result<(), FieldErrors>,
    done: &str,
) -> AppResult<HttpResponse> {
    match result {
        Ok(()) => {
            set_flash(session, done);
            Ok(see_other(&format!(
                "{}#award",
                paths::commissioner_funding_application(id)
            )))
        }
        Err(errors) => application_page(page, state, id, fields, &errors, false).await,
    }
}

pub async fn add_payment(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let result =
        fund_awards::add_payment(&state.db, &actor, id, user.id, &fields, state.clock.today())
            .await?;
    tracking(
        &page,
        &state,
        &session,
        id,
        &fields,
        result,
        "Payment recorded",
    )
    .await
}

pub async fn add_milestone(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let result = fund_awards::add_milestone(&state.db, &actor, id, &fields).await?;
    tracking(
        &page,
        &state,
        &session,
        id,
        &fields,
        result,
        "Milestone added",
    )
    .await
}

pub async fn milestone_met(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathIds(id, milestone): PathIds,
) -> AppResult<HttpResponse> {
    fund_awards::milestone_met(&state.db, &actor, id, milestone, state.clock.today()).await?;
    set_flash(&session, "Milestone marked as met");
    Ok(see_other(&format!(
        "{}#award",
        paths::commissioner_funding_application(id)
    )))
}

pub async fn link_listing(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let listing = fields.one("listing").trim().parse().unwrap_or_default();
    let result = fund_awards::link_listing(&state.db, &actor, id, listing).await?;
    tracking(
        &page,
        &state,
        &session,
        id,
        &fields,
        result,
        "Listing linked to the award",
    )
    .await
}
