//! The council's decisions on listings: a provider submits the working version, an admin
//! approves it (it goes live, replacing any earlier version), asks for changes or rejects it;
//! admins suspend and restore published listings; providers and admins archive them. Every
//! step is audited and emailed in the same transaction.

use chrono::{Duration, NaiveDate, Utc};
use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::provider_organisations::OrganisationStatus;
use entity::users::UserId;
use entity::{listing_revisions, listings as listing_rows};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::councils::Site;
use crate::domain::listings::{self, ListingError, ListingView};
use crate::domain::providers::organisations;
use crate::domain::search::changes as search_changes;
use crate::mail::{self, templates};
use crate::paths;
use entity::user_roles::Role;

const MAX_MESSAGE_CHARS: usize = 2000;

/// What the admin confirms before approving a listing. The provider's own checks (identity,
/// DBS, insurance, references, training, CQC) were made when the provider was approved, and
/// lapsed evidence is shown beside this list.
pub const CHECKLIST: [(&str, &str); 5] = [
    (
        "accurate",
        "The description, price and availability are clear and believable",
    ),
    (
        "plain_english",
        "The title and summary are in plain English and say what the service is",
    ),
    (
        "categories",
        "The categories and client groups fit the service",
    ),
    (
        "regulated",
        "Personal care is only offered by a CQC-registered provider or a personal assistant",
    ),
    (
        "photos",
        "Photos are suitable, show no one without consent and have useful descriptions",
    ),
];

/// How long a published listing stays trusted before its owner must confirm it.
#[derive(Clone, Copy, Debug)]
pub struct ReviewPolicy {
    pub cycle_days: i64,
    pub grace_days: i64,
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

    fn revision_status(self) -> ListingStatus {
        match self {
            Self::Approve => ListingStatus::Approved,
            Self::RequestChanges => ListingStatus::ChangesRequested,
            Self::Reject => ListingStatus::Rejected,
        }
    }
}

fn reason(text: &str) -> Result<String, ListingError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ListingError::ReasonRequired);
    }
    Ok(text.to_owned())
}

async fn set_listing(
    txn: &DatabaseTransaction,
    listing: &listing_rows::Model,
    change: impl FnOnce(&mut listing_rows::ActiveModel),
) -> Result<(), DbErr> {
    let mut active: listing_rows::ActiveModel = listing.clone().into();
    change(&mut active);
    active.updated_at = Set(Utc::now());
    active.update(txn).await?;
    Ok(())
}

async fn email_members(
    txn: &DatabaseTransaction,
    view: &ListingView,
    mail: impl Fn(&str, &str) -> mail::OutgoingMail,
) -> Result<(), DbErr> {
    organisations::email_members(txn, view.org.id, mail).await?;
    Ok(())
}

