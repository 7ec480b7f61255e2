//! The public listing page: everything a budget holder needs to decide, with schema.org
//! JSON-LD for search engines. Also the provider's preview of an unpublished version.

use entity::listings::ListingId;
use entity::provider_organisations::ProviderKind;
use maud::{Markup, PreEscaped, html};
use serde_json::json;

use crate::domain::cqc::{CqcSummary, location_url, rating_label};
use crate::domain::dates::format_date;
use crate::domain::listings::content::{DAYS, ListingContent, Price};
use crate::domain::providers::organisations::{PublicProfile, kind_label};
use crate::paths;
use crate::views::components::{notification_important, summary_list};
use crate::views::cqc::rating_tag;
use crate::views::layout::layout;
use crate::views::listings::parts::{CategoryNames, key_facts, paragraphs, photos};
use crate::views::page::Page;
use crate::views::plans::shortlists::save_button;

pub struct ListingPage<'a> {
    pub listing_id: ListingId,
    pub content: &'a ListingContent,
    pub provider: &'a PublicProfile,
    pub category_name: CategoryNames<'a>,
    /// When the council approved the version shown.
    pub approved_on: Option<chrono::NaiveDate>,
    pub base_url: &'a str,
    /// Set for the provider's preview of a version that is not public.
    pub preview: bool,
    /// Save and enquire buttons (none on a preview).
    pub actions: Option<Markup>,
    /// Published reviews (none on a preview).
    pub reviews: Option<Markup>,
    /// The latest published quality check, if any.
    pub quality: Option<Markup>,
    /// What CQC's register says of the listing's location, once imported.
    pub cqc: Option<&'a CqcSummary>,
    /// The places its provider says are free (none on a preview).
    pub places: Option<Markup>,
}

/// CQC's rating of the listing's registered location, kept apart from the council's checks.
fn cqc_section(location_id: &str, cqc: Option<&CqcSummary>) -> Markup {
    let link = html! {
        p class="govuk-body" {
            a class="govuk-link" href=(location_url(location_id)) rel="noopener" { "Read CQC's reports on the CQC website" }
            " (location " (location_id) ")"
        }
    };
    html! {
        section class="kith-quality" aria-labelledby="cqc-heading" {
            h2 class="govuk-heading-m" id="cqc-heading" { "Care Quality Commission (CQC)" }
            @match cqc {
                None => {
                    p class="govuk-body" { "This service is registered with the Care Quality Commission, which inspects and rates care services in England." }
                }
                Some(s) => {
                    @if s.deregistered {
                        (warning("CQC's register no longer lists this location. Ask the provider whether it is still open."))
                    } @else if s.dormant {
                        (warning("CQC says this location is registered but not providing care at present."))
                    }
                    @match s.rating {
                        Some(rating) => {
                            p class="govuk-body" {
                                "CQC rating: " (rating_tag(rating))
                                @if let Some(on) = s.published_on { " (published " (format_date(&on)) ")" }
                            }
                            @if s.inherited {
                                p class="govuk-body-s kith-secondary-text" { "CQC gave this rating when the location was run by a previous provider." }
                            }
                        }
                        None => p class="govuk-body" { "CQC has not rated this location yet." },
                    }
                    @if !s.key_questions.is_empty() {
                        dl class="govuk-summary-list govuk-summary-list--no-border" {
                            @for (question, rating) in &s.key_questions {
                                div class="govuk-summary-list__row" {
                                    dt class="govuk-summary-list__key" { (question) }
                                    dd class="govuk-summary-list__value" { (rating_label(*rating)) }
                                }
                            }
                        }
                    }
                    @if s.care_home {
                        p class="govuk-body" {
                            @if s.nursing() { "Care home with nursing" } @else { "Care home without nursing" }
                            @if let Some(beds) = s.beds { ", registered for " (beds) " people" }
                            @if s.dementia() { ". Cares for people living with dementia" }
                            "."
                        }
                    }
                }
            }
            (link)
        }
    }
}

fn warning(text: &str) -> Markup {
    html! {
        div class="govuk-warning-text" {
            span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
            strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (text) }
        }
    }
}

/// Who may do what from a listing page.
pub struct ListingActions<'a> {
    pub listing_id: ListingId,
    pub saved: bool,
    /// The broker's client the page acts for.
    pub client: Option<(i64, &'a str)>,
    /// Signed in as a budget holder or broker.
    pub can_enquire: bool,
    pub signed_in: bool,
}

