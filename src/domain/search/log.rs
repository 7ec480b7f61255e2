//! The demand log: every search, anonymous (no account, no full postcode), with how many
//! results it found. It is the demand signal for the Market Position Statement; searches
//! that found nothing matter most.

use chrono::Utc;
use entity::search_log::SearchSource;
use entity::{search_demand_daily, search_demand_seen, search_log};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::search::params::SearchParams;
use crate::domain::tokens::sha256_hex;

pub const LOG_PAGE_SIZE: u64 = 50;
/// The longest query text kept: enough for what people type, not for pasted essays.
pub const MAX_LOGGED_QUERY_CHARS: usize = 100;

/// The top-level type of support a search filtered on (the first, if several).
fn top_category(params: &SearchParams) -> Option<String> {
    params
        .category
        .first()
        .and_then(|c| c.split('/').next())
        .filter(|c| !c.is_empty() && c.len() <= 100)
        .map(str::to_owned)
}

/// The postcode district of a sector or district ("M16 0" → "M16").
fn district_of(area: Option<&str>) -> Option<String> {
    area.and_then(|a| a.split(' ').next())
        .filter(|d| !d.is_empty() && d.len() <= 8)
        .map(str::to_owned)
}

/// Who searched, as the demand figures know them: salted hashes made by the caller with a
/// secret, so neither can be turned back into a session or an address. `who` is the
/// session when the browser keeps one, else the network address; `first_seen_as` is the
/// address when `who` is a session, because a person's very first search comes before
/// their browser holds a session cookie.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub who: String,
    pub first_seen_as: Option<String>,
}

/// One search, as the demand log keeps it: made when the search is answered, written later
/// by the log's writer (`log_writer`) with others.
#[derive(Debug, Clone)]
pub struct Entry {
    query_text: String,
    filters: String,
    area: Option<String>,
    category: Option<String>,
    district: Option<String>,
    result_count: usize,
    source: SearchSource,
    /// Only a first page can be new demand.
    first_page: bool,
    /// What makes two searches the same demand (`demand_key`).
    key: String,
    visitor: Visitor,
    at: chrono::DateTime<Utc>,
}

impl Entry {
    pub fn of(
        params: &SearchParams,
        area: Option<&str>,
        result_count: usize,
        source: SearchSource,
        visitor: Visitor,
    ) -> Self {
        Self {
            query_text: params.q.chars().take(MAX_LOGGED_QUERY_CHARS).collect(),
            filters: params.filters_json(),
            area: area.map(|a| a.chars().take(10).collect()),
            category: top_category(params),
            district: district_of(area),
            result_count,
            source,
            first_page: params.page <= 1,
            key: demand_key(params, area),
            visitor,
            at: Utc::now(),
        }
    }
}

