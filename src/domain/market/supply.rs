//! The supply side of the market as rows a database can group: one per public listing and
//! type of support, written from the same documents the search index gets (so both follow
//! the search change table), and queried for market analysis — here, the quality of supply
//! by type of support and postcode district.

use entity::listings::ListingId;
use entity::provider_organisations::OrganisationId;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::provider_organisations::ProviderKind;
use entity::{listings, market_languages, market_supply};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use search_index::ListingDoc;

use crate::db::BeginWrite;
use crate::domain::plans::export::spreadsheet_safe;
use crate::domain::search::documents::CategoryPaths;

/// A listing as the search index and the market tables see it.
pub struct Projection {
    pub doc: ListingDoc,
    /// Postcode district of the venue, else of the home-visit base; empty when online only.
    pub district: String,
    pub provider_kind: ProviderKind,
    /// The district and types of support the listing row keeps now (`remember_place`).
    pub stored_place: (String, String),
}

const INSERT_CHUNK: usize = 200;

fn rows_of(p: &Projection, now: DateTime<Utc>) -> Vec<market_supply::ActiveModel> {
    let d = &p.doc;
    let listed = |items: &mut dyn Iterator<Item = &str>| {
        let joined: Vec<&str> = items.collect();
        format!(",{},", joined.join(","))
    };
    let client_groups = listed(&mut d.client_groups.iter().map(|(k, _)| k.as_str()));
    let languages = listed(&mut d.languages.iter().map(String::as_str));
    let (unit, pence) = match &d.price {
        search_index::Price::Free => ("free".to_owned(), Some(0)),
        search_index::Price::Charged { pence, unit } => (unit.clone(), i64::try_from(*pence).ok()),
        search_index::Price::NotGiven => (String::new(), None),
    };
    d.categories
        .iter()
        .map(|c| market_supply::ActiveModel {
            listing_id: Set(ListingId(d.listing_id as i64)),
            organisation_id: Set(OrganisationId(d.provider_id as i64)),
            category_path: Set(c.path.clone()),
            top_category: Set(c.path.split('/').next().unwrap_or_default().to_owned()),
            district: Set(super::analysis::known_district(p.district.clone())),
            provider_kind: Set(p.provider_kind),
            accepting: Set(d.accepting_new_clients == Some(true)),
            price_unit: Set(unit.clone()),
            price_pence: Set(pence),
            rating: Set(d.rating.map(|r| r.round() as i32)),
            client_groups: Set(client_groups.clone()),
            languages: Set(languages.clone()),
            refreshed_at: Set(now),
            ..Default::default()
        })
        .collect()
}

