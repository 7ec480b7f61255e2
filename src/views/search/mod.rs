//! The search page: a search box, a filter panel that works without JavaScript (a GET form),
//! the result count, applied filters with remove links, facet counts, results with snippets
//! and distance, paging, and advice when nothing is found.

pub mod log;
pub mod saved;

use entity::listings::ListingId;
use maud::{Markup, html};
use search_index::SearchResults;

use crate::domain::cqc::rating_label;
use crate::domain::dates::format_date;
use crate::domain::listings::content::{DAYS, PriceUnit, format_pounds};
use crate::domain::search::params::{BED_RANGES, PAGE_SIZE, RADIUS_CHOICES_MILES, SearchParams};
use crate::paths;
use crate::views::components::{pagination, total_pages};
use crate::views::layout::layout;
use crate::views::page::Page;
use crate::views::plans::shortlists::save_button;
use entity::cqc_locations::CqcRating;

/// The type of support whose results bring up the care home filters.
const CARE_HOMES: &str = "care-homes";

/// One value of a facet: what the URL says, what people read, how many match.
pub struct FacetOption {
    pub value: String,
    pub label: String,
    pub count: u64,
    /// Shown indented under its parent (second-level categories).
    pub nested: bool,
}

pub struct SearchView<'a> {
    pub params: &'a SearchParams,
    /// The parameters that took effect (the chips and the count of filters chosen).
    pub applied: &'a SearchParams,
    pub results: &'a SearchResults,
    pub notices: &'a [String],
    pub categories: Vec<FacetOption>,
    pub client_groups: Vec<FacetOption>,
    pub kinds: Vec<FacetOption>,
    pub languages: Vec<FacetOption>,
    /// The label of any parameter value, for the applied-filter tags.
    pub label_of: &'a dyn Fn(&str, &str) -> String,
    /// The listings already on the shortlist of whoever the page is for, and the client a
    /// broker is acting for.
    pub saved: &'a [ListingId],
    pub client: Option<(i64, &'a str)>,
    /// When the page is made (how old places free are).
    pub now: chrono::DateTime<chrono::Utc>,
}

