//! The admins' queue of what changed in CQC's register: each change is acknowledged with a
//! note, dealt with by suspending a listing at the location, or (a provider's new location)
//! by inviting the provider to list it. Nothing happens to a listing without a person.

use chrono::Utc;
use entity::cqc_changes::{self, CqcChangeKind, CqcResolution};
use entity::cqc_locations;
use entity::listings::ListingId;
use entity::provider_organisations::{self, OrganisationId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::CqcError;
use super::import::listings_by_location;
use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings::{self, approval};
use crate::domain::providers::organisations;
use crate::mail::cqc_templates;

/// Most open changes listed on one page.
pub const QUEUE_PAGE: u64 = 200;

/// A listing at a changed location, as the queue shows it.
#[derive(Clone, Debug)]
pub struct ListingAt {
    pub id: ListingId,
    pub title: String,
    pub public: bool,
    pub suspended: bool,
}

/// One change with what the admin needs to decide.
#[derive(Clone, Debug)]
pub struct QueuedChange {
    pub change: cqc_changes::Model,
    pub location: Option<cqc_locations::Model>,
    pub listings: Vec<ListingAt>,
    /// The organisation in Kith with the location's CQC provider id.
    pub organisation: Option<(OrganisationId, String)>,
}

/// What a change is, in words.
pub fn kind_label(kind: CqcChangeKind) -> &'static str {
    match kind {
        CqcChangeKind::RatingDown => "Rating went down",
        CqcChangeKind::NowInadequate => "Rated inadequate",
        CqcChangeKind::Deregistered => "No longer registered",
        CqcChangeKind::Dormant => "Dormant: registered but not providing care",
        CqcChangeKind::NewLocation => "New location of a provider in Kith",
    }
}

pub fn resolution_label(resolution: CqcResolution) -> &'static str {
    match resolution {
        CqcResolution::Acknowledged => "Acknowledged",
        CqcResolution::Suspended => "Listing suspended",
        CqcResolution::Invited => "Provider invited to list it",
    }
}

pub async fn open_count(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    cqc_changes::Entity::find()
        .filter(cqc_changes::Column::ResolvedAt.is_null())
        .count(conn)
        .await
}

async fn with_context(
    conn: &impl ConnectionTrait,
    changes: Vec<cqc_changes::Model>,
) -> Result<Vec<QueuedChange>, CqcError> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let by_location = listings_by_location(conn).await?;
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        let location = cqc_locations::Entity::find_by_id(change.location_id.clone())
            .one(conn)
            .await?;
        let mut at = Vec::new();
        for id in by_location.get(&change.location_id).into_iter().flatten() {
            let view = listings::load(conn, *id).await?;
            at.push(ListingAt {
                id: *id,
                title: view.title().to_owned(),
                public: view.is_public(),
                suspended: view.listing.suspended_at.is_some(),
            });
        }
        let organisation = match &location {
            Some(l) if !l.provider_id.is_empty() => provider_organisations::Entity::find()
                .filter(provider_organisations::Column::CqcProviderId.eq(l.provider_id.clone()))
                .one(conn)
                .await?
                .map(|o| (o.id, o.name)),
            _ => None,
        };
        out.push(QueuedChange {
            change,
            location,
            listings: at,
            organisation,
        });
    }
    Ok(out)
}

/// The open changes, oldest first.
pub async fn open(conn: &impl ConnectionTrait) -> Result<Vec<QueuedChange>, CqcError> {
    let changes = cqc_changes::Entity::find()
        .filter(cqc_changes::Column::ResolvedAt.is_null())
        .order_by_asc(cqc_changes::Column::Id)
        .paginate(conn, QUEUE_PAGE)
        .fetch_page(0)
        .await?;
    with_context(conn, changes).await
}

