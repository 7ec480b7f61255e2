//! Placement requests: the broker's form, list and request page; the home's list and answer
//! page (the person's name only once the home agreed to assess).

use entity::placement_offers::OfferStatus;
use entity::placement_requests::{PlacementFunding, PlacementStatus};
use entity::vacancies::PlaceKind;
use maud::{Markup, html};

use crate::domain::cqc::rating_label;
use crate::domain::dates::format_date;
use crate::domain::placements::form::{
    MAX_ANSWER_CHARS, MAX_HOMES, MAX_NEEDS_CHARS, RequestForm, funding_label,
};
use crate::domain::placements::{
    ForHome, RequestView, offer_version, request_status_label, status_label,
};
use crate::domain::vacancies::overview::WithPlaces;
use crate::domain::vacancies::{kind_label, places_phrase};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    RadioOption, TextArea, button, csrf_field, date_input, error_summary, format_time, radios, tag,
    textarea_with, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

fn status_tag(status: OfferStatus) -> Markup {
    let colour = match status {
        OfferStatus::Sent => "grey",
        OfferStatus::Assessing => "blue",
        OfferStatus::Offered => "green",
        OfferStatus::Declined => "red",
        OfferStatus::Confirmed => "turquoise",
        OfferStatus::Closed => "grey",
    };
    tag(status_label(status), Some(colour))
}

fn kind_options() -> Vec<RadioOption<'static>> {
    PlaceKind::ALL
        .iter()
        .map(|k| RadioOption {
            value: k.as_str(),
            label: kind_label(*k),
            hint: None,
        })
        .collect()
}

fn funding_options() -> Vec<RadioOption<'static>> {
    PlacementFunding::ALL
        .iter()
        .map(|f| RadioOption {
            value: f.as_str(),
            label: funding_label(*f),
            hint: None,
        })
        .collect()
}

/// The broker's request form for a client, with the homes that have places to choose from.
pub fn new_form(
    page: &Page,
    client: (i64, &str),
    homes: &[WithPlaces],
    form: &RequestForm,
    errors: &FieldErrors,
) -> Markup {
    let heading = format!("Request a placement for {}", client.1);
    let listing_error = errors.get("listing");
    layout(
        page,
        &title_with_errors(&heading, errors),
        html! {
            a href=(paths::places()) class="govuk-back-link" { "Places free" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { (heading) }
            p class="govuk-body" { "The homes you choose read what the person needs, the start date, the funding and the postcode district they live in. They see " (client.1) "’s name only once they agree to assess. You choose one offer; the others are told the request has closed." }
            form method="post" action=(paths::placements_new()) novalidate {
                (csrf_field(&page.csrf()))
                input type="hidden" name="client" value=(client.0);
                (radios("kind", "Kind of place", &kind_options(), &form.kind, errors))
                (textarea_with(&TextArea {
                    name: "needs",
                    id: "needs",
                    label: "What the person needs",
                    value: &form.needs,
                    hint: Some("Care and health needs, mobility, equipment, language, anything the home must know to decide. Do not give their name."),
                    rows: 6,
                    max_chars: Some(MAX_NEEDS_CHARS),
                }, errors))
                (date_input("start", "When the place is needed from", (&form.start.0, &form.start.1, &form.start.2), errors, Some("For example, 1 12 2026")))
                (radios("funding", "How the place would be paid for", &funding_options(), &form.funding, errors))
                div class={ "govuk-form-group" @if listing_error.is_some() { " govuk-form-group--error" } } {
                    fieldset class="govuk-fieldset" aria-describedby={ "listing-hint" @if listing_error.is_some() { " listing-error" } } {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { "Homes to ask" }
                        div id="listing-hint" class="govuk-hint" { "Up to " (MAX_HOMES) ". Only homes that say they have places are listed." }
                        @if let Some(message) = listing_error {
                            p id="listing-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (message) }
                        }
                        @if homes.is_empty() { p class="govuk-body" id="listing" { "No home says it has places free at the moment." } }
                        div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                            @for (i, h) in homes.iter().enumerate() {
                                @let id = if i == 0 { "listing".to_owned() } else { format!("listing-{}", i + 1) };
                                @let value = h.listing_id.to_string();
                                div class="govuk-checkboxes__item" {
                                    input class="govuk-checkboxes__input" id=(id) name="listing" type="checkbox" value=(value)
                                        checked[form.listings.contains(&value)] aria-describedby={ (id) "-item-hint" };
                                    label class="govuk-label govuk-checkboxes__label" for=(id) { (h.title) }
                                    div id={ (id) "-item-hint" } class="govuk-hint govuk-checkboxes__hint" {
                                        (h.district) " · "
                                        @for (j, (kind, n, _, _)) in h.places.iter().enumerate() { @if j > 0 { ", " } (places_phrase(*kind, *n)) }
                                        @if let Some(r) = h.cqc { " · CQC: " (rating_label(r)) }
                                        @if h.stale { " · may be out of date" }
                                    }
                                }
                            }
                        }
                    }
                }
                (button("Send the request"))
            }
        },
    )
}

