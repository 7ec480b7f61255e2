//! Market analysis pages for commissioners: the quality of supply by type of support and
//! postcode district (more of the Market Position Statement's analysis joins it).

pub mod mps;

use crate::domain::words::plural;
use entity::provider_organisations::ProviderKind;
use std::collections::BTreeMap;

use crate::auth::access::url_encode as encode;
use crate::paths;
use maud::{Markup, html};

use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::dates::format_date;
use crate::domain::listings::content::format_pounds;
use crate::domain::market::analysis::{
    DemandCell, Filters, Gap, Key, MonthFlow, PriceSpread, SupplyCell,
};
use crate::domain::market::export::RATING_LABELS;
use crate::domain::market::supply::QualityRow;
use crate::domain::providers::organisations::kind_label;
use crate::views::charts;
use crate::views::layout::layout;
use crate::views::page::Page;

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
            "{}?district={}",
            paths::commissioner_market_quality_csv(),
            area_value(d)
        ),
        None => paths::commissioner_market_quality_csv(),
    };
    let totals = rows.iter().fold(
        crate::domain::market::supply::QualityCell::default(),
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
            form method="get" action=(paths::commissioner_market_quality()) class="govuk-!-margin-bottom-6" {
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
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Services by rating" {
                    table class="govuk-table" tabindex="0" {
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
            }
            p class="govuk-body" { a class="govuk-link" href=(csv) download { "Download this table (CSV)" } }
        },
    )
}

/// New and withdrawn services by month; `scope` says where ("all areas and types of support").
pub fn flows_table(flows: &[MonthFlow], scope: &str) -> Markup {
    html! {
        div class="kith-table-scroll" tabindex="0" role="region" aria-label="Services first published and withdrawn, by month (" {
            table class="govuk-table" tabindex="0" {
                caption class="govuk-table__caption govuk-table__caption--s" { "Services first published and withdrawn, by month (" (scope) ")" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Month" }
                    (numeric_th("New")) (numeric_th("Withdrawn"))
                } }
                tbody class="govuk-table__body" {
                    @for m in flows {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" { (m.month.format("%B %Y")) }
                            (numeric_td(m.new)) (numeric_td(m.withdrawn))
                        }
                    }
                }
            }
        }
    }
}

/// Everything the market overview shows.
pub struct Overview<'a> {
    pub filters: &'a Filters,
    pub days: i64,
    pub query: &'a str,
    pub names: &'a BTreeMap<String, String>,
    pub category_ids: &'a BTreeMap<String, i64>,
    pub districts: &'a [String],
    pub supply: &'a BTreeMap<Key, SupplyCell>,
    pub prices: &'a [PriceSpread],
    pub ratings: [u64; 5],
    pub kinds: &'a [(ProviderKind, u64)],
    pub flows: &'a [MonthFlow],
    pub demand: &'a BTreeMap<Key, DemandCell>,
    pub zero_queries: &'a [(String, u64)],
    pub languages: &'a [(String, u64)],
    pub gaps: &'a [Gap],
    /// Supply pressure for care places, by district.
    pub places: &'a [crate::domain::vacancies::overview::Pressure],
}

pub const PERIODS: [(i64, &str); 4] = [
    (30, "the last 30 days"),
    (90, "the last 3 months"),
    (182, "the last 6 months"),
    (365, "the last year"),
];

