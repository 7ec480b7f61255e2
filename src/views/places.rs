//! Places free: the provider's form, what a listing page shows, and the area overview for
//! brokers and commissioners.

use chrono::{DateTime, NaiveDate, Utc};
use entity::listings::ListingId;
use entity::vacancies::{self, PlaceKind, VacancyFunding};
use maud::{Markup, html};

use crate::domain::cqc::rating_label;
use crate::domain::dates::{format_date, format_uk_date};
use crate::domain::vacancies::form::{MAX_NOTES_CHARS, VacancyForm, fields};
use crate::domain::vacancies::overview::{PlacesNow, Pressure};
use crate::domain::vacancies::{funding_label, is_stale, kind_label, places_phrase};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    TextArea, button, csrf_field, date_input, error_summary, tag, textarea_with, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

/// "From 1 December" for a later day, "Free now" otherwise.
fn from_words(from: NaiveDate, today: NaiveDate) -> String {
    if from <= today {
        "free now".to_owned()
    } else {
        format!("from {}", format_date(&from))
    }
}

/// The provider's form: each kind of place, how many, from when, and the funding.
pub fn form(
    page: &Page,
    listing_id: ListingId,
    title: &str,
    form: &VacancyForm,
    errors: &FieldErrors,
) -> Markup {
    let heading = "Places available";
    layout(
        page,
        &title_with_errors(heading, errors),
        html! {
            a href=(paths::provider_listing(listing_id)) class="govuk-back-link" { "Back to " (title) }
            (error_summary(errors))
            span class="govuk-caption-l" { (title) }
            h1 class="govuk-heading-l" { (heading) }
            p class="govuk-body" { "Brokers and families look for places free now. Say how many places of each kind you have. Leave a number blank if you have none. Check these at least once a week: after 7 days people are told they may be out of date." }
            form method="post" action=(paths::provider_listing_places(listing_id)) novalidate {
                (csrf_field(&page.csrf()))
                @for (kind, input) in &form.kinds {
                    @let (places, from, funding) = fields(*kind);
                    @let funding_error = errors.get(funding);
                    div class="govuk-!-margin-bottom-6" {
                        h2 class="govuk-heading-m" { (kind_label(*kind)) }
                        div class={ "govuk-form-group" @if errors.get(places).is_some() { " govuk-form-group--error" } } {
                            label class="govuk-label" for=(places) { "Places free" span class="govuk-visually-hidden" { ": " (kind_label(*kind).to_lowercase()) } }
                            @if let Some(message) = errors.get(places) {
                                p id={ (places) "-error" } class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (message) }
                            }
                            input class={ "govuk-input govuk-input--width-3" @if errors.get(places).is_some() { " govuk-input--error" } }
                                id=(places) name=(places) type="text" inputmode="numeric" value=(input.places)
                                aria-describedby=[errors.get(places).map(|_| format!("{places}-error"))];
                        }
                        (date_input(from, "Free from", (&input.from.0, &input.from.1, &input.from.2), errors, Some("Leave blank if free now. For example, 1 12 2026")))
                        div class={ "govuk-form-group" @if funding_error.is_some() { " govuk-form-group--error" } } {
                            fieldset class="govuk-fieldset" aria-describedby=[funding_error.map(|_| format!("{funding}-error"))] {
                                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Paid at the council's rate?" }
                                @if let Some(message) = funding_error {
                                    p id={ (funding) "-error" } class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (message) }
                                }
                                div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios" {
                                    @for (i, f) in VacancyFunding::ALL.iter().enumerate() {
                                        @let id = if i == 0 { funding.to_owned() } else { format!("{funding}-{}", i + 1) };
                                        div class="govuk-radios__item" {
                                            input class="govuk-radios__input" id=(id) name=(funding) type="radio" value=(f.as_str()) checked[input.funding == f.as_str()];
                                            label class="govuk-label govuk-radios__label" for=(id) {
                                                @match f { VacancyFunding::CouncilRate => "Yes, the council's rate", VacancyFunding::TopUp => "No, a top-up is needed" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (textarea_with(&TextArea {
                    name: "notes",
                    id: "notes",
                    label: "Anything brokers should know (optional)",
                    value: &form.notes,
                    hint: Some("Brokers and the council read this, not the public. For example, “ground floor room with en-suite”. Do not name anyone."),
                    rows: 3,
                    max_chars: Some(MAX_NOTES_CHARS),
                }, errors))
                (button("Save places"))
            }
        },
    )
}

/// What a listing page shows of its places, and a broker's way to ask for one.
pub fn on_listing(
    rows: &[vacancies::Model],
    today: NaiveDate,
    now: DateTime<Utc>,
    request_link: Option<ListingId>,
) -> Markup {
    let with_places: Vec<&vacancies::Model> = rows.iter().filter(|v| v.places > 0).collect();
    let updated = rows.iter().map(|v| v.updated_at).max();
    let stale = with_places
        .iter()
        .map(|v| v.updated_at)
        .min()
        .is_some_and(|u| is_stale(u, now));
    html! {
        @if let Some(updated) = updated {
            section class="kith-places" aria-labelledby="places-heading" {
                h2 class="govuk-heading-m" id="places-heading" { "Places available" }
                @if with_places.is_empty() {
                    p class="govuk-body" { "No places free at the moment." }
                } @else {
                    ul class="govuk-list" {
                        @for v in &with_places {
                            li {
                                strong { (places_phrase(v.kind, v.places)) } ", " (from_words(v.available_from, today))
                                br; span class="kith-secondary-text" { (funding_label(v.funding)) }
                            }
                        }
                    }
                }
                p class="govuk-body-s kith-secondary-text" {
                    "Updated " (format_uk_date(&updated))
                    @if stale { " " (tag("May be out of date", Some("yellow"))) }
                }
                @if let (Some(id), false) = (request_link, with_places.is_empty()) {
                    a class="govuk-button govuk-button--secondary" role="button" draggable="false" data-module="govuk-button" href={ (paths::placements_new()) "?listing=" (id) } { "Request a placement" }
                }
            }
        }
    }
}

/// Brokers' and commissioners' view: places free now by district and kind, and each home.
pub fn overview(
    page: &Page,
    places: &PlacesNow,
    kind: Option<PlaceKind>,
    pressure: &[Pressure],
    today: NaiveDate,
    can_request: bool,
) -> Markup {
    let heading = "Places free in care homes and services";
    let totals: [i32; 4] = places.by_district.values().fold([0; 4], |mut acc, row| {
        for (a, b) in acc.iter_mut().zip(row) {
            *a += b;
        }
        acc
    });
    layout(
        page,
        heading,
        html! {
            h1 class="govuk-heading-l" { (heading) }
            p class="govuk-body" { "As providers say. Numbers not updated for more than 7 days are marked as possibly out of date: ring the home before you rely on them." }
            form method="get" action=(paths::places()) class="kith-filter-row" {
                div class="govuk-form-group" {
                    label class="govuk-label" for="kind" { "Kind of place" }
                    select class="govuk-select" id="kind" name="kind" {
                        option value="" selected[kind.is_none()] { "Any" }
                        @for k in PlaceKind::ALL { option value=(k.as_str()) selected[kind == Some(k)] { (kind_label(k)) } }
                    }
                }
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show" }
            }
            h2 class="govuk-heading-m" { "Free now, by postcode district" }
            @if places.by_district.is_empty() {
                p class="govuk-body" { "No provider says it has places free." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Places free now by district" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Places free now by postcode district and kind of place" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "District" }
                            @for k in PlaceKind::ALL { th scope="col" class="govuk-table__header govuk-table__header--numeric" { (kind_label(k)) } }
                        } }
                        tbody class="govuk-table__body" {
                            @for (district, row) in &places.by_district {
                                tr class="govuk-table__row" {
                                    th scope="row" class="govuk-table__header" { @if district.is_empty() { "No district" } @else { (district) } }
                                    @for n in row { td class="govuk-table__cell govuk-table__cell--numeric" { (n) } }
                                }
                            }
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { "All districts" }
                                @for n in totals { td class="govuk-table__cell govuk-table__cell--numeric" { strong { (n) } } }
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Homes and services with places" }
            @if places.homes.is_empty() { p class="govuk-body" { "None." } }
            ul class="govuk-list" {
                @for h in &places.homes {
                    li class="kith-saved" {
                        h3 class="govuk-heading-s govuk-!-margin-bottom-1" { a class="govuk-link" href=(paths::listing(h.listing_id)) { (h.title) } }
                        p class="govuk-body-s govuk-!-margin-bottom-1" {
                            (h.provider) " · " (h.district)
                            @if let Some(r) = h.cqc { " · CQC: " (rating_label(r)) }
                        }
                        p class="govuk-body govuk-!-margin-bottom-1" {
                            @for (i, (kind, n, from, _)) in h.places.iter().enumerate() {
                                @if i > 0 { "; " }
                                (places_phrase(*kind, *n)) " " (from_words(*from, today))
                            }
                        }
                        @if let Some(notes) = &h.notes { p class="govuk-body-s" { "The provider says: " (notes) } }
                        p class="govuk-body-s kith-secondary-text" {
                            "Updated " (format_uk_date(&h.updated_at))
                            @if h.stale { " " (tag("May be out of date", Some("yellow"))) }
                        }
                        @if can_request {
                            p class="govuk-body-s" { a class="govuk-link" href={ (paths::placements_new()) "?listing=" (h.listing_id) } { "Request a placement" span class="govuk-visually-hidden" { " at " (h.title) } } }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Supply pressure over the last 12 weeks" }
            (pressure_table(pressure, "Supply pressure over the last 12 weeks"))
        },
    )
}

/// Places free on average against placement requests, by district (the caller gives the
/// heading).
pub fn pressure_table(rows: &[Pressure], caption: &str) -> Markup {
    html! {
        p class="govuk-body" { "Places free on average at the end of each week (from what providers said), and the placement requests brokers sent. More requests for each place free means people are harder to place there." }
        @if rows.is_empty() {
            p class="govuk-body" { "No places or placement requests in this period." }
        } @else {
            div class="kith-table-scroll" tabindex="0" role="region" aria-label=(caption) {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-visually-hidden" { (caption) }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "District" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Places free on average" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Requests" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Requests per place" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Homes asked" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Offers" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Declined" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Placed" }
                    } }
                    tbody class="govuk-table__body" {
                        @for r in rows {
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { @if r.district.is_empty() { "No district" } @else { (r.district) } }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (format!("{:.1}", r.average_places)) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.requests) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { @match r.requests_per_place() { Some(v) => (format!("{v:.1}")), None => "No places" } }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.homes_asked) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.offers) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.declined) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (r.confirmed) }
                            }
                        }
                    }
                }
            }
        }
    }
}
