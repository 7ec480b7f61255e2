//! Market analysis for the Market Position Statement: supply (from `market_supply`),
//! demand (the daily search roll-up and enquiries) and the gaps between them, by type of
//! support (top-level category) and postcode district. Everything is grouped in the
//! database; only the grouped rows come back.

use entity::enquiries::EnquiryOutcome;
use entity::provider_organisations::ProviderKind;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use entity::{
    enquiries, enquiry_categories, market_languages, market_supply, search_demand_daily,
    search_log, search_zero_words_daily,
};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::domain::search::documents::CategoryPaths;

/// What the analysis looks at: a period (whole days, inclusive) and optional narrowing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filters {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub district: Option<String>,
    /// A top-level category slug.
    pub category: Option<String>,
    pub client_group: Option<String>,
}

impl Filters {
    /// The last `days` days up to `today`.
    pub fn last_days(today: NaiveDate, days: i64) -> Self {
        Self {
            from: today - Duration::days(days.max(1) - 1),
            to: today,
            district: None,
            category: None,
            client_group: None,
        }
    }

    pub fn start_time(&self) -> chrono::DateTime<Utc> {
        Utc.from_utc_datetime(&self.from.and_time(NaiveTime::MIN))
    }

    pub fn until_time(&self) -> chrono::DateTime<Utc> {
        Utc.from_utc_datetime(&(self.to + Duration::days(1)).and_time(NaiveTime::MIN))
    }

    fn supply(&self, mut q: Select<market_supply::Entity>) -> Select<market_supply::Entity> {
        if let Some(d) = &self.district {
            q = q.filter(market_supply::Column::District.eq(d.as_str()));
        }
        if let Some(c) = &self.category {
            q = q.filter(market_supply::Column::TopCategory.eq(c.as_str()));
        }
        if let Some(g) = &self.client_group {
            q = q.filter(market_supply::Column::ClientGroups.contains(format!(",{g},")));
        }
        q
    }
}

/// Names of top-level categories by slug.
pub async fn top_category_names(
    conn: &impl ConnectionTrait,
) -> Result<BTreeMap<String, String>, DbErr> {
    Ok(CategoryPaths::load(conn)
        .await?
        .names_by_path()
        .into_iter()
        .filter(|(path, _)| !path.contains('/'))
        .collect())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Published services by type of support and district (now, not over the period).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupplyCell {
    pub services: u64,
    pub providers: u64,
    pub accepting: u64,
}

pub type Key = (String, String);

pub async fn supply(
    conn: &impl ConnectionTrait,
    f: &Filters,
) -> Result<BTreeMap<Key, SupplyCell>, DbErr> {
    let grouped = |accepting_only: bool| {
        let mut q = f
            .supply(market_supply::Entity::find())
            .select_only()
            .column(market_supply::Column::TopCategory)
            .column(market_supply::Column::District)
            .column_as(
                Expr::expr(Func::count_distinct(Expr::col(
                    market_supply::Column::ListingId,
                ))),
                "services",
            )
            .column_as(
                Expr::expr(Func::count_distinct(Expr::col(
                    market_supply::Column::OrganisationId,
                ))),
                "providers",
            )
            .group_by(market_supply::Column::TopCategory)
            .group_by(market_supply::Column::District);
        if accepting_only {
            q = q.filter(market_supply::Column::Accepting.eq(true));
        }
        q
    };
    let mut out: BTreeMap<Key, SupplyCell> = BTreeMap::new();
    let all: Vec<(String, String, i64, i64)> = grouped(false).into_tuple().all(conn).await?;
    for (category, district, services, providers) in all {
        let cell = out.entry((category, known_district(district))).or_default();
        cell.services += count(services);
        // Distinct providers cannot be added across folded districts without counting one
        // twice; the larger count is never more than the truth.
        cell.providers = cell.providers.max(count(providers));
    }
    let accepting: Vec<(String, String, i64, i64)> = grouped(true).into_tuple().all(conn).await?;
    for (category, district, services, _) in accepting {
        out.entry((category, known_district(district)))
            .or_default()
            .accepting += count(services);
    }
    Ok(out)
}

/// The spread of prices for one unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceSpread {
    pub unit: String,
    pub count: u64,
    pub lower_quartile: i64,
    pub median: i64,
    pub upper_quartile: i64,
}