/// The "send an enquiry" and "save to shortlist" actions for a listing.
pub fn actions(page: &Page, a: &ListingActions) -> Markup {
    let here = paths::listing(a.listing_id);
    html! {
        div class="kith-listing-actions" {
            @if a.can_enquire {
                a class="govuk-button" role="button" draggable="false" data-module="govuk-button" href=(paths::listing_enquire(a.listing_id)) {
                    @match a.client { Some((_, name)) => { "Send an enquiry for " (name) }, None => "Send an enquiry" }
                }
            } @else if !a.signed_in {
                p class="govuk-body" { a class="govuk-link" href={ (paths::sign_in()) "?next=" (paths::listing_enquire(a.listing_id)) } { "Sign in to send an enquiry" } }
            }
            (save_button(page, a.listing_id, a.saved, a.client, &here, None))
        }
    }
}

/// The number to phone about a listing: the service's own first, else the provider's.
pub fn phone_of<'a>(c: &'a ListingContent, provider: &'a PublicProfile) -> Option<&'a str> {
    c.reach
        .phones
        .first()
        .map(|p| p.number.as_str())
        .or(provider.contact_phone.as_deref())
}

/// A phone number as a link that dials it.
pub fn tel_link(number: &str) -> Markup {
    html! { a class="govuk-link" href={ "tel:" (number.replace(' ', "")) } { (number) } }
}

pub fn listing(page: &Page, p: &ListingPage) -> Markup {
    let c = p.content;
    let provider = p.provider;
    // The ways in come first (on a phone they sit right under the title); the service's own
    // stand in before the provider's.
    let mut contact: Vec<(&str, Markup)> = Vec::new();
    let reach = &c.reach;
    if !reach.phones.is_empty() {
        contact.push((
            "Phone",
            html! {
                ul class="govuk-list" { @for phone in &reach.phones {
                    li { (tel_link(&phone.number)) @if let Some(d) = &phone.description { br; span class="kith-secondary-text" { (d) } } }
                } }
            },
        ));
    } else if let Some(phone) = &provider.contact_phone {
        contact.push(("Phone", tel_link(phone)));
    }
    if let Some(email) = reach.email.as_ref().or(provider.contact_email.as_ref()) {
        contact.push((
            "Email",
            html! { a class="govuk-link kith-break-words" href={ "mailto:" (email) } { (email) } },
        ));
    }
    if let Some(website) = reach.website.as_ref().or(provider.website.as_ref()) {
        contact.push(("Website", html! { a class="govuk-link kith-break-words" href=(website) rel="nofollow noopener" { (website) } }));
    }
    let mut about: Vec<(&str, Markup)> = vec![(
        "Provider",
        html! {
            // A provider the council has not approved yet (a preview) has no page to link to.
            @if provider.has_public_page { a class="govuk-link" href=(paths::provider_profile(provider.id)) { (provider.name) } } @else { (provider.name) }
            br; span class="kith-secondary-text" { (kind_label(provider.kind)) }
        },
    )];
    if !reach.people.is_empty() {
        about.push((
            "Who to ask for",
            html! {
                ul class="govuk-list" { @for person in &reach.people {
                    li {
                        (person.name)
                        @if let Some(title) = &person.title { ", " (title) }
                        @if let Some(phone) = &person.phone { br; (tel_link(phone)) }
                    }
                } }
            },
        ));
    }
    layout(
        page,
        &c.title,
        html! {
            @if p.preview {
                (notification_important(html! { p class="govuk-notification-banner__heading" { "Preview: this is how the listing will look once the council publishes it." } }))
            } @else {
                script type="application/ld+json" { (PreEscaped(json_ld(p))) }
            }
            // One column on a phone (title, contact, the rest); beside each other on wider
            // screens, the contact box on the right.
            div class="kith-listing" {
                div class="kith-listing__head" {
                    span class="govuk-caption-l" { (provider.name) }
                    h1 class="govuk-heading-l" lang=[c.lang()] { (c.title) }
                    p class="govuk-body-l" lang=[c.lang()] { (c.summary) }
                }
                aside class="kith-contact-box kith-listing__contact" aria-labelledby="contact-heading" {
                    h2 class="govuk-heading-m" id="contact-heading" { "Contact the provider" }
                    @if !contact.is_empty() { (summary_list(&contact)) }
                    @if let Some(actions) = &p.actions { (actions) }
                    @if let Some(places) = &p.places { (places) }
                    (summary_list(&about))
                    @if let Some(date) = p.approved_on {
                        p class="govuk-body-s kith-secondary-text" { "Checked and approved by the council on " (format_date(&date)) "." }
                    }
                }
                div class="kith-listing__body" {
                    (key_facts(c, p.category_name))
                    @if let Some(location_id) = &c.cqc_location_id { (cqc_section(location_id, p.cqc)) }
                    @if let Some(quality) = &p.quality { (quality) }
                    h2 class="govuk-heading-m" { "About this service" }
                    div lang=[c.lang()] { (paragraphs(&c.description)) }
                    (photos(c))
                    @if let Some(reviews) = &p.reviews { (reviews) }
                    @if !p.preview {
                        p class="govuk-body govuk-!-margin-top-6" {
                            a class="govuk-link" href=(paths::listing_report(p.listing_id)) { "Report a problem with this listing" }
                        }
                    }
                }
            }
        },
    )
}