fn select_field(name: &str, label: &str, options: &[(String, String)], selected: &str) -> Markup {
    html! {
        div class="govuk-form-group kith-inline-field" {
            label class="govuk-label" for=(name) { (label) }
            select class="govuk-select" id=(name) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

fn category_name<'a>(names: &'a BTreeMap<String, String>, slug: &'a str) -> &'a str {
    if slug.is_empty() {
        "Any type of support"
    } else {
        names.get(slug).map_or(slug, String::as_str)
    }
}

fn place(district: &str) -> &str {
    if district.is_empty() {
        "No postcode"
    } else {
        district
    }
}

fn numeric_th(text: &str) -> Markup {
    html! { th scope="col" class="govuk-table__header govuk-table__header--numeric" { (text) } }
}

fn numeric_td(value: impl std::fmt::Display) -> Markup {
    html! { td class="govuk-table__cell govuk-table__cell--numeric" { (value) } }
}

/// A plain-English sentence for a gap.
pub fn gap_sentence(g: &Gap, names: &BTreeMap<String, String>, period: &str) -> String {
    let what = category_name(names, &g.category).to_lowercase();
    if g.demand.zero_results > 0 {
        format!(
            "Searches for {what} in {} found nothing {} in {period}; {} published there.",
            g.district,
            plural(g.demand.zero_results, "time", "times"),
            plural(g.services, "service is", "services are"),
        )
    } else {
        format!(
            "{} and {} for {what} in {} in {period}, with {} published.",
            plural(g.demand.searches, "search", "searches"),
            plural(g.demand.enquiries, "enquiry", "enquiries"),
            g.district,
            plural(g.services, "service", "services"),
        )
    }
}

fn round_link(
    g: &Gap,
    names: &BTreeMap<String, String>,
    ids: &BTreeMap<String, i64>,
    sentence: &str,
) -> String {
    let title = format!("{} in {}", category_name(names, &g.category), g.district);
    let mut url = format!(
        "{}?title={}&districts={}&need={}",
        paths::commissioner_funding_new(),
        encode(&title),
        encode(&g.district),
        encode(sentence)
    );
    if let Some(id) = ids.get(&g.category) {
        url.push_str(&format!("&categories={id}"));
    }
    url
}

pub fn overview(page: &Page, o: &Overview) -> Markup {
    let f = o.filters;
    let period = PERIODS
        .iter()
        .find(|(d, _)| *d == o.days)
        .map_or("the period", |(_, l)| l);
    let period_options: Vec<(String, String)> = PERIODS
        .iter()
        .map(|(d, l)| (d.to_string(), format!("In {l}")))
        .collect();
    let mut district_options = vec![(String::new(), "All districts".to_owned())];
    district_options.extend(
        o.districts
            .iter()
            .filter(|d| !d.is_empty())
            .map(|d| (d.clone(), d.clone())),
    );
    let mut category_options = vec![(String::new(), "All types of support".to_owned())];
    category_options.extend(
        o.names
            .iter()
            .map(|(slug, name)| (slug.clone(), name.clone())),
    );
    let mut group_options = vec![(String::new(), "Everyone".to_owned())];
    group_options.extend(
        CLIENT_GROUPS
            .iter()
            .map(|(k, l)| ((*k).to_owned(), (*l).to_owned())),
    );
    let csv = |path: String| format!("{path}?{}", o.query);
    // The heat map: the ten types and districts with most demand.
    let mut by_category: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_district: BTreeMap<&str, u64> = BTreeMap::new();
    for g in o.gaps {
        let d = g.demand.searches + g.demand.enquiries + g.services;
        *by_category.entry(&g.category).or_default() += d;
        *by_district.entry(&g.district).or_default() += d;
    }
    let top = |m: BTreeMap<&str, u64>| {
        let mut v: Vec<(&str, u64)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter()
            .take(10)
            .map(|(k, _)| k.to_owned())
            .collect::<Vec<String>>()
    };
    let rows = top(by_category);
    let mut columns = top(by_district);
    columns.sort();
    let cell = |r: usize, c: usize| {
        o.gaps
            .iter()
            .find(|g| g.category == rows[r] && g.district == columns[c])
            .map_or(0.0, |g| g.index)
    };
    let row_names: Vec<String> = rows
        .iter()
        .map(|r| category_name(o.names, r).to_owned())
        .collect();
    let rating_bars: Vec<(String, u64)> = RATING_LABELS
        .iter()
        .map(|(label, i)| ((*label).to_owned(), o.ratings[*i]))
        .collect();
    let scope = match (&f.category, &f.district) {
        (None, None) => "all areas and types of support".to_owned(),
        (Some(c), None) => format!("{}, all areas", category_name(o.names, c)),
        (None, Some(d)) => format!("all types of support in {d}"),
        (Some(c), Some(d)) => format!("{} in {d}", category_name(o.names, c)),
    };
    let download = |path: String, what: &str| {
        html! { p class="govuk-body" { a class="govuk-link" href=(csv(path)) download { "Download " (what) " (CSV)" } } }
    };
    layout(
        page,
        "Market analysis",
        html! {
            h1 class="govuk-heading-l" { "Market analysis" }
            p class="govuk-body" { "Supply is what is published now. Demand is searches and enquiries from " (format_date(&f.from)) " to " (format_date(&f.to)) "." }
            form method="get" action=(paths::commissioner_market()) class="kith-filter-row" {
                (select_field("days", "Period", &period_options, &o.days.to_string()))
                (select_field("district", "Postcode district", &district_options, f.district.as_deref().unwrap_or("")))
                (select_field("category", "Type of support", &category_options, f.category.as_deref().unwrap_or("")))
                (select_field("client_group", "Who for (supply only)", &group_options, f.client_group.as_deref().unwrap_or("")))
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show" }
            }
            p class="govuk-body" {
                a class="govuk-link" href=(paths::commissioner_market_quality()) { "Quality of supply by type and district" } " · "
                a class="govuk-link" href=(paths::commissioner_mps()) { "Market Position Statements" }
            }

            h2 class="govuk-heading-l" id="gaps" { "Gaps" }
            p class="govuk-body" { "How we measure a gap: for each type of support and postcode district we count searches and enquiries in the period, and divide by the number of published services there plus one (so that “none” is not infinite). The result is demand per service: the higher it is, the more people are looking for each service that exists. Searches that found nothing are listed first, because they are people who were told there was nothing. Services offered only online, and searches made without a postcode, have no district and are left out." }
            @if o.gaps.is_empty() {
                p class="govuk-body" { "No demand or supply to compare yet." }
            } @else {
                h3 class="govuk-heading-m" { "The biggest gaps" }
                ul class="govuk-list govuk-list--spaced" {
                    @for g in o.gaps.iter().filter(|g| g.demand.searches + g.demand.enquiries > 0).take(5) {
                        @let sentence = gap_sentence(g, o.names, period);
                        li {
                            (sentence) " "
                            a class="govuk-link" href=(round_link(g, o.names, o.category_ids, &sentence)) { "Start a funding round for this gap" span class="govuk-visually-hidden" { ": " (category_name(o.names, &g.category)) " in " (g.district) } }
                        }
                    }
                }
                @if !rows.is_empty() && !columns.is_empty() {
                    (charts::heat_map("gap-map", "Demand per service by type of support and district", &format!("Searches and enquiries in {period} per published service, plus one. Darker means more demand for each service. The same numbers are in the table below."), &row_names, &columns, cell))
                }
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Gaps, worst first" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "Gaps, worst first" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Type of support" }
                            th scope="col" class="govuk-table__header" { "District" }
                            (numeric_th("Services")) (numeric_th("Searches")) (numeric_th("Found nothing")) (numeric_th("Enquiries")) (numeric_th("Enquiries not met")) (numeric_th("Demand per service"))
                        } }
                        tbody class="govuk-table__body" {
                            @for g in o.gaps.iter().take(40) {
                                tr class="govuk-table__row" {
                                    th scope="row" class="govuk-table__header" { (category_name(o.names, &g.category)) }
                                    td class="govuk-table__cell" { (g.district) }
                                    (numeric_td(g.services)) (numeric_td(g.demand.searches)) (numeric_td(g.demand.zero_results)) (numeric_td(g.demand.enquiries)) (numeric_td(g.demand.unmet())) (numeric_td(format!("{:.1}", g.index)))
                                }
                            }
                        }
                    }
                }
                p class="govuk-body" { a class="govuk-link" href=(csv(paths::commissioner_market_gaps_csv())) download { "Download the gaps (CSV)" } }
            }

            h2 class="govuk-heading-l" id="demand" { "Demand" }
            @if o.demand.is_empty() { p class="govuk-body" { "No searches or enquiries in this period." } } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Searches and enquiries by type of support and district" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "Searches and enquiries by type of support and district" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Type of support" }
                            th scope="col" class="govuk-table__header" { "District" }
                            (numeric_th("Searches")) (numeric_th("Found nothing")) (numeric_th("Enquiries")) (numeric_th("Arranged")) (numeric_th("Not available")) (numeric_th("No response")) (numeric_th("Average hours to first reply"))
                        } }
                        tbody class="govuk-table__body" {
                            @for ((category, district), d) in o.demand {
                                tr class="govuk-table__row" {
                                    th scope="row" class="govuk-table__header" { (category_name(o.names, category)) }
                                    td class="govuk-table__cell" { (place(district)) }
                                    (numeric_td(d.searches)) (numeric_td(d.zero_results)) (numeric_td(d.enquiries)) (numeric_td(d.arranged)) (numeric_td(d.not_available)) (numeric_td(d.no_response)) (numeric_td(d.average_reply_hours().map_or("–".to_owned(), |h| format!("{h:.1}"))))
                                }
                            }
                        }
                    }
                }
                p class="govuk-body" { a class="govuk-link" href=(csv(paths::commissioner_market_demand_csv())) download { "Download demand (CSV)" } }
            }
            h3 class="govuk-heading-m" { "What people searched for that found nothing" }
            @if o.zero_queries.is_empty() { p class="govuk-body" { "Nothing to show." } } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Table" {
                    table class="govuk-table" tabindex="0" {
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Words searched" } (numeric_th("Times")) } }
                        tbody class="govuk-table__body" {
                            @for (text, n) in o.zero_queries { tr class="govuk-table__row" { td class="govuk-table__cell" { (text) } (numeric_td(n)) } }
                        }
                    }
                }
                (download(paths::commissioner_market_searches_that_found_nothing_csv(), "the words searched that found nothing"))
            }

            h2 class="govuk-heading-l" id="supply" { "Supply" }
            @if o.supply.is_empty() { p class="govuk-body" { "No published services match." } } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Published services by type of support and district" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "Published services by type of support and district" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Type of support" }
                            th scope="col" class="govuk-table__header" { "District" }
                            (numeric_th("Services")) (numeric_th("Providers")) (numeric_th("Taking new clients"))
                        } }
                        tbody class="govuk-table__body" {
                            @for ((category, district), s) in o.supply {
                                tr class="govuk-table__row" {
                                    th scope="row" class="govuk-table__header" { (category_name(o.names, category)) }
                                    td class="govuk-table__cell" { (area_label(district)) }
                                    (numeric_td(s.services)) (numeric_td(s.providers)) (numeric_td(s.accepting))
                                }
                            }
                        }
                    }
                }
                p class="govuk-body" { a class="govuk-link" href=(csv(paths::commissioner_market_supply_csv())) download { "Download supply (CSV)" } }
            }
            (flows_table(o.flows, &scope))
            (download(paths::commissioner_market_new_and_withdrawn_csv(), "new and withdrawn services"))
            h3 class="govuk-heading-m" id="places" { "Care places and placements" }
            p class="govuk-body" { "From what care homes and services say about their places, and the placement requests brokers send (all types of support). " a class="govuk-link" href=(paths::places()) { "See places free now" } "." }
            (crate::views::places::pressure_table(o.places, "Supply pressure by district"))
            h3 class="govuk-heading-m" { "Prices" }
            @if o.prices.is_empty() { p class="govuk-body" { "No charged services match." } } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="What services charge, per unit (a quarter charge less than the lower figure, a quarter more than the upper)" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "What services charge, per unit (a quarter charge less than the lower figure, a quarter more than the upper)" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Per" }
                            (numeric_th("Services")) (numeric_th("Lower quarter")) (numeric_th("Middle (median)")) (numeric_th("Upper quarter"))
                        } }
                        tbody class="govuk-table__body" {
                            @for p in o.prices {
                                tr class="govuk-table__row" {
                                    th scope="row" class="govuk-table__header" { (p.unit) }
                                    (numeric_td(p.count)) (numeric_td(format_pounds(p.lower_quartile))) (numeric_td(format_pounds(p.median))) (numeric_td(format_pounds(p.upper_quartile)))
                                }
                            }
                        }
                    }
                }
                (download(paths::commissioner_market_prices_csv(), "prices"))
            }
            h3 class="govuk-heading-m" { "Quality" }
            (charts::bar_chart("ratings-chart", "Services by quality rating", "How many published services have each overall rating from their latest quality check. The same numbers are in the table below.", &rating_bars))
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Table" {
                table class="govuk-table" tabindex="0" {
                    thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Rating" } (numeric_th("Services")) } }
                    tbody class="govuk-table__body" {
                        @for (label, n) in &rating_bars { tr class="govuk-table__row" { td class="govuk-table__cell" { (label) } (numeric_td(n)) } }
                    }
                }
            }
            (download(paths::commissioner_market_ratings_csv(), "ratings"))
            h3 class="govuk-heading-m" { "Kinds of provider" }
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Table" {
                table class="govuk-table" tabindex="0" {
                    thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Kind" } (numeric_th("Providers")) } }
                    tbody class="govuk-table__body" {
                        @for (kind, n) in o.kinds { tr class="govuk-table__row" { td class="govuk-table__cell" { (kind_label(*kind)) } (numeric_td(n)) } }
                    }
                }
            }
            (download(paths::commissioner_market_provider_kinds_csv(), "kinds of provider"))
            h3 class="govuk-heading-m" { "Languages offered" }
            @if o.languages.is_empty() { p class="govuk-body" { "No published services match." } } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Services offering each language (as providers name them; “BSL” counts as British Sign Language)" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "Services offering each language (as providers name them; “BSL” counts as British Sign Language)" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Language" } (numeric_th("Services")) } }
                        tbody class="govuk-table__body" {
                            @for (language, n) in o.languages { tr class="govuk-table__row" { td class="govuk-table__cell" { (language) } (numeric_td(n)) } }
                        }
                    }
                }
                (download(paths::commissioner_market_languages_csv(), "languages"))
            }
        },
    )
}
