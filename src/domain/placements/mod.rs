//! Placement requests: a broker asks one or several homes with places whether they can take
//! a client (what they need, from when, how it is paid for). Each home agrees to assess
//! (and only then sees the person's name), declines with a reason, or offers a place; the
//! broker confirms one offer, which closes the others and takes the place from the home's
//! numbers. Every step is emailed and audited, and only the broker holding the client's case
//! and the members of each home's organisation see it (each home only its own part).

pub mod form;

use chrono::{DateTime, Utc};
use entity::broker_clients;
use entity::placement_offers::{self, OfferStatus};
use entity::placement_requests::{self, PlacementStatus};
use entity::provider_organisations::OrganisationId;
use entity::users::{self, UserId};
use entity::vacancies::PlaceKind;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings::{self, ListingError};
use crate::domain::plans::clients::{self, ClientError};
use crate::domain::providers::organisations;
use crate::domain::vacancies;
use crate::mail::{outbox, places_templates as templates};
use crate::paths;
use form::NewRequest;

#[derive(Debug, thiserror::Error)]
pub enum PlacementError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Listing(#[from] ListingError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("placement request not found")]
    NotFound,
    #[error("{0} has no {1} free now: choose homes that say they have one")]
    NoPlace(String, String),
    #[error("This request is closed")]
    Closed,
    #[error("That cannot be done at this stage")]
    WrongStage,
    #[error(
        "The home changed its offer after you opened the page: read it again before you confirm"
    )]
    OfferChanged,
    #[error("One of the homes you chose is no longer listed: choose again")]
    NotListed,
}

pub fn status_label(status: OfferStatus) -> &'static str {
    match status {
        OfferStatus::Sent => "Waiting for an answer",
        OfferStatus::Assessing => "Assessing",
        OfferStatus::Offered => "Place offered",
        OfferStatus::Declined => "Declined",
        OfferStatus::Confirmed => "Confirmed",
        OfferStatus::Closed => "Closed",
    }
}

pub fn request_status_label(status: PlacementStatus) -> &'static str {
    match status {
        PlacementStatus::Open => "Open",
        PlacementStatus::Confirmed => "Placement confirmed",
        PlacementStatus::Withdrawn => "Withdrawn",
    }
}

/// Whether a home at this stage sees the person's name and the broker's contact details.
pub fn names_shown(status: OfferStatus) -> bool {
    matches!(
        status,
        OfferStatus::Assessing | OfferStatus::Offered | OfferStatus::Confirmed
    )
}

/// One home's part, as the broker sees it.
#[derive(Clone, Debug)]
pub struct OfferView {
    pub offer: placement_offers::Model,
    pub listing_title: String,
    pub organisation: String,
}

/// A request with every home's answer, for the broker.
#[derive(Clone, Debug)]
pub struct RequestView {
    pub request: placement_requests::Model,
    pub client_name: String,
    pub offers: Vec<OfferView>,
}

/// A request as one home sees it: names only once it agreed to assess.
#[derive(Clone, Debug)]
pub struct ForHome {
    pub offer: placement_offers::Model,
    pub request: placement_requests::Model,
    pub listing_title: String,
    /// The person's name, and the broker's name and email, once the home agreed to assess.
    pub client_name: Option<String>,
    pub broker: Option<(String, String)>,
}

