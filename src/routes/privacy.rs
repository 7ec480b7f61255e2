//! Personal data: a person's own download and erasure request; an admin's subject access
//! export and erasure of a person or a broker's client; the queue of erasure requests.

use actix_session::Session;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use entity::users::UserId;
use serde::Deserialize;

use crate::auth::access::CurrentUser;
use crate::auth::second_factor::RecentlyConfirmed;
use crate::domain::accounts::user_admin;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::privacy::Subject;
use crate::domain::privacy::erasure::{self, ErasureError};
use crate::domain::privacy::export::{self, ExportError, Scope};
use crate::domain::privacy::requests::{self, RequestError};
use crate::domain::privacy::retention::{self, Policy};
use crate::domain::validation::{FieldErrors, has_control_chars};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::privacy as view;
use crate::views::{Page, page::set_flash};
use entity::councils::CouncilId;

impl From<ExportError> for AppError {
    fn from(err: ExportError) -> Self {
        match err {
            ExportError::NotFound => AppError::NotFound,
            ExportError::Db(e) => e.into(),
            ExportError::Files(e) => AppError::Internal(e),
        }
    }
}

impl From<ErasureError> for AppError {
    fn from(err: ErasureError) -> Self {
        match err {
            ErasureError::NotFound => AppError::NotFound,
            ErasureError::Db(e) => e.into(),
            other => AppError::Conflict(other.to_string()),
        }
    }
}

impl From<RequestError> for AppError {
    fn from(err: RequestError) -> Self {
        match err {
            RequestError::NotFound => AppError::NotFound,
            RequestError::Db(e) => e.into(),
            other => AppError::Conflict(other.to_string()),
        }
    }
}