/// Price quartiles per unit (free services left out), each picked by the database.
pub async fn prices(conn: &impl ConnectionTrait, f: &Filters) -> Result<Vec<PriceSpread>, DbErr> {
    let units: Vec<(String, i64)> = f
        .supply(market_supply::Entity::find())
        .select_only()
        .column(market_supply::Column::PriceUnit)
        .column_as(market_supply::Column::Id.count(), "n")
        .filter(market_supply::Column::PriceUnit.ne("free"))
        .filter(market_supply::Column::PricePence.is_not_null())
        .group_by(market_supply::Column::PriceUnit)
        .order_by_asc(market_supply::Column::PriceUnit)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for (unit, n) in units {
        let n = count(n);
        let at = |rank: u64| {
            f.supply(market_supply::Entity::find())
                .select_only()
                .column(market_supply::Column::PricePence)
                .filter(market_supply::Column::PriceUnit.eq(unit.as_str()))
                .filter(market_supply::Column::PricePence.is_not_null())
                .order_by_asc(market_supply::Column::PricePence)
                .offset(rank)
                .limit(1)
                .into_tuple::<i64>()
                .one(conn)
        };
        let (lq, med, uq) = (
            at((n - 1) / 4).await?,
            at((n - 1) / 2).await?,
            at((n - 1) * 3 / 4).await?,
        );
        if let (Some(lower_quartile), Some(median), Some(upper_quartile)) = (lq, med, uq) {
            out.push(PriceSpread {
                unit,
                count: n,
                lower_quartile,
                median,
                upper_quartile,
            });
        }
    }
    Ok(out)
}

/// Services by overall quality rating (index 0 = not yet checked, 1–4 the rating).
pub async fn ratings(conn: &impl ConnectionTrait, f: &Filters) -> Result<[u64; 5], DbErr> {
    let rows: Vec<(Option<i32>, i64)> = f
        .supply(market_supply::Entity::find())
        .select_only()
        .column(market_supply::Column::Rating)
        .column_as(
            Expr::expr(Func::count_distinct(Expr::col(
                market_supply::Column::ListingId,
            ))),
            "n",
        )
        .group_by(market_supply::Column::Rating)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out = [0u64; 5];
    for (rating, n) in rows {
        let i = rating.filter(|r| (1..=4).contains(r)).unwrap_or(0) as usize;
        out[i] += count(n);
    }
    Ok(out)
}

/// Providers by kind.
pub async fn provider_kinds(
    conn: &impl ConnectionTrait,
    f: &Filters,
) -> Result<Vec<(ProviderKind, u64)>, DbErr> {
    let rows: Vec<(ProviderKind, i64)> = f
        .supply(market_supply::Entity::find())
        .select_only()
        .column(market_supply::Column::ProviderKind)
        .column_as(
            Expr::expr(Func::count_distinct(Expr::col(
                market_supply::Column::OrganisationId,
            ))),
            "n",
        )
        .group_by(market_supply::Column::ProviderKind)
        .order_by_asc(market_supply::Column::ProviderKind)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(k, n)| (k, count(n))).collect())
}

