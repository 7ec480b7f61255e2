//! Support plan handlers for budget holders and brokers (for the client they act for): the
//! plan, its budget (entered or from the points table), lines, CSV and print.

pub mod clients;
pub mod ras;
pub mod shortlists;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::auth::CurrentUser;
use crate::domain::listings::content::format_pounds;
use crate::domain::plans::clients::Acting;
use crate::domain::plans::export as plan_export;
use crate::domain::plans::ras as allocation;
use crate::domain::plans::shortlists as shortlisted;
use crate::domain::plans::support_plans::{self, ItemForm, PlanError};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, acting, html_page, see_other};
use crate::state::AppState;
use crate::views::{Page, page::set_flash, plans as view};

impl From<PlanError> for AppError {
    fn from(err: PlanError) -> Self {
        match err {
            PlanError::NotFound => AppError::NotFound,
            PlanError::Full => AppError::Conflict(err.to_string()),
            PlanError::Db(e) => e.into(),
            PlanError::Listing(e) => e.into(),
        }
    }
}

/// The shortlist as choices for a plan line: (id, "title – provider, price").
async fn shortlist_choices(state: &AppState, acting: &Acting) -> AppResult<Vec<(String, String)>> {
    Ok(shortlisted::entries(&state.db, acting.holder)
        .await?
        .into_iter()
        .filter_map(|e| {
            e.listing.map(|l| {
                (
                    e.listing_id.to_string(),
                    format!(
                        "{} – {}, {}",
                        l.content.title,
                        l.provider.name,
                        l.content.price.describe()
                    ),
                )
            })
        })
        .collect())
}

async fn plan_page(
    page: &Page,
    state: &AppState,
    acting: &Acting,
    budget_input: Option<&str>,
    item: &ItemForm,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let plan = support_plans::load(&state.db, acting.holder).await?;
    let shortlist = shortlist_choices(state, acting).await?;
    let stored_budget = plan
        .totals
        .weekly_budget_pence
        .map(|p| format_pounds(p).replace(['£', ','], ""))
        .unwrap_or_default();
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        view::plan(
            page,
            &view::PlanPage {
                view: &plan,
                client: acting.client_id_name(),
                shortlist: &shortlist,
                budget_input: budget_input.unwrap_or(&stored_budget),
                item,
            },
            errors,
        ),
    ))
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    let acting = acting::current(&state, &session, &user).await?;
    plan_page(
        &page,
        &state,
        &acting,
        None,
        &ItemForm::default(),
        &FieldErrors::default(),
    )
    .await
}

pub async fn set_budget(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let acting = acting::from_form(&state, &user, &fields.one("client")).await?;
    if fields.all("weekly_budget").is_empty() {
        return Err(AppError::BadRequest(
            "The budget was missing from the form. Go back and try again.".into(),
        ));
    }
    let raw = fields.one("weekly_budget");
    match support_plans::parse_weekly_budget(&raw) {
        Ok(weekly) => {
            support_plans::set_budget(&state.db, &actor, &acting, weekly).await?;
            set_flash(
                &session,
                if weekly.is_some() {
                    "Budget saved"
                } else {
                    "Budget removed"
                },
            );
            Ok(see_other(&paths::plan()))
        }
        Err(errors) => {
            plan_page(
                &page,
                &state,
                &acting,
                Some(&raw),
                &ItemForm::default(),
                &errors,
            )
            .await
        }
    }
}

pub async fn add_item(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let acting = acting::from_form(&state, &user, &fields.one("client")).await?;
    let item = ItemForm::from_fields(&fields);
    match item.parse(&state.db, acting.holder).await {
        Ok(new) => {
            support_plans::add_item(&state.db, &actor, &acting, new).await?;
            set_flash(&session, "Added to the plan");
            Ok(see_other(&paths::plan()))
        }
        Err(errors) => plan_page(&page, &state, &acting, None, &item, &errors).await,
    }
}

#[derive(serde::Deserialize)]
pub struct ClientField {
    #[serde(default)]
    client: String,
}

pub async fn remove_item(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<ClientField>,
) -> AppResult<HttpResponse> {
    let acting = acting::from_form(&state, &user, &form.client).await?;
    support_plans::remove_item(&state.db, &actor, &acting, id).await?;
    set_flash(&session, "Removed from the plan");
    Ok(see_other(&paths::plan()))
}

pub async fn ras_form(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let acting = acting::current(&state, &session, &user).await?;
    let table = allocation::current(&state.db, page.council.id).await?;
    // Start from the answers given last time with this table.
    let plan = support_plans::load(&state.db, acting.holder).await?;
    let previous: Vec<Option<usize>> = plan
        .plan
        .as_ref()
        .filter(|p| p.ras_table_id == table.id)
        .and_then(|p| p.ras_answers.as_deref())
        .and_then(|json| serde_json::from_str::<Vec<usize>>(json).ok())
        .map(|a| a.into_iter().map(Some).collect())
        .unwrap_or_default();
    Ok(view::ras_form(
        &page,
        &table,
        acting.client_id_name(),
        &previous,
        &FieldErrors::default(),
    ))
}

pub async fn ras_submit(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let acting = acting::from_form(&state, &user, &fields.one("client")).await?;
    let table = allocation::current(&state.db, page.council.id).await?;
    match table.config.parse_answers(&fields) {
        Ok(answers) => {
            let points =
                support_plans::set_from_ras(&state.db, &actor, &acting, &table, &answers).await?;
            set_flash(
                &session,
                &format!(
                    "{points} points: an indicative budget of {} a week",
                    format_pounds(table.config.weekly_pence(points))
                ),
            );
            Ok(see_other(&paths::plan()))
        }
        Err(errors) => {
            let given: Vec<Option<usize>> = allocation::ANSWER_FIELDS
                .iter()
                .map(|name| fields.one(name).parse().ok())
                .collect();
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::ras_form(&page, &table, acting.client_id_name(), &given, &errors),
            ))
        }
    }
}

pub async fn csv(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    let acting = acting::current(&state, &session, &user).await?;
    let plan = support_plans::load(&state.db, acting.holder).await?;
    crate::routes::csv_download("support-plan.csv", plan_export::plan_csv(&plan))
}

pub async fn print(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let acting = acting::current(&state, &session, &user).await?;
    let plan = support_plans::load(&state.db, acting.holder).await?;
    Ok(view::printable(
        &page,
        &plan,
        acting.client_id_name(),
        state.clock.today(),
    ))
}