fn facet_group(name: &str, legend: &str, options: &[FacetOption], selected: &[String]) -> Markup {
    // A group without counts (sizes of care home) shows none; one with counts shows each.
    let counted: Vec<&FacetOption> = options.iter().filter(|o| o.count > 0).collect();
    html! {
        @if !options.is_empty() {
            div class="govuk-form-group" {
                fieldset class="govuk-fieldset" {
                    legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                    div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                        @for (i, o) in options.iter().enumerate() {
                            @let id = format!("{name}-{i}");
                            div class={ "govuk-checkboxes__item" @if o.nested { " kith-facet-nested" } } {
                                input class="govuk-checkboxes__input" id=(id) name=(name) type="checkbox" value=(o.value)
                                    checked[selected.contains(&o.value)];
                                label class="govuk-label govuk-checkboxes__label" for=(id) {
                                    (o.label)
                                    @if !counted.is_empty() || o.count > 0 { " " span class="kith-secondary-text" { "(" (o.count) ")" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn flag_box(name: &str, label: &str, on: bool) -> Markup {
    html! {
        div class="govuk-checkboxes__item" {
            input class="govuk-checkboxes__input" id={ "flag-" (name) } name=(name) type="checkbox" value="yes" checked[on];
            label class="govuk-label govuk-checkboxes__label" for={ "flag-" (name) } { (label) }
        }
    }
}

/// A group of yes-or-no filters under one legend.
fn flag_group(legend: &str, flags: &[(&str, &str, bool)]) -> Markup {
    html! {
        div class="govuk-form-group" {
            fieldset class="govuk-fieldset" {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                    @for (name, label, on) in flags { (flag_box(name, label, *on)) }
                }
            }
        }
    }
}

fn filters(v: &SearchView) -> Markup {
    let p = v.params;
    let days: Vec<FacetOption> = DAYS
        .iter()
        .map(|(key, label)| FacetOption {
            value: (*key).to_owned(),
            label: (*label).to_owned(),
            count: v.results.facets.days.get(*key).copied().unwrap_or(0),
            nested: false,
        })
        .collect();
    let cqc_ratings: Vec<FacetOption> = CqcRating::ALL
        .iter()
        .filter_map(|r| {
            let count = v.results.facets.cqc_ratings.get(r.as_str()).copied();
            (count.is_some() || p.cqc.iter().any(|c| c == r.as_str())).then(|| FacetOption {
                value: r.as_str().to_owned(),
                label: rating_label(*r).to_owned(),
                count: count.unwrap_or(0),
                nested: false,
            })
        })
        .collect();
    // Care home filters show once care homes are among the results, or one is chosen.
    let care_homes = v.results.facets.categories.contains_key(CARE_HOMES)
        || !p.beds.is_empty()
        || p.nursing
        || p.dementia;
    let sizes: Vec<FacetOption> = BED_RANGES
        .iter()
        .map(|(key, label, ..)| FacetOption {
            value: (*key).to_owned(),
            label: (*label).to_owned(),
            count: 0,
            nested: false,
        })
        .collect();
    html! {
        form method="get" action=(paths::search()) class="kith-filter-form" aria-label="Filters" {
            input type="hidden" name="q" value=(p.q);
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--s" for="near" { "Your postcode" }
                div id="near-hint" class="govuk-hint" { "Or the first part, like M33" }
                input class="govuk-input govuk-input--width-10" id="near" name="near" type="text" autocomplete="postal-code" value=(p.near) aria-describedby="near-hint";
            }
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--s" for="radius" { "Places to visit within" }
                select class="govuk-select" id="radius" name="radius" {
                    option value="" selected[p.radius.is_empty()] { "10 miles" }
                    @for miles in RADIUS_CHOICES_MILES {
                        option value=(miles) selected[p.radius == miles.to_string()] { (miles) (if miles == 1 { " mile" } else { " miles" }) }
                    }
                }
            }
            (facet_group("category", "Type of support", &v.categories, &p.category))
            (facet_group("client_group", "Who it is for", &v.client_groups, &p.client_group))
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--s" for="max_price" { "Most you want to pay" }
                div class="govuk-input__wrapper" {
                    div class="govuk-input__prefix" aria-hidden="true" { "£" }
                    input class="govuk-input govuk-input--width-5" id="max_price" name="max_price" type="text" inputmode="decimal" value=(p.max_price);
                }
            }
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--s" for="unit" { "Price is" }
                select class="govuk-select" id="unit" name="unit" {
                    option value="" selected[p.unit.is_empty()] { "Any" }
                    @for unit in PriceUnit::ALL {
                        option value=(unit.as_str()) selected[p.unit == unit.as_str()] { (unit.label()) }
                    }
                }
            }
            (facet_group("day", "Days", &days, &p.day))
            (facet_group("language", "Languages spoken", &v.languages, &p.language))
            (facet_group("kind", "Type of provider", &v.kinds, &p.kind))
            (flag_group("Checks", &[
                ("accepting", "Taking new clients", p.accepting),
                ("dbs", "DBS checked", p.dbs),
                ("insured", "Insured", p.insured),
                ("quality", "Quality checked by the council", p.quality),
                ("places", "Has places free now", p.places),
            ]))
            (facet_group("cqc", "CQC rating", &cqc_ratings, &p.cqc))
            @if care_homes {
                (facet_group("beds", "Size of care home", &sizes, &p.beds))
                (flag_group("Care provided", &[
                    ("nursing", "Nursing care", p.nursing),
                    ("dementia", "Dementia care", p.dementia),
                ]))
            }
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--s" for="sort" { "Sort by" }
                select class="govuk-select" id="sort" name="sort" {
                    @for (value, label) in [("", "Best match"), ("distance", "Nearest"), ("price", "Lowest price"), ("rating", "Highest quality rating")] {
                        option value=(value) selected[p.sort == value] { (label) }
                    }
                }
            }
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Apply filters" }
        }
    }
}

/// The filters that took effect, each a link that removes it.
fn chosen(v: &SearchView) -> Vec<(String, String)> {
    let p = v.applied;
    p.pairs()
        .into_iter()
        .filter(|(name, _)| !matches!(*name, "q" | "sort"))
        .map(|(name, value)| ((v.label_of)(name, &value), p.href_without(name, &value)))
        .collect()
}

fn applied(v: &SearchView, tags: &[(String, String)]) -> Markup {
    html! {
        @if !tags.is_empty() {
            div class="kith-applied-filters" {
                h2 class="govuk-visually-hidden" { "Filters you chose" }
                ul class="govuk-list kith-chips" {
                    @for (label, href) in tags {
                        li { a class="govuk-link kith-chip" href=(href) { (label) span class="govuk-visually-hidden" { ": remove this filter" } span aria-hidden="true" { " ✕" } } }
                    }
                    li { a class="govuk-link" href={ (paths::search()) "?q=" (urlencode(&v.params.q)) } { "Clear all filters" } }
                }
            }
        }
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|q| q.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

fn no_results(v: &SearchView) -> Markup {
    let p = v.params;
    html! {
        h2 class="govuk-heading-m" { "No services match your search" }
        p class="govuk-body" { "Try:" }
        ul class="govuk-list govuk-list--bullet" {
            @if !p.near.is_empty() { li { "a wider area, or " a class="govuk-link" href=(p.href_without("near", &p.near)) { "searching without a postcode" } } }
            @if p.pairs().len() > usize::from(!p.q.is_empty()) { li { "fewer filters" } }
            @if !p.q.is_empty() { li { "checking the spelling, or using fewer or different words" } }
            li { a class="govuk-link" href=(paths::search()) { "seeing everything on Kith" } }
        }
        p class="govuk-body" { "The council uses searches that find nothing to see which services are missing." }
    }
}

fn price_label(price: &search_index::Price) -> String {
    match price {
        search_index::Price::Charged { pence, unit } => format!(
            "{} {}",
            format_pounds(i64::try_from(*pence).unwrap_or(i64::MAX)),
            PriceUnit::parse(unit).map_or("", |u| u.label())
        ),
        search_index::Price::Free => "Free".to_owned(),
        search_index::Price::NotGiven => {
            crate::domain::listings::content::NOT_GIVEN_PRICE.to_owned()
        }
    }
}

/// "Save this search": a panel the person opens, with a name made from what they chose.
fn save_panel(page: &Page, v: &SearchView, tags: &[(String, String)]) -> Markup {
    let mut parts: Vec<String> = Vec::new();
    if !v.applied.q.is_empty() {
        parts.push(format!("“{}”", v.applied.q));
    }
    parts.extend(tags.iter().map(|(label, _)| label.clone()));
    let mut name = if parts.is_empty() {
        "Everything on Kith".to_owned()
    } else {
        parts.join(", ")
    };
    if name.chars().count() > crate::domain::search::saved::MAX_NAME_CHARS {
        name = name
            .chars()
            .take(crate::domain::search::saved::MAX_NAME_CHARS - 1)
            .collect::<String>()
            + "…";
    }
    let client = v.client.map(|(id, _)| id.to_string()).unwrap_or_default();
    let query = crate::domain::search::saved::query_of(v.applied);
    html! {
        details class="govuk-details kith-save-search" {
            summary class="govuk-details__summary" {
                span class="govuk-details__summary-text" {
                    @match v.client { Some((_, who)) => { "Save this search for " (who) }, None => "Save this search and get emails about new services" }
                }
            }
            div class="govuk-details__text" {
                (saved::save_form(page, &query, &name, &client, &crate::domain::validation::FieldErrors::default()))
            }
        }
    }
}

/// The badges of a result: what the council has checked, and whether it takes new clients.
fn badges(hit: &search_index::Hit) -> Markup {
    let tags: Vec<(&str, &str)> = [
        (hit.accepting, "Taking new clients", "govuk-tag--green"),
        (hit.dbs_checked, "DBS checked", "govuk-tag--blue"),
        (hit.insured, "Insured", "govuk-tag--blue"),
        (hit.quality_checked, "Quality checked", "govuk-tag--purple"),
    ]
    .into_iter()
    .filter(|(on, _, _)| *on)
    .map(|(_, label, class)| (label, class))
    .collect();
    html! {
        @if !tags.is_empty() || hit.rating.is_some() {
            ul class="govuk-list kith-badges" {
                @for (label, class) in tags {
                    li { strong class={ "govuk-tag " (class) } { (label) } }
                }
                @if let Some(rating) = hit.rating {
                    li { strong class="govuk-tag govuk-tag--grey" { "Council rating " (rating) " out of 4" } }
                }
            }
        }
        @if let Some(rating) = hit.cqc_rating.as_deref().and_then(CqcRating::parse) {
            p class="govuk-body-s govuk-!-margin-bottom-1" {
                "CQC rating: " strong { (rating_label(rating)) }
                @if let Some(day) = hit.cqc_published.as_deref().and_then(|d| d.parse::<chrono::NaiveDate>().ok()) {
                    " (published " (format_date(&day)) ")"
                }
                @if let Some(beds) = hit.beds { " · " (beds) " beds" }
            }
        }
    }
}

/// Where the service is, from the place searched: miles to its venue, or that it visits.
fn whereabouts(v: &SearchView, hit: &search_index::Hit) -> Option<String> {
    let visits = "Visits your area";
    match (hit.distance_miles, hit.visits_home) {
        (Some(miles), false) => Some(format!("{miles:.1} miles away")),
        (Some(miles), true) => Some(format!("{miles:.1} miles away · {visits}")),
        (None, true) => Some(visits.to_owned()),
        (None, false) if !v.applied.near.is_empty() => Some("Online or by telephone".to_owned()),
        (None, false) => None,
    }
}

fn result_card(page: &Page, v: &SearchView, hit: &search_index::Hit) -> Markup {
    let p = v.params;
    let id = ListingId(hit.listing_id as i64);
    html! {
        li class="kith-result" id={ "result-" (hit.listing_id) } {
            div class="kith-result__body" {
                h2 class="govuk-heading-s govuk-!-margin-bottom-1" lang=[hit.lang.as_deref()] {
                    a class="govuk-link" href=(paths::listing(id)) { (hit.title) }
                }
                p class="govuk-body-s kith-secondary-text govuk-!-margin-bottom-1" { (hit.provider_name) }
                p class="govuk-body govuk-!-margin-bottom-1" lang=[hit.lang.as_deref()] { (hit.summary) }
                p class="govuk-body-s govuk-!-margin-bottom-1" {
                    strong { (price_label(&hit.price)) }
                    @if let Some(place) = whereabouts(v, hit) { " · " (place) }
                }
                (badges(hit))
                @if let Some((summary, updated)) = &hit.places {
                    p class="govuk-body-s govuk-!-margin-bottom-1" {
                        "Places: " strong { (summary) }
                        @if let Ok(at) = chrono::DateTime::parse_from_rfc3339(updated) {
                            @let at = at.with_timezone(&chrono::Utc);
                            " (updated " (crate::domain::dates::format_uk_date(&at)) ")"
                            @if summary != crate::domain::vacancies::NONE_FREE && crate::domain::vacancies::is_stale(at, v.now) { " " strong class="govuk-tag govuk-tag--yellow" { "May be out of date" } }
                        }
                    }
                }
                (save_button(page, id, v.saved.contains(&id), v.client,
                    &format!("{}#result-{}", p.href(p.page), hit.listing_id), Some(&hit.title)))
            }
            @if let Some(photo) = &hit.photo {
                img class="kith-result__photo" src=(paths::media(&photo.thumbnail)) alt=(photo.alt) loading="lazy" width="120" height="90";
            }
        }
    }
}

pub fn search(page: &Page, v: &SearchView) -> Markup {
    let p = v.params;
    let r = v.results;
    let pages = total_pages(r.total as u64, PAGE_SIZE as u64);
    let title = if p.q.is_empty() {
        "Find care and support".to_owned()
    } else {
        format!("{} – search results", p.q)
    };
    let tags = chosen(v);
    layout(
        page,
        &title,
        html! {
            h1 class="govuk-heading-l" { "Find care and support" }
            form method="get" action=(paths::search()) role="search" {
                div class="govuk-form-group govuk-!-margin-bottom-4" {
                    label class="govuk-label" for="q" { "What are you looking for?" }
                    div id="q-hint" class="govuk-hint" { "For example, help at home, day centre, or a language" }
                    div class="kith-search-box" {
                        input class="govuk-input" id="q" name="q" type="search" value=(p.q) aria-describedby="q-hint";
                        @for (name, value) in p.pairs().into_iter().filter(|(n, _)| *n != "q") {
                            input type="hidden" name=(name) value=(value);
                        }
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Search" }
                    }
                }
            }
            @for notice in v.notices {
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (notice) }
                }
            }
            p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-2" role="status" {
                (r.total) (if r.total == 1 { " service found" } else { " services found" })
            }
            (applied(v, &tags))
            @if page.user.is_some() {
                (save_panel(page, v, &tags))
            } @else {
                p class="govuk-body-s" {
                    a class="govuk-link" href={ (paths::sign_in()) "?next=" (urlencode(&p.href(1))) } { "Sign in to save this search" }
                    " and be emailed when new services match it."
                }
            }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-third" {
                    details class="govuk-details kith-filters" data-kith-open-wide open[!v.notices.is_empty()] {
                        summary class="govuk-details__summary" {
                            span class="govuk-details__summary-text" {
                                "Filters"
                                @if !tags.is_empty() { " (" (tags.len()) " chosen)" }
                            }
                        }
                        div class="govuk-details__text kith-filters__panel" { (filters(v)) }
                    }
                }
                div class="govuk-grid-column-two-thirds" {
                    @if r.hits.is_empty() && r.total > 0 {
                        p class="govuk-body" { "This page is past the last result. " a class="govuk-link" href=(p.href(1)) { "Go to the first page" } "." }
                    } @else if r.hits.is_empty() {
                        (no_results(v))
                    } @else {
                        ol class="govuk-list kith-results" start=((p.page as usize - 1) * PAGE_SIZE + 1) {
                            @for hit in &r.hits { (result_card(page, v, hit)) }
                        }
                        (pagination(u64::from(p.page), pages, |n| p.href(n as u32)))
                    }
                }
            }
        },
    )
}
