//! Saved searches with email alerts: anyone signed in (or a broker, for a client) keeps a
//! search with its filters and postcode and chooses daily or weekly email when new services
//! match. "New" is decided by the indexer's change stream: a listing first published after
//! the search was saved, changed since the search was last looked at, that the search
//! finds now, and not emailed before (each is emailed once).

use chrono::{DateTime, Duration, Utc};
use entity::listings::{self, ListingId};
use entity::saved_searches::{self, AlertFrequency};
use entity::users::UserId;
use entity::{broker_clients, saved_search_alerts, search_index_changes, users};
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
        unsubscribe_token: Set(crate::domain::tokens::new_token()),
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

/// The search an unsubscribe link stands for.
pub async fn by_token(
    conn: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<saved_searches::Model>, DbErr> {
    if token.len() != 43 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    saved_searches::Entity::find()
        .filter(saved_searches::Column::UnsubscribeToken.eq(token))
        .one(conn)
        .await
}

/// Stops a saved search's emails from its link, signed in or not. The search stays saved.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    token: &str,
) -> Result<saved_searches::Model, SavedSearchError> {
    let txn = db.begin_write().await?;
    let saved = by_token(&txn, token)
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

/// Emails every due saved search its new matches. Returns how many emails were queued.
pub async fn send_alerts(
    db: &DatabaseConnection,
    index: &SearchIndex,
    base_url: &str,
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
        if alert_one(db, index, base_url, now, applied, saved).await? {
            sent += 1;
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
        .filter(search_index_changes::Column::Id.gt(saved.change_cursor))
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

async fn alert_one(
    db: &DatabaseConnection,
    index: &SearchIndex,
    base_url: &str,
    now: DateTime<Utc>,
    applied: i64,
    saved: saved_searches::Model,
) -> Result<bool, SavedSearchError> {
    let ids = candidates(db, &saved, applied).await?;
    let hits = if ids.is_empty() {
        Vec::new()
    } else {
        let mut request = params_of(&saved.query).parse().request;
        request.only_listings = Some(ids);
        request.offset = 0;
        request.limit = 100;
        index
            .search(&request)
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .hits
    };
    let txn = db.begin_write().await?;
    // Another process may have dealt with it meanwhile.
    let Some(current) = saved_searches::Entity::find_by_id(saved.id)
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    if current.change_cursor != saved.change_cursor || !due(&current, now) {
        return Ok(false);
    }
    let person = users::Entity::find_by_id(saved.user_id).one(&txn).await?;
    let reachable = person
        .as_ref()
        .filter(|u| u.erased_at.is_none() && u.disabled_at.is_none());
    let emailed = !hits.is_empty() && reachable.is_some();
    if let Some(person) = reachable
        && !hits.is_empty()
    {
        for hit in &hits {
            saved_search_alerts::ActiveModel {
                saved_search_id: Set(saved.id),
                listing_id: Set(ListingId(hit.listing_id as i64)),
                sent_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
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
        let client = match saved.client_id {
            Some(id) => broker_clients::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .filter(|c| c.erased_at.is_none())
                .map(|c| c.name),
            None => None,
        };
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
                    crate::paths::saved_search_unsubscribe(&saved.unsubscribe_token)
                ),
            ),
        )
        .await?;
    }
    let mut active: saved_searches::ActiveModel = current.into();
    active.change_cursor = Set(applied);
    active.last_checked_at = Set(Some(now));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(emailed)
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