/// Languages offered: services offering each (most first), with one spelling per language.
pub async fn languages(
    conn: &impl ConnectionTrait,
    f: &Filters,
) -> Result<Vec<(String, u64)>, DbErr> {
    let join = market_supply::Entity::belongs_to(market_languages::Entity)
        .from(market_supply::Column::ListingId)
        .to(market_languages::Column::ListingId)
        .into();
    let rows: Vec<(String, Option<String>, i64)> = f
        .supply(market_supply::Entity::find())
        .select_only()
        .join(JoinType::InnerJoin, join)
        .column(market_languages::Column::LanguageKey)
        .column_as(
            Expr::expr(Func::max(Expr::col((
                market_languages::Entity,
                market_languages::Column::Language,
            )))),
            "language",
        )
        .column_as(
            Expr::expr(Func::count_distinct(Expr::col((
                market_supply::Entity,
                market_supply::Column::ListingId,
            )))),
            "n",
        )
        .group_by(market_languages::Column::LanguageKey)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: Vec<(String, u64)> = rows
        .into_iter()
        .map(|(key, name, n)| (name.unwrap_or(key), count(n)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

/// Services first published, and published services withdrawn (archived), in one month.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MonthFlow {
    /// The first day of the month.
    pub month: NaiveDate,
    pub new: u64,
    pub withdrawn: u64,
}

/// New and withdrawn services per calendar month of the period, in the district and type of
/// support asked for (where each listing was last public). Two counted range queries a month.
pub async fn flows(conn: &impl ConnectionTrait, f: &Filters) -> Result<Vec<MonthFlow>, DbErr> {
    use chrono::Datelike;
    use entity::listings;
    use sea_orm::PaginatorTrait;
    let day_start = |d: NaiveDate| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN));
    let mut out = Vec::new();
    let mut month = NaiveDate::from_ymd_opt(f.from.year(), f.from.month(), 1).unwrap_or(f.from);
    while month <= f.to {
        let next = if month.month() == 12 {
            NaiveDate::from_ymd_opt(month.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(month.year(), month.month() + 1, 1)
        }
        .unwrap_or(f.to + Duration::days(1));
        let start = day_start(month.max(f.from));
        let end = day_start(next.min(f.to + Duration::days(1)));
        let placed = || {
            let mut q = listings::Entity::find();
            if let Some(d) = &f.district {
                q = q.filter(listings::Column::MarketDistrict.eq(d.as_str()));
            }
            if let Some(c) = &f.category {
                q = q.filter(listings::Column::MarketCategories.contains(format!(",{c},")));
            }
            q
        };
        let new = placed()
            .filter(listings::Column::PublishedAt.gte(start))
            .filter(listings::Column::PublishedAt.lt(end))
            .count(conn)
            .await?;
        let withdrawn = placed()
            .filter(listings::Column::ArchivedAt.gte(start))
            .filter(listings::Column::ArchivedAt.lt(end))
            .filter(listings::Column::PublishedAt.is_not_null())
            .count(conn)
            .await?;
        out.push(MonthFlow {
            month,
            new,
            withdrawn,
        });
        month = next;
    }
    Ok(out)
}

/// Demand in the period by type of support and district.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemandCell {
    pub searches: u64,
    pub zero_results: u64,
    pub enquiries: u64,
    pub arranged: u64,
    pub not_available: u64,
    pub no_response: u64,
    pub declined: u64,
    /// Enquiries the provider replied to, and the minutes they waited in all.
    pub answered: u64,
    pub answer_minutes: u64,
}

impl DemandCell {
    /// The average wait for a provider's first reply, in hours.
    pub fn average_reply_hours(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.answer_minutes as f64 / self.answered as f64 / 60.0)
    }

    /// Enquiries that ended without support.
    pub fn unmet(&self) -> u64 {
        self.not_available + self.no_response
    }
}

/// A district as the figures show it: one Kith's postcode data does not hold (kept from
/// before places were checked, or typed into a search) counts as no place at all, like an
/// online service, so no made-up district appears in a table, a chart or a statement.
pub fn known_district(district: String) -> String {
    if district.is_empty() || search_index::is_known(&district) {
        district
    } else {
        String::new()
    }
}

