//! Saved searches: save one from the search page, manage them, and stop an alert's emails
//! from the email's link without signing in.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::saved_searches::AlertFrequency;

use crate::auth::CurrentUser;
use crate::domain::search::saved::{self, NewSavedSearch, SavedSearchError};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, acting, html_page, see_other};
use crate::state::AppState;
use crate::views::search::saved as view;
use crate::views::{Page, page::set_flash};

impl From<SavedSearchError> for AppError {
    fn from(err: SavedSearchError) -> Self {
        match err {
            SavedSearchError::NotFound => AppError::NotFound,
            SavedSearchError::Db(e) => e.into(),
            SavedSearchError::TooMany => AppError::Conflict(err.to_string()),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

async fn list_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    errors: &FieldErrors,
    status: actix_web::http::StatusCode,
) -> AppResult<HttpResponse> {
    let rows = saved::of_user(&state.db, user.id).await?;
    let mut client_names = std::collections::BTreeMap::new();
    for client_id in rows.iter().filter_map(|r| r.client_id) {
        if let Some(name) =
            crate::domain::plans::clients::open_name(&state.db, user.id, client_id).await?
        {
            client_names.insert(client_id, name);
        }
    }
    Ok(html_page(
        status,
        view::list(page, &rows, &client_names, errors),
    ))
}

pub async fn list(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    list_page(
        &page,
        &state,
        &user,
        &FieldErrors::default(),
        actix_web::http::StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    query: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    client: String,
}

pub async fn create(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    crate::auth::VerifiedUser(user): crate::auth::VerifiedUser,
    RequestActor(actor): RequestActor,
    form: web::Form<SaveForm>,
) -> AppResult<HttpResponse> {
    let acting = acting::from_form(&state, &user, &form.client).await?;
    let client_id = acting.client_id_name().map(|(id, _)| id);
    let cursor = state.search.last_applied_change().unwrap_or(0);
    let outcome = match NewSavedSearch::parse(client_id, &form.query, &form.name, &form.frequency) {
        Ok(new) => saved::save(&state.db, &actor, user.id, new, cursor).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(_) => {
            set_flash(
                &session,
                "Search saved. We will email you when new services match it.",
            );
            Ok(see_other(&paths::saved_searches()))
        }
        Err(
            err @ (SavedSearchError::NameMissing
            | SavedSearchError::NameTooLong(_)
            | SavedSearchError::BadFrequency
            | SavedSearchError::TooMany),
        ) => {
            let mut errors = FieldErrors::default();
            let field = match err {
                SavedSearchError::BadFrequency => "frequency",
                _ => "name",
            };
            errors.add(field, err.to_string());
            Ok(html_page(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                view::save_form_page(&page, &form.query, &form.name, &form.client, &errors),
            ))
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct FrequencyForm {
    #[serde(default)]
    frequency: String,
}

pub async fn update(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<FrequencyForm>,
) -> AppResult<HttpResponse> {
    saved::find_own(&state.db, user.id, id).await?;
    match saved::frequency_of(&form.frequency) {
        Ok(frequency) => {
            saved::set_frequency(&state.db, &actor, user.id, id, frequency).await?;
            set_flash(&session, "Emails changed");
            Ok(see_other(&paths::saved_searches()))
        }
        Err(err) => {
            let mut errors = FieldErrors::default();
            errors.add("frequency", err.to_string());
            list_page(
                &page,
                &state,
                &user,
                &errors,
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    saved::delete(&state.db, &actor, user.id, id).await?;
    set_flash(&session, "Saved search deleted");
    Ok(see_other(&paths::saved_searches()))
}

/// A "stop these emails" link's `{id}` and `{token}`; a bad id is a page that does not
/// exist.
pub struct StopLink(i64, String);

impl actix_web::FromRequest for StopLink {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let info = req.match_info();
        std::future::ready(
            match (
                info.get("id").map(crate::routes::path_id),
                info.get("token"),
            ) {
                (Some(Ok(id)), Some(token)) => Ok(StopLink(id, token.to_owned())),
                _ => Err(AppError::NotFound),
            },
        )
    }
}

/// The service's secret for signing links (the same on every instance).
fn secret(state: &AppState) -> &[u8] {
    state.cookie_key.signing()
}

pub async fn unsubscribe_form(
    page: Page,
    state: web::Data<AppState>,
    StopLink(id, token): StopLink,
) -> AppResult<maud::Markup> {
    let saved = saved::by_link(&state.db, secret(&state), id, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view::unsubscribe(&page, &saved, &token, false))
}

pub async fn unsubscribe(
    page: Page,
    state: web::Data<AppState>,
    StopLink(id, token): StopLink,
) -> AppResult<maud::Markup> {
    let saved = saved::unsubscribe(&state.db, secret(&state), id, &token).await?;
    debug_assert_eq!(saved.frequency, AlertFrequency::Never);
    Ok(view::unsubscribe(&page, &saved, &token, true))
}
