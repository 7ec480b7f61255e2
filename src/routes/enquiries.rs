//! Enquiry handlers: the form on a listing, the enquirer's list, the conversation (either
//! side), and a provider organisation's inbox.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::enquiries::EnquiryOutcome;
use entity::enquiries::EnquiryStatus;
use entity::enquiries::ReplyBy;
use entity::listings::ListingId;
use entity::provider_organisations::OrganisationId;

use crate::auth::CurrentUser;
use crate::auth::VerifiedUser;
use crate::auth::rate_limit as limits;
use crate::auth::roles::Role;
use crate::domain::enquiries::form::{self as enquiry_form, EnquiryForm};
use crate::domain::enquiries::stats as enquiry_stats;
use crate::domain::enquiries::{self, EnquiryError, Side};
use crate::domain::listings;
use crate::domain::providers::organisations;
use crate::domain::service_reviews::{self, ReviewForm};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, acting, form_status, html_page, rate_limit, see_other};
use crate::state::AppState;
use crate::views::components::total_pages;
use crate::views::enquiries::{self as view, FormPage, InboxPage, ThreadPage};
use crate::views::reviews::{self as reviews_view, ReviewState};
use crate::views::{Page, page::set_flash};

/// Response figures cover this many days.
const FIGURE_DAYS: i64 = 90;
/// Enquiries per page of a provider's inbox.
const INBOX_PAGE_SIZE: u64 = 50;

impl From<EnquiryError> for AppError {
    fn from(err: EnquiryError) -> Self {
        match err {
            EnquiryError::NotFound => AppError::NotFound,
            EnquiryError::Listing(e) => e.into(),
            EnquiryError::Db(e) => e.into(),
            EnquiryError::BadOutcome => AppError::BadRequest(err.to_string()),
            EnquiryError::NotAvailable
            | EnquiryError::OwnService
            | EnquiryError::AlreadyOpen(..)
            | EnquiryError::Closed => AppError::Conflict(err.to_string()),
        }
    }
}

/// The enquiry form. When the person (or the client a broker acts for) already has an open
/// enquiry about this listing, the page says so first and offers a message to that
/// enquiry instead, carrying over anything already typed (`form`).
/// `acting`: whom the enquiry is for — the session's client on the form, the client the
/// form named when it comes back, so what was typed for one client never lands on another.
async fn form_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    acting: &crate::domain::plans::clients::Acting,
    listing_id: ListingId,
    form: Option<EnquiryForm>,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let listing = listings::public_listing(&state.db, listing_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let client = acting.client_id_name();
    let existing = enquiries::open_for(&state.db, acting.holder, listing_id).await?;
    let draft = form
        .as_ref()
        .map(EnquiryForm::as_message)
        .unwrap_or_default();
    let form = form.unwrap_or_else(|| EnquiryForm {
        contact_name: match &acting.client {
            Some(c) => c.name.clone(),
            None => user.display_name.clone(),
        },
        postcode: acting
            .client
            .as_ref()
            .and_then(|c| c.postcode_sector.clone())
            .unwrap_or_default(),
        reply_by: ReplyBy::Email.as_str().to_owned(),
        ..Default::default()
    });
    let status = if existing.is_some() && !draft.is_empty() {
        actix_web::http::StatusCode::CONFLICT
    } else {
        form_status(errors)
    };
    Ok(html_page(
        status,
        view::enquiry_form(
            page,
            &FormPage {
                listing_id,
                listing_title: &listing.content.title,
                provider_name: &listing.provider.name,
                provider_phone: crate::views::listings::page::phone_of(
                    &listing.content,
                    &listing.provider,
                ),
                client,
                existing,
                draft: &draft,
            },
            &form,
            errors,
        ),
    ))
}

pub async fn new_form(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    VerifiedUser(user): VerifiedUser,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    let acting = acting::current(&state, &session, &user).await?;
    form_page(
        &page,
        &state,
        &user,
        &acting,
        id,
        None,
        &FieldErrors::default(),
    )
    .await
}