/// The broker's requests.
pub fn list(page: &Page, requests: &[RequestView]) -> Markup {
    layout(
        page,
        "Placement requests",
        html! {
            h1 class="govuk-heading-l" { "Placement requests" }
            p class="govuk-body" { a class="govuk-link" href=(paths::places()) { "Find homes with places free" } " and ask them for a client." }
            @if requests.is_empty() { p class="govuk-body" { "You have not sent a placement request yet." } }
            @for r in requests {
                div class="kith-saved" {
                    h2 class="govuk-heading-s govuk-!-margin-bottom-1" {
                        a class="govuk-link" href=(paths::placement(r.request.id)) { (r.client_name) ": " (kind_label(r.request.kind).to_lowercase()) }
                    }
                    p class="govuk-body-s" {
                        (request_status_label(r.request.status)) " · from " (format_date(&r.request.start_date)) " · sent " (format_time(&r.request.created_at))
                        " · " (r.offers.iter().filter(|o| o.offer.status == OfferStatus::Offered).count()) " offered of " (r.offers.len())
                    }
                }
            }
        },
    )
}

/// One request with every home's answer, for the broker.
pub fn show(page: &Page, view: &RequestView) -> Markup {
    let r = &view.request;
    let csrf = page.csrf();
    let heading = format!("Placement request for {}", view.client_name);
    layout(
        page,
        &heading,
        html! {
            a href=(paths::placements()) class="govuk-back-link" { "Placement requests" }
            h1 class="govuk-heading-l" { (heading) }
            dl class="govuk-summary-list" {
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Status" } dd class="govuk-summary-list__value" { (request_status_label(r.status)) } }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Kind of place" } dd class="govuk-summary-list__value" { (kind_label(r.kind)) } }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "From" } dd class="govuk-summary-list__value" { (format_date(&r.start_date)) } }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Funding" } dd class="govuk-summary-list__value" { (funding_label(r.funding)) } }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Needs" } dd class="govuk-summary-list__value kith-pre-line" { (r.needs) } }
            }
            h2 class="govuk-heading-m" { "Homes asked" }
            @for o in &view.offers {
                div class="kith-saved" id={ "offer-" (o.offer.id) } {
                    h3 class="govuk-heading-s govuk-!-margin-bottom-1" { a class="govuk-link" href=(paths::listing(o.offer.listing_id)) { (o.listing_title) } }
                    p class="govuk-body-s govuk-!-margin-bottom-1" { (o.organisation) " " (status_tag(o.offer.status)) }
                    @if let Some(reason) = &o.offer.decline_reason { p class="govuk-body kith-pre-line" { strong { "Reason: " } (reason) } }
                    @if let Some(details) = o.offer.offer_details.as_ref().filter(|_| o.offer.status != OfferStatus::Declined) { p class="govuk-body kith-pre-line" { strong { "Their offer: " } (details) } }
                    @if r.status == PlacementStatus::Open && o.offer.status == OfferStatus::Offered {
                        form method="post" action=(paths::placement_offer_confirm(r.id, o.offer.id)) novalidate {
                            (csrf_field(&csrf))
                            input type="hidden" name="seen" value=(offer_version(&o.offer));
                            button type="submit" class="govuk-button" data-module="govuk-button" {
                                "Confirm this placement" span class="govuk-visually-hidden" { " at " (o.listing_title) }
                            }
                        }
                    }
                }
            }
            @if r.status == PlacementStatus::Open {
                form method="post" action=(paths::placement_withdraw(r.id)) novalidate {
                    (csrf_field(&csrf))
                    button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Withdraw the request" }
                }
            }
        },
    )
}