/// The changes dealt with most recently.
pub async fn recently_resolved(
    conn: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<QueuedChange>, CqcError> {
    let changes = cqc_changes::Entity::find()
        .filter(cqc_changes::Column::ResolvedAt.is_not_null())
        .order_by_desc(cqc_changes::Column::ResolvedAt)
        .paginate(conn, limit)
        .fetch_page(0)
        .await?;
    with_context(conn, changes).await
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<QueuedChange, CqcError> {
    let change = cqc_changes::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(CqcError::NotFound)?;
    with_context(conn, vec![change])
        .await?
        .pop()
        .ok_or(CqcError::NotFound)
}

/// Marks an open change dealt with, once: a second admin's click finds it resolved.
async fn resolve(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    resolution: CqcResolution,
    note: &str,
    detail: Option<String>,
) -> Result<(), CqcError> {
    let done = cqc_changes::Entity::update_many()
        .set(cqc_changes::ActiveModel {
            resolved_at: Set(Some(Utc::now())),
            resolved_by_user_id: Set(actor.user_id),
            resolution: Set(Some(resolution)),
            ..Default::default()
        })
        .filter(cqc_changes::Column::Id.eq(id))
        .filter(cqc_changes::Column::ResolvedAt.is_null())
        .exec(conn)
        .await?;
    if done.rows_affected == 0 {
        return Err(CqcError::AlreadyResolved);
    }
    let mut event = Event::new(Action::CqcChangeResolved, "cqc_change", id)
        .to(resolution.as_str())
        .reason(note);
    if let Some(detail) = detail {
        event = event.detail(detail);
    }
    audit::record(conn, actor, event).await?;
    Ok(())
}

/// Acknowledges a change with the admin's note (what they did or will do).
pub async fn acknowledge(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    note: &str,
) -> Result<(), CqcError> {
    let txn = db.begin_write().await?;
    // Only that it exists: the queue's context (every listing's location) is not needed.
    cqc_changes::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(CqcError::NotFound)?;
    resolve(&txn, actor, id, CqcResolution::Acknowledged, note, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Suspends one published listing at the changed location, with the admin's reason (shown
/// to the provider as every suspension is), and marks the change dealt with: both or
/// neither.
pub async fn suspend(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
    listing_id: ListingId,
    reason: &str,
) -> Result<(), CqcError> {
    let txn = db.begin_write().await?;
    let queued = one(&txn, id).await?;
    if queued.change.resolved_at.is_some() {
        return Err(CqcError::AlreadyResolved);
    }
    if !queued.listings.iter().any(|l| l.id == listing_id) {
        return Err(CqcError::NotAtLocation);
    }
    resolve(
        &txn,
        actor,
        id,
        CqcResolution::Suspended,
        reason,
        Some(format!("listing {listing_id} suspended")),
    )
    .await?;
    approval::suspend_in(&txn, actor, base_url, listing_id, reason).await?;
    txn.commit().await?;
    Ok(())
}

/// Emails the members of the provider's organisation that CQC lists a location Kith has no
/// listing for, with a link to add one, and marks the change dealt with.
pub async fn invite(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
) -> Result<usize, CqcError> {
    let txn = db.begin_write().await?;
    let queued = one(&txn, id).await?;
    if queued.change.kind != CqcChangeKind::NewLocation {
        return Err(CqcError::NotNewLocation);
    }
    let (Some(location), Some((organisation_id, organisation_name))) =
        (&queued.location, &queued.organisation)
    else {
        return Err(CqcError::NotNewLocation);
    };
    let link = format!(
        "{base_url}{}",
        crate::paths::provider_organisation_listings_new(*organisation_id)
    );
    let sent = organisations::email_members(&txn, *organisation_id, |email, name| {
        cqc_templates::new_location(
            email,
            name,
            organisation_name,
            &location.name,
            &location.postcode,
            &link,
        )
    })
    .await?;
    if sent == 0 {
        return Err(CqcError::NobodyToInvite(organisation_name.clone()));
    }
    resolve(
        &txn,
        actor,
        id,
        CqcResolution::Invited,
        "",
        Some(format!(
            "organisation {organisation_id}: {sent} members emailed"
        )),
    )
    .await?;
    txn.commit().await?;
    Ok(sent)
}
