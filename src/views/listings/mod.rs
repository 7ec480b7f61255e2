//! Provider pages for listings: an organisation's listings, the listing form, and managing
//! one listing (status, council messages, photos, submitting, checking, archiving).

pub mod admin;
pub mod page;
pub mod parts;
pub mod reports;

use chrono::NaiveDate;
use entity::listings::ListingStatus;
use entity::provider_organisations::OrganisationStatus;
use entity::{listing_revisions, provider_organisations};
use maud::{Markup, html};

use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::listings::ListingView;
use crate::domain::listings::approval::ReviewPolicy;
use crate::domain::listings::content::{
    DAYS, MAX_PHOTOS, PriceUnit, VENUE_ACCESSIBILITY, WRITTEN_LANGUAGES,
};
use crate::domain::listings::form::{ListingForm, MAX_RADIUS_MILES};
use crate::domain::reading_age;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, PHOTO_HINT, PHOTO_TYPES, RadioOption, button, button_form, checkboxes,
    counted_textarea, csrf_field, error_summary, file_upload, notification_important, radios,
    secondary_button, select, text_input, textarea, title_with_errors, warning_button,
};
use crate::views::layout::layout;
use crate::views::listings::parts::{
    CategoryNames, history, key_facts, paragraphs, review_line, service_contact, status_tags,
};
use crate::views::page::Page;

fn pairs(table: &[(&str, &str)]) -> Vec<(String, String)> {
    table
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
        .collect()
}

pub fn organisation_listings(
    page: &Page,
    org: &provider_organisations::Model,
    listings: &[ListingView],
    policy: ReviewPolicy,
    today: NaiveDate,
) -> Markup {
    layout(
        page,
        &format!("Listings – {}", org.name),
        html! {
            a href=(paths::provider_organisation(org.id)) class="govuk-back-link" { (org.name) }
            span class="govuk-caption-l" { (org.name) }
            h1 class="govuk-heading-l" { "Listings" }
            @if org.status != OrganisationStatus::Approved {
                (notification_important(html! { p class="govuk-notification-banner__heading" { "You can write listings now. You can send them to the council once your organisation is approved." } }))
            }
            @if listings.is_empty() {
                p class="govuk-body" { "A listing describes one service you offer: what it is, who it is for, where and when, and the price." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Your listings" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Your listings" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Listing" }
                            th scope="col" class="govuk-table__header" { "Status" }
                        } }
                        tbody class="govuk-table__body" {
                            @for view in listings {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::provider_listing(view.listing.id)) { (view.title()) } }
                                    td class="govuk-table__cell" { (status_tags(view, policy, today)) }
                                }
                            }
                        }
                    }
                }
            }
            a href=(paths::provider_organisation_listings_new(org.id)) role="button" draggable="false" class="govuk-button" data-module="govuk-button" { "Add a listing" }
        },
    )
}

pub struct FormView<'a> {
    pub heading: &'a str,
    pub action: String,
    pub back: String,
    pub org_name: &'a str,
    pub form: &'a ListingForm,
    /// (id, name) of the categories that can be chosen.
    pub categories: &'a [(i64, String)],
}