/// SUM of an integer column as a 64-bit integer (PostgreSQL would return a decimal).
fn sum_as_bigint(col: impl sea_orm::sea_query::IntoColumnRef) -> Expr {
    Expr::expr(Func::cast_as(
        Func::sum(Expr::col(col)),
        sea_orm::sea_query::Alias::new("BIGINT"),
    ))
}

pub async fn demand(
    conn: &impl ConnectionTrait,
    f: &Filters,
) -> Result<BTreeMap<Key, DemandCell>, DbErr> {
    let mut out: BTreeMap<Key, DemandCell> = BTreeMap::new();
    let mut q = search_demand_daily::Entity::find()
        .select_only()
        .column(search_demand_daily::Column::Category)
        .column(search_demand_daily::Column::District)
        .column_as(
            sum_as_bigint(search_demand_daily::Column::Searches),
            "searches",
        )
        .column_as(
            sum_as_bigint(search_demand_daily::Column::ZeroResults),
            "zero",
        )
        .filter(search_demand_daily::Column::Day.gte(f.from))
        .filter(search_demand_daily::Column::Day.lte(f.to))
        .group_by(search_demand_daily::Column::Category)
        .group_by(search_demand_daily::Column::District);
    if let Some(d) = &f.district {
        q = q.filter(search_demand_daily::Column::District.eq(d.as_str()));
    }
    if let Some(c) = &f.category {
        q = q.filter(search_demand_daily::Column::Category.eq(c.as_str()));
    }
    let searches: Vec<(String, String, Option<i64>, Option<i64>)> =
        q.into_tuple().all(conn).await?;
    for (category, district, n, zero) in searches {
        let cell = out.entry((category, known_district(district))).or_default();
        cell.searches += count(n.unwrap_or(0));
        cell.zero_results += count(zero.unwrap_or(0));
    }
    // Enquiries: grouped by category, sector and outcome in the database, then folded into
    // top-level categories and districts (a few hundred rows at most).
    let join = enquiry_categories::Entity::belongs_to(enquiries::Entity)
        .from(enquiry_categories::Column::EnquiryId)
        .to(enquiries::Column::Id)
        .into();
    type Row = (
        i64,
        Option<String>,
        Option<EnquiryOutcome>,
        i64,
        i64,
        Option<i64>,
    );
    let rows: Vec<Row> = enquiry_categories::Entity::find()
        .select_only()
        .join(JoinType::InnerJoin, join)
        .column(enquiry_categories::Column::CategoryId)
        .column(enquiries::Column::PostcodeSector)
        .column(enquiries::Column::Outcome)
        .column_as(enquiry_categories::Column::EnquiryId.count(), "n")
        .column_as(enquiries::Column::FirstResponseMinutes.count(), "answered")
        .column_as(
            sum_as_bigint((enquiries::Entity, enquiries::Column::FirstResponseMinutes)),
            "minutes",
        )
        .filter(enquiries::Column::CreatedAt.gte(f.start_time()))
        .filter(enquiries::Column::CreatedAt.lt(f.until_time()))
        .group_by(enquiry_categories::Column::CategoryId)
        .group_by(enquiries::Column::PostcodeSector)
        .group_by(enquiries::Column::Outcome)
        .into_tuple()
        .all(conn)
        .await?;
    let tops = CategoryPaths::load(conn).await?.top_slugs();
    for (category_id, sector, outcome, n, answered, minutes) in rows {
        let Some(top) = tops.get(&category_id) else {
            continue;
        };
        let district = known_district(
            sector
                .as_deref()
                .and_then(|s| s.split(' ').next())
                .unwrap_or_default()
                .to_owned(),
        );
        if f.category.as_ref().is_some_and(|c| c != top)
            || f.district.as_ref().is_some_and(|d| *d != district)
        {
            continue;
        }
        let n = count(n);
        let cell = out.entry((top.clone(), district)).or_default();
        cell.enquiries += n;
        cell.answered += count(answered);
        cell.answer_minutes += count(minutes.unwrap_or(0));
        match outcome {
            Some(EnquiryOutcome::Arranged) => cell.arranged += n,
            Some(EnquiryOutcome::NotAvailable) => cell.not_available += n,
            Some(EnquiryOutcome::NoResponse) => cell.no_response += n,
            Some(EnquiryOutcome::Declined) => cell.declined += n,
            _ => {}
        }
    }
    Ok(out)
}

