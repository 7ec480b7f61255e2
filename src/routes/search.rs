//! Search handlers: the search page, `GET /api/v1/search` (the same parameters, JSON), and
//! the admins' view of the demand log. Every search is logged anonymously.

use entity::cqc_locations::CqcRating;
use entity::listings::ListingId;
use entity::provider_organisations::ProviderKind;
use entity::search_log::SearchSource;
use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::auth::access::ClientIp;
use crate::domain::categories::{self, CLIENT_GROUPS};
use crate::domain::cqc::rating_label;
use crate::domain::listings::content::DAYS;
use crate::domain::plans::clients::Acting;
use crate::domain::providers::organisations::{ORGANISATION_KINDS, kind_label};
use crate::domain::search::log as search_log;
use crate::domain::search::params::{BED_RANGES, PAGE_SIZE, ParsedSearch, SearchParams};
use crate::domain::validation::FormFields;
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::state::AppState;
use crate::views::Page;
use crate::views::search::{FacetOption, SearchView};
use search_index::SearchResults;

fn params_of(req: &HttpRequest) -> SearchParams {
    let pairs = url::form_urlencoded::parse(req.query_string().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .take(200)
        .collect();
    SearchParams::from_fields(&FormFields(pairs))
}

/// Where a search came from: only people using the search page are demand (`Page` holds
/// who, for counting each search once a day); programs reading the API are not logged.
enum Source {
    Page(search_log::Visitor),
    Api,
}

/// The visitor a page search counts for: their session (the signed cookie's value) when
/// the browser keeps one, else their network address; salted with the cookie-signing
/// secret (the same on every instance) and hashed, so neither is stored.
fn visitor(state: &AppState, req: &HttpRequest, ip: &str) -> search_log::Visitor {
    let hashed = |who: &str| state.salted_hash(who);
    let address = hashed(&format!("address {ip}"));
    match crate::app::session_cookie_value(req, &state.cookie_key) {
        Some(session) => search_log::Visitor {
            who: hashed(&format!("session {session}")),
            first_seen_as: Some(address),
        },
        None => search_log::Visitor {
            who: address,
            first_seen_as: None,
        },
    }
}

/// Runs the search off the async threads, within the client's allowance, and logs searches
/// made on the page.
async fn run(
    state: &AppState,
    ip: &str,
    params: &SearchParams,
    source: Source,
) -> AppResult<(ParsedSearch, SearchResults)> {
    state
        .search_buckets
        .take(ip, state.settings.search_requests_per_minute)
        .map_err(crate::auth::rate_limit::TooMany)?;
    if let Some(secs) = crate::indexer::Readiness::of(&state.search).building_for() {
        return Err(AppError::SearchRebuilding {
            retry_after_secs: secs,
        });
    }
    let parsed = params.parse();
    let index = state.search.clone();
    let request = parsed.request.clone();
    let started = std::time::Instant::now();
    let results = crate::routes::blocking(move || index.search(&request))
        .await?
        .map_err(|e| AppError::Internal(e.into()))?;
    let source_name = match source {
        Source::Page(_) => "page",
        Source::Api => "api",
    };
    state.metrics.searched(source_name, started.elapsed());
    if let Source::Page(visitor) = source {
        state.search_log.log(search_log::Entry::of(
            params,
            parsed.area.as_deref(),
            results.total,
            SearchSource::Page,
            visitor,
        ));
    }
    Ok((parsed, results))
}

/// Category names by facet value ("respite", "respite/respite-agency"), in taxonomy order.
async fn category_labels(state: &AppState) -> AppResult<Vec<(String, String, bool)>> {
    let tree = categories::tree(&state.read, false).await?;
    let mut out = Vec::new();
    for node in tree {
        let top = node.category.slug.clone();
        out.push((top.clone(), node.category.name.clone(), false));
        for child in node.children {
            out.push((format!("{top}/{}", child.slug), child.name, true));
        }
    }
    Ok(out)
}

fn options(
    table: &[(String, String, bool)],
    counts: &std::collections::BTreeMap<String, u64>,
    selected: &[String],
) -> Vec<FacetOption> {
    table
        .iter()
        .filter_map(|(value, label, nested)| {
            let count = counts.get(value).copied().unwrap_or(0);
            (count > 0 || selected.contains(value)).then(|| FacetOption {
                value: value.clone(),
                label: label.clone(),
                count,
                nested: *nested,
            })
        })
        .collect()
}

fn fixed(table: &[(&str, &str)]) -> Vec<(String, String, bool)> {
    table
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned(), false))
        .collect()
}

