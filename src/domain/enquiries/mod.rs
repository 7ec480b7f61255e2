//! Enquiries: a budget holder, or a broker for a client, asks a provider about one listing;
//! the provider is emailed and replies in Kith; the conversation goes on with email notices
//! both ways until either side closes it with an outcome, or it closes itself as "no
//! response" when the provider never answers. Only the two sides see an enquiry.

pub mod form;
pub mod stats;

use chrono::{DateTime, Utc};
use entity::enquiries::EnquiryOutcome;
use entity::enquiries::EnquiryStatus;
use entity::listings::ListingId;
use entity::provider_organisations::OrganisationId;
use entity::users::UserId;
use entity::{broker_clients, enquiries, enquiry_categories, enquiry_messages, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::enquiries::form::NewEnquiry;
use crate::domain::listings::{self, ListingError};
use crate::domain::plans::clients::{Acting, Holder};
use crate::domain::providers::organisations;
use crate::mail::{self, enquiry_templates as templates};
use crate::paths;

/// Which side of an enquiry someone is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// A member of the provider organisation.
    Provider,
    /// The budget holder, or the broker holding the client's case.
    Enquirer,
}

impl Side {
    /// The outcomes this side may close an enquiry with, with the words people see.
    pub fn outcomes(self) -> &'static [(EnquiryOutcome, &'static str)] {
        match self {
            Side::Provider => &[
                (EnquiryOutcome::Arranged, "Support has been arranged"),
                (EnquiryOutcome::NotAvailable, "We cannot offer this support"),
            ],
            Side::Enquirer => &[
                (EnquiryOutcome::Arranged, "Support has been arranged"),
                (
                    EnquiryOutcome::Declined,
                    "I no longer need this, or chose another service",
                ),
            ],
        }
    }
}

