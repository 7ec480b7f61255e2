//! The commissioner's handlers for the Resource Allocation System points table.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::domain::plans::ras::{self, RasForm};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::AppResult;
use crate::paths;
use crate::routes::{RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::{Page, page::set_flash, plans::ras as view};

pub async fn editor(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let current = ras::current(&state.db, page.council.id).await?;
    let form = current.config.to_form();
    Ok(view::editor(
        &page,
        &current,
        &form,
        &FieldErrors::default(),
    ))
}

pub async fn publish(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let form = RasForm::from_fields(&FormFields(form.into_inner()));
    match form.parse() {
        Ok(config) => {
            ras::publish(&state.db, &actor, page.council.id, &config).await?;
            set_flash(&session, "The points table is published");
            Ok(see_other(&paths::commissioner_ras()))
        }
        Err(errors) => {
            let current = ras::current(&state.db, page.council.id).await?;
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::editor(&page, &current, &form, &errors),
            ))
        }
    }
}