/// schema.org `Service` for the listing. Every `<` is escaped so the JSON cannot end the
/// script element, whatever a provider wrote.
fn json_ld(p: &ListingPage) -> String {
    let c = p.content;
    let provider = p.provider;
    let mut org = json!({
        "@type": if provider.kind == ProviderKind::PersonalAssistant { "Person" } else { "Organization" },
        "name": provider.name,
        "url": format!("{}{}", p.base_url, paths::provider_profile(provider.id)),
    });
    if let Some(phone) = &provider.contact_phone {
        org["telephone"] = json!(phone);
    }
    if let Some(email) = &provider.contact_email {
        org["email"] = json!(email);
    }
    let mut service = json!({
        "@context": "https://schema.org",
        "@type": "Service",
        "name": c.title,
        "description": c.summary,
        "url": format!("{}{}", p.base_url, paths::listing(p.listing_id)),
        "provider": org,
        "serviceType": c.category_ids.iter().map(|id| (p.category_name)(*id)).collect::<Vec<_>>(),
        "audience": c.client_group_labels().iter().map(|g| json!({"@type": "Audience", "audienceType": g})).collect::<Vec<_>>(),
        "availableLanguage": c.languages,
        "hoursAvailable": c.availability.days.iter().filter_map(|d| {
            let day = DAYS.iter().find(|(k, _)| k == d)?.1;
            let mut spec = json!({"@type": "OpeningHoursSpecification", "dayOfWeek": format!("https://schema.org/{day}")});
            if let (Some(from), Some(to)) = (&c.availability.from, &c.availability.to) {
                spec["opens"] = json!(from);
                spec["closes"] = json!(to);
            }
            Some(spec)
        }).collect::<Vec<_>>(),
    });
    // A price nobody has given is left out, never written as 0.
    match &c.price {
        Price::Free => {
            service["offers"] = json!({"@type": "Offer", "price": "0", "priceCurrency": "GBP"})
        }
        Price::Charged { pence, unit } => {
            service["offers"] = json!({
                "@type": "Offer",
                "priceCurrency": "GBP",
                "priceSpecification": {
                    "@type": "UnitPriceSpecification",
                    "price": format!("{}.{:02}", pence / 100, pence % 100),
                    "priceCurrency": "GBP",
                    "unitText": unit.as_str(),
                },
            })
        }
        Price::NotGiven => {}
    }
    let mut areas = Vec::new();
    if let Some(home) = &c.at_home {
        areas.push(json!({"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": home.place, "addressCountry": "GB"}}));
    }
    if let Some(venue) = &c.venue {
        areas.push(json!({"@type": "Place", "name": venue.address, "address": {"@type": "PostalAddress", "streetAddress": venue.address, "postalCode": venue.postcode, "addressCountry": "GB"}}));
    }
    if !areas.is_empty() {
        service["areaServed"] = json!(areas);
    }
    if let Some(photo) = c.photos.first() {
        service["image"] = json!(format!("{}{}", p.base_url, paths::media(&photo.file)));
    }
    service.to_string().replace('<', "\\u003c")
}
