//! Admin handlers for the service taxonomy.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::domain::categories::{self, CategoryError};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::categories::{self as view, CategoryForm};
use crate::views::{Page, page::set_flash};

impl From<CategoryError> for AppError {
    fn from(err: CategoryError) -> Self {
        match err {
            CategoryError::NotFound => AppError::NotFound,
            CategoryError::Db(db) => db.into(),
            CategoryError::NameEmpty
            | CategoryError::NameInvalid
            | CategoryError::DescriptionInvalid
            | CategoryError::Duplicate
            | CategoryError::BadParent
            | CategoryError::HasActiveChildren => AppError::BadRequest(err.to_string()),
        }
    }
}

/// The form field a category error belongs to, for the error summary.
fn field_of(err: &CategoryError) -> Option<&'static str> {
    match err {
        CategoryError::NameEmpty | CategoryError::NameInvalid | CategoryError::Duplicate => {
            Some("name")
        }
        CategoryError::DescriptionInvalid => Some("description"),
        CategoryError::BadParent => Some("parent_id"),
        _ => None,
    }
}

pub async fn list(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let tree = categories::tree(&state.db, true).await?;
    Ok(view::list(
        &page,
        &tree,
        &CategoryForm::default(),
        &FieldErrors::default(),
    ))
}

pub async fn add(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<CategoryForm>,
) -> AppResult<HttpResponse> {
    let parent_id =
        match form.parent_id.trim() {
            "" => None,
            raw => Some(raw.parse::<i64>().map_err(|_| {
                AppError::BadRequest("Choose a parent category from the list.".into())
            })?),
        };
    match categories::add(&state.db, &actor, &form.name, parent_id, &form.description).await {
        Ok(_) => {
            set_flash(&session, "Category added");
            Ok(see_other(&paths::admin_categories()))
        }
        Err(err) => match field_of(&err) {
            Some(field) => {
                let mut errors = FieldErrors::default();
                errors.add(field, err.to_string());
                let tree = categories::tree(&state.db, true).await?;
                Ok(html_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    view::list(&page, &tree, &form, &errors),
                ))
            }
            None => Err(err.into()),
        },
    }
}

pub async fn edit(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<maud::Markup> {
    let category = categories::get(&state.db, id).await?;
    let form = CategoryForm {
        name: category.name.clone(),
        description: category.description.clone().unwrap_or_default(),
        ..Default::default()
    };
    Ok(view::edit(&page, &category, &form, &FieldErrors::default()))
}

pub async fn update(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<CategoryForm>,
) -> AppResult<HttpResponse> {
    match categories::update(&state.db, &actor, id, &form.name, &form.description).await {
        Ok(()) => {
            set_flash(&session, "Category saved");
            Ok(see_other(&paths::admin_categories()))
        }
        Err(err) => match field_of(&err) {
            Some(field) => {
                let mut errors = FieldErrors::default();
                errors.add(field, err.to_string());
                let category = categories::get(&state.db, id).await?;
                Ok(html_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    view::edit(&page, &category, &form, &errors),
                ))
            }
            None => Err(err.into()),
        },
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ArchiveForm {
    action: String,
}

pub async fn archive(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<ArchiveForm>,
) -> AppResult<HttpResponse> {
    let archived = match form.action.as_str() {
        "archive" => true,
        "restore" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Choose to archive the category or put it back in use.".into(),
            ));
        }
    };
    categories::set_archived(&state.db, &actor, id, archived).await?;
    set_flash(
        &session,
        if archived {
            "Category archived"
        } else {
            "Category back in use"
        },
    );
    Ok(see_other(&paths::admin_category(id)))
}
