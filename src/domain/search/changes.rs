//! The search change table: every change that may alter what the public can find is
//! recorded here in the same transaction, and each process's indexer applies it.

use entity::listings::ListingId;
use entity::provider_organisations::OrganisationId;
use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use entity::{listings, provider_evidence, search_index_changes};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// Marks a listing for the indexers.
pub async fn record(conn: &impl ConnectionTrait, listing_id: ListingId) -> Result<(), DbErr> {
    search_index_changes::Entity::insert(search_index_changes::ActiveModel {
        listing_id: Set(listing_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Records a change for each of these listings, a thousand to a statement.
pub async fn record_many(conn: &impl ConnectionTrait, ids: &[ListingId]) -> Result<(), DbErr> {
    let now = Utc::now();
    for chunk in ids.chunks(1000) {
        search_index_changes::Entity::insert_many(chunk.iter().map(|id| {
            search_index_changes::ActiveModel {
                listing_id: Set(*id),
                created_at: Set(now),
                ..Default::default()
            }
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Marks every listing of an organisation (its name or checks changed).
pub async fn record_organisation(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
) -> Result<(), DbErr> {
    let ids: Vec<ListingId> = listings::Entity::find()
        .select_only()
        .column(listings::Column::Id)
        .filter(listings::Column::OrganisationId.eq(organisation_id))
        .into_tuple()
        .all(conn)
        .await?;
    for id in ids {
        record(conn, id).await?;
    }
    Ok(())
}

/// Marks the listings of organisations whose DBS check or insurance ran out between
/// `from` and `to` (evidence lapses the day after it expires), so search stops calling them
/// DBS-checked or insured. Returns how many organisations.
pub async fn record_lapsed_evidence(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<usize, DbErr> {
    let organisations: BTreeSet<OrganisationId> = provider_evidence::Entity::find()
        .filter(provider_evidence::Column::ExpiresOn.gte(from - chrono::Duration::days(1)))
        .filter(provider_evidence::Column::ExpiresOn.lt(to))
        .all(conn)
        .await?
        .into_iter()
        .map(|e| e.organisation_id)
        .collect();
    for id in &organisations {
        record_organisation(conn, *id).await?;
    }
    Ok(organisations.len())
}

/// Changes with an id above `after`, oldest first, at most `limit`.
pub async fn since(
    conn: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<search_index_changes::Model>, DbErr> {
    search_index_changes::Entity::find()
        .filter(search_index_changes::Column::Id.gt(after))
        .order_by_asc(search_index_changes::Column::Id)
        .limit(limit)
        .all(conn)
        .await
}

/// How many changes have an id above `after` (not applied yet by an index that has applied
/// up to `after`).
pub async fn waiting(conn: &impl ConnectionTrait, after: i64) -> Result<u64, DbErr> {
    search_index_changes::Entity::find()
        .filter(search_index_changes::Column::Id.gt(after))
        .count(conn)
        .await
}

/// The newest change id (0 when there are none).
pub async fn latest(conn: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(search_index_changes::Entity::find()
        .order_by_desc(search_index_changes::Column::Id)
        .one(conn)
        .await?
        .map_or(0, |c| c.id))
}
