//! Provider evidence and asking for approval; the admin's approval queue, review and decision.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::OrganisationStatus;

use crate::auth::CurrentUser;
use crate::domain::councils::Site;
use crate::domain::providers::approval::{
    self as provider_approval, ApprovalError, Decision, DecisionInput,
};
use crate::domain::providers::evidence::{self as provider_evidence, EvidenceForm, EvidenceKind};
use crate::domain::providers::organisations::{self, OrganisationError};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, form_status, html_page, see_other};
use crate::state::AppState;
use crate::views::providers::admin::{self as admin_providers, QUEUE_STATUSES, ReviewView};
use crate::views::providers::evidence::{EvidenceView, evidence_page};
use crate::views::{Page, page::set_flash};

impl From<ApprovalError> for AppError {
    fn from(err: ApprovalError) -> Self {
        match err {
            ApprovalError::Organisation(e) => e.into(),
            ApprovalError::Db(e) => e.into(),
            ApprovalError::Incomplete(..)
            | ApprovalError::NotSubmitted
            | ApprovalError::NotEditable
            | ApprovalError::ChecklistIncomplete
            | ApprovalError::MessageRequired => AppError::BadRequest(err.to_string()),
        }
    }
}

pub(crate) async fn render_evidence(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    id: OrganisationId,
    failed: Option<&EvidenceForm>,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let (org, _) = organisations::as_member(&state.db, id, user.id).await?;
    let evidence = provider_evidence::of_organisation(&state.db, id).await?;
    let files = crate::domain::providers::evidence_files::of_organisation(&state.db, id).await?;
    let latest = provider_approval::latest_review(&state.db, id).await?;
    let missing = provider_approval::missing_for_submission(&org, &evidence);
    let v = EvidenceView {
        org: &org,
        evidence: &evidence,
        files: &files,
        latest_review: latest.as_ref(),
        missing: &missing,
        today: state.clock.today(),
        failed,
    };
    let status = form_status(errors);
    Ok(html_page(status, evidence_page(page, &v, errors)))
}

pub async fn evidence(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<OrganisationId>,
) -> AppResult<HttpResponse> {
    render_evidence(&page, &state, &user, id, None, &FieldErrors::default()).await
}

pub async fn save_evidence(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<OrganisationId>,
    form: web::Form<EvidenceForm>,
) -> AppResult<HttpResponse> {
    organisations::as_member(&state.db, id, user.id).await?;
    match form.parse(state.clock.today()) {
        Ok(evidence) => {
            let label = evidence.kind.label();
            provider_evidence::save(&state.db, &actor, id, user.id, evidence).await?;
            state.wake_indexer();
            set_flash(&session, &format!("{label} saved"));
            Ok(see_other(&paths::provider_organisation_evidence(id)))
        }
        Err(errors) => render_evidence(&page, &state, &user, id, Some(&form), &errors).await,
    }
}

pub async fn submit(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    site: Site,
    session: Session,
    PathId(id): PathId<OrganisationId>,
) -> AppResult<HttpResponse> {
    match provider_approval::submit(&state.db, &actor, &site, id, user.id).await {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(
                &session,
                "Thank you. The council will check your evidence and email you.",
            );
            Ok(see_other(&paths::provider_organisation_evidence(id)))
        }
        Err(err @ (ApprovalError::Incomplete(_) | ApprovalError::NotEditable)) => {
            let mut errors = FieldErrors::default();
            errors.add("kind", err.to_string());
            render_evidence(&page, &state, &user, id, None, &errors).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    status: String,
}

pub async fn queue(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> AppResult<maud::Markup> {
    let status = QUEUE_STATUSES
        .iter()
        .map(|(s, _)| *s)
        .find(|s| s.as_str() == query.status)
        .unwrap_or(OrganisationStatus::Submitted);
    let entries = provider_approval::queue(&state.db, status, state.clock.today()).await?;
    Ok(admin_providers::queue(&page, &entries, status))
}

async fn render_review(
    page: &Page,
    state: &AppState,
    id: OrganisationId,
    decision: &str,
    message: &str,
    confirmed: &[String],
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let org = organisations::find(&state.db, id).await?;
    let evidence = provider_evidence::of_organisation(&state.db, id).await?;
    let members = organisations::members(&state.db, id).await?;
    let history = provider_approval::history(&state.db, id).await?;
    let files = crate::domain::providers::evidence_files::of_organisation(&state.db, id).await?;
    let v = ReviewView {
        org: &org,
        evidence: &evidence,
        files: &files,
        members: &members,
        history: &history,
        today: state.clock.today(),
        decision,
        message,
        confirmed,
    };
    let status = form_status(errors);
    Ok(html_page(status, admin_providers::review(page, &v, errors)))
}

pub async fn review(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId<OrganisationId>,
) -> AppResult<HttpResponse> {
    render_review(&page, &state, id, "", "", &[], &FieldErrors::default()).await
}

pub async fn decide(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<OrganisationId>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (decision_raw, message) = (field("decision"), field("message"));
    let confirmed_raw: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "checklist")
        .map(|(_, v)| v.clone())
        .collect();
    let confirmed: Vec<EvidenceKind> = confirmed_raw
        .iter()
        .filter_map(|v| EvidenceKind::parse(v))
        .collect();
    let mut errors = FieldErrors::default();
    let Some(decision) = Decision::parse(&decision_raw) else {
        errors.add("decision", "Select your decision");
        return render_review(
            &page,
            &state,
            id,
            &decision_raw,
            &message,
            &confirmed_raw,
            &errors,
        )
        .await;
    };
    match provider_approval::decide(
        &state.db,
        &actor,
        &state.link_base(),
        id,
        DecisionInput {
            decision,
            message: message.clone(),
            confirmed,
        },
    )
    .await
    {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(&session, "Decision recorded and the provider emailed");
            Ok(see_other(&paths::admin_provider(id)))
        }
        Err(err @ (ApprovalError::ChecklistIncomplete | ApprovalError::MessageRequired)) => {
            let field = if matches!(err, ApprovalError::ChecklistIncomplete) {
                "checklist"
            } else {
                "message"
            };
            errors.add(field, err.to_string());
            render_review(
                &page,
                &state,
                id,
                &decision_raw,
                &message,
                &confirmed_raw,
                &errors,
            )
            .await
        }
        Err(ApprovalError::Organisation(OrganisationError::NotFound)) => Err(AppError::NotFound),
        Err(other) => Err(other.into()),
    }
}
