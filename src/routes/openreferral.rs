//! The Open Referral UK 3.0 read API under `/openreferral/`: published services only, in
//! the UK profile's shapes, paged as the standard says. Errors are JSON.

use actix_web::{HttpResponse, web};
use entity::listings::ListingId;
use serde_json::json;

use crate::domain::listings::{self, PublicListing};
use crate::domain::oruk::ids::{self, Kind};
use crate::domain::oruk::model::{Page, Service, ServiceAtLocation};
use crate::domain::oruk::query::ListQuery;
use crate::domain::oruk::{service, taxonomy};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::state::AppState;

pub const VERSION: &str = "3.0";
pub const PROFILE: &str = "https://github.com/openreferral/uk-profile";

pub async fn root(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "version": VERSION,
        "profile": PROFILE,
        "openapi_url": format!("{}{}", state.base_url, paths::openreferral_openapi_json()),
    }))
}

/// The UK profile's API description (vendored, CC BY-SA 4.0, credited in its folder).
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(include_str!("../../static/openreferral/openapi.json"))
}

async fn public(state: &AppState, listing_id: ListingId) -> AppResult<Option<PublicListing>> {
    Ok(listings::public_listing(&state.db, listing_id).await?)
}

/// The published listings a list request asks for, with the total that match.
async fn matching(
    state: &AppState,
    terms: &taxonomy::Terms,
    query: &ListQuery,
    places: bool,
) -> AppResult<(Vec<PublicListing>, u64, u64, u64)> {
    let listing = query.parse(terms, places).map_err(AppError::BadRequest)?;
    let Some(request) = listing.request else {
        return Ok((Vec::new(), 0, listing.page, listing.per_page));
    };
    let index = state.search.clone();
    let results = crate::routes::blocking(move || index.search(&request))
        .await?
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut found = Vec::new();
    for hit in &results.hits {
        // The index may be a moment behind the database: skip what is no longer public.
        if let Some(p) = public(state, ListingId(hit.listing_id as i64)).await? {
            found.push(p);
        }
    }
    Ok((found, results.total as u64, listing.page, listing.per_page))
}

pub async fn services(
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let terms = taxonomy::load(&state.db, &state.link_base()).await?;
    let (found, total, page, per_page) = matching(&state, &terms, &query, false).await?;
    let contents: Vec<Service> = found
        .iter()
        .map(|p| service::service(p, &terms, &state.link_base()).summary())
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(contents, total, page, per_page)))
}

pub async fn service(state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let (listing_id, _) = ids::parse(Kind::Service, &id).ok_or(AppError::NotFound)?;
    let p = public(&state, ListingId(listing_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let terms = taxonomy::load(&state.db, &state.link_base()).await?;
    Ok(HttpResponse::Ok().json(service::service(&p, &terms, &state.link_base())))
}

/// Each listing's first place (its venue, else online) with the service in brief.
pub async fn service_at_locations(
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let terms = taxonomy::load(&state.db, &state.link_base()).await?;
    let (found, total, page, per_page) = matching(&state, &terms, &query, true).await?;
    let contents: Vec<ServiceAtLocation> = found
        .iter()
        .filter_map(|p| {
            let mut sal = service::service_at_locations(p, &state.link_base())
                .into_iter()
                .next()?;
            sal.service = Some(Box::new(
                service::service(p, &terms, &state.link_base()).summary(),
            ));
            Some(sal)
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(contents, total, page, per_page)))
}

pub async fn service_at_location(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (listing_id, sub) = ids::parse(Kind::ServiceAtLocation, &id).ok_or(AppError::NotFound)?;
    let p = public(&state, ListingId(listing_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let wanted = ids::id(Kind::ServiceAtLocation, listing_id, sub);
    let mut sal = service::service_at_locations(&p, &state.link_base())
        .into_iter()
        .find(|s| s.id == wanted)
        .ok_or(AppError::NotFound)?;
    let terms = taxonomy::load(&state.db, &state.link_base()).await?;
    sal.service = Some(Box::new(service::service(&p, &terms, &state.link_base())));
    Ok(HttpResponse::Ok().json(sal))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: String,
    per_page: String,
}

/// A page of an in-memory list (the taxonomies are small).
fn paged<T: Clone + serde::Serialize>(all: &[T], q: &PageQuery) -> AppResult<HttpResponse> {
    let query = ListQuery {
        page: q.page.clone(),
        per_page: q.per_page.clone(),
        ..Default::default()
    };
    let listing = query
        .parse(&taxonomy::Terms::default(), false)
        .map_err(AppError::BadRequest)?;
    let start = ((listing.page - 1) * listing.per_page) as usize;
    let contents: Vec<T> = all
        .iter()
        .skip(start)
        .take(listing.per_page as usize)
        .cloned()
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(
        contents,
        all.len() as u64,
        listing.page,
        listing.per_page,
    )))
}

pub async fn taxonomies(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let terms = taxonomy::load(&state.db, &state.link_base()).await?;
    paged(&taxonomy::taxonomies(&terms, &state.link_base()), &query)
}

pub async fn taxonomy(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let terms = taxonomy::load(&state.db, &state.link_base()).await?;
    let found = taxonomy::taxonomies(&terms, &state.link_base())
        .into_iter()
        .find(|t| t.id.eq_ignore_ascii_case(id.trim()))
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(found))
}

pub async fn taxonomy_terms(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let terms = taxonomy::load(&state.db, &state.link_base()).await?;
    let all: Vec<_> = terms.by_id.into_values().collect();
    paged(&all, &query)
}

pub async fn taxonomy_term(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let terms = taxonomy::load(&state.db, &state.link_base()).await?;
    let term = terms
        .by_id
        .get(&id.trim().to_ascii_lowercase())
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(term))
}