pub fn listing_form(page: &Page, v: &FormView, errors: &FieldErrors) -> Markup {
    let f = v.form;
    let categories: Vec<(String, String)> = v
        .categories
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let summary_hint = match reading_age::hint(&f.summary) {
        Some(age) => format!("One or two sentences in plain English, up to 300 characters. {age}"),
        None => "One or two sentences in plain English, up to 300 characters. This shows in search results.".to_owned(),
    };
    let units: Vec<(String, String)> = PriceUnit::ALL
        .iter()
        .map(|u| (u.as_str().to_owned(), u.label().to_owned()))
        .collect();
    let delivery = pairs(&[
        ("home", "In people's homes"),
        ("venue", "At a venue people come to"),
        ("online", "Online or by telephone"),
    ]);
    html! {
        (layout(page, &title_with_errors(v.heading, errors), html! {
            a href=(v.back) class="govuk-back-link" { "Back" }
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                span class="govuk-caption-l" { (v.org_name) }
                h1 class="govuk-heading-l" { (v.heading) }
                form method="post" action=(v.action) novalidate {
                    (csrf_field(&page.csrf()))
                    h2 class="govuk-heading-m" { "What the service is" }
                    (text_input("title", "Title", &f.title, errors, InputOptions { hint: Some("Say what it is, like Help at home in Sale, or Saturday art club. Up to 80 characters."), ..Default::default() }))
                    (counted_textarea("summary", "Summary", &f.summary, errors, Some(&summary_hint), 3, crate::domain::listings::form::MAX_SUMMARY_CHARS))
                    (counted_textarea("description", "Description", &f.description, errors, Some("What happens, what people can expect, and anything they should know. Leave a blank line between paragraphs."), 8, crate::domain::listings::form::MAX_DESCRIPTION_CHARS))
                    (checkboxes("categories", "Type of support", Some("Select all that apply"), &categories, &f.categories, errors))
                    (checkboxes("client_groups", "Who it is for", Some("Select all that apply"), &pairs(&CLIENT_GROUPS), &f.client_groups, errors))

                    h2 class="govuk-heading-m" { "Where it happens" }
                    (checkboxes("delivery", "Where is the support given?", Some("Select all that apply"), &delivery, &f.delivery, errors))
                    (text_input("home_place", "If in people's homes: the postcode you travel from", &f.home_place, errors, InputOptions { hint: Some("A full postcode, or just the first part, like M33 7 or M33"), width_class: Some("govuk-input--width-10"), spellcheck_off: true, ..Default::default() }))
                    (text_input("home_radius", "How many miles will you travel?", &f.home_radius, errors, InputOptions { hint: Some(&format!("A whole number from 1 to {MAX_RADIUS_MILES}")), width_class: Some("govuk-input--width-3"), input_type: "text", ..Default::default() }))
                    (text_input("venue_address", "If at a venue: its name and address", &f.venue_address, errors, InputOptions { autocomplete: Some("street-address"), ..Default::default() }))
                    (text_input("venue_postcode", "Venue postcode", &f.venue_postcode, errors, InputOptions { width_class: Some("govuk-input--width-10"), autocomplete: Some("postal-code"), ..Default::default() }))
                    (checkboxes("accessibility", "Venue accessibility", Some("Select all that the venue has"), &pairs(&VENUE_ACCESSIBILITY), &f.accessibility, errors))
                    (textarea("accessibility_notes", "Anything else about getting into and around the venue (optional)", &f.accessibility_notes, errors, None, 2))

                    h2 class="govuk-heading-m" { "Price" }
                    (radios("price_type", "Is there a charge?", &[
                        RadioOption { value: "charged", label: "Yes", hint: None },
                        RadioOption { value: "free", label: "No, it is free", hint: None },
                    ], &f.price_type, errors))
                    div class={ "govuk-form-group" @if errors.get("price_amount").is_some() { " govuk-form-group--error" } } {
                        label class="govuk-label" for="price_amount" { "Price in pounds" }
                        div id="price_amount-hint" class="govuk-hint" { "For example, 18.50" }
                        @if let Some(message) = errors.get("price_amount") {
                            p id="price_amount-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
                        }
                        div class="govuk-input__wrapper" {
                            div class="govuk-input__prefix" aria-hidden="true" { "£" }
                            input class={ "govuk-input govuk-input--width-5" @if errors.get("price_amount").is_some() { " govuk-input--error" } } id="price_amount" name="price_amount" type="text" inputmode="decimal" spellcheck="false" value=(f.price_amount) aria-describedby="price_amount-hint";
                        }
                    }
                    (radios("price_unit", "The price is", &units.iter().map(|(v, l)| RadioOption { value: v, label: l, hint: None }).collect::<Vec<_>>(), &f.price_unit, errors))
                    (textarea("price_notes", "Anything else about the price (optional)", &f.price_notes, errors, Some("For example, a minimum of 2 hours, or mileage charged at 45p a mile"), 2))

                    h2 class="govuk-heading-m" { "When" }
                    (checkboxes("days", "Days available", None, &pairs(&DAYS), &f.days, errors))
                    (text_input("time_from", "Usual start time (optional)", &f.time_from, errors, InputOptions { hint: Some("For example, 09:00 or 9am"), width_class: Some("govuk-input--width-5"), ..Default::default() }))
                    (text_input("time_to", "Usual finish time (optional)", &f.time_to, errors, InputOptions { hint: Some("For example, 17:30 or 5:30pm"), width_class: Some("govuk-input--width-5"), ..Default::default() }))
                    (textarea("availability_notes", "Anything else about when (optional)", &f.availability_notes, errors, Some("For example, evenings by arrangement, or term time only"), 2))

                    h2 class="govuk-heading-m" { "Getting started" }
                    (radios("accepting", "Are you taking new clients?", &[
                        RadioOption { value: "yes", label: "Yes", hint: None },
                        RadioOption { value: "no", label: "No, not at the moment", hint: None },
                    ], &f.accepting, errors))
                    (text_input("languages", "Languages spoken", &f.languages, errors, InputOptions { hint: Some("Separate them with commas, like English, Polish, British Sign Language"), ..Default::default() }))
                    (textarea("cultural_competence", "Cultural and faith needs you can meet (optional)", &f.cultural_competence, errors, Some("For example, halal meals, female carers only, or knowledge of Caribbean culture"), 3))
                    (select("written_in", "Language this listing is written in", &pairs(&WRITTEN_LANGUAGES), if f.written_in.is_empty() { "en" } else { &f.written_in }))

                    h2 class="govuk-heading-m" { "Contact details for this service" }
                    p class="govuk-body" { "Leave these empty to show your organisation's phone, email and website." }
                    (textarea("phones", "Phone numbers (optional)", &f.phones, errors, Some("One per line. Add what the number is for after a dash, like 0161 496 0000 – Reception, 8am to 6pm"), 2))
                    (text_input("service_email", "Email address (optional)", &f.service_email, errors, InputOptions { input_type: "email", spellcheck_off: true, ..Default::default() }))
                    (text_input("service_website", "Website (optional)", &f.service_website, errors, InputOptions { input_type: "url", hint: Some("Starting with https://"), spellcheck_off: true, ..Default::default() }))
                    (textarea("people", "People to ask for (optional)", &f.people, errors, Some("One per line: a name, then a job title and a phone number if you like, like Ann Persona – Reception Manager – 0161 496 0000"), 2))
                    (textarea("areas", "Areas you cover (optional)", &f.areas, errors, Some("One per line, like All of Trafford"), 2))
                    (textarea("accreditations", "Accreditations and memberships (optional)", &f.accreditations, errors, Some("For example, Dementia Friendly, or members of the UK Homecare Association"), 2))
                    (text_input("cqc_location_id", "CQC location ID (registered services only)", &f.cqc_location_id, errors, InputOptions { hint: Some("The location this service is registered at, like 1-123456789. Each home or office has its own."), width_class: Some("govuk-input--width-10"), ..Default::default() }))
                    (button("Save"))
                }
            } }
        }))
    }
}