/// Replaces the rows of these listings: the public ones get fresh rows, the rest none.
/// Safe to run from several processes at once (same input, same rows).
pub async fn sync(
    db: &DatabaseConnection,
    public: &[Projection],
    gone: &[ListingId],
) -> Result<(), DbErr> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let ids: Vec<ListingId> = public
        .iter()
        .map(|p| ListingId(p.doc.listing_id as i64))
        .chain(gone.iter().copied())
        .collect();
    for chunk in ids.chunks(INSERT_CHUNK) {
        market_supply::Entity::delete_many()
            .filter(market_supply::Column::ListingId.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?;
    }
    let rows: Vec<_> = public.iter().flat_map(|p| rows_of(p, now)).collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        market_supply::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    market_supply::Column::ListingId,
                    market_supply::Column::CategoryPath,
                ])
                .update_columns([
                    market_supply::Column::OrganisationId,
                    market_supply::Column::TopCategory,
                    market_supply::Column::District,
                    market_supply::Column::ProviderKind,
                    market_supply::Column::Accepting,
                    market_supply::Column::PriceUnit,
                    market_supply::Column::PricePence,
                    market_supply::Column::Rating,
                    market_supply::Column::ClientGroups,
                    market_supply::Column::Languages,
                    market_supply::Column::RefreshedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    sync_languages(&txn, public, &ids).await?;
    remember_place(&txn, public).await?;
    txn.commit().await
}

/// One spelling per language, so "BSL", "bsl" and "British Sign Language" count together.
pub fn language_key(name: &str) -> (String, String) {
    const ALIASES: [(&str, &str); 4] = [
        ("bsl", "British Sign Language"),
        ("british sign language (bsl)", "British Sign Language"),
        ("makaton", "Makaton"),
        ("english (plain)", "English"),
    ];
    let key = name.trim().to_lowercase();
    match ALIASES.iter().find(|(alias, _)| *alias == key) {
        Some((_, canonical)) => (canonical.to_lowercase(), (*canonical).to_owned()),
        None => (key, name.trim().to_owned()),
    }
}

async fn sync_languages(
    txn: &impl ConnectionTrait,
    public: &[Projection],
    ids: &[ListingId],
) -> Result<(), DbErr> {
    for chunk in ids.chunks(INSERT_CHUNK) {
        market_languages::Entity::delete_many()
            .filter(market_languages::Column::ListingId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    let mut rows = Vec::new();
    for p in public {
        let mut seen = std::collections::BTreeSet::new();
        for language in &p.doc.languages {
            let (key, name) = language_key(language);
            if seen.insert(key.clone()) {
                rows.push(market_languages::ActiveModel {
                    listing_id: Set(ListingId(p.doc.listing_id as i64)),
                    language_key: Set(key.chars().take(40).collect()),
                    language: Set(name.chars().take(40).collect()),
                    ..Default::default()
                });
            }
        }
    }
    for chunk in rows.chunks(INSERT_CHUNK) {
        market_languages::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    market_languages::Column::ListingId,
                    market_languages::Column::LanguageKey,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Keeps on the listing the district and types of support it is public under, so that a
/// withdrawn service still counts in its area and type. Only listings whose place changed
/// are written, a hundred to a statement.
async fn remember_place(txn: &impl ConnectionTrait, public: &[Projection]) -> Result<(), DbErr> {
    use sea_orm::sea_query::{CaseStatement, Expr};
    let mut moved: Vec<(i64, (String, String))> = Vec::new();
    for p in public {
        let mut tops: Vec<&str> = p
            .doc
            .categories
            .iter()
            .map(|c| c.path.split('/').next().unwrap_or_default())
            .collect();
        tops.sort_unstable();
        tops.dedup();
        let categories: String = format!(",{},", tops.join(",")).chars().take(1000).collect();
        let place = (p.district.chars().take(8).collect(), categories);
        if place != p.stored_place {
            moved.push((p.doc.listing_id as i64, place));
        }
    }
    for chunk in moved.chunks(100) {
        let (mut district, mut categories) = (CaseStatement::new(), CaseStatement::new());
        for (id, (d, c)) in chunk {
            district = district.case(listings::Column::Id.eq(*id), d.clone());
            categories = categories.case(listings::Column::Id.eq(*id), c.clone());
        }
        listings::Entity::update_many()
            .col_expr(
                listings::Column::MarketDistrict,
                Into::<Expr>::into(district),
            )
            .col_expr(
                listings::Column::MarketCategories,
                Into::<Expr>::into(categories),
            )
            .filter(listings::Column::Id.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// After a full rebuild: drops rows not refreshed since it started (listings no longer public).
pub async fn drop_stale(conn: &impl ConnectionTrait, started: DateTime<Utc>) -> Result<u64, DbErr> {
    let dropped = market_supply::Entity::delete_many()
        .filter(market_supply::Column::RefreshedAt.lt(started))
        .exec(conn)
        .await?
        .rows_affected;
    market_languages::Entity::delete_many()
        .filter(
            market_languages::Column::ListingId.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(market_supply::Column::ListingId)
                    .from(market_supply::Entity)
                    .to_owned(),
            ),
        )
        .exec(conn)
        .await?;
    Ok(dropped)
}

/// Listings by quality rating for one type of support in one district.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QualityCell {
    /// Index = rating − 1 (inadequate, requires improvement, good, outstanding).
    pub rated: [u64; 4],
    pub unchecked: u64,
}

impl QualityCell {
    pub fn total(&self) -> u64 {
        self.rated.iter().sum::<u64>() + self.unchecked
    }

    pub fn checked(&self) -> u64 {
        self.rated.iter().sum()
    }

    /// Share checked and rated good or outstanding, in whole per cent of all listings.
    pub fn good_or_better_percent(&self) -> Option<u64> {
        let total = self.total();
        (total > 0).then(|| (self.rated[2] + self.rated[3]) * 100 / total)
    }
}

/// One row of the quality-of-supply table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QualityRow {
    pub category_path: String,
    pub category_name: String,
    /// Empty for online-only services.
    pub district: String,
    pub cell: QualityCell,
}

/// Quality of supply by type of support (leaf category) and postcode district, optionally
/// for one district. Grouped in the database.
pub async fn quality_by_category_and_district(
    conn: &impl ConnectionTrait,
    district: Option<&str>,
) -> Result<Vec<QualityRow>, DbErr> {
    let mut query = market_supply::Entity::find()
        .select_only()
        .column(market_supply::Column::CategoryPath)
        .column(market_supply::Column::District)
        .column(market_supply::Column::Rating)
        .column_as(market_supply::Column::Id.count(), "n")
        .group_by(market_supply::Column::CategoryPath)
        .group_by(market_supply::Column::District)
        .group_by(market_supply::Column::Rating)
        .order_by_asc(market_supply::Column::CategoryPath)
        .order_by_asc(market_supply::Column::District);
    if let Some(d) = district {
        query = query.filter(market_supply::Column::District.eq(d));
    }
    let groups: Vec<(String, String, Option<i32>, i64)> = query.into_tuple().all(conn).await?;
    let names = CategoryPaths::load(conn).await?.names_by_path();
    let mut cells: BTreeMap<(String, String), QualityCell> = BTreeMap::new();
    for (path, district, rating, n) in groups {
        let cell = cells
            .entry((path, super::analysis::known_district(district)))
            .or_default();
        let n = u64::try_from(n).unwrap_or(0);
        match rating {
            Some(r @ 1..=4) => cell.rated[(r - 1) as usize] += n,
            _ => cell.unchecked += n,
        }
    }
    Ok(cells
        .into_iter()
        .map(|((path, district), cell)| QualityRow {
            category_name: names.get(&path).cloned().unwrap_or_else(|| path.clone()),
            category_path: path,
            district,
            cell,
        })
        .collect())
}

/// Every district with supply that Kith's postcode data holds, in order.
pub async fn districts(conn: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let all: Vec<String> = market_supply::Entity::find()
        .select_only()
        .column(market_supply::Column::District)
        .distinct()
        .order_by_asc(market_supply::Column::District)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(all
        .into_iter()
        .filter(|d| d.is_empty() || search_index::is_known(d))
        .collect())
}

/// The quality table as CSV, one row per type of support and area.
pub fn quality_csv(rows: &[QualityRow]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "Type of support",
        "Category path",
        "Postcode district",
        "Services",
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
        "Not yet checked",
    ])?;
    for r in rows {
        let c = &r.cell;
        w.write_record([
            spreadsheet_safe(&r.category_name),
            r.category_path.clone(),
            r.district.clone(),
            c.total().to_string(),
            c.rated[3].to_string(),
            c.rated[2].to_string(),
            c.rated[1].to_string(),
            c.rated[0].to_string(),
            c.unchecked.to_string(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_counts_checked_and_good_or_better() {
        let cell = QualityCell {
            rated: [1, 1, 3, 1],
            unchecked: 2,
        };
        assert_eq!((cell.total(), cell.checked()), (8, 6));
        assert_eq!(cell.good_or_better_percent(), Some(50));
        assert_eq!(QualityCell::default().good_or_better_percent(), None);
    }
}
