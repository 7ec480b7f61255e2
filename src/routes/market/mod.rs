//! Market analysis for commissioners (and admins): the quality of supply by type of support
//! and area, as a page and as CSV.

pub mod mps;

use actix_web::{HttpResponse, web};

use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::market::analysis::{self, Filters};
use crate::domain::{market::export as market_export, market::supply as market_supply};
use crate::error::AppResult;
use crate::routes::csv_download;
use crate::state::AppState;
use crate::views::{Page, market as view};

#[derive(serde::Deserialize)]
pub struct AreaQuery {
    #[serde(default)]
    district: String,
}

impl AreaQuery {
    /// A district we hold supply for ("online" for online-only services, stored as no
    /// district); anything else, or nothing, means "all".
    fn district<'a>(&'a self, known: &[String]) -> Option<&'a str> {
        match self.district.trim() {
            "" => None,
            view::ONLINE => Some(""),
            d => known.iter().any(|k| k == d).then_some(d),
        }
    }
}

pub async fn quality(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AreaQuery>,
) -> AppResult<maud::Markup> {
    let districts = market_supply::districts(&state.db).await?;
    let district = query.district(&districts);
    let rows = market_supply::quality_by_category_and_district(&state.db, district).await?;
    Ok(view::quality(&page, &rows, &districts, district))
}

pub async fn quality_csv(
    state: web::Data<AppState>,
    query: web::Query<AreaQuery>,
) -> AppResult<HttpResponse> {
    let districts = market_supply::districts(&state.db).await?;
    let rows =
        market_supply::quality_by_category_and_district(&state.db, query.district(&districts))
            .await?;
    csv_download("quality-of-supply.csv", market_supply::quality_csv(&rows))
}

#[derive(serde::Deserialize)]
pub struct MarketQuery {
    #[serde(default)]
    days: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    client_group: String,
}

/// The filters asked for; anything unknown falls back to "all" (or 90 days).
struct Asked {
    filters: Filters,
    days: i64,
    query: String,
    names: std::collections::BTreeMap<String, String>,
    districts: Vec<String>,
}

async fn asked(state: &AppState, q: &MarketQuery) -> AppResult<Asked> {
    let days = q
        .days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| view::PERIODS.iter().any(|(p, _)| p == d))
        .unwrap_or(90);
    let names = analysis::top_category_names(&state.db).await?;
    let districts = market_supply::districts(&state.db).await?;
    let mut filters = Filters::last_days(state.clock.today(), days);
    let district = q.district.trim().to_uppercase();
    filters.district = (!district.is_empty()
        && district.len() <= 8
        && district.chars().all(|c| c.is_ascii_alphanumeric()))
    .then_some(district);
    filters.category = names
        .contains_key(q.category.trim())
        .then(|| q.category.trim().to_owned());
    filters.client_group = CLIENT_GROUPS
        .iter()
        .any(|(k, _)| *k == q.client_group.trim())
        .then(|| q.client_group.trim().to_owned());
    let mut query: Vec<(String, String)> = vec![("days".into(), days.to_string())];
    for (k, v) in [
        ("district", &filters.district),
        ("category", &filters.category),
        ("client_group", &filters.client_group),
    ] {
        if let Some(v) = v {
            query.push((k.into(), v.clone()));
        }
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    Ok(Asked {
        filters,
        days,
        query,
        names,
        districts,
    })
}

pub async fn overview(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<maud::Markup> {
    let a = asked(&state, &query).await?;
    let db = &state.db;
    let f = &a.filters;
    let supply = analysis::supply(db, f).await?;
    let demand = analysis::demand(db, f).await?;
    let gaps = analysis::gaps(&supply, &demand);
    let category_ids = crate::domain::categories::tree(db, false)
        .await?
        .into_iter()
        .map(|n| (n.category.slug, n.category.id))
        .collect();
    Ok(view::overview(
        &page,
        &view::Overview {
            filters: f,
            days: a.days,
            query: &a.query,
            names: &a.names,
            category_ids: &category_ids,
            districts: &a.districts,
            supply: &supply,
            prices: &analysis::prices(db, f).await?,
            ratings: analysis::ratings(db, f).await?,
            kinds: &analysis::provider_kinds(db, f).await?,
            flows: &analysis::flows(db, f).await?,
            demand: &demand,
            zero_queries: &analysis::zero_result_queries(db, f, 10).await?,
            languages: &analysis::languages(db, f).await?,
            gaps: &gaps,
            places: &crate::domain::vacancies::overview::pressure(
                db,
                f.start_time(),
                f.until_time(),
                f.district.as_deref(),
            )
            .await?,
        },
    ))
}

pub async fn supply_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    let a = asked(&state, &query).await?;
    let rows = analysis::supply(&state.db, &a.filters).await?;
    csv_download("supply.csv", market_export::supply_csv(&rows, &a.names))
}

pub async fn demand_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    let a = asked(&state, &query).await?;
    let rows = analysis::demand(&state.db, &a.filters).await?;
    csv_download("demand.csv", market_export::demand_csv(&rows, &a.names))
}

pub async fn gaps_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    let a = asked(&state, &query).await?;
    let supply = analysis::supply(&state.db, &a.filters).await?;
    let demand = analysis::demand(&state.db, &a.filters).await?;
    let gaps = analysis::gaps(&supply, &demand);
    csv_download("gaps.csv", market_export::gaps_csv(&gaps, &a.names))
}

/// The smaller tables of the market page, each as CSV with the page's filters.
enum Table {
    Prices,
    Ratings,
    Kinds,
    Flows,
    Languages,
    ZeroResults,
}

async fn table_csv(state: &AppState, query: &MarketQuery, table: Table) -> AppResult<HttpResponse> {
    let a = asked(state, query).await?;
    let (db, f) = (&state.db, &a.filters);
    match table {
        Table::Prices => csv_download(
            "prices.csv",
            market_export::prices_csv(&analysis::prices(db, f).await?),
        ),
        Table::Ratings => csv_download(
            "ratings.csv",
            market_export::ratings_csv(analysis::ratings(db, f).await?),
        ),
        Table::Kinds => csv_download(
            "provider-kinds.csv",
            market_export::kinds_csv(&analysis::provider_kinds(db, f).await?),
        ),
        Table::Flows => csv_download(
            "new-and-withdrawn.csv",
            market_export::flows_csv(&analysis::flows(db, f).await?),
        ),
        Table::Languages => csv_download(
            "languages.csv",
            market_export::counts_csv("Language", "Services", &analysis::languages(db, f).await?),
        ),
        Table::ZeroResults => csv_download(
            "searches-that-found-nothing.csv",
            market_export::counts_csv(
                "Words searched",
                "Times",
                &analysis::zero_result_queries(db, f, 100).await?,
            ),
        ),
    }
}

pub async fn prices_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    table_csv(&state, &query, Table::Prices).await
}

pub async fn ratings_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    table_csv(&state, &query, Table::Ratings).await
}

pub async fn kinds_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    table_csv(&state, &query, Table::Kinds).await
}

pub async fn flows_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    table_csv(&state, &query, Table::Flows).await
}

pub async fn languages_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    table_csv(&state, &query, Table::Languages).await
}

pub async fn zero_results_csv(
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> AppResult<HttpResponse> {
    table_csv(&state, &query, Table::ZeroResults).await
}
