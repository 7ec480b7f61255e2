//! The demand log: every search, anonymous (no account, no full postcode), with how many
//! results it found. It is the demand signal for the Market Position Statement; searches
//! that found nothing matter most.

use chrono::Utc;
use entity::search_log;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::search_params::SearchParams;

pub const LOG_PAGE_SIZE: u64 = 50;

pub async fn record(
    conn: &impl ConnectionTrait,
    params: &SearchParams,
    area: Option<&str>,
    result_count: usize,
    source: &str,
) -> Result<(), DbErr> {
    search_log::Entity::insert(search_log::ActiveModel {
        query_text: Set(params.q.chars().take(200).collect()),
        filters: Set(params.filters_json()),
        area: Set(area.map(|a| a.chars().take(10).collect())),
        result_count: Set(i32::try_from(result_count).unwrap_or(i32::MAX)),
        source: Set(source.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
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
