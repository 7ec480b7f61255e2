//! Listings: creating one, editing its working revision (a new revision when the live one is
//! changed, so the approved version stays published), photos, and what the public may see.

pub mod approval;
pub mod content;
pub mod export;
pub mod form;
pub mod reach;
pub mod reports;
pub mod review;

use crate::stored_files::{Released, Store};
use chrono::Utc;
use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::OrganisationStatus;
use entity::users::UserId;
use entity::{listing_revisions, listings, provider_organisations};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings::content::{ListingContent, MAX_PHOTOS, Photo};
use crate::domain::providers::organisations::{self, OrganisationError, PublicProfile};

// Listing states.
// Revision states beyond the listing's own.

#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    #[error("Listing not found")]
    NotFound,
    #[error("The council is reviewing this version. You can change it once they have decided.")]
    UnderReview,
    #[error("This listing is archived")]
    Archived,
    #[error("There is nothing new to send to the council")]
    NothingToSubmit,
    #[error("Your organisation must be approved by the council before you can publish listings")]
    ProviderNotApproved,
    #[error("This listing is not waiting for a decision")]
    NotSubmitted,
    #[error("Confirm every check before approving")]
    ChecklistIncomplete,
    #[error("Tell the provider what to change, or why it is not approved")]
    MessageRequired,
    #[error("Give a reason (up to 2,000 characters)")]
    ReasonRequired,
    #[error("Only a published listing can be suspended")]
    NotLive,
    #[error("This listing is already suspended")]
    AlreadySuspended,
    #[error("This listing is not suspended")]
    NotSuspended,
    #[error("A listing can show up to 6 photos. Remove one first.")]
    TooManyPhotos,
    #[error(
        "Say what it costs, the days you are available and whether you are taking new clients: change the listing first"
    )]
    Unstated,
    #[error("stored listing content is unreadable: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<OrganisationError> for ListingError {
    fn from(err: OrganisationError) -> Self {
        match err {
            OrganisationError::Db(db) => Self::Db(db),
            _ => Self::NotFound,
        }
    }
}

/// A revision with its parsed content.
#[derive(Debug, Clone)]
pub struct Version {
    pub revision: listing_revisions::Model,
    pub content: ListingContent,
}

/// A listing with its organisation, the live version and the version being worked on.
#[derive(Debug, Clone)]
pub struct ListingView {
    pub listing: listings::Model,
    pub org: provider_organisations::Model,
    pub live: Option<Version>,
    pub working: Option<Version>,
}

impl ListingView {
    /// The newest content: the working version if there is one, else the live one.
    pub fn latest(&self) -> Option<&Version> {
        self.working.as_ref().or(self.live.as_ref())
    }

    pub fn title(&self) -> &str {
        self.latest()
            .map_or("Untitled listing", |v| &v.content.title)
    }

    pub fn is_public(&self) -> bool {
        is_public(&self.listing, &self.org) && self.live.is_some()
    }
}

/// Published, not suspended or hidden, from an approved provider.
pub fn is_public(listing: &listings::Model, org: &provider_organisations::Model) -> bool {
    listing.status == ListingStatus::Approved
        && listing.suspended_at.is_none()
        && listing.hidden_at.is_none()
        && org.status == OrganisationStatus::Approved
}

async fn version(
    conn: &impl ConnectionTrait,
    id: Option<i64>,
) -> Result<Option<Version>, ListingError> {
    let Some(id) = id else { return Ok(None) };
    let Some(revision) = listing_revisions::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let content = ListingContent::from_json(&revision.content)?;
    Ok(Some(Version { revision, content }))
}

pub async fn load(conn: &impl ConnectionTrait, id: ListingId) -> Result<ListingView, ListingError> {
    let listing = listings::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ListingError::NotFound)?;
    view_of(conn, listing).await
}

/// The view of a listing row already fetched: its organisation and versions.
async fn view_of(
    conn: &impl ConnectionTrait,
    listing: listings::Model,
) -> Result<ListingView, ListingError> {
    let org = provider_organisations::Entity::find_by_id(listing.organisation_id)
        .one(conn)
        .await?
        .ok_or(ListingError::NotFound)?;
    let live = version(conn, listing.live_revision_id).await?;
    let working = version(conn, listing.working_revision_id).await?;
    Ok(ListingView {
        listing,
        org,
        live,
        working,
    })
}

/// The views of listing rows already fetched, in their order.
pub async fn views_of(
    conn: &impl ConnectionTrait,
    rows: Vec<listings::Model>,
) -> Result<Vec<ListingView>, ListingError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(view_of(conn, row).await?);
    }
    Ok(out)
}

