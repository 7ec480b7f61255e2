//! Broker handlers: the caseload, adding and changing a client, acting for a client, handing
//! a case over, closing it; and the admins' list of every client.

use crate::domain::audit::Action;
use crate::paths;
use actix_session::Session;
use actix_web::{HttpResponse, web};

use crate::auth::CurrentUser;
use crate::domain::enquiries;
use crate::domain::plans::clients::{self, ClientError, ClientForm};
use crate::domain::plans::shortlists;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::AppResult;
use crate::routes::{PathId, RequestActor, acting, form_status, html_page, see_other};
use crate::state::AppState;
use crate::views::plans::clients::{self as view, ClientPage};
use crate::views::{Page, page::set_flash};

pub async fn caseload(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let clients = clients::caseload(&state.db, user.id).await?;
    Ok(view::caseload(&page, &clients))
}

pub async fn new_form(page: Page) -> maud::Markup {
    let form = ClientForm {
        contact_preference: "phone".into(),
        ..Default::default()
    };
    view::client_form(
        &page,
        "Add a client",
        &paths::broker_clients(),
        &paths::broker_clients(),
        &form,
        &FieldErrors::default(),
    )
}

pub async fn create(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let form = ClientForm::from_fields(&FormFields(form.into_inner()));
    match form.parse() {
        Ok(details) => {
            let id = clients::create(&state.db, &actor, user.council, user.id, details).await?;
            set_flash(&session, "Client added");
            Ok(see_other(&paths::broker_client(id)))
        }
        Err(errors) => Ok(html_page(
            form_status(&errors),
            view::client_form(
                &page,
                "Add a client",
                &paths::broker_clients(),
                &paths::broker_clients(),
                &form,
                &errors,
            ),
        )),
    }
}

async fn client_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    handover_error: Option<&str>,
) -> AppResult<HttpResponse> {
    let client = clients::of_broker(&state.db, user.id, id).await?;
    let holder = clients::Holder::Client(client.id);
    let shortlist = shortlists::entries(&state.db, holder).await?;
    let enquiries = enquiries::of_holder(&state.db, holder).await?;
    let status = if handover_error.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    Ok(html_page(
        status,
        view::client_page(
            page,
            &ClientPage {
                client: &client,
                shortlist: &shortlist,
                enquiries: &enquiries,
                handover_error,
            },
        ),
    ))
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let client = clients::of_broker(&state.db, user.id, id).await?;
    // A client record holds a person's care needs: every opening of it is recorded.
    crate::domain::audit::record(
        &state.db,
        &actor,
        crate::domain::audit::Event::new(Action::ClientViewed, "client", client.id),
    )
    .await?;
    client_page(&page, &state, &user, id, None).await
}

pub async fn edit_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<maud::Markup> {
    let client = clients::of_broker(&state.db, user.id, id).await?;
    let path = paths::broker_client(id);
    Ok(view::client_form(
        &page,
        &format!("Change {}’s details", client.name),
        &path,
        &path,
        &ClientForm::of(&client),
        &FieldErrors::default(),
    ))
}

pub async fn update(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let client = clients::of_broker(&state.db, user.id, id).await?;
    let form = ClientForm::from_fields(&FormFields(form.into_inner()));
    let path = paths::broker_client(id);
    match form.parse() {
        Ok(details) => {
            clients::update(&state.db, &actor, user.id, id, details).await?;
            set_flash(&session, "Client details saved");
            Ok(see_other(&path))
        }
        Err(errors) => Ok(html_page(
            form_status(&errors),
            view::client_form(
                &page,
                &format!("Change {}’s details", client.name),
                &path,
                &path,
                &form,
                &errors,
            ),
        )),
    }
}

pub async fn act(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let acting_for = clients::act_for(&state.db, user.id, id).await?;
    acting::start(&session, &acting_for)?;
    let name = acting_for.client.as_ref().map_or("", |c| c.name.as_str());
    set_flash(&session, &format!("You are now acting for {name}"));
    Ok(see_other(&paths::search()))
}

pub async fn stop_acting(session: Session) -> HttpResponse {
    acting::stop(&session);
    set_flash(&session, "You are no longer acting for a client");
    see_other(&paths::broker_clients())
}

#[derive(serde::Deserialize)]
pub struct HandoverForm {
    #[serde(default)]
    to_email: String,
}

pub async fn hand_over(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<HandoverForm>,
) -> AppResult<HttpResponse> {
    match clients::hand_over(
        &state.db,
        &actor,
        user.council,
        Some(user.id),
        id,
        &form.to_email,
    )
    .await
    {
        Ok(_) => {
            if page.acting_for.as_ref().is_some_and(|a| a.id == id) {
                acting::stop(&session);
            }
            set_flash(&session, "Client handed over");
            Ok(see_other(&paths::broker_clients()))
        }
        Err(err @ (ClientError::NoSuchBroker | ClientError::SameBroker)) => {
            client_page(&page, &state, &user, id, Some(&err.to_string())).await
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    closed: String,
}

pub async fn set_closed(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<CloseForm>,
) -> AppResult<HttpResponse> {
    let closed = form.closed != "false";
    clients::set_closed(&state.db, &actor, user.id, id, closed).await?;
    if closed && page.acting_for.as_ref().is_some_and(|a| a.id == id) {
        acting::stop(&session);
    }
    set_flash(
        &session,
        if closed {
            "Case closed"
        } else {
            "Case reopened"
        },
    );
    Ok(see_other(&paths::broker_client(id)))
}

pub async fn admin_list(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let all = clients::all_with_brokers(&state.db, page.council.id).await?;
    Ok(view::admin_clients(
        &page,
        &all,
        None,
        &FieldErrors::default(),
    ))
}

pub async fn admin_hand_over(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<HandoverForm>,
) -> AppResult<HttpResponse> {
    match clients::hand_over(&state.db, &actor, page.council.id, None, id, &form.to_email).await {
        Ok(_) => {
            set_flash(&session, "Client handed over");
            Ok(see_other(&paths::admin_clients()))
        }
        Err(err @ (ClientError::NoSuchBroker | ClientError::SameBroker)) => {
            let mut errors = FieldErrors::default();
            errors.add("to_email", err.to_string());
            let all = clients::all_with_brokers(&state.db, page.council.id).await?;
            Ok(html_page(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                view::admin_clients(&page, &all, Some(id), &errors),
            ))
        }
        Err(err) => Err(err.into()),
    }
}
