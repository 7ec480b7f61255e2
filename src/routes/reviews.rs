//! Review handlers: writing a review on an arranged enquiry, the admins' moderation queue,
//! and the provider's one reply.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use entity::provider_organisations::OrganisationId;

use crate::auth::CurrentUser;
use crate::auth::VerifiedUser;
use crate::domain::providers::organisations;
use crate::domain::service_reviews::{self, ReviewError, ReviewForm};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::{Page, page::set_flash, reviews as view};

impl From<ReviewError> for AppError {
    fn from(err: ReviewError) -> Self {
        match err {
            ReviewError::NotFound => AppError::NotFound,
            ReviewError::Db(e) => e.into(),
            ReviewError::Listing(e) => e.into(),
            ReviewError::NoteRequired => AppError::BadRequest(err.to_string()),
            ReviewError::NotArranged
            | ReviewError::AlreadyReviewed
            | ReviewError::AlreadyModerated
            | ReviewError::AlreadyReplied => AppError::Conflict(err.to_string()),
        }
    }
}

pub async fn write(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    VerifiedUser(user): VerifiedUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let form = ReviewForm::from_fields(&FormFields(form.into_inner()));
    match form.parse() {
        Ok(new) => {
            service_reviews::write(&state.db, &actor, id, user.id, new).await?;
            set_flash(
                &session,
                "Thank you. The council will check your review before it appears.",
            );
            Ok(see_other(&paths::enquiry(id)))
        }
        Err(errors) => {
            crate::routes::enquiries::thread_page(
                &page,
                &state,
                &user,
                id,
                "",
                Some(&form),
                &errors,
            )
            .await
        }
    }
}

pub async fn queue(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let pending = service_reviews::pending(&state.db, page.council.id).await?;
    Ok(view::moderation_queue(
        &page,
        &pending,
        &FieldErrors::default(),
        None,
    ))
}

#[derive(serde::Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

pub async fn decide(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<DecisionForm>,
) -> AppResult<HttpResponse> {
    let publish = match form.decision.as_str() {
        "publish" => true,
        "reject" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Choose to publish the review or not".into(),
            ));
        }
    };
    match service_reviews::moderate(
        &state.db,
        &actor,
        &state.link_base(),
        id,
        publish,
        &form.note,
    )
    .await
    {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(
                &session,
                if publish {
                    "Review published"
                } else {
                    "Review not published; the reviewer has been told why"
                },
            );
            Ok(see_other(&paths::admin_reviews()))
        }
        Err(ReviewError::NoteRequired) => {
            let mut errors = FieldErrors::default();
            errors.add("note", ReviewError::NoteRequired.to_string());
            let pending = service_reviews::pending(&state.db, page.council.id).await?;
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::moderation_queue(&page, &pending, &errors, Some(id)),
            ))
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn provider_list(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<OrganisationId>,
) -> AppResult<maud::Markup> {
    let (org, _) = organisations::as_member(&state.db, id, user.id).await?;
    let reviews = service_reviews::published_for_organisation(&state.db, id).await?;
    Ok(view::provider_reviews(
        &page,
        &org,
        &reviews,
        &FieldErrors::default(),
        None,
    ))
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    reply: String,
}

pub async fn reply(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<ReplyForm>,
) -> AppResult<HttpResponse> {
    match service_reviews::parse_reply(&form.reply) {
        Ok(text) => {
            let org = service_reviews::reply(&state.db, &actor, id, user.id, text).await?;
            set_flash(&session, "Your reply is published");
            Ok(see_other(&paths::provider_organisation_reviews(org)))
        }
        Err(errors) => {
            // Only a member of the reviewed organisation learns the reply was empty.
            let review = service_reviews::find(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let (org, _) =
                organisations::as_member(&state.db, review.organisation_id, user.id).await?;
            let reviews = service_reviews::published_for_organisation(&state.db, org.id).await?;
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::provider_reviews(&page, &org, &reviews, &errors, Some(id)),
            ))
        }
    }
}