/// The listing, if `user_id` acts for its organisation; anyone else is told it does not exist.
pub async fn as_member(
    conn: &impl ConnectionTrait,
    id: ListingId,
    user_id: UserId,
) -> Result<ListingView, ListingError> {
    let view = load(conn, id).await?;
    organisations::as_member(conn, view.listing.organisation_id, user_id).await?;
    Ok(view)
}

/// An organisation's listings, newest first, with the title of their latest version.
pub async fn of_organisation(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
) -> Result<Vec<ListingView>, ListingError> {
    let rows = listings::Entity::find()
        .filter(listings::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(listings::Column::Id)
        .all(conn)
        .await?;
    views_of(conn, rows).await
}

/// Starts a listing as a draft with its first revision.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    organisation_id: OrganisationId,
    user_id: UserId,
    content: &ListingContent,
) -> Result<ListingId, ListingError> {
    let txn = db.begin_write().await?;
    organisations::as_member(&txn, organisation_id, user_id).await?;
    let now = Utc::now();
    let listing = listings::ActiveModel {
        organisation_id: Set(organisation_id),
        status: Set(ListingStatus::Draft),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let revision = insert_revision(&txn, listing.id, 1, content, Some(user_id)).await?;
    let mut active: listings::ActiveModel = listing.into();
    active.working_revision_id = Set(Some(revision));
    let listing = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::ListingCreated, "listing", listing.id).to(ListingStatus::Draft),
    )
    .await?;
    txn.commit().await?;
    Ok(listing.id)
}

