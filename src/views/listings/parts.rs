//! Pieces of listing pages shared by the provider, admin and public views: the status tags,
//! the key facts, photos and the revision history.

use chrono::NaiveDate;
use entity::listing_revisions;
use entity::listings::ListingStatus;
use maud::{Markup, html};

use crate::domain::dates::format_date;
use crate::domain::listings::ListingView;
use crate::domain::listings::approval::ReviewPolicy;
use crate::domain::listings::content::ListingContent;
use crate::domain::listings::review::{ReviewState, review_state};
use crate::paths;
use crate::views::components::{format_time, summary_list, tag};

/// Turns a category id into its name.
pub type CategoryNames<'a> = &'a dyn Fn(i64) -> String;

fn revision_status_label(status: ListingStatus) -> (&'static str, &'static str) {
    match status {
        ListingStatus::Draft => ("Draft", "grey"),
        ListingStatus::Submitted => ("Waiting for council review", "blue"),
        ListingStatus::ChangesRequested => ("Changes requested", "yellow"),
        ListingStatus::Rejected => ("Not approved", "red"),
        ListingStatus::Approved => ("Published", "green"),
        ListingStatus::Superseded => ("Replaced by a newer version", "grey"),
        ListingStatus::Withdrawn => ("Withdrawn", "grey"),
        ListingStatus::Archived => ("Archived", "grey"),
    }
}

pub fn revision_status_tag(status: ListingStatus) -> Markup {
    let (label, colour) = revision_status_label(status);
    tag(label, Some(colour))
}

/// Every tag that applies: the listing's state, a pending update, suspension, review flags.
pub fn status_tags(view: &ListingView, policy: ReviewPolicy, today: NaiveDate) -> Markup {
    let l = &view.listing;
    html! {
        @if l.status == ListingStatus::Archived {
            (tag("Archived", Some("grey")))
        } @else if l.status == ListingStatus::Approved {
            @if l.suspended_at.is_some() {
                (tag("Suspended", Some("red")))
            } @else {
                @match review_state(l, policy, today) {
                    ReviewState::Hidden => (tag("Hidden: check overdue", Some("red"))),
                    ReviewState::Overdue => (tag("Published, check overdue", Some("orange"))),
                    ReviewState::DueSoon => (tag("Published, check due soon", Some("yellow"))),
                    ReviewState::Current => (tag("Published", Some("green"))),
                }
            }
            @if let Some(w) = &view.working {
                " "
                @match w.revision.status {
                    ListingStatus::Submitted => (tag("Changes waiting for review", Some("blue"))),
                    ListingStatus::ChangesRequested => (tag("Changes requested", Some("yellow"))),
                    ListingStatus::Rejected => (tag("Changes not approved", Some("red"))),
                    _ => (tag("Unpublished changes", Some("grey"))),
                }
            }
        } @else {
            (revision_status_tag(l.status))
        }
    }
}

/// The facts a person needs to decide, as a summary list.
pub fn key_facts(c: &ListingContent, category_name: CategoryNames) -> Markup {
    let mut rows: Vec<(&str, Markup)> = vec![
        (
            "Price",
            html! {
                (c.price.describe())
                @if let Some(notes) = &c.price_notes { br; span class="kith-secondary-text" { (notes) } }
            },
        ),
        (
            "Where",
            html! {
                ul class="govuk-list" { @for line in c.delivery_lines() { li { (line) } } }
            },
        ),
        (
            "When",
            html! {
                (c.availability_line())
                @if let Some(notes) = &c.availability.notes { br; span class="kith-secondary-text" { (notes) } }
            },
        ),
        (
            "Taking new clients",
            html! { @match c.accepting_new_clients { Some(true) => "Yes", Some(false) => "No, not at the moment", None => (crate::domain::listings::content::NOT_STATED) } },
        ),
        (
            "Who it is for",
            html! { (c.client_group_labels().join(", ")) },
        ),
        (
            "Type of support",
            html! {
                (c.category_ids.iter().map(|id| category_name(*id)).collect::<Vec<_>>().join(", "))
            },
        ),
        ("Languages spoken", html! { (c.languages_line()) }),
    ];
    if !c.areas.is_empty() {
        rows.push((
            "Areas covered",
            html! { ul class="govuk-list" { @for area in &c.areas { li { (area) } } } },
        ));
    }
    if let Some(accreditations) = &c.accreditations {
        rows.push(("Accreditations", html! { (accreditations) }));
    }
    if let Some(cultural) = &c.cultural_competence {
        rows.push(("Cultural and faith needs", html! { (cultural) }));
    }
    if let Some(venue) = &c.venue {
        let features = c.accessibility_labels();
        rows.push((
            "Getting into the venue",
            html! {
                @if features.is_empty() && venue.accessibility_notes.is_none() { "No accessibility information given" }
                @if !features.is_empty() { ul class="govuk-list govuk-list--bullet" { @for f in features { li { (f) } } } }
                @if let Some(notes) = &venue.accessibility_notes { (notes) }
            },
        ));
    }
    summary_list(&rows)
}