pub fn outcome_label(outcome: EnquiryOutcome) -> &'static str {
    match outcome {
        EnquiryOutcome::Arranged => "Arranged",
        EnquiryOutcome::NotAvailable => "Not available",
        EnquiryOutcome::NoResponse => "No response",
        EnquiryOutcome::Declined => "Declined",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EnquiryError {
    #[error("enquiry not found")]
    NotFound,
    #[error("This service is not taking enquiries at the moment")]
    NotAvailable,
    #[error("You cannot send an enquiry to your own organisation")]
    OwnService,
    #[error("You already have an open enquiry about this service")]
    AlreadyOpen(i64),
    #[error("This enquiry is closed")]
    Closed,
    #[error("Select an outcome")]
    BadOutcome,
    #[error(transparent)]
    Listing(#[from] ListingError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// An enquiry with what its pages show.
pub struct EnquiryView {
    pub enquiry: enquiries::Model,
    pub listing_title: String,
    pub organisation_name: String,
    /// The broker's client, when the enquiry is for one (only the enquirer side sees it).
    pub client: Option<broker_clients::Model>,
    pub messages: Vec<(enquiry_messages::Model, String)>,
}

/// The side `user_id` is on, or `NotFound` for anyone else (no existence leak).
pub async fn side_of(
    conn: &impl ConnectionTrait,
    enquiry: &enquiries::Model,
    user_id: UserId,
) -> Result<Side, EnquiryError> {
    if organisations::as_member(conn, enquiry.organisation_id, user_id)
        .await
        .is_ok()
    {
        return Ok(Side::Provider);
    }
    if enquiry.holder_user_id == Some(user_id) {
        return Ok(Side::Enquirer);
    }
    if let Some(client_id) = enquiry.client_id {
        let client = broker_clients::Entity::find_by_id(client_id)
            .one(conn)
            .await?;
        if client.is_some_and(|c| c.broker_user_id == user_id) {
            return Ok(Side::Enquirer);
        }
    }
    Err(EnquiryError::NotFound)
}

async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<enquiries::Model, EnquiryError> {
    enquiries::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(EnquiryError::NotFound)
}

/// One enquiry for someone on either side of it.
pub async fn for_user(
    db: &DatabaseConnection,
    id: i64,
    user_id: UserId,
) -> Result<(EnquiryView, Side), EnquiryError> {
    let enquiry = find(db, id).await?;
    let side = side_of(db, &enquiry, user_id).await?;
    let mut view = views(db, vec![enquiry]).await?.remove(0);
    if side == Side::Provider {
        view.client = None;
    }
    view.messages = messages(db, id).await?;
    Ok((view, side))
}

async fn messages(
    db: &DatabaseConnection,
    enquiry_id: i64,
) -> Result<Vec<(enquiry_messages::Model, String)>, DbErr> {
    let rows = enquiry_messages::Entity::find()
        .filter(enquiry_messages::Column::EnquiryId.eq(enquiry_id))
        .order_by_asc(enquiry_messages::Column::CreatedAt)
        .order_by_asc(enquiry_messages::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let name = users::Entity::find_by_id(row.author_user_id)
            .one(db)
            .await?
            .map_or_else(|| "Someone".to_owned(), |u| u.display_name);
        out.push((row, name));
    }
    Ok(out)
}

/// Views (without messages) of enquiry rows, in the order given.
pub async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<enquiries::Model>,
) -> Result<Vec<EnquiryView>, EnquiryError> {
    let mut out = Vec::with_capacity(rows.len());
    for enquiry in rows {
        let listing = listings::load(db, enquiry.listing_id).await?;
        let client = match enquiry.client_id {
            Some(id) => broker_clients::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        out.push(EnquiryView {
            listing_title: listing.title().to_owned(),
            organisation_name: listing.org.name.clone(),
            enquiry,
            client,
            messages: Vec::new(),
        });
    }
    Ok(out)
}

/// Enquiries made for a holder, newest activity first.
pub async fn of_holder(
    db: &DatabaseConnection,
    holder: Holder,
) -> Result<Vec<EnquiryView>, EnquiryError> {
    let rows = enquiries::Entity::find()
        .filter(holder.condition(enquiries::Column::HolderUserId, enquiries::Column::ClientId))
        .order_by_desc(enquiries::Column::LastMessageAt)
        .all(db)
        .await?;
    views(db, rows).await
}

/// Enquiries for every client on a broker's caseload, newest activity first.
pub async fn of_caseload(
    db: &DatabaseConnection,
    broker_user_id: UserId,
) -> Result<Vec<EnquiryView>, EnquiryError> {
    let client_ids: Vec<i64> = broker_clients::Entity::find()
        .filter(broker_clients::Column::BrokerUserId.eq(broker_user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let rows = enquiries::Entity::find()
        .filter(enquiries::Column::ClientId.is_in(client_ids))
        .order_by_desc(enquiries::Column::LastMessageAt)
        .all(db)
        .await?;
    views(db, rows).await
}

/// One page of an organisation's enquiries.
pub struct EnquiryPage {
    /// Newest activity first.
    pub enquiries: Vec<EnquiryView>,
    /// How many there are in all.
    pub total: u64,
    /// The page given: the one asked for, or the last there is.
    pub page: u64,
}

/// A page of an organisation's enquiries (open or closed), newest activity first; a page
/// past the end gives the last one.
pub async fn of_organisation(
    db: &DatabaseConnection,
    organisation_id: OrganisationId,
    status: EnquiryStatus,
    page: u64,
    page_size: u64,
) -> Result<EnquiryPage, EnquiryError> {
    let query = enquiries::Entity::find()
        .filter(enquiries::Column::OrganisationId.eq(organisation_id))
        .filter(enquiries::Column::Status.eq(status));
    let total = query.clone().count(db).await?;
    let page = page.clamp(1, total.div_ceil(page_size).max(1));
    let rows = query
        .order_by_desc(enquiries::Column::LastMessageAt)
        .order_by_desc(enquiries::Column::Id)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    let mut enquiries = views(db, rows).await?;
    for view in &mut enquiries {
        view.client = None;
    }
    Ok(EnquiryPage {
        enquiries,
        total,
        page,
    })
}

/// Whether the provider owes a reply: open, and the last word is the enquirer's.
pub async fn awaiting_provider(
    conn: &impl ConnectionTrait,
    enquiry: &enquiries::Model,
) -> Result<bool, DbErr> {
    if enquiry.status != EnquiryStatus::Open {
        return Ok(false);
    }
    let last = enquiry_messages::Entity::find()
        .filter(enquiry_messages::Column::EnquiryId.eq(enquiry.id))
        .order_by_desc(enquiry_messages::Column::Id)
        .one(conn)
        .await?;
    Ok(last.is_none_or(|m| !m.from_provider))
}

/// The open enquiry this holder already has about a listing, if any.
pub async fn open_for(
    conn: &impl ConnectionTrait,
    holder: Holder,
    listing_id: ListingId,
) -> Result<Option<i64>, DbErr> {
    Ok(enquiries::Entity::find()
        .filter(holder.condition(enquiries::Column::HolderUserId, enquiries::Column::ClientId))
        .filter(enquiries::Column::ListingId.eq(listing_id))
        .filter(enquiries::Column::Status.eq(EnquiryStatus::Open))
        .one(conn)
        .await?
        .map(|e| e.id))
}

/// Sends an enquiry about a published listing and emails the provider's members.
pub async fn send(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    acting: &Acting,
    listing_id: ListingId,
    new: NewEnquiry,
) -> Result<i64, EnquiryError> {
    let txn = db.begin_write().await?;
    let view = match listings::load(&txn, listing_id).await {
        Ok(view) if view.is_public() => view,
        Ok(_) => return Err(EnquiryError::NotAvailable),
        Err(ListingError::NotFound) => return Err(EnquiryError::NotFound),
        Err(err) => return Err(err.into()),
    };
    if organisations::as_member(&txn, view.org.id, acting.user_id)
        .await
        .is_ok()
    {
        return Err(EnquiryError::OwnService);
    }
    if let Some(existing) = open_for(&txn, acting.holder, listing_id).await? {
        return Err(EnquiryError::AlreadyOpen(existing));
    }
    let (holder_user_id, client_id) = acting.holder.columns();
    let council = acting
        .holder
        .council(&txn, actor)
        .await?
        .ok_or(EnquiryError::NotFound)?;
    let now = Utc::now();
    let enquiry = enquiries::ActiveModel {
        council_id: Set(council),
        listing_id: Set(listing_id),
        organisation_id: Set(view.org.id),
        holder_user_id: Set(holder_user_id),
        client_id: Set(client_id),
        sent_by_user_id: Set(acting.user_id),
        contact_name: Set(new.contact_name),
        support_wanted: Set(new.support_wanted),
        when_wanted: Set(new.when_wanted),
        postcode_sector: Set(new.postcode_sector),
        reply_by: Set(new.reply_by),
        reply_phone: Set(new.reply_phone),
        status: Set(EnquiryStatus::Open),
        outcome: Set(None),
        closed_by_user_id: Set(None),
        closed_at: Set(None),
        first_response_at: Set(None),
        first_response_minutes: Set(None),
        last_message_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Some(live) = &view.live {
        let ids: std::collections::BTreeSet<i64> =
            live.content.category_ids.iter().copied().collect();
        for category_id in ids {
            enquiry_categories::ActiveModel {
                enquiry_id: Set(enquiry.id),
                category_id: Set(category_id),
            }
            .insert(&txn)
            .await?;
        }
    }
    let mut event = Event::new(Action::EnquirySent, "enquiry", enquiry.id)
        .to(EnquiryStatus::Open)
        .detail(format!("listing {listing_id}"));
    if let Some(on_behalf) = acting.on_behalf() {
        event = event.detail(format!("listing {listing_id}, {on_behalf}"));
    }
    audit::record(&txn, actor, event).await?;
    let link = format!("{base_url}{}", paths::enquiry(enquiry.id));
    for (member, _) in organisations::members(&txn, view.org.id).await? {
        mail::enqueue(
            &txn,
            templates::enquiry_received(&member.email, &member.display_name, view.title(), &link),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(enquiry.id)
}

/// The accounts on the enquirer's side: the budget holder, or the client's current broker.
async fn enquirer_accounts(
    conn: &impl ConnectionTrait,
    enquiry: &enquiries::Model,
) -> Result<Vec<users::Model>, DbErr> {
    let user_id = match (enquiry.holder_user_id, enquiry.client_id) {
        (Some(user_id), _) => Some(user_id),
        (None, Some(client_id)) => broker_clients::Entity::find_by_id(client_id)
            .one(conn)
            .await?
            .map(|c| c.broker_user_id),
        (None, None) => None,
    };
    Ok(match user_id {
        Some(id) => users::Entity::find_by_id(id)
            .one(conn)
            .await?
            .into_iter()
            .collect(),
        None => Vec::new(),
    })
}

/// Emails the other side that something happened (no personal details in the email: the
/// message itself is read in Kith).
async fn notify_other_side(
    txn: &DatabaseTransaction,
    enquiry: &enquiries::Model,
    from: Side,
    base_url: &str,
    build: impl Fn(&str, &str, &str, &str) -> mail::OutgoingMail,
) -> Result<(), EnquiryError> {
    let title = listings::load(txn, enquiry.listing_id)
        .await?
        .title()
        .to_owned();
    let link = format!("{base_url}{}", paths::enquiry(enquiry.id));
    let recipients: Vec<users::Model> = match from {
        Side::Enquirer => organisations::members(txn, enquiry.organisation_id)
            .await?
            .into_iter()
            .map(|(u, _)| u)
            .collect(),
        Side::Provider => enquirer_accounts(txn, enquiry).await?,
    };
    for user in recipients.iter().filter(|u| u.disabled_at.is_none()) {
        mail::enqueue(txn, build(&user.email, &user.display_name, &title, &link)).await?;
    }
    Ok(())
}

/// Adds a message to an open enquiry from either side and tells the other side.
pub async fn reply(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
    user_id: UserId,
    body: String,
) -> Result<Side, EnquiryError> {
    let txn = db.begin_write().await?;
    let enquiry = find(&txn, id).await?;
    let side = side_of(&txn, &enquiry, user_id).await?;
    if enquiry.status != EnquiryStatus::Open {
        return Err(EnquiryError::Closed);
    }
    let now = Utc::now();
    enquiry_messages::ActiveModel {
        enquiry_id: Set(id),
        author_user_id: Set(user_id),
        from_provider: Set(side == Side::Provider),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut active: enquiries::ActiveModel = enquiry.clone().into();
    active.last_message_at = Set(now);
    if side == Side::Provider && enquiry.first_response_at.is_none() {
        active.first_response_at = Set(Some(now));
        active.first_response_minutes = Set(Some((now - enquiry.created_at).num_minutes().max(0)));
    }
    active.update(&txn).await?;
    let who = if side == Side::Provider {
        "provider"
    } else {
        "enquirer"
    };
    audit::record(
        &txn,
        actor,
        Event::new(Action::EnquiryMessage, "enquiry", id).detail(format!("from the {who}")),
    )
    .await?;
    notify_other_side(&txn, &enquiry, side, base_url, templates::enquiry_message).await?;
    txn.commit().await?;
    Ok(side)
}

/// Closes an open enquiry with one of the outcomes this side may choose.
pub async fn close(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
    user_id: UserId,
    outcome: &str,
) -> Result<(), EnquiryError> {
    let txn = db.begin_write().await?;
    let enquiry = find(&txn, id).await?;
    let side = side_of(&txn, &enquiry, user_id).await?;
    if enquiry.status != EnquiryStatus::Open {
        return Err(EnquiryError::Closed);
    }
    let outcome = side
        .outcomes()
        .iter()
        .find(|(key, _)| key.as_str() == outcome)
        .map(|(key, _)| *key)
        .ok_or(EnquiryError::BadOutcome)?;
    set_closed(&txn, &enquiry, outcome, Some(user_id), Utc::now()).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::EnquiryClosed, "enquiry", id)
            .from(EnquiryStatus::Open)
            .to(outcome),
    )
    .await?;
    let label = outcome_label(outcome);
    notify_other_side(&txn, &enquiry, side, base_url, |to, name, title, link| {
        templates::enquiry_closed(to, name, title, label, link)
    })
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn set_closed(
    txn: &DatabaseTransaction,
    enquiry: &enquiries::Model,
    outcome: EnquiryOutcome,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut active: enquiries::ActiveModel = enquiry.clone().into();
    active.status = Set(EnquiryStatus::Closed);
    active.outcome = Set(Some(outcome));
    active.closed_by_user_id = Set(by);
    active.closed_at = Set(Some(now));
    active.update(txn).await?;
    Ok(())
}

/// Closes as "no response" every open enquiry the provider has not answered within
/// `after_days`, telling both sides. Returns how many closed.
pub async fn close_unanswered(
    db: &DatabaseConnection,
    base_url: &str,
    now: DateTime<Utc>,
    after_days: i64,
) -> Result<usize, EnquiryError> {
    let cutoff = now - chrono::Duration::days(after_days);
    let stale = enquiries::Entity::find()
        .filter(enquiries::Column::Status.eq(EnquiryStatus::Open))
        .filter(enquiries::Column::FirstResponseAt.is_null())
        .filter(enquiries::Column::CreatedAt.lt(cutoff))
        .all(db)
        .await?;
    let bases = crate::domain::councils::link_bases(db, base_url).await?;
    let mut closed = 0;
    for enquiry in stale {
        // Recorded in, and linking to, the enquiry's council.
        let actor = Actor {
            council: Some(enquiry.council_id),
            ..Actor::system()
        };
        let base_url = bases
            .get(&enquiry.council_id)
            .map_or(base_url, String::as_str);
        let txn = db.begin_write().await?;
        // Re-read inside the transaction: a reply may have arrived meanwhile.
        let current = find(&txn, enquiry.id).await?;
        if current.status != EnquiryStatus::Open || current.first_response_at.is_some() {
            continue;
        }
        set_closed(&txn, &current, EnquiryOutcome::NoResponse, None, now).await?;
        audit::record(
            &txn,
            &actor,
            Event::new(Action::EnquiryClosed, "enquiry", current.id)
                .from(EnquiryStatus::Open)
                .to(EnquiryOutcome::NoResponse)
                .detail(format!(
                    "no reply from the provider within {after_days} days"
                )),
        )
        .await?;
        let label = outcome_label(EnquiryOutcome::NoResponse);
        for side in [Side::Enquirer, Side::Provider] {
            notify_other_side(&txn, &current, side, base_url, |to, name, title, link| {
                templates::enquiry_closed(to, name, title, label, link)
            })
            .await?;
        }
        txn.commit().await?;
        closed += 1;
    }
    Ok(closed)
}
