//! Market analysis pages for commissioners: the quality of supply by type of support and
//! postcode district (more of the Market Position Statement's analysis joins it).

use maud::{Markup, html};

use super::layout::layout;
use super::page::Page;
use crate::domain::market_supply::QualityRow;

/// How online-only services (stored with no district) are asked for.
pub const ONLINE: &str = "online";

/// The district as sent in a link or form.
fn area_value(district: &str) -> &str {
    if district.is_empty() {
        ONLINE
    } else {
        district
    }
}

/// The area as shown to people: online-only services have no district.
pub fn area_label(district: &str) -> &str {
    if district.is_empty() {
        "Online only"
    } else {
        district
    }
}

fn percent(value: Option<u64>) -> String {
    value.map_or_else(|| "–".to_owned(), |p| format!("{p}%"))
}

pub fn quality(
    page: &Page,
    rows: &[QualityRow],
    districts: &[String],
    district: Option<&str>,
) -> Markup {
    let csv = match district {
        Some(d) => format!(
            "/commissioner/market/quality.csv?district={}",
            area_value(d)
        ),
        None => "/commissioner/market/quality.csv".to_owned(),
    };
    let totals = rows.iter().fold(
        crate::domain::market_supply::QualityCell::default(),
        |mut acc, r| {
            for (a, b) in acc.rated.iter_mut().zip(r.cell.rated) {
                *a += b;
            }
            acc.unchecked += r.cell.unchecked;
            acc
        },
    );
    layout(
        page,
        "Quality of supply",
        html! {
            h1 class="govuk-heading-l" { "Quality of supply" }
            p class="govuk-body" { "Published services by type of support and postcode district, with the overall rating of their latest published quality check. A service offering several types of support is counted under each. Services that are suspended or hidden are not counted." }
            form method="get" action="/commissioner/market/quality" class="govuk-!-margin-bottom-6" {
                div class="govuk-form-group" {
                    label class="govuk-label" for="district" { "Postcode district" }
                    select class="govuk-select" id="district" name="district" {
                        option value="" selected[district.is_none()] { "All districts" }
                        @for d in districts {
                            option value=(area_value(d)) selected[district == Some(d.as_str())] { (area_label(d)) }
                        }
                    }
                }
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show" }
            }
            p class="govuk-body" {
                (totals.total()) " services counted, " (totals.checked()) " checked; "
                (percent(totals.good_or_better_percent())) " rated good or outstanding."
            }
            @if rows.is_empty() {
                p class="govuk-body" { "No published services here yet." }
            } @else {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { "Services by rating" }
                    thead class="govuk-table__head" {
                        tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Type of support" }
                            th scope="col" class="govuk-table__header" { "Area" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Services" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Outstanding" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Good" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Requires improvement" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Inadequate" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Not yet checked" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Good or better" }
                        }
                    }
                    tbody class="govuk-table__body" {
                        @for r in rows {
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { (r.category_name) }
                                td class="govuk-table__cell" { (area_label(&r.district)) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.cell.total()) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.cell.rated[3]) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.cell.rated[2]) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.cell.rated[1]) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.cell.rated[0]) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.cell.unchecked) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (percent(r.cell.good_or_better_percent())) }
                            }
                        }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(csv) download { "Download this table (CSV)" } }
        },
    )
}