pub async fn send(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    VerifiedUser(user): VerifiedUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId<ListingId>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let acting = acting::from_form(&state, &user, &fields.one("client")).await?;
    let form = EnquiryForm::from_fields(&fields);
    let new = match form.parse(acting.client.is_some()) {
        Ok(new) => new,
        Err(errors) => {
            return form_page(&page, &state, &user, &acting, id, Some(form), &errors).await;
        }
    };
    let hour_key = format!("enquiry:hour:{}", user.id);
    let day_key = format!("enquiry:day:{}", user.id);
    let limiter = &state.rate_limiter;
    limiter
        .check_only(&hour_key, limits::ENQUIRIES_PER_HOUR)
        .await?;
    limiter
        .check_only(&day_key, limits::ENQUIRIES_PER_DAY)
        .await?;
    match enquiries::send(&state.db, &actor, &state.link_base(), &acting, id, new).await {
        Ok(enquiry_id) => {
            limiter.record(&hour_key, limits::ENQUIRIES_PER_HOUR).await;
            limiter.record(&day_key, limits::ENQUIRIES_PER_DAY).await;
            state.wake_mail_worker();
            set_flash(
                &session,
                "Enquiry sent. The provider has been emailed, and we will email you when they reply.",
            );
            Ok(see_other(&paths::enquiry(enquiry_id)))
        }
        // Another tab (or a page from before) sent one first: keep what was typed, as a
        // message ready to send to the open enquiry.
        Err(EnquiryError::AlreadyOpen(_)) => {
            form_page(
                &page,
                &state,
                &user,
                &acting,
                id,
                Some(form),
                &FieldErrors::default(),
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn list(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let acting = acting::current(&state, &session, &user).await?;
    if let Some(client) = &acting.client {
        let rows = enquiries::of_holder(&state.db, acting.holder).await?;
        return Ok(view::enquirer_list(
            &page,
            &format!("Enquiries for {}", client.name),
            &rows,
            false,
        ));
    }
    if user.has_role(Role::Broker) {
        let mut rows = enquiries::of_caseload(&state.db, user.id).await?;
        rows.extend(enquiries::of_holder(&state.db, acting.holder).await?);
        rows.sort_by_key(|v| std::cmp::Reverse(v.enquiry.last_message_at));
        return Ok(view::enquirer_list(&page, "Enquiries", &rows, true));
    }
    let rows = enquiries::of_holder(&state.db, acting.holder).await?;
    Ok(view::enquirer_list(&page, "Your enquiries", &rows, false))
}

pub(crate) async fn thread_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    draft: &str,
    review_form: Option<&ReviewForm>,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let (view_data, side) = enquiries::for_user(&state.db, id, user.id).await?;
    let written = service_reviews::of_enquiry(&state.db, id).await?;
    let blank = ReviewForm::default();
    let review_state = match (&written, side, view_data.enquiry.outcome) {
        (Some(review), Side::Enquirer, _) => ReviewState::Written(review),
        (None, Side::Enquirer, Some(EnquiryOutcome::Arranged)) => {
            ReviewState::CanWrite(review_form.unwrap_or(&blank))
        }
        _ => ReviewState::NotYet,
    };
    let review = reviews_view::on_enquiry(page, id, &review_state, errors);
    // The enquirer can phone instead, while the listing is public.
    let public = listings::public_listing(&state.db, view_data.enquiry.listing_id).await?;
    let provider_phone = match (side, &public) {
        (Side::Enquirer, Some(l)) => {
            crate::views::listings::page::phone_of(&l.content, &l.provider).map(str::to_owned)
        }
        _ => None,
    };
    let listing_link = match side {
        Side::Provider => Some(paths::provider_listing(view_data.enquiry.listing_id)),
        Side::Enquirer => public
            .as_ref()
            .map(|_| paths::listing(view_data.enquiry.listing_id)),
    };
    let org_link = paths::provider_organisation_enquiries(view_data.enquiry.organisation_id);
    let own_link = paths::enquiries();
    let back = match side {
        Side::Provider => (org_link.as_str(), "Enquiries"),
        Side::Enquirer => (own_link.as_str(), "Your enquiries"),
    };
    Ok(html_page(
        form_status(errors),
        view::thread(
            page,
            &ThreadPage {
                view: &view_data,
                side,
                back,
                review,
                provider_phone: provider_phone.as_deref(),
                listing_link: listing_link.as_deref(),
            },
            draft,
            errors,
        ),
    ))
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    thread_page(&page, &state, &user, id, "", None, &FieldErrors::default()).await
}

#[derive(serde::Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
}

pub async fn message(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<MessageForm>,
) -> AppResult<HttpResponse> {
    // Only the two sides may even learn the form was wrong.
    enquiries::for_user(&state.db, id, user.id).await?;
    let body = match enquiry_form::parse_message(&form.body) {
        Ok(body) => body,
        Err(errors) => {
            return thread_page(&page, &state, &user, id, &form.body, None, &errors).await;
        }
    };
    rate_limit(
        &state,
        format!("enquiry-message:{}", user.id),
        limits::MESSAGES_PER_HOUR,
    )
    .await?;
    enquiries::reply(&state.db, &actor, &state.link_base(), id, user.id, body).await?;
    state.wake_mail_worker();
    set_flash(&session, "Message sent");
    Ok(see_other(&paths::enquiry(id)))
}

#[derive(serde::Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    outcome: String,
}

pub async fn close(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
    form: web::Form<CloseForm>,
) -> AppResult<HttpResponse> {
    match enquiries::close(
        &state.db,
        &actor,
        &state.link_base(),
        id,
        user.id,
        &form.outcome,
    )
    .await
    {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(&session, "Enquiry closed");
            Ok(see_other(&paths::enquiry(id)))
        }
        Err(EnquiryError::BadOutcome) => {
            let mut errors = FieldErrors::default();
            errors.add("outcome", "Select what happened");
            thread_page(&page, &state, &user, id, "", None, &errors).await
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
}

pub async fn inbox(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<OrganisationId>,
    query: web::Query<InboxQuery>,
) -> AppResult<maud::Markup> {
    let (org, _) = organisations::as_member(&state.db, id, user.id).await?;
    let showing_closed = query.status == EnquiryStatus::Closed.as_str();
    let status = if showing_closed {
        EnquiryStatus::Closed
    } else {
        EnquiryStatus::Open
    };
    let inbox = enquiries::of_organisation(
        &state.db,
        id,
        status,
        crate::routes::page_number(&query.page),
        INBOX_PAGE_SIZE,
    )
    .await?;
    let mut with_waiting = Vec::with_capacity(inbox.enquiries.len());
    for v in inbox.enquiries {
        let waiting = enquiries::awaiting_provider(&state.db, &v.enquiry).await?;
        with_waiting.push((v, waiting));
    }
    let figures =
        enquiry_stats::for_organisation(&state.db, id, chrono::Utc::now(), FIGURE_DAYS).await?;
    Ok(view::inbox(
        &page,
        &InboxPage {
            org: &org,
            showing_closed,
            enquiries: &with_waiting,
            page_no: inbox.page,
            pages: total_pages(inbox.total, INBOX_PAGE_SIZE),
            total: inbox.total,
            figures: &figures,
            figure_days: FIGURE_DAYS,
        },
    ))
}