pub struct ManageView<'a> {
    pub view: &'a ListingView,
    pub revisions: &'a [listing_revisions::Model],
    pub policy: ReviewPolicy,
    pub today: NaiveDate,
    pub category_name: CategoryNames<'a>,
    pub photo_alt: &'a str,
    /// Problems people reported that are not yet resolved (concerns left out).
    pub reports: &'a [entity::listing_reports::Model],
    /// The places it says it has, when its types of support can have places.
    pub places: Option<&'a [entity::vacancies::Model]>,
    pub now: chrono::DateTime<chrono::Utc>,
}

pub fn manage(page: &Page, m: &ManageView, errors: &FieldErrors) -> Markup {
    let view = m.view;
    let l = &view.listing;
    let id = l.id;
    let csrf = page.csrf();
    let working_status = view.working.as_ref().map(|w| w.revision.status);
    let can_edit =
        l.status != ListingStatus::Archived && working_status != Some(ListingStatus::Submitted);
    let can_submit = matches!(
        working_status,
        Some(ListingStatus::Draft | ListingStatus::ChangesRequested)
    );
    let latest = view.latest();
    let council_message = view
        .working
        .as_ref()
        .filter(|w| {
            matches!(
                w.revision.status,
                ListingStatus::ChangesRequested | ListingStatus::Rejected
            )
        })
        .and_then(|w| w.revision.decision_message.clone());
    layout(
        page,
        &title_with_errors(view.title(), errors),
        html! {
            a href=(paths::provider_organisation_listings(view.org.id)) class="govuk-back-link" { "All listings" }
            (error_summary(errors))
            span class="govuk-caption-l" { (view.org.name) }
            h1 class="govuk-heading-l" { (view.title()) }
            p class="govuk-body" { (status_tags(view, m.policy, m.today)) }
            @if let Some(message) = council_message {
                (notification_important(html! {
                    p class="govuk-notification-banner__heading" { "The council said:" }
                    p class="govuk-body kith-pre-line" { (message) }
                }))
            }
            @if let (Some(_), Some(reason)) = (l.suspended_at, &l.suspended_reason) {
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "The council has suspended this listing: " (reason) }
                }
            }
            @if !m.reports.is_empty() {
                div class="govuk-inset-text" {
                    h2 class="govuk-heading-s" { "People reported a problem with this listing" }
                    ul class="govuk-list" {
                        @for r in m.reports {
                            li { strong { (crate::domain::listings::reports::kind_label(r.kind)) } " (" (crate::views::components::format_time(&r.created_at)) "): " span class="kith-pre-line" { (r.details) } }
                        }
                    }
                    p class="govuk-body" { "Change the listing if something is wrong, then confirm it is right. The council closes each report." }
                }
            }
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                @if l.status == ListingStatus::Approved {
                    @if let Some(line) = review_line(view, m.policy, m.today) { p class="govuk-body" { (line) } }
                    (button_form(&paths::provider_listing_confirm(id), &csrf, &[], secondary_button("Confirm the published listing is still right")))
                    @if view.is_public() {
                        p class="govuk-body" { a class="govuk-link" href=(paths::listing(id)) { "See the published listing" } }
                    } @else {
                        p class="govuk-body" { "The public cannot see it while it is suspended or hidden." }
                    }
                }
                @if let Some(places) = m.places {
                    h2 class="govuk-heading-m" { "Places available" }
                    @let free: Vec<_> = places.iter().filter(|v| v.places > 0).collect();
                    @if places.is_empty() {
                        p class="govuk-body" { "You have not said whether you have places. Brokers and families look for homes and services with places free now." }
                    } @else if free.is_empty() {
                        p class="govuk-body" { "No places free." }
                    } @else {
                        ul class="govuk-list" { @for v in &free { li { (crate::domain::vacancies::places_phrase(v.kind, v.places)) } } }
                    }
                    @if let Some(updated) = places.iter().map(|v| v.updated_at).min() {
                        p class="govuk-body-s kith-secondary-text" {
                            "Updated " (crate::domain::dates::format_uk_date(&updated))
                            @if !free.is_empty() && crate::domain::vacancies::is_stale(updated, m.now) { " " (crate::views::components::tag("May be out of date", Some("yellow"))) }
                        }
                    }
                    p class="govuk-body" { a class="govuk-link" href=(paths::provider_listing_places(id)) { "Update places available" } }
                }
                @if can_edit || can_submit {
                    div class="govuk-button-group" {
                        @if can_edit { a href=(paths::provider_listing_edit(id)) role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button" { @if l.status == ListingStatus::Approved && view.working.is_none() { "Change the listing" } @else { "Edit" } } }
                        a class="govuk-link" href=(paths::provider_listing_preview(id)) { "Preview" }
                    }
                }
                @if can_submit {
                    @if view.org.status == OrganisationStatus::Approved {
                        (button_form(&paths::provider_listing_submit(id), &csrf, &[], button(if l.status == ListingStatus::Approved { "Send changes to the council" } else { "Send to the council for approval" })))
                    } @else {
                        p class="govuk-body" { "You can send this listing to the council once your organisation is approved." }
                    }
                }
                @if working_status == Some(ListingStatus::Submitted) {
                    p class="govuk-body" { "The council is reviewing this version. You will get an email when they decide." }
                }
                @if let Some(version) = latest {
                    h2 class="govuk-heading-m" {
                        @if view.working.is_some() && l.status == ListingStatus::Approved { "Your changes (not yet published)" } @else { "Details" }
                    }
                    p class="govuk-body-l" { (version.content.summary) }
                    (key_facts(&version.content, m.category_name))
                    @if let Some(contact) = service_contact(&version.content) {
                        h3 class="govuk-heading-s" { "Contact details for this service" }
                        (contact)
                    }
                    h3 class="govuk-heading-s" { "Description" }
                    (paragraphs(&version.content.description))

                    h2 class="govuk-heading-m" { "Photos" }
                    @if version.content.photos.is_empty() { p class="govuk-body" { "No photos yet." } }
                    ul class="govuk-list" {
                        @for photo in &version.content.photos {
                            li class="kith-evidence" {
                                img src=(paths::media(&photo.thumbnail)) alt=(photo.alt) class="kith-logo";
                                p class="govuk-body" { "Description: " (photo.alt) }
                                @if can_edit {
                                    (button_form(&paths::provider_listing_photos_remove(id), &csrf, &[("file", &photo.file)], secondary_button("Remove this photo")))
                                }
                            }
                        }
                    }
                    @if can_edit && version.content.photos.len() < MAX_PHOTOS {
                        form method="post" action=(paths::provider_listing_photos(id)) enctype="multipart/form-data" novalidate {
                            (csrf_field(&csrf))
                            (file_upload("photo", "Add a photo", PHOTO_HINT, PHOTO_TYPES, errors))
                            (text_input("photo_alt", "Describe the photo for people who cannot see it", m.photo_alt, errors, InputOptions { hint: Some("For example, two people planting tomatoes in a raised bed"), ..Default::default() }))
                            (secondary_button("Upload photo"))
                        }
                    }
                }
                (history(m.revisions))
                @if l.status != ListingStatus::Archived {
                    h2 class="govuk-heading-m" { "Archive this listing" }
                    p class="govuk-body" { "Archive a service you no longer offer. It is taken off Kith and cannot be published again." }
                    (button_form(&paths::provider_listing_archive(id), &csrf, &[], warning_button("Archive listing")))
                }
            } }
        },
    )
}
