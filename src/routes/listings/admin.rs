//! Admin handlers for listings: the moderation queue, overdue and suspended lists, the review
//! page, decisions, suspending and restoring, archiving.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::listings::ListingId;
use entity::listings::ListingStatus;
use serde::Deserialize;

use crate::domain::listings::approval::{self as listing_approval, Decision, DecisionInput};
use crate::domain::listings::content::diff;
use crate::domain::listings::review as listing_review;
use crate::domain::listings::{self, ListingError};
use crate::domain::providers::evidence as provider_evidence;
use crate::domain::providers::evidence_expiry;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::AppResult;
use crate::paths;
use crate::routes::listings::{category_names, name_of};
use crate::routes::{PathId, RequestActor, form_status, html_page, see_other};
use crate::state::AppState;
use crate::views::Page;
use crate::views::listings::admin::{self as view, ReviewView};
use crate::views::page::set_flash;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    show: String,
}

pub async fn queue(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> AppResult<maud::Markup> {
    let policy = state.settings.review_policy();
    match query.show.as_str() {
        "overdue" => {
            let views = listing_review::overdue(&state.db, state.clock.today()).await?;
            Ok(view::flagged(
                &page,
                "overdue",
                &views,
                policy,
                state.clock.today(),
            ))
        }
        "suspended" => {
            let views = listings::suspended(&state.db).await?;
            Ok(view::flagged(
                &page,
                "suspended",
                &views,
                policy,
                state.clock.today(),
            ))
        }
        _ => {
            let entries = listing_approval::queue(&state.db).await?;
            Ok(view::queue(&page, &entries))
        }
    }
}

/// What the admin sent, shown again when a form comes back with errors.
#[derive(Default)]
struct Sent {
    decision: String,
    message: String,
    confirmed: Vec<String>,
    reason: String,
}

async fn review_page(
    page: &Page,
    state: &AppState,
    id: ListingId,
    sent: &Sent,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let view = listings::load(&state.db, id).await?;
    let revisions = listings::revisions(&state.db, id).await?;
    let evidence = provider_evidence::of_organisation(&state.db, view.org.id).await?;
    let lapsed = evidence_expiry::lapsed(&evidence, state.clock.today());
    let names = category_names(state).await?;
    let name = name_of(&names);
    let changes = view
        .working
        .as_ref()
        .filter(|w| w.revision.status == ListingStatus::Submitted)
        .map(|w| diff(view.live.as_ref().map(|l| &l.content), &w.content, &name))
        .unwrap_or_default();
    let r = ReviewView {
        view: &view,
        changes: &changes,
        revisions: &revisions,
        lapsed: &lapsed,
        policy: state.settings.review_policy(),
        today: state.clock.today(),
        category_name: &name,
        decision: &sent.decision,
        message: &sent.message,
        confirmed: &sent.confirmed,
        reason: &sent.reason,
    };
    Ok(html_page(
        form_status(errors),
        view::review(page, &r, errors),
    ))
}

pub async fn review(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    review_page(&page, &state, id, &Sent::default(), &FieldErrors::default()).await
}

pub async fn decide(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let fields = FormFields(form.into_inner());
    let sent = Sent {
        decision: fields.one("decision"),
        message: fields.one("message"),
        confirmed: fields.all("checklist"),
        ..Sent::default()
    };
    let mut errors = FieldErrors::default();
    let Some(decision) = Decision::parse(&sent.decision) else {
        errors.add("decision", "Select your decision");
        return review_page(&page, &state, id, &sent, &errors).await;
    };
    let input = DecisionInput {
        decision,
        message: sent.message.clone(),
        confirmed: sent.confirmed.clone(),
    };
    let result = listing_approval::decide(
        &state.db,
        &actor,
        &state.link_base(),
        state.settings.review_policy(),
        state.clock.today(),
        id,
        input,
    )
    .await;
    match result {
        Ok(()) => {
            state.wake_mail_worker();
            state.wake_indexer();
            set_flash(&session, "Decision recorded and the provider emailed");
            Ok(see_other(&paths::admin_listing(id)))
        }
        Err(err @ (ListingError::ChecklistIncomplete | ListingError::MessageRequired)) => {
            let field = if matches!(err, ListingError::ChecklistIncomplete) {
                "checklist"
            } else {
                "message"
            };
            errors.add(field, err.to_string());
            review_page(&page, &state, id, &sent, &errors).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

async fn set_suspended(
    page: Page,
    state: web::Data<AppState>,
    actor: crate::domain::audit::Actor,
    session: Session,
    PathId(id): PathId<ListingId>,
    form: web::Form<ReasonForm>,
    suspend: bool,
) -> AppResult<HttpResponse> {
    let result = if suspend {
        listing_approval::suspend(&state.db, &actor, &state.link_base(), id, &form.reason).await
    } else {
        listing_approval::unsuspend(&state.db, &actor, &state.link_base(), id, &form.reason).await
    };
    match result {
        Ok(()) => {
            state.wake_mail_worker();
            state.wake_indexer();
            set_flash(
                &session,
                if suspend {
                    "Listing suspended and the provider emailed"
                } else {
                    "Listing restored and the provider emailed"
                },
            );
            Ok(see_other(&paths::admin_listing(id)))
        }
        Err(ListingError::ReasonRequired) => {
            let mut errors = FieldErrors::default();
            errors.add("reason", ListingError::ReasonRequired.to_string());
            let sent = Sent {
                reason: form.reason.clone(),
                ..Sent::default()
            };
            review_page(&page, &state, id, &sent, &errors).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn suspend(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    id: PathId<ListingId>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    set_suspended(page, state, actor, session, id, form, true).await
}

pub async fn unsuspend(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    id: PathId<ListingId>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    set_suspended(page, state, actor, session, id, form, false).await
}

pub async fn archive(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    listing_approval::archive(&state.db, &actor, id, None).await?;
    state.wake_indexer();
    set_flash(&session, "Listing archived");
    Ok(see_other(&paths::admin_listing(id)))
}