/// The requests sent to a provider's homes.
pub fn provider_list(page: &Page, homes: &[ForHome]) -> Markup {
    layout(
        page,
        "Placement requests",
        html! {
            a href=(paths::provider_home()) class="govuk-back-link" { "Your services" }
            h1 class="govuk-heading-l" { "Placement requests" }
            @if homes.is_empty() { p class="govuk-body" { "No placement requests yet. Brokers ask homes that say they have places free." } }
            @for h in homes {
                div class="kith-saved" {
                    h2 class="govuk-heading-s govuk-!-margin-bottom-1" {
                        a class="govuk-link" href=(paths::provider_placement(h.offer.id)) { (h.listing_title) ": " (kind_label(h.request.kind).to_lowercase()) " from " (format_date(&h.request.start_date)) }
                    }
                    p class="govuk-body-s" { (status_tag(h.offer.status)) " · received " (format_time(&h.request.created_at)) }
                }
            }
        },
    )
}

/// One request as a home sees it, with its answers.
pub fn provider_show(
    page: &Page,
    h: &ForHome,
    typed: (&str, &str),
    errors: &FieldErrors,
) -> Markup {
    let r = &h.request;
    let csrf = page.csrf();
    let open = r.status == PlacementStatus::Open;
    let heading = format!("Placement request for {}", h.listing_title);
    layout(
        page,
        &title_with_errors(&heading, errors),
        html! {
            a href=(paths::provider_placements()) class="govuk-back-link" { "Placement requests" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { (heading) }
            p class="govuk-body" { (status_tag(h.offer.status)) }
            dl class="govuk-summary-list" {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { "Person" }
                    dd class="govuk-summary-list__value" {
                        @match &h.client_name { Some(name) => (name), None => "Shown when you agree to assess" }
                    }
                }
                @if let Some((name, email)) = &h.broker {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { "Broker" }
                        dd class="govuk-summary-list__value" { (name) br; a class="govuk-link kith-break-words" href={ "mailto:" (email) } { (email) } }
                    }
                }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Kind of place" } dd class="govuk-summary-list__value" { (kind_label(r.kind)) } }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "From" } dd class="govuk-summary-list__value" { (format_date(&r.start_date)) } }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Funding" } dd class="govuk-summary-list__value" { (funding_label(r.funding)) } }
                @if !r.district.is_empty() {
                    div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Lives in" } dd class="govuk-summary-list__value" { (r.district) } }
                }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Needs" } dd class="govuk-summary-list__value kith-pre-line" { (r.needs) } }
            }
            @if let Some(details) = &h.offer.offer_details { p class="govuk-body kith-pre-line" { strong { "Your offer: " } (details) } }
            @if let Some(reason) = &h.offer.decline_reason { p class="govuk-body kith-pre-line" { strong { "You declined: " } (reason) } }
            @if !open {
                p class="govuk-body" { "This request is closed: " (request_status_label(r.status).to_lowercase()) "." }
            } @else {
                @if h.offer.status == OfferStatus::Sent {
                    form method="post" action=(paths::provider_placement_assess(h.offer.id)) novalidate {
                        (csrf_field(&csrf))
                        (button("Agree to assess"))
                    }
                }
                @if matches!(h.offer.status, OfferStatus::Sent | OfferStatus::Assessing | OfferStatus::Offered) {
                    h2 class="govuk-heading-m" { @if h.offer.status == OfferStatus::Offered { "Change your offer" } @else { "Offer a place" } }
                    form method="post" action=(paths::provider_placement_offer(h.offer.id)) novalidate {
                        (csrf_field(&csrf))
                        (textarea_with(&TextArea {
                            name: "details",
                            id: "details",
                            label: "What you offer",
                            value: typed.0,
                            hint: Some("The room, the weekly fee, when they can move in, anything the broker must know."),
                            rows: 4,
                            max_chars: Some(MAX_ANSWER_CHARS),
                        }, errors))
                        (button("Offer the place"))
                    }
                    h2 class="govuk-heading-m" { "Decline" }
                    form method="post" action=(paths::provider_placement_decline(h.offer.id)) novalidate {
                        (csrf_field(&csrf))
                        (textarea_with(&TextArea {
                            name: "reason",
                            id: "reason",
                            label: "Why you cannot offer a place",
                            value: typed.1,
                            hint: Some("The broker reads this. For example, “we cannot meet the nursing needs described”."),
                            rows: 3,
                            max_chars: Some(MAX_ANSWER_CHARS),
                        }, errors))
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Decline the request" }
                    }
                }
            }
        },
    )
}