/// The service's own contact details and registration, for the provider's own page (the
/// public page has them in its contact box). `None` when it gives none.
pub fn service_contact(c: &ListingContent) -> Option<Markup> {
    use crate::domain::listings::reach::{people_text, phones_text};
    let r = &c.reach;
    let mut rows: Vec<(&str, Markup)> = Vec::new();
    if !r.phones.is_empty() {
        rows.push((
            "Phone numbers",
            html! { span class="kith-pre-line" { (phones_text(&r.phones)) } },
        ));
    }
    if let Some(email) = &r.email {
        rows.push(("Email", html! { (email) }));
    }
    if let Some(website) = &r.website {
        rows.push((
            "Website",
            html! { span class="kith-break-words" { (website) } },
        ));
    }
    if !r.people.is_empty() {
        rows.push((
            "People to ask for",
            html! { span class="kith-pre-line" { (people_text(&r.people)) } },
        ));
    }
    if let Some(cqc) = &c.cqc_location_id {
        rows.push(("CQC location ID", html! { (cqc) }));
    }
    (!rows.is_empty()).then(|| summary_list(&rows))
}

/// The description, split into paragraphs on blank lines.
pub fn paragraphs(text: &str) -> Markup {
    html! {
        @for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            p class="govuk-body kith-pre-line" { (paragraph.trim()) }
        }
    }
}

pub fn photos(c: &ListingContent) -> Markup {
    html! {
        @if !c.photos.is_empty() {
            ul class="govuk-list kith-photos" {
                @for photo in &c.photos {
                    li { a href=(paths::media(&photo.file)) { img src=(paths::media(&photo.thumbnail)) alt=(photo.alt) loading="lazy"; } }
                }
            }
        }
    }
}

/// Every version of a listing with the council's decision on it.
pub fn history(revisions: &[listing_revisions::Model]) -> Markup {
    html! {
        div class="kith-table-scroll" tabindex="0" role="region" aria-label="History" {
            table class="govuk-table kith-table-small" {
                caption class="govuk-table__caption govuk-table__caption--m" { "History" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Version" }
                    th scope="col" class="govuk-table__header" { "Status" }
                    th scope="col" class="govuk-table__header" { "Sent to the council" }
                    th scope="col" class="govuk-table__header" { "Council's message" }
                } }
                tbody class="govuk-table__body" {
                    @for r in revisions {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (r.number) }
                            td class="govuk-table__cell" { (revision_status_tag(r.status)) }
                            td class="govuk-table__cell" { (r.submitted_at.as_ref().map(format_time).unwrap_or_else(|| "Not sent".into())) }
                            td class="govuk-table__cell kith-pre-line" { (r.decision_message.clone().unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    }
}

/// "Check by 22 May 2027" style line about a published listing's review date.
pub fn review_line(view: &ListingView, policy: ReviewPolicy, today: NaiveDate) -> Option<String> {
    let due = view.listing.review_due?;
    (view.listing.status == ListingStatus::Approved).then(|| {
        match review_state(&view.listing, policy, today) {
            ReviewState::Hidden => format!(
                "The check was due on {}. The listing is hidden until it is confirmed.",
                format_date(&due)
            ),
            ReviewState::Overdue => format!(
                "The check was due on {}. Confirm the listing soon or it will be hidden.",
                format_date(&due)
            ),
            _ => format!("Next check due by {}", format_date(&due)),
        }
    })
}
