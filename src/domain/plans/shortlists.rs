//! Shortlists: listings a budget holder (or a broker, for a client) saves to compare and
//! plan with. Visitors keep theirs in the session until they sign in; then it is kept.

use chrono::Utc;
use entity::listings::ListingId;
use entity::shortlist_items;
use entity::users::UserId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings::{self, ListingError, PublicListing};
use crate::domain::plans::clients::{Acting, Holder};

/// Enough to compare and print; more is a sign of a script, not a person.
pub const MAX_ITEMS: usize = 50;
/// A private note on a saved service.
pub const MAX_NOTE_CHARS: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum ShortlistError {
    #[error("This service is not available")]
    NotAvailable,
    #[error("Your note must be {MAX_NOTE_CHARS} characters or fewer – you have {0}")]
    NoteTooLong(usize),
    #[error("Your note must use only letters, numbers, spaces and punctuation")]
    NoteUnreadable,
    #[error("A shortlist can hold {MAX_ITEMS} services. Remove some before adding more.")]
    Full,
    #[error(transparent)]
    Listing(#[from] ListingError),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// One saved listing: its public version, or `None` when it is no longer published.
pub struct Entry {
    pub listing_id: ListingId,
    pub saved_at: chrono::DateTime<Utc>,
    pub listing: Option<PublicListing>,
    /// The holder's private note (signed-in shortlists only).
    pub note: Option<String>,
}

async fn rows(
    conn: &impl ConnectionTrait,
    holder: Holder,
) -> Result<Vec<shortlist_items::Model>, sea_orm::DbErr> {
    shortlist_items::Entity::find()
        .filter(holder.condition(
            shortlist_items::Column::HolderUserId,
            shortlist_items::Column::ClientId,
        ))
        .order_by_asc(shortlist_items::Column::CreatedAt)
        .order_by_asc(shortlist_items::Column::Id)
        .all(conn)
        .await
}

/// The listing ids on a holder's shortlist, oldest first.
pub async fn listing_ids(
    conn: &impl ConnectionTrait,
    holder: Holder,
) -> Result<Vec<ListingId>, sea_orm::DbErr> {
    Ok(rows(conn, holder)
        .await?
        .into_iter()
        .map(|r| r.listing_id)
        .collect())
}

/// The shortlist with each listing's public version.
pub async fn entries(
    db: &DatabaseConnection,
    holder: Holder,
) -> Result<Vec<Entry>, ShortlistError> {
    let mut out = Vec::new();
    for row in rows(db, holder).await? {
        out.push(Entry {
            listing_id: row.listing_id,
            saved_at: row.created_at,
            listing: listings::public_listing(db, row.listing_id).await?,
            note: row.note,
        });
    }
    Ok(out)
}

/// Entries for listing ids kept in a visitor's session.
pub async fn visitor_entries(
    db: &DatabaseConnection,
    ids: &[ListingId],
) -> Result<Vec<Entry>, ShortlistError> {
    let mut out = Vec::new();
    for &id in ids {
        out.push(Entry {
            listing_id: id,
            saved_at: Utc::now(),
            listing: listings::public_listing(db, id).await?,
            note: None,
        });
    }
    Ok(out)
}

/// Checks a listing can be saved (published now).
pub async fn ensure_available(
    conn: &impl ConnectionTrait,
    listing_id: ListingId,
) -> Result<(), ShortlistError> {
    match listings::public_listing(conn, listing_id).await? {
        Some(_) => Ok(()),
        None => Err(ShortlistError::NotAvailable),
    }
}

/// The row for `listing_id` on the shortlist `acting` is for.
fn item_of(acting: &Acting, listing_id: ListingId) -> sea_orm::Condition {
    acting
        .holder
        .condition(
            shortlist_items::Column::HolderUserId,
            shortlist_items::Column::ClientId,
        )
        .add(shortlist_items::Column::ListingId.eq(listing_id))
}

/// Audits a change to one saved listing, saying whose shortlist when a broker made it.
async fn record(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    acting: &Acting,
    action: Action,
    listing_id: ListingId,
) -> Result<(), sea_orm::DbErr> {
    let mut event = Event::new(action, "listing", listing_id);
    if let Some(detail) = acting.on_behalf() {
        event = event.detail(detail);
    }
    audit::record(conn, actor, event).await
}

async fn insert(
    conn: &impl ConnectionTrait,
    acting: &Acting,
    listing_id: ListingId,
) -> Result<(), sea_orm::DbErr> {
    let (holder_user_id, client_id) = acting.holder.columns();
    shortlist_items::ActiveModel {
        holder_user_id: Set(holder_user_id),
        client_id: Set(client_id),
        listing_id: Set(listing_id),
        added_by_user_id: Set(acting.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Saves a published listing to the holder's shortlist; saving it twice changes nothing.
/// Returns whether it was added.
pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    acting: &Acting,
    listing_id: ListingId,
) -> Result<bool, ShortlistError> {
    let txn = db.begin_write().await?;
    ensure_available(&txn, listing_id).await?;
    let saved = listing_ids(&txn, acting.holder).await?;
    if saved.contains(&listing_id) {
        return Ok(false);
    }
    if saved.len() >= MAX_ITEMS {
        return Err(ShortlistError::Full);
    }
    insert(&txn, acting, listing_id).await?;
    record(&txn, actor, acting, Action::ShortlistAdded, listing_id).await?;
    txn.commit().await?;
    Ok(true)
}

/// Keeps (or, when blank, clears) the holder's private note on a saved service. Returns
/// whether the service is on their shortlist. The note's words stay out of the audit log.
pub async fn set_note(
    db: &DatabaseConnection,
    actor: &Actor,
    acting: &Acting,
    listing_id: ListingId,
    note: &str,
) -> Result<bool, ShortlistError> {
    let note = crate::domain::validation::clean(note);
    let chars = note.chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(ShortlistError::NoteTooLong(chars));
    }
    if crate::domain::validation::has_control_chars(&note) {
        return Err(ShortlistError::NoteUnreadable);
    }
    let txn = db.begin_write().await?;
    let updated = shortlist_items::Entity::update_many()
        .col_expr(
            shortlist_items::Column::Note,
            sea_orm::sea_query::Expr::value((!note.is_empty()).then_some(note)),
        )
        .filter(item_of(acting, listing_id))
        .exec(&txn)
        .await?
        .rows_affected
        > 0;
    if updated {
        record(&txn, actor, acting, Action::ShortlistNoteSaved, listing_id).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

pub async fn remove(
    db: &DatabaseConnection,
    actor: &Actor,
    acting: &Acting,
    listing_id: ListingId,
) -> Result<bool, ShortlistError> {
    let txn = db.begin_write().await?;
    let removed = shortlist_items::Entity::delete_many()
        .filter(item_of(acting, listing_id))
        .exec(&txn)
        .await?
        .rows_affected
        > 0;
    if removed {
        record(&txn, actor, acting, Action::ShortlistRemoved, listing_id).await?;
    }
    txn.commit().await?;
    Ok(removed)
}

/// Keeps what a visitor saved before signing in: adds each still-published listing that is
/// not already on the account's shortlist (up to the limit). Returns how many were added.
pub async fn adopt(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    visitor_ids: &[ListingId],
) -> Result<usize, ShortlistError> {
    let acting = Acting::for_self(user_id);
    let txn = db.begin_write().await?;
    let mut saved = listing_ids(&txn, acting.holder).await?;
    let mut added = 0;
    for &id in visitor_ids {
        if saved.contains(&id) || saved.len() >= MAX_ITEMS {
            continue;
        }
        if listings::public_listing(&txn, id).await?.is_none() {
            continue;
        }
        insert(&txn, &acting, id).await?;
        saved.push(id);
        added += 1;
    }
    if added > 0 {
        audit::record(
            &txn,
            actor,
            Event::new(Action::ShortlistAdopted, "user", user_id)
                .detail(format!("{added} saved before signing in")),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(added)
}
