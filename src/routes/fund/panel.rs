//! Innovation-fund handlers for panel members: the rounds they sit on, and scoring (or
//! declaring a conflict on) each application. Membership is checked on every request.

use actix_session::Session;
use actix_web::{HttpResponse, web};

use crate::auth::CurrentUser;
use crate::domain::fund::panel as fund_panel;
use crate::domain::fund::rounds;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::AppResult;
use crate::paths;
use crate::routes::{PathId, RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::fund::admin::{self as view, PanelPage};
use crate::views::{Page, page::set_flash};

pub async fn home(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let mut list = Vec::new();
    for round in rounds::panel_rounds(&state.db, user.id).await? {
        let apps = fund_panel::worklist(&state.db, round.id, user.id).await?;
        list.push((round, apps));
    }
    Ok(view::panel_home(&page, &list))
}

async fn application_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    values: &FormFields,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let app = fund_panel::application_for_member(&state.db, id, user.id).await?;
    let round = rounds::load(&state.db, app.round.id).await?;
    let own = fund_panel::review_of(&state.db, id, user.id).await?;
    let others: Vec<_> = fund_panel::visible_to(&state.db, id, user.id)
        .await?
        .into_iter()
        .map(|r| {
            let name = view::panel_member_name(&round.panel, r.user_id);
            (r, name)
        })
        .collect();
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        view::panel_application(
            page,
            &PanelPage {
                view: &app,
                criteria: &round.criteria,
                own: own.as_ref(),
                others: &others,
            },
            values,
            errors,
        ),
    ))
}

pub async fn application(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    application_page(
        &page,
        &state,
        &user,
        id,
        &FormFields::default(),
        &FieldErrors::default(),
    )
    .await
}

pub async fn scores(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let send = fields.one("then") == "send";
    match fund_panel::save_scores(&state.db, &actor, id, user.id, &fields, send).await? {
        Ok(()) => {
            set_flash(
                &session,
                if send {
                    "Scores sent. You can now see the other members’ scores."
                } else {
                    "Scores saved"
                },
            );
            Ok(see_other(&paths::panel_application(id)))
        }
        Err(errors) => application_page(&page, &state, &user, id, &fields, &errors).await,
    }
}

#[derive(serde::Deserialize)]
pub struct ConflictForm {
    #[serde(default)]
    conflict_note: String,
}

pub async fn conflict(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<ConflictForm>,
) -> AppResult<HttpResponse> {
    match fund_panel::declare_conflict(&state.db, &actor, id, user.id, &form.conflict_note).await? {
        Ok(()) => {
            set_flash(
                &session,
                "Conflict declared. You will not score this application.",
            );
            Ok(see_other(&paths::panel_application(id)))
        }
        Err(errors) => {
            let values = FormFields(vec![(
                "conflict_note".to_owned(),
                form.conflict_note.clone(),
            )]);
            application_page(&page, &state, &user, id, &values, &errors).await
        }
    }
}
