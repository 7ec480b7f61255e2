//! Saved searches with email alerts: anyone signed in (or a broker, for a client) keeps a
//! search with its filters and postcode and chooses daily or weekly email when new services
//! match. "New" is decided by the indexer's change stream: a listing first published after
//! the search was saved, changed since the search was last looked at, that the search
//! finds now, and not emailed before (each is emailed once).
//!
//! The "stop these emails" link carries the search's id and an HMAC of it under the
//! service's secret, so nothing secret is stored and the link stops only that search.

use chrono::{DateTime, Duration, Utc};
use entity::listings::{self, ListingId};
use entity::saved_searches::{self, AlertFrequency};
use entity::users::UserId;
use entity::{broker_clients, saved_search_alerts, search_index_changes, users};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use search_index::SearchIndex;

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::search::params::SearchParams;
use crate::domain::validation::FormFields;
use crate::mail::{outbox, search_templates};

/// Enough for every search a person keeps an eye on.
pub const MAX_SAVED: u64 = 20;
pub const MAX_NAME_CHARS: usize = 120;
/// New matches listed in one email (the link shows the rest).
const MAX_IN_EMAIL: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum SavedSearchError {
    #[error("saved search not found")]
    NotFound,
    #[error("You can keep {MAX_SAVED} saved searches. Delete one you no longer need first.")]
    TooMany,
    #[error("Name must be {MAX_NAME_CHARS} characters or fewer – you have {0}")]
    NameTooLong(usize),
    #[error("Enter a name for the search")]
    NameMissing,
    #[error("Choose how often to be emailed")]
    BadFrequency,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What a saved search is: the search page's parameters (page and sort left out).
pub fn query_of(params: &SearchParams) -> String {
    let pairs: Vec<(&str, String)> = params
        .pairs()
        .into_iter()
        .filter(|(name, _)| *name != "sort")
        .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// The parameters a saved query stands for, read as leniently as the search page does.
pub fn params_of(query: &str) -> SearchParams {
    let pairs = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .take(200)
        .collect();
    SearchParams::from_fields(&FormFields(pairs))
}

/// The frequency a form chose.
pub(crate) fn frequency_of(value: &str) -> Result<AlertFrequency, SavedSearchError> {
    AlertFrequency::parse(value.trim()).ok_or(SavedSearchError::BadFrequency)
}

fn checked_name(name: &str) -> Result<String, SavedSearchError> {
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 {
        return Err(SavedSearchError::NameMissing);
    }
    if chars > MAX_NAME_CHARS {
        return Err(SavedSearchError::NameTooLong(chars));
    }
    Ok(name.to_owned())
}

/// Someone's saved searches (their own and their clients'), newest first.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Vec<saved_searches::Model>, DbErr> {
    saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(user_id))
        .order_by_desc(saved_searches::Column::Id)
        .all(conn)
        .await
}

/// One of this person's saved searches, or `NotFound` (for anyone else's too).
pub async fn find_own(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    id: i64,
) -> Result<saved_searches::Model, SavedSearchError> {
    saved_searches::Entity::find_by_id(id)
        .filter(saved_searches::Column::UserId.eq(user_id))
        .one(conn)
        .await?
        .ok_or(SavedSearchError::NotFound)
}

/// A search to save, checked: its query as the search page reads it, a name, how often.
pub struct NewSavedSearch {
    /// The broker's client it is for.
    pub client_id: Option<i64>,
    pub query: String,
    pub name: String,
    pub frequency: AlertFrequency,
}

impl NewSavedSearch {
    pub fn parse(
        client_id: Option<i64>,
        query: &str,
        name: &str,
        frequency: &str,
    ) -> Result<Self, SavedSearchError> {
        Ok(Self {
            client_id,
            query: query_of(&params_of(query)),
            name: checked_name(name)?,
            frequency: frequency_of(frequency)?,
        })
    }
}