pub async fn page(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    req: HttpRequest,
) -> AppResult<maud::Markup> {
    let params = params_of(&req);
    let who = visitor(&state, &req, &ip);
    let (parsed, results) = run(&state, &ip, &params, Source::Page(who)).await?;
    // Each result can be saved to (or is already on) the shortlist of whoever is searching.
    let acting =
        crate::routes::acting::current_if_signed_in(&state, &session, page.user.as_ref()).await?;
    let saved =
        crate::routes::plans::shortlists::saved_ids(&state, &session, acting.as_ref()).await?;
    let categories = category_labels(&state).await?;
    let kinds: Vec<(String, String, bool)> = ORGANISATION_KINDS
        .iter()
        .map(|(k, l, _)| (k.as_str().to_owned(), (*l).to_owned(), false))
        .collect();
    let mut languages: Vec<(&String, &u64)> = results.facets.languages.iter().collect();
    languages.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let language_table: Vec<(String, String, bool)> = languages
        .iter()
        .take(15)
        .map(|(l, _)| ((*l).clone(), (*l).clone(), false))
        .chain(
            params
                .language
                .iter()
                .map(|l| (l.clone(), l.clone(), false)),
        )
        .fold(Vec::new(), |mut acc, item| {
            if !acc.iter().any(|(v, _, _)| *v == item.0) {
                acc.push(item);
            }
            acc
        });
    let names: HashMap<String, String> = categories
        .iter()
        .map(|(v, l, _)| (v.clone(), l.clone()))
        .collect();
    let label_of = |name: &str, value: &str| -> String {
        let found = match name {
            "category" => names.get(value).cloned(),
            "client_group" => CLIENT_GROUPS
                .iter()
                .find(|(k, _)| *k == value)
                .map(|(_, l)| (*l).to_owned()),
            "kind" => ProviderKind::parse(value).map(|k| kind_label(k).to_owned()),
            "day" => DAYS
                .iter()
                .find(|(k, _)| *k == value)
                .map(|(_, l)| (*l).to_owned()),
            "near" => Some(format!("Near {value}")),
            "radius" => Some(format!("Within {value} miles")),
            "max_price" => Some(format!("Up to £{}", value.trim_start_matches('£'))),
            "unit" => crate::domain::listings::content::PriceUnit::parse(value)
                .map(|u| format!("Price {}", u.label())),
            "min_rating" => Some(format!("Council rating {value} or more")),
            "cqc" => CqcRating::parse(value).map(|r| format!("CQC: {}", rating_label(r))),
            "beds" => BED_RANGES
                .iter()
                .find(|(k, ..)| *k == value)
                .map(|(_, label, ..)| format!("Care home: {}", label.to_lowercase())),
            "nursing" => Some("Nursing care".to_owned()),
            "dementia" => Some("Dementia care".to_owned()),
            "places" => Some("Has places free now".to_owned()),
            "accepting" => Some("Taking new clients".to_owned()),
            "dbs" => Some("DBS checked".to_owned()),
            "insured" => Some("Insured".to_owned()),
            "quality" => Some("Quality checked".to_owned()),
            _ => None,
        };
        found.unwrap_or_else(|| value.to_owned())
    };
    let v = SearchView {
        params: &params,
        applied: &parsed.applied,
        results: &results,
        notices: &parsed.notices,
        categories: options(&categories, &results.facets.categories, &params.category),
        client_groups: options(
            &fixed(&CLIENT_GROUPS),
            &results.facets.client_groups,
            &params.client_group,
        ),
        kinds: options(&kinds, &results.facets.provider_kinds, &params.kind),
        languages: options(&language_table, &results.facets.languages, &params.language),
        label_of: &label_of,
        saved: &saved,
        client: acting.as_ref().and_then(Acting::client_id_name),
        now: state.clock.now(),
    };
    Ok(crate::views::search::search(&page, &v))
}

/// A search result in the API: a published listing, never an address.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiHit {
    pub id: u64,
    pub title: String,
    pub summary: String,
    /// Matching words in context, HTML-escaped with `<b>` around the matches.
    pub snippet_html: Option<String>,
    pub url: String,
    pub provider: ApiProvider,
    /// The price in pence and what it is for; absent when free.
    pub price: Option<ApiPrice>,
    pub free: bool,
    /// Miles from `near` to the listing's venue, to one decimal place, when searching near a
    /// place and the venue is within the radius.
    pub distance_miles: Option<f64>,
    /// `true` when the provider visits people at home at `near`.
    pub visits_home: bool,
    /// CQC's latest overall rating of the listing's registered location (`outstanding`,
    /// `good`, `requires_improvement` or `inadequate`), when CQC has rated it; the council's
    /// own quality checks are separate.
    pub cqc_rating: Option<String>,
    /// When CQC published that rating (ISO 8601 date).
    pub cqc_published: Option<String>,
    /// A care home's registered beds.
    pub beds: Option<u32>,
    /// The places its provider says are free, when it says.
    pub places: Option<ApiPlaces>,
    /// The language the title and summary are written in (a BCP 47 tag such as `cy` or
    /// `pl`); absent when English.
    pub lang: Option<String>,
}

