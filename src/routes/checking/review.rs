//! Admin handlers for reviewing inspections, and the public quality report.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::inspections::InspectionStatus;
use entity::listings::ListingId;
use entity::listings::ListingStatus;

use crate::domain::accounts;
use crate::domain::checking::photos as inspection_photos;
use crate::domain::checking::review::{self as inspection_review, is_inadequate};
use crate::domain::listings;
use crate::domain::providers::organisations;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::{Page, checking::review as view, page::set_flash};

async fn with_titles(
    state: &AppState,
    rows: Vec<entity::inspections::Model>,
) -> AppResult<Vec<(entity::inspections::Model, String)>> {
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        let title = listings::load(&state.db, m.listing_id)
            .await?
            .title()
            .to_owned();
        out.push((m, title));
    }
    Ok(out)
}

pub async fn queue(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let waiting = with_titles(
        &state,
        inspection_review::in_state(&state.db, page.council.id, InspectionStatus::Submitted)
            .await?,
    )
    .await?;
    let published = with_titles(
        &state,
        inspection_review::in_state(&state.db, page.council.id, InspectionStatus::Published)
            .await?,
    )
    .await?;
    Ok(view::queue(&page, &waiting, &published))
}

async fn review_page(
    page: &Page,
    state: &AppState,
    id: i64,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let m = inspection_review::find(&state.db, page.council.id, id).await?;
    let title = listings::load(&state.db, m.listing_id)
        .await?
        .title()
        .to_owned();
    let checker = accounts::find_user(&state.db, m.checker_user_id)
        .await?
        .map_or_else(String::new, |u| u.display_name);
    let status = crate::routes::form_status(errors);
    let photos = inspection_photos::of_inspection(&state.db, m.id).await?;
    Ok(html_page(
        status,
        view::review(page, &m, &title, &checker, &photos, errors),
    ))
}

pub async fn review(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    review_page(&page, &state, id, &FieldErrors::default()).await
}

#[derive(serde::Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    comments: String,
}

pub async fn send_back(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
    form: web::Form<ReturnForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let comments = crate::domain::validation::required_text(
        &mut errors,
        "comments",
        &form.comments,
        2000,
        "what needs to change",
    );
    let Some(comments) = comments else {
        return review_page(&page, &state, id, &errors).await;
    };
    inspection_review::return_to_checker(&state.db, &actor, &state.link_base(), id, &comments)
        .await?;
    state.wake_mail_worker();
    set_flash(&session, "Sent back to the checker");
    Ok(see_other(&paths::admin_inspections()))
}

pub async fn publish(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let published = inspection_review::publish(&state.db, &actor, &state.link_base(), id).await?;
    state.wake_mail_worker();
    state.wake_indexer();
    if is_inadequate(&published) {
        set_flash(
            &session,
            "Published. The service was found inadequate: consider suspending the listing below.",
        );
        return Ok(see_other(&paths::admin_listing(published.listing_id)));
    }
    set_flash(
        &session,
        "Published. The rating now shows on the listing and in search.",
    );
    Ok(see_other(&paths::admin_inspections()))
}

async fn report_page(
    page: &Page,
    state: &AppState,
    id: ListingId,
    draft: &str,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let listing = listings::load(&state.db, id).await?;
    let live = listing
        .live
        .as_ref()
        .filter(|_| listing.listing.status == ListingStatus::Approved)
        .ok_or(AppError::NotFound)?;
    let m = inspection_review::latest_published(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let response = inspection_review::response_to(&state.db, m.id).await?;
    let mut photos = inspection_photos::of_inspection(&state.db, m.id).await?;
    photos.retain(|p| p.public);
    let member = match &page.user {
        Some(u) => organisations::as_member(&state.db, m.organisation_id, u.id)
            .await
            .is_ok(),
        None => false,
    };
    // A suspended (or hidden) listing's report stays readable by its provider, who may need
    // to answer it, and by admins; the public sees it only while the listing is public.
    let is_admin = page
        .user
        .as_ref()
        .is_some_and(|u| u.has_role(crate::auth::roles::Role::Admin));
    if !listing.is_public() && !member && !is_admin {
        return Err(AppError::NotFound);
    }
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        view::report(
            page,
            &view::ReportPage {
                listing_id: id,
                back: if listing.is_public() {
                    paths::listing(id)
                } else if member {
                    paths::provider_listing(id)
                } else {
                    paths::admin_listing(id)
                },
                listing_title: &live.content.title,
                inspection: &m,
                photos: &photos,
                response: response.as_ref(),
                can_respond: member && response.is_none(),
            },
            draft,
            errors,
        ),
    ))
}

pub async fn public_report(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    report_page(&page, &state, id, "", &FieldErrors::default()).await
}

#[derive(serde::Deserialize)]
pub struct ResponseForm {
    #[serde(default)]
    response: String,
}

pub async fn provider_response(
    page: Page,
    state: web::Data<AppState>,
    user: crate::auth::CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
    form: web::Form<ResponseForm>,
) -> AppResult<HttpResponse> {
    let site = crate::council_scope::site(&page.council, &state.base_url);
    let mut errors = FieldErrors::default();
    let body = crate::domain::validation::required_text(
        &mut errors,
        "response",
        &form.response,
        4000,
        "your response",
    );
    let Some(body) = body else {
        // Only members learn the form was wrong.
        let m = inspection_review::latest_published(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        organisations::as_member(&state.db, m.organisation_id, user.id).await?;
        return report_page(&page, &state, id, &form.response, &errors).await;
    };
    inspection_review::respond(&state.db, &actor, &site, id, user.id, body).await?;
    state.wake_mail_worker();
    set_flash(&session, "Your response is published with the report");
    Ok(see_other(&paths::listing_quality(id)))
}