async fn insert_revision(
    conn: &impl ConnectionTrait,
    listing_id: ListingId,
    number: i32,
    content: &ListingContent,
    created_by: Option<UserId>,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let revision = listing_revisions::ActiveModel {
        listing_id: Set(listing_id),
        number: Set(number),
        status: Set(ListingStatus::Draft),
        title: Set(content.title.clone()),
        content: Set(content.to_json()),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        checklist: Set(String::new()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(revision.id)
}

pub(crate) async fn next_revision_number(
    conn: &impl ConnectionTrait,
    listing_id: ListingId,
) -> Result<i32, DbErr> {
    let last = listing_revisions::Entity::find()
        .filter(listing_revisions::Column::ListingId.eq(listing_id))
        .order_by_desc(listing_revisions::Column::Number)
        .one(conn)
        .await?;
    Ok(last.map_or(1, |r| r.number + 1))
}

/// Applies `change` to the version the provider is working on: the draft (or the version
/// sent back for changes) in place; otherwise a new revision starting from the latest
/// content, leaving the live version published.
async fn edit_working(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ListingId,
    user_id: UserId,
    what: &str,
    change: impl FnOnce(&mut ListingContent) -> Result<(), ListingError>,
) -> Result<(), ListingError> {
    let txn = db.begin_write().await?;
    let view = as_member(&txn, id, user_id).await?;
    if view.listing.status == ListingStatus::Archived {
        return Err(ListingError::Archived);
    }
    let now = Utc::now();
    let (revision_number, from) = match &view.working {
        Some(w) if w.revision.status == ListingStatus::Submitted => {
            return Err(ListingError::UnderReview);
        }
        Some(w)
            if w.revision.status == ListingStatus::Draft
                || w.revision.status == ListingStatus::ChangesRequested =>
        {
            let mut content = w.content.clone();
            change(&mut content)?;
            let mut active: listing_revisions::ActiveModel = w.revision.clone().into();
            active.title = Set(content.title.clone());
            active.content = Set(content.to_json());
            active.updated_at = Set(now);
            active.update(&txn).await?;
            (w.revision.number, None)
        }
        _ => {
            // Live with nothing pending, or the last version was rejected: start a new one.
            let mut content = view
                .latest()
                .map(|v| v.content.clone())
                .ok_or(ListingError::NotFound)?;
            change(&mut content)?;
            let number = next_revision_number(&txn, id).await?;
            let revision = insert_revision(&txn, id, number, &content, Some(user_id)).await?;
            let mut active: listings::ActiveModel = view.listing.clone().into();
            active.working_revision_id = Set(Some(revision));
            if view.listing.status == ListingStatus::Rejected {
                active.status = Set(ListingStatus::Draft);
            }
            active.updated_at = Set(now);
            active.update(&txn).await?;
            let from =
                (view.listing.status == ListingStatus::Rejected).then_some(ListingStatus::Rejected);
            (number, from)
        }
    };
    let mut event = Event::new(Action::ListingEdited, "listing", id)
        .detail(format!("revision {revision_number}: {what}"));
    if let Some(from) = from {
        event = event.from(from).to(ListingStatus::Draft);
    }
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Saves the provider's changes to the text and details (photos are kept).
pub async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ListingId,
    user_id: UserId,
    mut content: ListingContent,
) -> Result<(), ListingError> {
    edit_working(db, actor, id, user_id, "details changed", move |c| {
        content.photos = std::mem::take(&mut c.photos);
        *c = content;
        Ok(())
    })
    .await
}

/// Refuses before an upload is decoded when the version the next edit changes already has
/// all its photos (`add_photo` checks again inside its transaction).
pub fn has_room_for_a_photo(view: &ListingView) -> Result<(), ListingError> {
    match view.latest() {
        Some(v) if v.content.photos.len() >= MAX_PHOTOS => Err(ListingError::TooManyPhotos),
        _ => Ok(()),
    }
}

pub async fn add_photo(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ListingId,
    user_id: UserId,
    photo: Photo,
) -> Result<(), ListingError> {
    edit_working(db, actor, id, user_id, "photo added", move |c| {
        if c.photos.len() >= MAX_PHOTOS {
            return Err(ListingError::TooManyPhotos);
        }
        if !c.photos.iter().any(|p| p.file == photo.file) {
            c.photos.push(photo);
        }
        Ok(())
    })
    .await
}

pub async fn remove_photo(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ListingId,
    user_id: UserId,
    file: &str,
) -> Result<Released, ListingError> {
    let mut released = Released::none();
    edit_working(db, actor, id, user_id, "photo removed", |c| {
        for photo in c.photos.iter().filter(|p| p.file == file) {
            released.add(Store::Media, photo.file.clone());
            released.add(Store::Media, photo.thumbnail.clone());
        }
        c.photos.retain(|p| p.file != file);
        Ok(())
    })
    .await?;
    Ok(released)
}

/// A published listing as the public sees it: the live content and its provider's public
/// profile (which never includes a personal assistant's home address).
pub struct PublicListing {
    pub listing: listings::Model,
    pub content: ListingContent,
    pub provider: PublicProfile,
    /// When the council approved the version shown.
    pub approved_on: Option<chrono::NaiveDate>,
    /// When the public version last changed (its approval, or the listing's last change).
    pub modified: chrono::DateTime<Utc>,
    /// What CQC's register says of its location, once the register has been imported.
    pub cqc: Option<crate::domain::cqc::CqcSummary>,
}

pub async fn public_listing(
    conn: &impl ConnectionTrait,
    id: ListingId,
) -> Result<Option<PublicListing>, ListingError> {
    let view = match load(conn, id).await {
        Ok(view) => view,
        Err(ListingError::NotFound) => return Ok(None),
        Err(err) => return Err(err),
    };
    if !view.is_public() {
        return Ok(None);
    }
    let Some(live) = view.live else {
        return Ok(None);
    };
    let modified = live.revision.decided_at.unwrap_or(view.listing.updated_at);
    let cqc = match &live.content.cqc_location_id {
        Some(location) => {
            crate::domain::cqc::summary(conn, location, view.org.cqc_provider_id.as_deref()).await?
        }
        None => None,
    };
    Ok(Some(PublicListing {
        cqc,
        listing: view.listing,
        approved_on: live
            .revision
            .decided_at
            .map(|t| crate::domain::dates::uk_date(&t)),
        modified,
        content: live.content,
        provider: PublicProfile::from(view.org),
    }))
}

/// The published listings of one organisation: (listing id, live content).
pub async fn public_of_organisation(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
) -> Result<Vec<(ListingId, ListingContent)>, ListingError> {
    let rows = listings::Entity::find()
        .filter(listings::Column::OrganisationId.eq(organisation_id))
        .filter(listings::Column::Status.eq(ListingStatus::Approved))
        .filter(listings::Column::SuspendedAt.is_null())
        .filter(listings::Column::HiddenAt.is_null())
        .order_by_asc(listings::Column::Id)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(live) = version(conn, row.live_revision_id).await? {
            out.push((row.id, live.content));
        }
    }
    Ok(out)
}

/// Every version of a listing, newest first.
pub async fn revisions(
    conn: &impl ConnectionTrait,
    id: ListingId,
) -> Result<Vec<listing_revisions::Model>, DbErr> {
    listing_revisions::Entity::find()
        .filter(listing_revisions::Column::ListingId.eq(id))
        .order_by_desc(listing_revisions::Column::Number)
        .all(conn)
        .await
}

/// Published listings the council has suspended, longest first.
pub async fn suspended(conn: &impl ConnectionTrait) -> Result<Vec<ListingView>, ListingError> {
    let rows = listings::Entity::find()
        .filter(listings::Column::SuspendedAt.is_not_null())
        .filter(listings::Column::Status.eq(ListingStatus::Approved))
        .order_by_asc(listings::Column::SuspendedAt)
        .all(conn)
        .await?;
    views_of(conn, rows).await
}