/// Sends the working version to the council.
pub async fn submit(
    db: &DatabaseConnection,
    actor: &Actor,
    site: &Site,
    id: ListingId,
    user_id: UserId,
) -> Result<(), ListingError> {
    let txn = db.begin_write().await?;
    let view = listings::as_member(&txn, id, user_id).await?;
    if view.org.status != OrganisationStatus::Approved {
        return Err(ListingError::ProviderNotApproved);
    }
    let working = match &view.working {
        Some(w) if w.revision.status == ListingStatus::Submitted => {
            return Err(ListingError::UnderReview);
        }
        Some(w)
            if w.revision.status == ListingStatus::Draft
                || w.revision.status == ListingStatus::ChangesRequested =>
        {
            if w.content.leaves_unstated() {
                return Err(ListingError::Unstated);
            }
            w
        }
        _ => return Err(ListingError::NothingToSubmit),
    };
    let now = Utc::now();
    let mut revision: listing_revisions::ActiveModel = working.revision.clone().into();
    revision.status = Set(ListingStatus::Submitted);
    revision.submitted_at = Set(Some(now));
    revision.update(&txn).await?;
    let from = view.listing.status;
    let live = view.listing.status == ListingStatus::Approved;
    set_listing(&txn, &view.listing, |l| {
        l.submitted_at = Set(Some(now));
        if !live {
            l.status = Set(ListingStatus::Submitted);
        }
    })
    .await?;
    let link = format!("{}{}", site.base_url, paths::admin_listing(id));
    for admin in
        crate::domain::accounts::user_admin::active_with_role(&txn, site.council, Role::Admin)
            .await?
    {
        mail::enqueue(
            &txn,
            templates::listing_submitted(
                &admin.email,
                &admin.display_name,
                &working.content.title,
                &view.org.name,
                live,
                &link,
            ),
        )
        .await?;
    }
    let mut event = Event::new(Action::ListingSubmitted, "listing", id)
        .detail(format!("revision {}", working.revision.number));
    if !live {
        event = event.from(from).to(ListingStatus::Submitted);
    }
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

pub struct DecisionInput {
    pub decision: Decision,
    pub message: String,
    /// Keys of `CHECKLIST` the admin confirmed.
    pub confirmed: Vec<String>,
}

/// Records the admin's decision on the version waiting for review.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    policy: ReviewPolicy,
    today: NaiveDate,
    id: ListingId,
    input: DecisionInput,
) -> Result<(), ListingError> {
    let message = input.message.trim().to_owned();
    if input.decision != Decision::Approve {
        reason(&message).map_err(|_| ListingError::MessageRequired)?;
    } else if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ListingError::MessageRequired);
    }
    if input.decision == Decision::Approve
        && !CHECKLIST
            .iter()
            .all(|(key, _)| input.confirmed.iter().any(|c| c == key))
    {
        return Err(ListingError::ChecklistIncomplete);
    }
    let txn = db.begin_write().await?;
    let view = listings::load(&txn, id).await?;
    let Some(working) = view
        .working
        .as_ref()
        .filter(|w| w.revision.status == ListingStatus::Submitted)
    else {
        return Err(ListingError::NotSubmitted);
    };
    if input.decision == Decision::Approve && view.org.status != OrganisationStatus::Approved {
        return Err(ListingError::ProviderNotApproved);
    }
    let status = input.decision.revision_status();
    let now = Utc::now();
    let mut revision: listing_revisions::ActiveModel = working.revision.clone().into();
    revision.status = Set(status);
    revision.decided_at = Set(Some(now));
    revision.decided_by = Set(actor.user_id);
    revision.decision_message = Set((!message.is_empty()).then(|| message.clone()));
    revision.checklist = Set(input.confirmed.join(","));
    revision.update(&txn).await?;
    let was_live = view.listing.status == ListingStatus::Approved;
    if input.decision == Decision::Approve
        && let Some(old) = &view.live
    {
        let mut old: listing_revisions::ActiveModel = old.revision.clone().into();
        old.status = Set(ListingStatus::Superseded);
        old.update(&txn).await?;
    }
    let working_id = working.revision.id;
    set_listing(&txn, &view.listing, |l| match input.decision {
        Decision::Approve => {
            l.status = Set(ListingStatus::Approved);
            l.live_revision_id = Set(Some(working_id));
            l.working_revision_id = Set(None);
            l.review_due = Set(Some(today + Duration::days(policy.cycle_days)));
            l.review_reminder_sent_at = Set(None);
            l.hidden_at = Set(None);
            if view.listing.published_at.is_none() {
                l.published_at = Set(Some(now));
            }
        }
        _ if !was_live => l.status = Set(status),
        _ => {}
    })
    .await?;
    let link = format!("{base_url}{}", paths::provider_listing(id));
    let title = working.content.title.clone();
    email_members(&txn, &view, |to, name| {
        templates::listing_decision(to, name, &title, status, was_live, &message, &link)
    })
    .await?;
    let action = match input.decision {
        Decision::Approve => Action::ListingApproved,
        Decision::RequestChanges => Action::ListingChangesRequested,
        Decision::Reject => Action::ListingRejected,
    };
    let detail = format!("revision {}", working.revision.number);
    if input.decision == Decision::Approve {
        search_changes::record(&txn, id).await?;
    }
    let mut event = Event::new(action, "listing", id)
        .detail(detail)
        .reason(&message);
    if !was_live || input.decision == Decision::Approve {
        event = event.from(view.listing.status).to(if was_live {
            ListingStatus::Approved
        } else {
            status
        });
    }
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Takes a published listing out of public view (e.g. after a failed inspection).
pub async fn suspend(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: ListingId,
    why: &str,
) -> Result<(), ListingError> {
    set_suspended(db, actor, base_url, id, why, true).await
}

/// Puts a suspended listing back in public view.
pub async fn unsuspend(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: ListingId,
    why: &str,
) -> Result<(), ListingError> {
    set_suspended(db, actor, base_url, id, why, false).await
}

async fn set_suspended(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: ListingId,
    why: &str,
    suspend: bool,
) -> Result<(), ListingError> {
    let txn = db.begin_write().await?;
    set_suspended_in(&txn, actor, base_url, id, why, suspend).await?;
    txn.commit().await?;
    Ok(())
}

