//! Admin: the demand log of searches, with the ones that found nothing a click away.

use entity::search_log;
use maud::{Markup, html};

use crate::domain::search::log::LOG_PAGE_SIZE;
use crate::paths;
use crate::views::components::{format_time, pagination, total_pages};
use crate::views::layout::layout;
use crate::views::page::Page;

pub fn demand_log(
    page: &Page,
    rows: &[search_log::Model],
    total: u64,
    zero_only: bool,
    current: u64,
    not_logged: u64,
) -> Markup {
    let base = format!(
        "{}?zero={}",
        paths::admin_searches(),
        if zero_only { "yes" } else { "" }
    );
    layout(
        page,
        "Searches",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            h1 class="govuk-heading-l" { "What people search for" }
            p class="govuk-body" { "Every search on Kith, without who made it. Searches that found nothing show where the market may have gaps." }
            ul class="govuk-list kith-inline-list" {
                li { @if zero_only { a class="govuk-link" href=(paths::admin_searches()) { "All searches" } } @else { strong { "All searches" } } }
                li { @if zero_only { strong { "Found nothing" } } @else { a class="govuk-link" href={ (paths::admin_searches()) "?zero=yes" } { "Found nothing" } } }
            }
            @if not_logged > 0 {
                div class="govuk-inset-text" {
                    (not_logged) " " (if not_logged == 1 { "search" } else { "searches" })
                    " since the service last started "
                    (if not_logged == 1 { "is" } else { "are" })
                    " not in this log: the log fell too far behind to write "
                    (if not_logged == 1 { "it" } else { "them" })
                    ". The people searching still got their results."
                }
            }
            p class="govuk-body" { (total) " searches" }
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Searches" {
                table class="govuk-table kith-table-small" {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Searches" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "When" }
                        th scope="col" class="govuk-table__header" { "Words" }
                        th scope="col" class="govuk-table__header" { "Area" }
                        th scope="col" class="govuk-table__header" { "Filters" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Results" }
                    } }
                    tbody class="govuk-table__body" {
                        @for r in rows {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (format_time(&r.created_at)) }
                                td class="govuk-table__cell kith-break-words" { (r.query_text) }
                                td class="govuk-table__cell" { (r.area.clone().unwrap_or_default()) }
                                td class="govuk-table__cell kith-break-words" { (summarise(&r.filters)) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.result_count) }
                            }
                        }
                    }
                }
            }
            (pagination(current, total_pages(total, LOG_PAGE_SIZE), |n| format!("{base}&page={n}")))
        },
    )
}

/// The filters that were set, as "name: value" text.
fn summarise(filters: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(filters)
    else {
        return String::new();
    };
    map.iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::Array(a) if !a.is_empty() => Some(format!(
                "{k}: {}",
                a.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            serde_json::Value::String(s) if !s.is_empty() => Some(format!("{k}: {s}")),
            serde_json::Value::Bool(true) => Some(k.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("; ")
}