/// Sends a request for the client the broker acts for to each chosen home with a place of
/// that kind free by the start date.
#[tracing::instrument(skip(db, new))]
pub async fn send(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    broker: UserId,
    client_id: i64,
    new: &NewRequest,
) -> Result<i64, PlacementError> {
    let txn = db.begin_write().await?;
    let acting = clients::act_for(&txn, broker, client_id).await?;
    let client = acting.client.as_ref().ok_or(PlacementError::NotFound)?;
    let mut homes = Vec::new();
    for id in &new.listings {
        let Some(listing) = listings::public_listing(&txn, *id).await? else {
            return Err(PlacementError::NotListed);
        };
        let has_place = vacancies::of_listing(&txn, *id)
            .await?
            .iter()
            .any(|v| v.kind == new.kind && v.places > 0 && v.available_from <= new.start_date);
        if !has_place {
            return Err(PlacementError::NoPlace(
                listing.content.title.clone(),
                vacancies::places_phrase(new.kind, 1)
                    .trim_start_matches("1 ")
                    .to_owned(),
            ));
        }
        homes.push(listing);
    }
    let now = Utc::now();
    let district = client
        .postcode_sector
        .as_deref()
        .and_then(|s| s.split(' ').next())
        .unwrap_or_default()
        .to_owned();
    let request = placement_requests::ActiveModel {
        broker_user_id: Set(broker),
        client_id: Set(client.id),
        kind: Set(new.kind),
        needs: Set(new.needs.clone()),
        start_date: Set(new.start_date),
        funding: Set(new.funding),
        district: Set(district),
        status: Set(PlacementStatus::Open),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for home in &homes {
        let offer = placement_offers::ActiveModel {
            request_id: Set(request.id),
            listing_id: Set(home.listing.id),
            organisation_id: Set(home.provider.id),
            status: Set(OfferStatus::Sent),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        organisations::email_members(&txn, home.provider.id, |to, name| {
            templates::request_sent(
                to,
                name,
                &home.content.title,
                vacancies::kind_label(new.kind),
                &crate::domain::dates::format_date(&new.start_date),
                &format!("{base_url}{}", paths::provider_placement(offer.id)),
            )
        })
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Event::new(Action::PlacementRequested, "placement_request", request.id).detail(format!(
            "on behalf of client {}: {} to {} homes",
            client.id,
            new.kind.as_str(),
            homes.len()
        )),
    )
    .await?;
    txn.commit().await?;
    Ok(request.id)
}

async fn email_broker(
    conn: &impl ConnectionTrait,
    request: &placement_requests::Model,
    mail: impl Fn(&str, &str) -> crate::mail::OutgoingMail,
) -> Result<(), DbErr> {
    // The broker now holding the client's case.
    let client = broker_clients::Entity::find_by_id(request.client_id)
        .one(conn)
        .await?;
    let broker = client.map_or(request.broker_user_id, |c| c.broker_user_id);
    if let Some(user) = users::Entity::find_by_id(broker).one(conn).await?
        && user.disabled_at.is_none()
        && user.erased_at.is_none()
    {
        outbox::enqueue(conn, mail(&user.email, &user.display_name)).await?;
    }
    Ok(())
}

/// The request, if `broker` holds the client's case.
async fn of_broker(
    conn: &impl ConnectionTrait,
    broker: UserId,
    id: i64,
) -> Result<(placement_requests::Model, broker_clients::Model), PlacementError> {
    let request = placement_requests::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(PlacementError::NotFound)?;
    let client = clients::of_broker(conn, broker, request.client_id)
        .await
        .map_err(|_| PlacementError::NotFound)?;
    Ok((request, client))
}

async fn offers_of(
    conn: &impl ConnectionTrait,
    request_id: i64,
) -> Result<Vec<OfferView>, PlacementError> {
    let offers = placement_offers::Entity::find()
        .filter(placement_offers::Column::RequestId.eq(request_id))
        .order_by_asc(placement_offers::Column::Id)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(offers.len());
    for offer in offers {
        let view = listings::load(conn, offer.listing_id).await?;
        out.push(OfferView {
            listing_title: view.title().to_owned(),
            organisation: view.org.name.clone(),
            offer,
        });
    }
    Ok(out)
}

/// One of the broker's requests, with every home's answer.
pub async fn for_broker(
    conn: &impl ConnectionTrait,
    broker: UserId,
    id: i64,
) -> Result<RequestView, PlacementError> {
    let (request, client) = of_broker(conn, broker, id).await?;
    Ok(RequestView {
        offers: offers_of(conn, request.id).await?,
        client_name: client.name,
        request,
    })
}

/// Every request for clients the broker holds, newest first.
pub async fn list_for_broker(
    conn: &impl ConnectionTrait,
    broker: UserId,
) -> Result<Vec<RequestView>, PlacementError> {
    let caseload: Vec<broker_clients::Model> = broker_clients::Entity::find()
        .filter(broker_clients::Column::BrokerUserId.eq(broker))
        .all(conn)
        .await?;
    let requests = placement_requests::Entity::find()
        .filter(placement_requests::Column::ClientId.is_in(caseload.iter().map(|c| c.id)))
        .order_by_desc(placement_requests::Column::Id)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(requests.len());
    for request in requests {
        let client_name = caseload
            .iter()
            .find(|c| c.id == request.client_id)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        out.push(RequestView {
            offers: offers_of(conn, request.id).await?,
            client_name,
            request,
        });
    }
    Ok(out)
}

/// One home's part of a request, if `user` is a member of the home's organisation.
pub async fn for_home(
    conn: &impl ConnectionTrait,
    user: UserId,
    offer_id: i64,
) -> Result<ForHome, PlacementError> {
    let offer = placement_offers::Entity::find_by_id(offer_id)
        .one(conn)
        .await?
        .ok_or(PlacementError::NotFound)?;
    organisations::as_member(conn, offer.organisation_id, user)
        .await
        .map_err(|_| PlacementError::NotFound)?;
    home_view(conn, offer).await
}

async fn home_view(
    conn: &impl ConnectionTrait,
    offer: placement_offers::Model,
) -> Result<ForHome, PlacementError> {
    let request = placement_requests::Entity::find_by_id(offer.request_id)
        .one(conn)
        .await?
        .ok_or(PlacementError::NotFound)?;
    let listing_title = listings::load(conn, offer.listing_id)
        .await?
        .title()
        .to_owned();
    let (client_name, broker) = if names_shown(offer.status) {
        let client = broker_clients::Entity::find_by_id(request.client_id)
            .one(conn)
            .await?;
        let broker_id = client
            .as_ref()
            .map_or(request.broker_user_id, |c| c.broker_user_id);
        let broker = users::Entity::find_by_id(broker_id)
            .one(conn)
            .await?
            .map(|u| (u.display_name, u.email));
        (client.map(|c| c.name), broker)
    } else {
        (None, None)
    };
    Ok(ForHome {
        offer,
        request,
        listing_title,
        client_name,
        broker,
    })
}

/// Every request sent to the organisations the user is a member of, newest first.
pub async fn list_for_member(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Vec<ForHome>, PlacementError> {
    let orgs: Vec<OrganisationId> = organisations::of_user(conn, user)
        .await?
        .into_iter()
        .map(|(o, _)| o.id)
        .collect();
    let offers = placement_offers::Entity::find()
        .filter(placement_offers::Column::OrganisationId.is_in(orgs))
        .order_by_desc(placement_offers::Column::Id)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(offers.len());
    for offer in offers {
        out.push(home_view(conn, offer).await?);
    }
    Ok(out)
}

/// What a home answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Agree to assess the person (the home then sees their name).
    Assess,
    Decline(String),
    Offer(String),
}

/// A member of the home answers; the broker is emailed.
pub async fn answer(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    user: UserId,
    offer_id: i64,
    answer: Answer,
) -> Result<(), PlacementError> {
    let txn = db.begin_write().await?;
    let home = for_home(&txn, user, offer_id).await?;
    if home.request.status != PlacementStatus::Open {
        return Err(PlacementError::Closed);
    }
    let from = home.offer.status;
    let (to, action) = match (&answer, from) {
        (Answer::Assess, OfferStatus::Sent) => (OfferStatus::Assessing, Action::PlacementAssessing),
        (Answer::Decline(_), OfferStatus::Sent | OfferStatus::Assessing | OfferStatus::Offered) => {
            (OfferStatus::Declined, Action::PlacementDeclined)
        }
        (Answer::Offer(_), OfferStatus::Sent | OfferStatus::Assessing | OfferStatus::Offered) => {
            (OfferStatus::Offered, Action::PlacementOffered)
        }
        _ => return Err(PlacementError::WrongStage),
    };
    let now = Utc::now();
    let mut row: placement_offers::ActiveModel = home.offer.clone().into();
    row.status = Set(to);
    row.responded_at = Set(Some(now));
    row.updated_at = Set(now);
    match &answer {
        Answer::Decline(reason) => row.decline_reason = Set(Some(reason.clone())),
        Answer::Offer(details) => row.offer_details = Set(Some(details.clone())),
        Answer::Assess => {}
    }
    let done = placement_offers::Entity::update_many()
        .set(row)
        .filter(placement_offers::Column::Id.eq(offer_id))
        .filter(placement_offers::Column::Status.eq(from))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(PlacementError::WrongStage);
    }
    let words = match &answer {
        Answer::Decline(reason) | Answer::Offer(reason) => reason.as_str(),
        Answer::Assess => "",
    };
    audit::record(
        &txn,
        actor,
        Event::new(action, "placement_offer", offer_id)
            .from(from.as_str())
            .to(to.as_str())
            .reason(words),
    )
    .await?;
    let link = format!("{base_url}{}", paths::placement(home.request.id));
    email_broker(&txn, &home.request, |to_email, name| {
        templates::home_answered(to_email, name, &home.listing_title, status_label(to), &link)
    })
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The broker confirms one home's offer: the request is settled, every other home's part
/// closes (each is told), and the place comes off the chosen home's numbers.
pub async fn confirm(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    broker: UserId,
    (request_id, offer_id): (i64, i64),
    seen: &str,
) -> Result<(), PlacementError> {
    let txn = db.begin_write().await?;
    let view = for_broker(&txn, broker, request_id).await?;
    // The case must still be open.
    clients::act_for(&txn, broker, view.request.client_id).await?;
    if view.request.status != PlacementStatus::Open {
        return Err(PlacementError::Closed);
    }
    let chosen = view
        .offers
        .iter()
        .find(|o| o.offer.id == offer_id)
        .ok_or(PlacementError::NotFound)?;
    if chosen.offer.status != OfferStatus::Offered {
        return Err(PlacementError::WrongStage);
    }
    if offer_version(&chosen.offer) != seen {
        return Err(PlacementError::OfferChanged);
    }
    let now = Utc::now();
    if close_open_requests(&txn, &[request_id], PlacementStatus::Confirmed, now).await? == 0 {
        return Err(PlacementError::Closed);
    }
    for o in &view.offers {
        let to = if o.offer.id == offer_id {
            OfferStatus::Confirmed
        } else if matches!(o.offer.status, OfferStatus::Declined) {
            continue;
        } else {
            OfferStatus::Closed
        };
        if !set_status(&txn, &o.offer, to, now).await? {
            // The home answered in the meantime: look again.
            return Err(PlacementError::OfferChanged);
        }
        let link = format!("{base_url}{}", paths::provider_placement(o.offer.id));
        organisations::email_members(&txn, o.offer.organisation_id, |email, name| {
            if to == OfferStatus::Confirmed {
                templates::placement_confirmed(email, name, &o.listing_title, &link)
            } else {
                templates::placement_closed(email, name, &o.listing_title, &link)
            }
        })
        .await?;
    }
    vacancies::take_one(&txn, chosen.offer.listing_id, view.request.kind, now).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::PlacementConfirmed, "placement_request", request_id)
            .from(PlacementStatus::Open.as_str())
            .to(PlacementStatus::Confirmed.as_str())
            .detail(format!(
                "on behalf of client {}: offer {offer_id} at listing {}",
                view.request.client_id, chosen.offer.listing_id
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves an offer on from the status it was read in; `false` when it had moved already.
async fn set_status(
    conn: &impl ConnectionTrait,
    offer: &placement_offers::Model,
    to: OfferStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = placement_offers::Entity::update_many()
        .col_expr(
            placement_offers::Column::Status,
            sea_orm::sea_query::Expr::value(to.as_str()),
        )
        .col_expr(
            placement_offers::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(placement_offers::Column::Id.eq(offer.id))
        .filter(placement_offers::Column::Status.eq(offer.status))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// What the broker saw of an offer, carried by the confirm button: an offer changed since
/// is not confirmed unread.
pub fn offer_version(offer: &placement_offers::Model) -> String {
    offer.updated_at.timestamp_micros().to_string()
}

/// The broker takes an open request back; every home still answering is told.
pub async fn withdraw(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    broker: UserId,
    request_id: i64,
) -> Result<(), PlacementError> {
    let txn = db.begin_write().await?;
    let view = for_broker(&txn, broker, request_id).await?;
    if view.request.status != PlacementStatus::Open {
        return Err(PlacementError::Closed);
    }
    let now = Utc::now();
    if close_open_requests(&txn, &[request_id], PlacementStatus::Withdrawn, now).await? == 0 {
        return Err(PlacementError::Closed);
    }
    for o in view
        .offers
        .iter()
        .filter(|o| o.offer.status != OfferStatus::Declined)
    {
        if !set_status(&txn, &o.offer, OfferStatus::Closed, now).await? {
            return Err(PlacementError::OfferChanged);
        }
        let link = format!("{base_url}{}", paths::provider_placement(o.offer.id));
        organisations::email_members(&txn, o.offer.organisation_id, |email, name| {
            templates::placement_closed(email, name, &o.listing_title, &link)
        })
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Event::new(Action::PlacementWithdrawn, "placement_request", request_id)
            .from(PlacementStatus::Open.as_str())
            .to(PlacementStatus::Withdrawn.as_str())
            .detail(format!("on behalf of client {}", view.request.client_id)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Withdraws a client's open requests when their case closes; each home still answering
/// sees its part closed.
pub async fn close_for_client(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    client_id: i64,
) -> Result<(), DbErr> {
    let open: Vec<i64> = placement_requests::Entity::find()
        .select_only()
        .column(placement_requests::Column::Id)
        .filter(placement_requests::Column::ClientId.eq(client_id))
        .filter(placement_requests::Column::Status.eq(PlacementStatus::Open))
        .into_tuple()
        .all(conn)
        .await?;
    let now = Utc::now();
    close_open_requests(conn, &open, PlacementStatus::Withdrawn, now).await?;
    close_open_offers(conn, &open, now).await?;
    for id in open {
        audit::record(
            conn,
            actor,
            Event::new(Action::PlacementWithdrawn, "placement_request", id)
                .from(PlacementStatus::Open.as_str())
                .to(PlacementStatus::Withdrawn.as_str())
                .detail(format!("client {client_id}'s case closed")),
        )
        .await?;
    }
    Ok(())
}

/// Closes those of these requests still open, as confirmed or withdrawn; how many were open.
pub(crate) async fn close_open_requests(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    to: PlacementStatus,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let done = placement_requests::Entity::update_many()
        .col_expr(
            placement_requests::Column::Status,
            sea_orm::sea_query::Expr::value(to.as_str()),
        )
        .col_expr(
            placement_requests::Column::ClosedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(placement_requests::Column::Id.is_in(ids.iter().copied()))
        .filter(placement_requests::Column::Status.eq(PlacementStatus::Open))
        .exec(conn)
        .await?;
    Ok(done.rows_affected)
}

/// Closes every part of these requests a home could still answer (without telling them).
pub(crate) async fn close_open_offers(
    conn: &impl ConnectionTrait,
    request_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if request_ids.is_empty() {
        return Ok(());
    }
    placement_offers::Entity::update_many()
        .col_expr(
            placement_offers::Column::Status,
            sea_orm::sea_query::Expr::value(OfferStatus::Closed.as_str()),
        )
        .col_expr(
            placement_offers::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(placement_offers::Column::RequestId.is_in(request_ids.iter().copied()))
        .filter(placement_offers::Column::Status.is_in([
            OfferStatus::Sent,
            OfferStatus::Assessing,
            OfferStatus::Offered,
        ]))
        .exec(conn)
        .await?;
    Ok(())
}

/// The public listings with places (of `kind`, when given), for the broker to choose from.
pub async fn homes_with_places(
    conn: &impl ConnectionTrait,
    kind: Option<PlaceKind>,
    today: chrono::NaiveDate,
) -> Result<Vec<vacancies::overview::WithPlaces>, PlacementError> {
    Ok(
        vacancies::overview::places_now(conn, kind, today, Utc::now())
            .await?
            .homes,
    )
}