/// Whether searched text reads as words someone wanted, not a link, markup, a number or a
/// string of symbols: two letters at least, and few characters that are neither letters nor
/// spaces nor ordinary punctuation.
pub fn looks_like_words(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let others = text
        .chars()
        .filter(|c| !c.is_alphabetic() && !c.is_whitespace() && !"'’-&,.".contains(*c))
        .count();
    let lower = text.to_lowercase();
    letters >= 2
        && others * 4 <= letters
        && !["://", "www.", "<", ">", "{", "}", "@"]
            .iter()
            .any(|s| lower.contains(s))
}

/// The words people searched for most often that found nothing in the period: searches
/// that counted as demand (once per visitor and day), and only text that reads as words.
/// Recent searches are read from the search log; older ones from the daily roll-up the
/// retention job made before deleting them (a search is in one or the other, never both).
pub async fn zero_result_queries(
    conn: &impl ConnectionTrait,
    f: &Filters,
    limit: u64,
) -> Result<Vec<(String, u64)>, DbErr> {
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::{Alias, Query, UnionType};
    // One statement, so a retention batch that moves rows from the log into the roll-up
    // between two reads can never count them twice.
    let mut both = raw_zero_result_queries(f).into_query();
    both.union(
        UnionType::All,
        rolled_up_zero_result_queries(f).into_query(),
    );
    let text = Alias::new("query_text");
    let query = Query::select()
        .column(text.clone())
        .expr_as(sum_as_bigint(Alias::new("n")), Alias::new("n"))
        .from_subquery(both, Alias::new("zero"))
        .group_by_col(text)
        .to_owned();
    let mut rows: Vec<(String, u64)> = Vec::new();
    for row in conn.query_all(&query).await? {
        let text: String = row.try_get("", "query_text")?;
        let n: i64 = row.try_get("", "n")?;
        if looks_like_words(&text) {
            rows.push((text, count(n)));
        }
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(rows)
}

fn rolled_up_zero_result_queries(f: &Filters) -> sea_orm::Select<search_zero_words_daily::Entity> {
    let mut q = search_zero_words_daily::Entity::find()
        .select_only()
        .column(search_zero_words_daily::Column::QueryText)
        .column_as(
            sum_as_bigint(search_zero_words_daily::Column::Searches),
            "n",
        )
        .filter(search_zero_words_daily::Column::QueryText.ne(""))
        .filter(search_zero_words_daily::Column::Day.gte(f.from))
        .filter(search_zero_words_daily::Column::Day.lte(f.to))
        .group_by(search_zero_words_daily::Column::QueryText);
    if let Some(d) = &f.district {
        q = q.filter(search_zero_words_daily::Column::District.eq(d.as_str()));
    }
    if let Some(c) = &f.category {
        q = q.filter(search_zero_words_daily::Column::Category.eq(c.as_str()));
    }
    q
}

fn raw_zero_result_queries(f: &Filters) -> sea_orm::Select<search_log::Entity> {
    let mut q = search_log::Entity::find()
        .select_only()
        .column(search_log::Column::QueryText)
        .column_as(
            Expr::expr(Func::cast_as(
                Func::count(Expr::col(search_log::Column::Id)),
                sea_orm::sea_query::Alias::new("BIGINT"),
            )),
            "n",
        )
        .filter(search_log::Column::ResultCount.eq(0))
        .filter(search_log::Column::Counted.eq(true))
        .filter(search_log::Column::QueryText.ne(""))
        .filter(search_log::Column::CreatedAt.gte(f.start_time()))
        .filter(search_log::Column::CreatedAt.lt(f.until_time()))
        .group_by(search_log::Column::QueryText);
    if let Some(d) = &f.district {
        q = q.filter(search_log::Column::District.eq(d.as_str()));
    }
    if let Some(c) = &f.category {
        q = q.filter(search_log::Column::Category.eq(c.as_str()));
    }
    q
}

/// Demand set against supply for one type of support in one district.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub category: String,
    pub district: String,
    pub services: u64,
    pub demand: DemandCell,
    /// Searches and enquiries per published service (+1, so no service is not infinite).
    pub index: f64,
}

