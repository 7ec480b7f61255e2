//! Market analysis for commissioners (and admins): the quality of supply by type of support
//! and area, as a page and as CSV.

use actix_web::{HttpResponse, web};

use super::csv_download;
use crate::domain::market_supply;
use crate::error::AppResult;
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
