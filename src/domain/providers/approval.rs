//! Approving providers: draft → submitted → approved | changes requested | rejected. The
//! provider submits once the evidence their type needs is recorded; an admin confirms each
//! checklist item and decides; every member is emailed the decision.

use chrono::{NaiveDate, Utc};
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::OrganisationStatus;
use entity::users::UserId;
use entity::{provider_organisations, provider_reviews};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::councils::Site;
use crate::domain::providers::evidence::{self as provider_evidence, EvidenceKind, required_for};
use crate::domain::providers::evidence_expiry;
use crate::domain::providers::organisations::{self, OrganisationError};
use crate::mail::{self, templates};
use crate::paths;
use entity::user_roles::Role;

const MAX_MESSAGE_CHARS: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    #[error("Before you ask for approval: {}", .0.join("; "))]
    Incomplete(Vec<String>),
    #[error("This organisation is not waiting for a decision")]
    NotSubmitted,
    #[error("This organisation has already been submitted or decided")]
    NotEditable,
    #[error("Confirm every check before approving")]
    ChecklistIncomplete,
    #[error("Tell the provider what to change, or why they are not approved")]
    MessageRequired,
    #[error(transparent)]
    Organisation(#[from] OrganisationError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    RequestChanges,
    Reject,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approve" => Some(Self::Approve),
            "request_changes" => Some(Self::RequestChanges),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }

    fn status(self) -> OrganisationStatus {
        match self {
            Self::Approve => OrganisationStatus::Approved,
            Self::RequestChanges => OrganisationStatus::ChangesRequested,
            Self::Reject => OrganisationStatus::Rejected,
        }
    }
}

/// What is still missing before this organisation may be submitted.
pub fn missing_for_submission(
    org: &provider_organisations::Model,
    evidence: &[entity::provider_evidence::Model],
) -> Vec<String> {
    let mut missing: Vec<String> = required_for(org.kind)
        .into_iter()
        .filter(|kind| !evidence.iter().any(|e| e.kind == *kind))
        .map(|kind| format!("add your {}", kind.in_sentence()))
        .collect();
    if org.contact_email.is_none() && org.contact_phone.is_none() {
        missing.insert(
            0,
            "add a contact email address or telephone number to your profile".to_owned(),
        );
    }
    missing
}

pub async fn submit(
    db: &DatabaseConnection,
    actor: &Actor,
    site: &Site,
    organisation_id: OrganisationId,
    user_id: UserId,
) -> Result<(), ApprovalError> {
    let txn = db.begin_write().await?;
    let (org, _) = organisations::as_member(&txn, organisation_id, user_id).await?;
    if org.status != OrganisationStatus::Draft && org.status != OrganisationStatus::ChangesRequested
    {
        return Err(ApprovalError::NotEditable);
    }
    let evidence = provider_evidence::of_organisation(&txn, organisation_id).await?;
    let missing = missing_for_submission(&org, &evidence);
    if !missing.is_empty() {
        return Err(ApprovalError::Incomplete(missing));
    }
    let from = org.status;
    let name = org.name.clone();
    let mut active: provider_organisations::ActiveModel = org.into();
    active.status = Set(OrganisationStatus::Submitted);
    active.submitted_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let admins =
        crate::domain::accounts::user_admin::active_with_role(&txn, site.council, Role::Admin)
            .await?;
    let link = format!(
        "{}{}",
        site.base_url,
        paths::admin_provider(organisation_id)
    );
    for admin in admins {
        mail::enqueue(
            &txn,
            templates::provider_submitted(&admin.email, &admin.display_name, &name, &link),
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::OrganisationStatusChanged,
            "provider_organisation",
            organisation_id,
        )
        .from(from)
        .to(OrganisationStatus::Submitted),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub struct DecisionInput {
    pub decision: Decision,
    pub message: String,
    /// Evidence kinds whose checklist item the admin confirmed.
    pub confirmed: Vec<EvidenceKind>,
}

pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    organisation_id: OrganisationId,
    input: DecisionInput,
) -> Result<(), ApprovalError> {
    let message = input.message.trim().to_owned();
    match input.decision {
        Decision::Approve => {}
        _ if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS => {
            return Err(ApprovalError::MessageRequired);
        }
        _ => {}
    }
    let txn = db.begin_write().await?;
    let org = organisations::find(&txn, organisation_id).await?;
    if org.status != OrganisationStatus::Submitted {
        return Err(ApprovalError::NotSubmitted);
    }
    let required = required_for(org.kind);
    if input.decision == Decision::Approve && !required.iter().all(|k| input.confirmed.contains(k))
    {
        return Err(ApprovalError::ChecklistIncomplete);
    }
    let status = input.decision.status();
    provider_reviews::Entity::insert(provider_reviews::ActiveModel {
        organisation_id: Set(organisation_id),
        reviewer_id: Set(actor.user_id),
        decision: Set(status),
        message: Set((!message.is_empty()).then(|| message.clone())),
        checklist: Set(input
            .confirmed
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    let name = org.name.clone();
    let mut active: provider_organisations::ActiveModel = org.into();
    active.status = Set(status);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let link = format!(
        "{base_url}{}",
        paths::provider_organisation_evidence(organisation_id)
    );
    for (member, _) in organisations::members(&txn, organisation_id).await? {
        mail::enqueue(
            &txn,
            templates::provider_decision(
                &member.email,
                &member.display_name,
                &name,
                status,
                &message,
                &link,
            ),
        )
        .await?;
    }
    let mut event = Event::new(
        Action::OrganisationStatusChanged,
        "provider_organisation",
        organisation_id,
    )
    .from(OrganisationStatus::Submitted)
    .to(status);
    event = event.reason(&message);
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn latest_review(
    db: &DatabaseConnection,
    organisation_id: OrganisationId,
) -> Result<Option<provider_reviews::Model>, DbErr> {
    provider_reviews::Entity::find()
        .filter(provider_reviews::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(provider_reviews::Column::Id)
        .one(db)
        .await
}

/// A row of the admin's queue.
pub struct QueueEntry {
    pub org: provider_organisations::Model,
    pub lapsed: Vec<EvidenceKind>,
}

/// Organisations in `status`, longest-waiting first, with any lapsed evidence.
/// The council's decisions on an organisation, newest first.
pub async fn history(
    db: &DatabaseConnection,
    organisation_id: OrganisationId,
) -> Result<Vec<provider_reviews::Model>, DbErr> {
    provider_reviews::Entity::find()
        .filter(provider_reviews::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(provider_reviews::Column::Id)
        .all(db)
        .await
}

pub async fn queue(
    db: &DatabaseConnection,
    status: OrganisationStatus,
    today: NaiveDate,
) -> Result<Vec<QueueEntry>, DbErr> {
    let orgs = provider_organisations::Entity::find()
        .filter(provider_organisations::Column::Status.eq(status))
        .order_by_asc(provider_organisations::Column::SubmittedAt)
        .order_by_asc(provider_organisations::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(orgs.len());
    for org in orgs {
        let evidence = provider_evidence::of_organisation(db, org.id).await?;
        out.push(QueueEntry {
            lapsed: evidence_expiry::lapsed(&evidence, today),
            org,
        });
    }
    Ok(out)
}