/// Builds the export, records who took it, and sends the ZIP.
async fn download(
    state: &AppState,
    actor: &Actor,
    subject: Subject,
    scope: Scope,
) -> AppResult<HttpResponse> {
    let data = export::collect(&state.db, subject, scope, &state.files).await?;
    let (kind, id) = subject.audit_subject();
    let action = match subject {
        Subject::Person(_) => Action::PersonDataExported,
        Subject::Client(_) => Action::ClientDataExported,
    };
    let scope_word = match scope {
        Scope::Full => "subject access export",
        Scope::Own => "downloaded by the person",
    };
    let name = data.file_name();
    let bytes = crate::routes::blocking(move || data.to_zip())
        .await?
        .map_err(AppError::Internal)?;
    audit::record(
        &state.db,
        actor,
        Event::new(action, kind, id).detail(scope_word),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

pub async fn own_page(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let open = requests::open_of(&state.db, user.id).await?;
    Ok(view::own(
        &page,
        open.map(|r| r.requested_at),
        "",
        &FieldErrors::default(),
    ))
}

/// A person's own download: it holds their care needs, so like a password change it needs
/// a sign-in or confirmation within the last 10 minutes (a shared computer's old session is
/// not enough).
pub async fn own_download(
    state: web::Data<AppState>,
    RecentlyConfirmed(user): RecentlyConfirmed,
    RequestActor(actor): RequestActor,
) -> AppResult<HttpResponse> {
    download(&state, &actor, Subject::Person(user.id), Scope::Own).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub note: String,
}

pub async fn request_erasure(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<RequestForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    if has_control_chars(form.note.trim()) {
        errors.add("note", "Remove the special characters from your note");
    }
    if errors.is_empty() {
        match requests::request(&state.db, &actor, &state.link_base(), user.id, &form.note).await {
            Ok(_) => {
                set_flash(&session, "Your request has been sent to the council");
                return Ok(see_other(&paths::account_personal_data()));
            }
            Err(RequestError::NoteTooLong) => {
                errors.add("note", RequestError::NoteTooLong.to_string());
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(html_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        view::own(&page, None, &form.note, &errors),
    ))
}

/// Not found unless the person belongs to `council` (registered there, or holds a role
/// there, or is a provider), or the client is one of its cases: a council's administrators
/// see no other council's people.
async fn of_council(state: &AppState, council: CouncilId, subject: Subject) -> AppResult<()> {
    let theirs = match subject {
        Subject::Person(id) => user_admin::belongs_to(&state.db, council, id).await?,
        Subject::Client(id) => {
            crate::domain::plans::clients::council_of(&state.db, id).await? == Some(council)
        }
    };
    if theirs {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// As [`of_council`], and for a person, the whole account is the council's to export or
/// erase (it holds no role at another council and does not administer the deployment).
async fn wholly_of_council(
    state: &AppState,
    council: CouncilId,
    subject: Subject,
) -> AppResult<()> {
    of_council(state, council, subject).await?;
    match subject {
        Subject::Person(id) if !user_admin::wholly_of(&state.db, council, id).await? => Err(
            AppError::Conflict(user_admin::UserAdminError::SharedAccount.to_string()),
        ),
        _ => Ok(()),
    }
}

async fn subject_page(
    page: &Page,
    state: &AppState,
    subject: Subject,
    errors: &FieldErrors,
) -> AppResult<maud::Markup> {
    of_council(state, page.council.id, subject).await?;
    let plan = erasure::plan(&state.db, subject).await?;
    let open_request = match subject {
        Subject::Person(id) => requests::open_of(&state.db, id).await?,
        Subject::Client(_) => None,
    };
    let (export, erase, back) = match subject {
        Subject::Person(id) => (
            paths::admin_user_personal_data_export(id),
            paths::admin_user_erase(id),
            (paths::admin_user(id), "Back to the account"),
        ),
        Subject::Client(id) => (
            paths::admin_client_personal_data_export(id),
            paths::admin_client_erase(id),
            (paths::admin_clients(), "Back to clients"),
        ),
    };
    Ok(view::subject(
        page,
        &plan,
        &export,
        &erase,
        (&back.0, back.1),
        open_request.as_ref(),
        errors,
    ))
}

pub async fn person_page(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId<UserId>,
) -> AppResult<maud::Markup> {
    subject_page(&page, &state, Subject::Person(id), &FieldErrors::default()).await
}

pub async fn client_page(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<maud::Markup> {
    subject_page(&page, &state, Subject::Client(id), &FieldErrors::default()).await
}

pub async fn person_export(
    state: web::Data<AppState>,
    RecentlyConfirmed(admin): RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    PathId(id): PathId<UserId>,
) -> AppResult<HttpResponse> {
    wholly_of_council(&state, admin.council, Subject::Person(id)).await?;
    download(&state, &actor, Subject::Person(id), Scope::Full).await
}

pub async fn client_export(
    state: web::Data<AppState>,
    RecentlyConfirmed(admin): RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    of_council(&state, admin.council, Subject::Client(id)).await?;
    download(&state, &actor, Subject::Client(id), Scope::Full).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EraseForm {
    pub confirm: String,
}

async fn erase(
    page: &Page,
    state: &AppState,
    actor: &Actor,
    session: &Session,
    subject: Subject,
    form: &EraseForm,
) -> AppResult<HttpResponse> {
    wholly_of_council(state, page.council.id, subject).await?;
    if form.confirm != "yes" {
        let mut errors = FieldErrors::default();
        errors.add(
            "confirm",
            "Tick the box to say you have checked what will be erased and kept",
        );
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            subject_page(page, state, subject, &errors).await?,
        ));
    }
    erasure::erase(&state.db, actor, subject)
        .await?
        .delete_unused(&state.db, &state.files)
        .await?;
    crate::db::forget_old_versions(&state.db).await;
    set_flash(session, "Personal data erased");
    Ok(see_other(&match subject {
        Subject::Person(id) => paths::admin_user_personal_data(id),
        Subject::Client(id) => paths::admin_client_personal_data(id),
    }))
}

pub async fn erase_person(
    page: Page,
    state: web::Data<AppState>,
    _confirmed: RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<UserId>,
    form: web::Form<EraseForm>,
) -> AppResult<HttpResponse> {
    erase(&page, &state, &actor, &session, Subject::Person(id), &form).await
}

pub async fn erase_client(
    page: Page,
    state: web::Data<AppState>,
    _confirmed: RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<EraseForm>,
) -> AppResult<HttpResponse> {
    erase(&page, &state, &actor, &session, Subject::Client(id), &form).await
}

pub async fn queue(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let open = requests::queue(&state.db, page.council.id).await?;
    Ok(view::queue(&page, &open))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeclineForm {
    pub reason: String,
}

pub async fn decline(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<DeclineForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    if has_control_chars(form.reason.trim()) {
        errors.add("reason", "Remove the special characters from the reason");
    } else {
        match requests::decline(&state.db, &actor, page.council.id, id, &form.reason).await {
            Ok(()) => {
                set_flash(&session, "Request declined: the person has been emailed");
                return Ok(see_other(&paths::admin_erasure_requests()));
            }
            Err(err @ (RequestError::ReasonRequired | RequestError::NoteTooLong)) => {
                errors.add("reason", err.to_string());
            }
            Err(other) => return Err(other.into()),
        }
    }
    let request = requests::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(html_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        subject_page(&page, &state, Subject::Person(request.user_id), &errors).await?,
    ))
}

pub async fn retention(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let policy = Policy::from_settings(&state.settings);
    let due = retention::due(&state.db, &state.files, &policy, chrono::Utc::now())
        .await
        .map_err(AppError::Internal)?;
    Ok(view::retention(&page, &policy, &due))
}

pub async fn processing(page: Page, state: web::Data<AppState>) -> maud::Markup {
    view::processing(&page, &Policy::from_settings(&state.settings))
}