/// Places free, as the provider last said.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiPlaces {
    /// In words, e.g. "2 nursing places, 1 respite place".
    pub summary: String,
    /// When the provider said so (RFC 3339); more than 7 days ago may be out of date.
    pub updated: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiProvider {
    pub id: u64,
    pub name: String,
    pub url: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiPrice {
    pub pence: u64,
    /// `hour`, `session`, `day`, `week` or `item`.
    pub unit: String,
}

/// How many matches each filter value would give.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiFacets {
    pub category: std::collections::BTreeMap<String, u64>,
    pub client_group: std::collections::BTreeMap<String, u64>,
    pub kind: std::collections::BTreeMap<String, u64>,
    pub language: std::collections::BTreeMap<String, u64>,
    pub day: std::collections::BTreeMap<String, u64>,
    pub cqc: std::collections::BTreeMap<String, u64>,
}

/// A page of search results.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiSearchResults {
    /// Every match, across all pages.
    pub total: usize,
    pub page: u32,
    pub page_size: usize,
    /// The postcode sector or district searched from, if `near` was understood.
    pub area: Option<String>,
    /// Things the searcher should be told (an unknown postcode, an unreadable price…).
    pub notices: Vec<String>,
    pub results: Vec<ApiHit>,
    pub facets: ApiFacets,
}

/// Searches published listings: the same parameters and results as the search page.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of results", body = ApiSearchResults),
        (status = 400, description = "A page that cannot exist", body = crate::error::ApiError),
        (status = 429, description = "Too many requests", body = crate::error::ApiError),
        (status = 503, description = "The search index is being rebuilt; try again after Retry-After seconds", body = crate::error::ApiError),
    )
)]
pub async fn api(
    state: web::Data<AppState>,
    ClientIp(ip): ClientIp,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let params = params_of(&req);
    // The page is lenient; a program asking for a page that cannot exist is told so.
    let asked = url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "page")
        .map(|(_, v)| v.into_owned());
    if let Some(page) = asked
        && !page
            .trim()
            .parse::<u32>()
            .is_ok_and(|p| (1..=crate::domain::search::params::MAX_PAGE).contains(&p))
    {
        return Err(AppError::BadRequest(format!(
            "page must be a whole number from 1 to {}",
            crate::domain::search::params::MAX_PAGE
        )));
    }
    let (parsed, results) = run(&state, &ip, &params, Source::Api).await?;
    let results_out: Vec<ApiHit> = results
        .hits
        .iter()
        .map(|h| ApiHit {
            id: h.listing_id,
            title: h.title.clone(),
            summary: h.summary.clone(),
            snippet_html: h.snippet_html.clone(),
            url: format!(
                "{}{}",
                state.base_url,
                paths::listing(ListingId(h.listing_id as i64))
            ),
            provider: ApiProvider {
                id: h.provider_id,
                name: h.provider_name.clone(),
                url: format!(
                    "{}{}",
                    state.base_url,
                    paths::provider_profile(entity::provider_organisations::OrganisationId::from(
                        h.provider_id as i64
                    ))
                ),
            },
            price: match &h.price {
                search_index::Price::Charged { pence, unit } => Some(ApiPrice {
                    pence: *pence,
                    unit: unit.clone(),
                }),
                _ => None,
            },
            free: h.price == search_index::Price::Free,
            distance_miles: h.distance_miles.map(|m| (m * 10.0).round() / 10.0),
            visits_home: h.visits_home,
            cqc_rating: h.cqc_rating.clone(),
            cqc_published: h.cqc_published.clone(),
            beds: h.beds,
            places: h.places.as_ref().map(|(summary, updated)| ApiPlaces {
                summary: summary.clone(),
                updated: updated.clone(),
            }),
            lang: h.lang.clone(),
        })
        .collect();
    let f = results.facets;
    Ok(HttpResponse::Ok().json(ApiSearchResults {
        total: results.total,
        page: params.page,
        page_size: PAGE_SIZE,
        area: parsed.area,
        notices: parsed.notices,
        results: results_out,
        facets: ApiFacets {
            category: f.categories,
            client_group: f.client_groups,
            kind: f.provider_kinds,
            language: f.languages,
            day: f.days,
            cqc: f.cqc_ratings,
        },
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LogQuery {
    zero: String,
    page: u64,
}

pub async fn demand_log(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<LogQuery>,
) -> AppResult<maud::Markup> {
    let zero_only = query.zero == "yes";
    let current = query.page.max(1);
    let (rows, total) = search_log::list(&state.db, zero_only, current).await?;
    Ok(crate::views::search::log::demand_log(
        &page,
        &rows,
        total,
        zero_only,
        current,
        state.search_log.not_logged(),
    ))
}
