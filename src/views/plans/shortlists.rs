//! The shortlist page, its printable version, and the save/remove button on a listing.

use entity::listings::ListingId;
use maud::{Markup, html};

use crate::domain::dates::format_date;
use crate::domain::plans::shortlists::{Entry, MAX_NOTE_CHARS};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    TextArea, button_form, csrf_field, error_summary_linked, textarea_with,
};
use crate::views::layout::{bare_layout, layout};
use crate::views::listings::page::{phone_of, tel_link};
use crate::views::page::Page;

pub struct ShortlistPage<'a> {
    pub entries: &'a [Entry],
    /// The broker's client whose shortlist this is.
    pub client: Option<(i64, &'a str)>,
    pub signed_in: bool,
    /// May send enquiries (a budget holder or a broker).
    pub can_enquire: bool,
    /// A note that could not be kept: its listing, what was typed, and why.
    pub note_error: Option<(ListingId, &'a str, String)>,
}

/// The private note on one saved service, in a form of its own.
fn note_form(page: &Page, p: &ShortlistPage, entry: &Entry, title: &str) -> Markup {
    let id = format!("note-{}", entry.listing_id);
    let listing = entry.listing_id.to_string();
    let client_id = p.client.map(|(id, _)| id.to_string()).unwrap_or_default();
    let mut errors = FieldErrors::default();
    let value = match &p.note_error {
        Some((listing_id, typed, message)) if *listing_id == entry.listing_id => {
            errors.add("note", message.clone());
            (*typed).to_owned()
        }
        _ => entry.note.clone().unwrap_or_default(),
    };
    let label = format!("Your note on {title}");
    html! {
        form method="post" action=(paths::shortlist_note()) novalidate class="kith-note-form" {
            (csrf_field(&page.csrf()))
            input type="hidden" name="listing_id" value=(listing);
            input type="hidden" name="client" value=(client_id);
            (textarea_with(&TextArea {
                name: "note",
                id: &id,
                label: &label,
                value: &value,
                hint: Some("Only you see it. For example, who you spoke to, or what they said about times."),
                rows: 3,
                max_chars: Some(MAX_NOTE_CHARS),
            }, &errors))
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" {
                "Save note" span class="govuk-visually-hidden" { " on " (title) }
            }
        }
    }
}

fn whose(client: Option<(i64, &str)>) -> String {
    match client {
        Some((_, name)) => format!("{name}’s shortlist"),
        None => "Your shortlist".to_owned(),
    }
}

/// The save (or remove) button for one listing, posting back to `return_to`.
pub fn save_button(
    page: &Page,
    listing_id: ListingId,
    saved: bool,
    client: Option<(i64, &str)>,
    return_to: &str,
    title: Option<&str>,
) -> Markup {
    let id = listing_id.to_string();
    let client_id = client.map(|(id, _)| id.to_string()).unwrap_or_default();
    let hidden = [
        ("listing_id", id.as_str()),
        ("client", client_id.as_str()),
        ("return_to", return_to),
    ];
    let label = match (saved, client) {
        (false, None) => "Save to shortlist".to_owned(),
        (false, Some((_, name))) => format!("Save to {name}’s shortlist"),
        (true, None) => "Remove from shortlist".to_owned(),
        (true, Some((_, name))) => format!("Remove from {name}’s shortlist"),
    };
    let action = if saved {
        paths::shortlist_remove()
    } else {
        paths::shortlist()
    };
    // Where several listings share a page, each button says which one it is for.
    let button = html! {
        button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" {
            (label)
            @if let Some(title) = title { span class="govuk-visually-hidden" { ": " (title) } }
        }
    };
    button_form(&action, &page.csrf(), &hidden, button)
}