/// Saves a search. Only changes the index applies after `cursor` can be new matches, so
/// a search saved now is not emailed what it already finds.
pub async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    new: NewSavedSearch,
    cursor: i64,
) -> Result<i64, SavedSearchError> {
    let txn = db.begin_write().await?;
    let kept = saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(user_id))
        .count(&txn)
        .await?;
    if kept >= MAX_SAVED {
        return Err(SavedSearchError::TooMany);
    }
    let now = Utc::now();
    let saved = saved_searches::ActiveModel {
        user_id: Set(user_id),
        client_id: Set(new.client_id),
        name: Set(new.name),
        query: Set(new.query),
        frequency: Set(new.frequency),
        change_cursor: Set(cursor),
        last_checked_at: Set(Some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut event =
        Event::new(Action::SavedSearchCreated, "saved_search", saved.id).to(saved.frequency);
    if let Some(client) = saved.client_id {
        event = event.detail(format!("for client {client}"));
    }
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Changes how often a saved search emails.
pub async fn set_frequency(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    id: i64,
    frequency: AlertFrequency,
) -> Result<(), SavedSearchError> {
    let txn = db.begin_write().await?;
    let saved = find_own(&txn, user_id, id).await?;
    let before = saved.frequency;
    let mut active: saved_searches::ActiveModel = saved.into();
    active.frequency = Set(frequency);
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::SavedSearchChanged, "saved_search", id)
            .from(before)
            .to(frequency),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn delete(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    id: i64,
) -> Result<(), SavedSearchError> {
    let txn = db.begin_write().await?;
    find_own(&txn, user_id, id).await?;
    saved_searches::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::SavedSearchDeleted, "saved_search", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The secret part of a search's "stop these emails" link: an HMAC-SHA256 of its id.
pub fn stop_token(secret: &[u8], id: i64) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(format!("saved-search-stop {id}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The search a "stop these emails" link stands for, when its token is right.
pub async fn by_link(
    conn: &impl ConnectionTrait,
    secret: &[u8],
    id: i64,
    token: &str,
) -> Result<Option<saved_searches::Model>, DbErr> {
    if !crate::domain::tokens::constant_time_eq(&stop_token(secret, id), token) {
        return Ok(None);
    }
    saved_searches::Entity::find_by_id(id).one(conn).await
}

/// Stops a saved search's emails from its link, signed in or not. The search stays saved.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    secret: &[u8],
    id: i64,
    token: &str,
) -> Result<saved_searches::Model, SavedSearchError> {
    let txn = db.begin_write().await?;
    let saved = by_link(&txn, secret, id, token)
        .await?
        .ok_or(SavedSearchError::NotFound)?;
    let before = saved.frequency;
    let mut active: saved_searches::ActiveModel = saved.into();
    active.frequency = Set(AlertFrequency::Never);
    let saved = active.update(&txn).await?;
    if before != AlertFrequency::Never {
        audit::record(
            &txn,
            &Actor::system(),
            Event::new(Action::SavedSearchChanged, "saved_search", saved.id)
                .from(before)
                .to(AlertFrequency::Never)
                .detail("stopped from the email's link"),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(saved)
}

/// Whether a search is due to be looked at again.
fn due(saved: &saved_searches::Model, now: DateTime<Utc>) -> bool {
    let every = match saved.frequency {
        AlertFrequency::Daily => Duration::days(1),
        AlertFrequency::Weekly => Duration::days(7),
        AlertFrequency::Never => return false,
    };
    // An hour's slack, so an hourly job does not slip a day each time.
    saved
        .last_checked_at
        .is_none_or(|at| now - at >= every - Duration::hours(1))
}

/// Where alerts' links point and the secret that signs their "stop" links.
pub struct AlertLinks<'a> {
    pub base_url: &'a str,
    pub secret: &'a [u8],
}

/// Emails every due saved search its new matches. Returns how many emails were queued. A
/// search that fails is logged and left for the next run; the others still go.
pub async fn send_alerts(
    db: &DatabaseConnection,
    index: &SearchIndex,
    links: &AlertLinks<'_>,
    now: DateTime<Utc>,
) -> Result<usize, SavedSearchError> {
    // Only changes the index has applied: the search must see what changed.
    let applied = index.last_applied_change().unwrap_or(0);
    let searches = saved_searches::Entity::find()
        .filter(saved_searches::Column::Frequency.ne(AlertFrequency::Never))
        .filter(saved_searches::Column::ChangeCursor.lt(applied))
        .order_by_asc(saved_searches::Column::Id)
        .all(db)
        .await?;
    let mut sent = 0;
    for saved in searches.into_iter().filter(|s| due(s, now)) {
        let id = saved.id;
        match alert_one(db, index, links, now, applied, saved).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(saved_search = id, error = %err, "saved search alert failed")
            }
        }
    }
    Ok(sent)
}

/// The listings changed after the search's cursor (up to `applied`) that were first
/// published after it was saved and have not been emailed for it.
async fn candidates(
    conn: &impl ConnectionTrait,
    saved: &saved_searches::Model,
    applied: i64,
) -> Result<Vec<u64>, DbErr> {
    let changed: Vec<ListingId> = search_index_changes::Entity::find()
        .select_only()
        .column(search_index_changes::Column::ListingId)
        .distinct()
        // Change ids can commit out of order (PostgreSQL sequences): look back a little,
        // as the indexer does; what was already sent is skipped below.
        .filter(
            search_index_changes::Column::Id
                .gt((saved.change_cursor - crate::indexer::LOOKBACK).max(0)),
        )
        .filter(search_index_changes::Column::Id.lte(applied))
        .into_tuple()
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for ids in changed.chunks(500) {
        let fresh: Vec<ListingId> = listings::Entity::find()
            .select_only()
            .column(listings::Column::Id)
            .filter(listings::Column::Id.is_in(ids.iter().copied()))
            .filter(listings::Column::PublishedAt.gt(saved.created_at))
            .into_tuple()
            .all(conn)
            .await?;
        let sent: Vec<ListingId> = saved_search_alerts::Entity::find()
            .select_only()
            .column(saved_search_alerts::Column::ListingId)
            .filter(saved_search_alerts::Column::SavedSearchId.eq(saved.id))
            .filter(saved_search_alerts::Column::ListingId.is_in(fresh.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(
            fresh
                .into_iter()
                .filter(|id| !sent.contains(id))
                .map(|id| id.0 as u64),
        );
    }
    Ok(out)
}

/// Runs the search over these candidates, a page of the index's largest at a time.
fn matching(
    index: &SearchIndex,
    saved: &saved_searches::Model,
    ids: Vec<u64>,
) -> Result<Vec<search_index::Hit>, DbErr> {
    let mut hits = Vec::new();
    for chunk in ids.chunks(100) {
        let mut request = params_of(&saved.query).parse().request;
        request.only_listings = Some(chunk.to_vec());
        request.offset = 0;
        request.limit = chunk.len();
        hits.extend(
            index
                .search(&request)
                .map_err(|e| DbErr::Custom(e.to_string()))?
                .hits,
        );
    }
    Ok(hits)
}

/// Who an alert goes to, if anyone: a confirmed, active account; for a client, only while
/// the broker's case is open.
async fn recipient(
    conn: &impl ConnectionTrait,
    saved: &saved_searches::Model,
) -> Result<Option<(users::Model, Option<String>)>, DbErr> {
    let Some(person) = users::Entity::find_by_id(saved.user_id)
        .one(conn)
        .await?
        .filter(|u| {
            u.erased_at.is_none() && u.disabled_at.is_none() && u.email_verified_at.is_some()
        })
    else {
        return Ok(None);
    };
    let client = match saved.client_id {
        None => None,
        Some(id) => match broker_clients::Entity::find_by_id(id)
            .one(conn)
            .await?
            .filter(|c| c.erased_at.is_none() && c.closed_at.is_none())
        {
            Some(c) => Some(c.name),
            None => return Ok(None),
        },
    };
    Ok(Some((person, client)))
}

async fn alert_one(
    db: &DatabaseConnection,
    index: &SearchIndex,
    links: &AlertLinks<'_>,
    now: DateTime<Utc>,
    applied: i64,
    saved: saved_searches::Model,
) -> Result<bool, SavedSearchError> {
    let ids = candidates(db, &saved, applied).await?;
    let hits = if ids.is_empty() {
        Vec::new()
    } else {
        matching(index, &saved, ids)?
    };
    let txn = db.begin_write().await?;
    // Claim it: another process that got here first moved the cursor, and this one stops.
    let claimed = saved_searches::Entity::update_many()
        .col_expr(
            saved_searches::Column::ChangeCursor,
            sea_orm::sea_query::Expr::value(applied),
        )
        .col_expr(
            saved_searches::Column::LastCheckedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(saved_searches::Column::Id.eq(saved.id))
        .filter(saved_searches::Column::ChangeCursor.eq(saved.change_cursor))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        return Ok(false);
    }
    let Some((person, client)) = recipient(&txn, &saved).await? else {
        txn.commit().await?;
        return Ok(false);
    };
    if hits.is_empty() {
        txn.commit().await?;
        return Ok(false);
    }
    for hit in &hits {
        saved_search_alerts::Entity::insert(saved_search_alerts::ActiveModel {
            saved_search_id: Set(saved.id),
            listing_id: Set(ListingId(hit.listing_id as i64)),
            sent_at: Set(now),
        })
        // Another run that sent it already: nothing to add (the key is the pair).
        .on_conflict_do_nothing()
        .exec(&txn)
        .await?;
    }
    let base_url = links.base_url;
    let matches: Vec<(String, String, String)> = hits
        .iter()
        .take(MAX_IN_EMAIL)
        .map(|h| {
            (
                h.title.clone(),
                h.provider_name.clone(),
                format!(
                    "{base_url}{}",
                    crate::paths::listing(ListingId(h.listing_id as i64))
                ),
            )
        })
        .collect();
    let search_name = match &client {
        Some(name) => format!("{} (for {name})", saved.name),
        None => saved.name.clone(),
    };
    outbox::enqueue(
        &txn,
        search_templates::new_matches(
            &person.email,
            &person.display_name,
            &search_name,
            &matches,
            &format!("{base_url}{}?{}", crate::paths::search(), saved.query),
            &format!(
                "{base_url}{}",
                crate::paths::saved_search_unsubscribe(
                    saved.id,
                    &stop_token(links.secret, saved.id)
                )
            ),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_round_trips_without_page_or_sort() {
        let p = params_of("q=home+help&near=M33+7AB&category=respite&page=3&sort=price");
        assert_eq!(query_of(&p), "q=home+help&near=M33+7AB&category=respite");
        assert_eq!(params_of(&query_of(&p)).category, vec!["respite"]);
    }

    #[test]
    fn stop_links_are_signed_per_search() {
        let a = stop_token(b"secret", 7);
        assert_eq!(a, stop_token(b"secret", 7));
        assert_ne!(a, stop_token(b"secret", 8));
        assert_ne!(a, stop_token(b"other", 7));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn names_are_checked() {
        assert!(matches!(
            checked_name("  "),
            Err(SavedSearchError::NameMissing)
        ));
        assert!(matches!(
            checked_name(&"x".repeat(121)),
            Err(SavedSearchError::NameTooLong(121))
        ));
        assert_eq!(checked_name(" Help at home\n").unwrap(), "Help at home");
    }
}