/// Suspends a live listing inside the caller's write transaction (the CQC changes queue
/// suspends and marks its change dealt with together).
pub async fn suspend_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    base_url: &str,
    id: ListingId,
    why: &str,
) -> Result<(), ListingError> {
    set_suspended_in(txn, actor, base_url, id, why, true).await
}

async fn set_suspended_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    base_url: &str,
    id: ListingId,
    why: &str,
    suspend: bool,
) -> Result<(), ListingError> {
    let why = reason(why)?;
    let view = listings::load(txn, id).await?;
    if view.listing.status != ListingStatus::Approved {
        return Err(ListingError::NotLive);
    }
    match (suspend, view.listing.suspended_at.is_some()) {
        (true, true) => return Err(ListingError::AlreadySuspended),
        (false, false) => return Err(ListingError::NotSuspended),
        _ => {}
    }
    let stored_reason = why.clone();
    set_listing(txn, &view.listing, |l| {
        l.suspended_at = Set(suspend.then(Utc::now));
        l.suspended_reason = Set(suspend.then_some(stored_reason));
    })
    .await?;
    let link = format!("{base_url}{}", paths::provider_listing(id));
    email_members(txn, &view, |to, name| {
        templates::listing_suspension(to, name, view.title(), suspend, &why, &link)
    })
    .await?;
    search_changes::record(txn, id).await?;
    let (action, from, to) = if suspend {
        (Action::ListingSuspended, "published", "suspended")
    } else {
        (Action::ListingUnsuspended, "suspended", "published")
    };
    audit::record(
        txn,
        actor,
        Event::new(action, "listing", id)
            .from(from)
            .to(to)
            .reason(&why),
    )
    .await?;
    Ok(())
}

/// Withdraws a listing for good. `user_id` is the provider member archiving it, or `None`
/// for an admin.
pub async fn archive(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ListingId,
    user_id: Option<UserId>,
) -> Result<(), ListingError> {
    let txn = db.begin_write().await?;
    let view = match user_id {
        Some(user_id) => listings::as_member(&txn, id, user_id).await?,
        None => listings::load(&txn, id).await?,
    };
    if view.listing.status == ListingStatus::Archived {
        return Err(ListingError::Archived);
    }
    archive_in(&txn, actor, &view).await?;
    txn.commit().await?;
    Ok(())
}

/// Archives a listing inside the caller's transaction: withdraws a version waiting for the
/// council, takes it out of search, cancels its quality checks, and audits it.
pub(crate) async fn archive_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    view: &listings::ListingView,
) -> Result<(), ListingError> {
    let id = view.listing.id;
    if let Some(w) = &view.working {
        let mut revision: listing_revisions::ActiveModel = w.revision.clone().into();
        if [
            ListingStatus::Submitted,
            ListingStatus::Draft,
            ListingStatus::ChangesRequested,
        ]
        .contains(&w.revision.status)
        {
            revision.status = Set(ListingStatus::Withdrawn);
            revision.update(txn).await?;
        }
    }
    set_listing(txn, &view.listing, |l| {
        l.status = Set(ListingStatus::Archived);
        l.working_revision_id = Set(None);
        l.archived_at = Set(Some(Utc::now()));
    })
    .await?;
    search_changes::record(txn, id).await?;
    audit::record(
        txn,
        actor,
        Event::new(Action::ListingArchived, "listing", id)
            .from(view.listing.status)
            .to(ListingStatus::Archived),
    )
    .await?;
    crate::domain::checking::assignments::cancel_for_archived(txn, actor, id).await?;
    Ok(())
}

/// A version waiting for the council, with how long it has waited.
pub struct QueueEntry {
    pub listing_id: ListingId,
    pub title: String,
    pub organisation: String,
    pub revision_number: i32,
    pub is_update: bool,
    pub submitted_at: chrono::DateTime<Utc>,
}

/// Versions waiting for a decision, longest-waiting first.
pub async fn queue(db: &DatabaseConnection) -> Result<Vec<QueueEntry>, ListingError> {
    let revisions = listing_revisions::Entity::find()
        .filter(listing_revisions::Column::Status.eq(ListingStatus::Submitted))
        .order_by_asc(listing_revisions::Column::SubmittedAt)
        .order_by_asc(listing_revisions::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(revisions.len());
    for revision in revisions {
        let view = listings::load(db, revision.listing_id).await?;
        out.push(QueueEntry {
            listing_id: revision.listing_id,
            title: revision.title,
            organisation: view.org.name,
            revision_number: revision.number,
            is_update: view.live.is_some(),
            submitted_at: revision.submitted_at.unwrap_or(revision.created_at),
        });
    }
    Ok(out)
}