pub fn shortlist(page: &Page, p: &ShortlistPage) -> Markup {
    let heading = whose(p.client);
    let title = match &p.note_error {
        Some(_) => format!("Error: {heading}"),
        None => heading.clone(),
    };
    layout(
        page,
        &title,
        html! {
            @if let Some((listing_id, _, message)) = &p.note_error {
                (error_summary_linked(&[(format!("note-{listing_id}"), message.as_str())]))
            }
            h1 class="govuk-heading-l" { (heading) }
            @if !p.signed_in {
                p class="govuk-body" { "Your shortlist is kept while this browser is open. "
                    a class="govuk-link" href={ (paths::sign_in()) "?next=" (paths::shortlist()) } { "Sign in" } " or "
                    a class="govuk-link" href=(paths::register()) { "create an account" } " to keep it." }
            }
            @if p.entries.is_empty() {
                p class="govuk-body" { "Nothing saved yet. When you find a service you like, choose “Save to shortlist” on its page." }
                a href=(paths::search()) class="govuk-button" role="button" draggable="false" data-module="govuk-button" { "Find support" }
            } @else {
                p class="govuk-body" { a class="govuk-link" href=(paths::shortlist_print()) { "Print this list" } " – a plain version with each provider’s contact details." }
                @for entry in p.entries {
                    div class="kith-saved" id={ "saved-" (entry.listing_id) } {
                        @match &entry.listing {
                            Some(l) => {
                                h2 class="govuk-heading-m" lang=[l.content.lang()] { a class="govuk-link" href=(paths::listing(entry.listing_id)) { (l.content.title) } }
                                p class="govuk-body-s kith-secondary-text" { (l.provider.name) }
                                p class="govuk-body" lang=[l.content.lang()] { (l.content.summary) }
                                dl class="govuk-summary-list govuk-summary-list--no-border" {
                                    @if let Some(phone) = phone_of(&l.content, &l.provider) {
                                        div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Phone" } dd class="govuk-summary-list__value" { (tel_link(phone)) } }
                                    }
                                    div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Price" } dd class="govuk-summary-list__value" { (l.content.price.describe()) } }
                                    div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "When" } dd class="govuk-summary-list__value" { (l.content.availability_line()) } }
                                    div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Taking new clients" } dd class="govuk-summary-list__value" { @match l.content.accepting_new_clients { Some(true) => "Yes", Some(false) => "No, not at the moment", None => (crate::domain::listings::content::NOT_STATED) } } }
                                }
                                div class="govuk-button-group" {
                                    @if p.can_enquire {
                                        a class="govuk-button" role="button" draggable="false" data-module="govuk-button" href=(paths::listing_enquire(entry.listing_id)) { "Send an enquiry" span class="govuk-visually-hidden" { " about " (l.content.title) } }
                                    }
                                    (save_button(page, entry.listing_id, true, p.client, &paths::shortlist(), Some(&l.content.title)))
                                }
                                @if p.signed_in { (note_form(page, p, entry, &l.content.title)) }
                            }
                            None => {
                                h2 class="govuk-heading-m" { "A service that is no longer listed" }
                                p class="govuk-body" { "The provider has withdrawn it, or the council has paused it." }
                                (save_button(page, entry.listing_id, true, p.client, &paths::shortlist(), Some("the service that is no longer listed")))
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A plain, large-print list for people who prefer paper.
pub fn printable(
    entries: &[Entry],
    client: Option<(i64, &str)>,
    today: chrono::NaiveDate,
) -> Markup {
    let heading = whose(client);
    bare_layout(
        &heading,
        html! {
            div class="kith-print-list" {
                a href=(paths::shortlist()) class="govuk-back-link kith-no-print" { "Back to the shortlist" }
                h1 class="govuk-heading-xl" { (heading) }
                p class="govuk-body-l" { "Printed from Kith on " (format_date(&today)) "." }
                @for entry in entries {
                    @if let Some(l) = &entry.listing {
                        section class="kith-print-item" {
                            h2 class="govuk-heading-l" { (l.content.title) }
                            p class="govuk-body-l" { strong { (l.provider.name) } }
                            p class="govuk-body-l" { (l.content.summary) }
                            ul class="govuk-list govuk-body-l" {
                                li { "Price: " (l.content.price.describe()) }
                                li { "When: " (l.content.availability_line()) }
                                @for line in l.content.delivery_lines() { li { "Where: " (line) } }
                                @if let Some(phone) = phone_of(&l.content, &l.provider) { li { "Phone: " (phone) } }
                                @if let Some(email) = &l.provider.contact_email { li { "Email: " (email) } }
                                li { "On Kith: listing " (entry.listing_id) }
                                @if let Some(note) = &entry.note { li { "Your note: " span class="kith-pre-line" { (note) } } }
                            }
                        }
                    }
                }
            }
        },
    )
}
