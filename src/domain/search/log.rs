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
pub struct Visitor {
    pub who: String,
    pub first_seen_as: Option<String>,
}

/// Logs a search. A first page also counts in the daily roll-up, once per visitor, query
/// and day: later pages of the same search, and the same search again (a refresh, a bot
/// repeating itself), are not new demand.
pub async fn record(
    conn: &sea_orm::DatabaseConnection,
    params: &SearchParams,
    area: Option<&str>,
    result_count: usize,
    source: SearchSource,
    visitor: &Visitor,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let category = top_category(params);
    let district = district_of(area);
    let txn = conn.begin_write().await?;
    let counted = params.page <= 1
        && first_today(&txn, now.date_naive(), visitor, &demand_key(params, area)).await?;
    search_log::Entity::insert(search_log::ActiveModel {
        query_text: Set(params.q.chars().take(MAX_LOGGED_QUERY_CHARS).collect()),
        filters: Set(params.filters_json()),
        area: Set(area.map(|a| a.chars().take(10).collect())),
        result_count: Set(i32::try_from(result_count).unwrap_or(i32::MAX)),
        source: Set(source),
        created_at: Set(now),
        category: Set(category.clone()),
        district: Set(district.clone()),
        counted: Set(counted),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    if counted {
        count_daily(
            &txn,
            now.date_naive(),
            &category.unwrap_or_default(),
            &district.unwrap_or_default(),
            result_count == 0,
        )
        .await?;
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

/// Adds one search to the day's roll-up for its type of support and district.
pub async fn count_daily(
    conn: &impl ConnectionTrait,
    day: chrono::NaiveDate,
    category: &str,
    district: &str,
    found_nothing: bool,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
    let zero = i64::from(found_nothing);
    search_demand_daily::Entity::insert(search_demand_daily::ActiveModel {
        day: Set(day),
        category: Set(category.to_owned()),
        district: Set(district.to_owned()),
        searches: Set(1),
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
            .add(1),
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