/// Writes searches to the log in one transaction. A first page also counts in the daily
/// roll-up, once per visitor, query and day: later pages of the same search, and the same
/// search again (a refresh, a bot repeating itself), are not new demand.
pub async fn write(conn: &sea_orm::DatabaseConnection, entries: &[Entry]) -> Result<(), DbErr> {
    use std::collections::BTreeMap;
    let txn = conn.begin_write().await?;
    let mut rows = Vec::with_capacity(entries.len());
    let mut daily: BTreeMap<(chrono::NaiveDate, String, String), (i64, i64)> = BTreeMap::new();
    for e in entries {
        let day = e.at.date_naive();
        let counted = e.first_page && first_today(&txn, day, &e.visitor, &e.key).await?;
        if counted {
            let slot = daily
                .entry((
                    day,
                    e.category.clone().unwrap_or_default(),
                    e.district.clone().unwrap_or_default(),
                ))
                .or_default();
            slot.0 += 1;
            slot.1 += i64::from(e.result_count == 0);
        }
        rows.push(search_log::ActiveModel {
            query_text: Set(e.query_text.clone()),
            filters: Set(e.filters.clone()),
            area: Set(e.area.clone()),
            result_count: Set(i32::try_from(e.result_count).unwrap_or(i32::MAX)),
            source: Set(e.source),
            created_at: Set(e.at),
            category: Set(e.category.clone()),
            district: Set(e.district.clone()),
            counted: Set(counted),
            ..Default::default()
        });
    }
    if !rows.is_empty() {
        search_log::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    for ((day, category, district), (searches, zero)) in daily {
        count_daily(&txn, day, &category, &district, searches, zero).await?;
    }
    txn.commit().await
}

/// What makes two searches the same demand: the words, the filters and the place, not the
/// order the results are shown in.
fn demand_key(params: &SearchParams, area: Option<&str>) -> String {
    let mut filters = params.filters();
    if let Some(map) = filters.as_object_mut() {
        map.remove("sort");
    }
    format!(
        "{}\n{filters}\n{}",
        params.q.trim().to_lowercase(),
        area.unwrap_or_default()
    )
}

/// Forgets the searches noted before yesterday (the hourly sweep calls this): a key holds
/// its day, so an old one can never match, and none is kept longer than it is needed.
pub async fn forget_old_searches(
    conn: &impl ConnectionTrait,
    today: chrono::NaiveDate,
) -> Result<u64, DbErr> {
    Ok(search_demand_seen::Entity::delete_many()
        .filter(search_demand_seen::Column::Day.lt(today - chrono::Duration::days(1)))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Whether this visitor's search is the first of its kind today, noting it if so.
async fn first_today(
    conn: &impl ConnectionTrait,
    day: chrono::NaiveDate,
    visitor: &Visitor,
    search: &str,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::OnConflict;
    let key = |who: &str| sha256_hex(&format!("{day}\n{who}\n{search}"));
    let seen_before = match &visitor.first_seen_as {
        Some(address) => search_demand_seen::Entity::find_by_id(key(address))
            .one(conn)
            .await?
            .is_some(),
        None => false,
    };
    let inserted = search_demand_seen::Entity::insert(search_demand_seen::ActiveModel {
        key: Set(key(&visitor.who)),
        day: Set(day),
    })
    .on_conflict(
        OnConflict::column(search_demand_seen::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(inserted == 1 && !seen_before)
}

/// Adds `searches` searches, `zero` of which found nothing, to the day's roll-up for their
/// type of support and district.
pub async fn count_daily(
    conn: &impl ConnectionTrait,
    day: chrono::NaiveDate,
    category: &str,
    district: &str,
    searches: i64,
    zero: i64,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
    search_demand_daily::Entity::insert(search_demand_daily::ActiveModel {
        day: Set(day),
        category: Set(category.to_owned()),
        district: Set(district.to_owned()),
        searches: Set(searches),
        zero_results: Set(zero),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            search_demand_daily::Column::Day,
            search_demand_daily::Column::Category,
            search_demand_daily::Column::District,
        ])
        .value(
            search_demand_daily::Column::Searches,
            Expr::col((
                search_demand_daily::Entity,
                search_demand_daily::Column::Searches,
            ))
            .add(searches),
        )
        .value(
            search_demand_daily::Column::ZeroResults,
            Expr::col((
                search_demand_daily::Entity,
                search_demand_daily::Column::ZeroResults,
            ))
            .add(zero),
        )
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Logged searches, newest first; `zero_only` keeps those that found nothing.
pub async fn list(
    conn: &impl ConnectionTrait,
    zero_only: bool,
    page: u64,
) -> Result<(Vec<search_log::Model>, u64), DbErr> {
    let mut query = search_log::Entity::find().order_by_desc(search_log::Column::Id);
    if zero_only {
        query = query.filter(search_log::Column::ResultCount.eq(0));
    }
    let paginator = query.paginate(conn, LOG_PAGE_SIZE);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page.saturating_sub(1)).await?;
    Ok((rows, total))
}