/// The gap index: demand (searches and enquiries in the period) per published service,
/// counting one more service than there is so that "none" compares fairly.
pub fn gap_index(demand: &DemandCell, services: u64) -> f64 {
    (demand.searches + demand.enquiries) as f64 / (services + 1) as f64
}

/// Every type of support and district with demand or supply, worst gaps first (most
/// searches that found nothing, then highest index). Rows without a district (online
/// services; searches without a postcode) are left out: a gap is a place.
pub fn gaps(supply: &BTreeMap<Key, SupplyCell>, demand: &BTreeMap<Key, DemandCell>) -> Vec<Gap> {
    let keys: BTreeSet<&Key> = supply.keys().chain(demand.keys()).collect();
    let mut out: Vec<Gap> = keys
        .into_iter()
        .filter(|(c, d)| !c.is_empty() && !d.is_empty())
        .map(|key| {
            let services = supply.get(key).map_or(0, |s| s.services);
            let d = demand.get(key).cloned().unwrap_or_default();
            Gap {
                category: key.0.clone(),
                district: key.1.clone(),
                services,
                index: gap_index(&d, services),
                demand: d,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.demand
            .zero_results
            .cmp(&a.demand.zero_results)
            .then(b.index.total_cmp(&a.index))
            .then(a.category.cmp(&b.category))
            .then(a.district.cmp(&b.district))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_that_reads_as_words_is_a_search_that_found_nothing() {
        for words in [
            "astrology",
            "Urdu speaking carer",
            "men's shed",
            "day-care",
            "œuvre",
        ] {
            assert!(looks_like_words(words), "{words}");
        }
        for junk in [
            "12345",
            "a",
            "<script>alert(1)</script>",
            "http://spam.example",
            "www.spam.example",
            "%%%%$$$$",
            "{{7*7}}",
            "x1y2z3!!!!",
        ] {
            assert!(!looks_like_words(junk), "{junk}");
        }
    }

    fn demand(searches: u64, zero: u64, enquiries: u64) -> DemandCell {
        DemandCell {
            searches,
            zero_results: zero,
            enquiries,
            ..Default::default()
        }
    }

    #[test]
    fn gaps_put_unmet_searches_first_and_leave_out_placeless_rows() {
        let key = |c: &str, d: &str| (c.to_owned(), d.to_owned());
        let supply = BTreeMap::from([
            (
                key("day-support", "M33"),
                SupplyCell {
                    services: 4,
                    providers: 3,
                    accepting: 2,
                },
            ),
            (
                key("meals", ""),
                SupplyCell {
                    services: 9,
                    providers: 9,
                    accepting: 9,
                },
            ),
        ]);
        let demand_rows = BTreeMap::from([
            (key("day-support", "M16"), demand(84, 84, 6)),
            (key("day-support", "M33"), demand(40, 0, 10)),
            (key("respite", ""), demand(500, 500, 0)),
        ]);
        let g = gaps(&supply, &demand_rows);
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].district.as_str(), g[0].services), ("M16", 0));
        // (84 + 6) / (0 + 1) = 90; (40 + 10) / (4 + 1) = 10.
        assert!((g[0].index - 90.0).abs() < 1e-9 && (g[1].index - 10.0).abs() < 1e-9);
    }
}
