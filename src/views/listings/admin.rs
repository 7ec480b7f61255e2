//! Admin: the listing moderation queue (by waiting time), overdue and suspended listings, and
//! the review page with the diff against the live version, the checklist and the decision.

use chrono::NaiveDate;
use entity::listing_revisions;
use entity::listings::ListingStatus;
use entity::provider_organisations::OrganisationStatus;
use maud::{Markup, html};

use crate::domain::dates::format_date;
use crate::domain::listings::ListingView;
use crate::domain::listings::approval::{CHECKLIST, QueueEntry, ReviewPolicy};
use crate::domain::listings::content::Change;
use crate::domain::providers::evidence::EvidenceKind;
use crate::domain::providers::organisations::kind_label;
use crate::domain::reading_age;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    RadioOption, button, button_form, checkboxes, csrf_field, error_summary, radios, summary_list,
    tag, textarea, time_waiting, title_with_errors, warning_button,
};
use crate::views::layout::layout;
use crate::views::listings::parts::{
    CategoryNames, history, key_facts, paragraphs, photos, status_tags,
};
use crate::views::page::Page;

pub const TABS: [(&str, &str); 3] = [
    ("waiting", "Waiting for review"),
    ("overdue", "Check overdue"),
    ("suspended", "Suspended"),
];

fn tabs(current: &str) -> Markup {
    html! {
        nav aria-label="Listings to look at" {
            ul class="govuk-list kith-inline-list" {
                @for (value, label) in TABS {
                    li { @if value == current { strong { (label) } } @else { a class="govuk-link" href={ (paths::admin_listings()) "?show=" (value) } { (label) } } }
                }
            }
        }
    }
}

pub fn queue(page: &Page, entries: &[QueueEntry]) -> Markup {
    layout(
        page,
        "Listings waiting for review",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            h1 class="govuk-heading-l" { "Listings" }
            (tabs("waiting"))
            @if entries.is_empty() {
                p class="govuk-body" { "No listings are waiting for review." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Waiting for review, longest first" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-table__caption--m" { "Waiting for review, longest first" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Listing" }
                            th scope="col" class="govuk-table__header" { "Provider" }
                            th scope="col" class="govuk-table__header" { "What" }
                            th scope="col" class="govuk-table__header" { "Waiting" }
                        } }
                        tbody class="govuk-table__body" {
                            @for e in entries {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::admin_listing(e.listing_id)) { (e.title) } }
                                    td class="govuk-table__cell" { (e.organisation) }
                                    td class="govuk-table__cell" { @if e.is_update { "Changes to a published listing" } @else { "New listing" } }
                                    td class="govuk-table__cell" { (time_waiting(&e.submitted_at)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Overdue or suspended listings.
pub fn flagged(
    page: &Page,
    show: &str,
    views: &[ListingView],
    policy: ReviewPolicy,
    today: NaiveDate,
) -> Markup {
    let title = TABS
        .iter()
        .find(|(v, _)| *v == show)
        .map_or("Listings", |(_, l)| l);
    layout(
        page,
        title,
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            h1 class="govuk-heading-l" { "Listings" }
            (tabs(show))
            @if views.is_empty() {
                p class="govuk-body" { "None." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Table" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-table__caption--m" { (title) }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Listing" }
                            th scope="col" class="govuk-table__header" { "Provider" }
                            th scope="col" class="govuk-table__header" { "Check due" }
                            th scope="col" class="govuk-table__header" { "Status" }
                        } }
                        tbody class="govuk-table__body" {
                            @for v in views {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::admin_listing(v.listing.id)) { (v.title()) } }
                                    td class="govuk-table__cell" { (v.org.name) }
                                    td class="govuk-table__cell" { (v.listing.review_due.as_ref().map(format_date).unwrap_or_default()) }
                                    td class="govuk-table__cell" { (status_tags(v, policy, today)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub struct ReviewView<'a> {
    pub view: &'a ListingView,
    pub changes: &'a [Change],
    pub revisions: &'a [listing_revisions::Model],
    pub lapsed: &'a [EvidenceKind],
    pub policy: ReviewPolicy,
    pub today: NaiveDate,
    pub category_name: CategoryNames<'a>,
    pub decision: &'a str,
    pub message: &'a str,
    pub confirmed: &'a [String],
    pub reason: &'a str,
}

pub fn review(page: &Page, r: &ReviewView, errors: &FieldErrors) -> Markup {
    let view = r.view;
    let l = &view.listing;
    let csrf = page.csrf();
    let pending = view
        .working
        .as_ref()
        .filter(|w| w.revision.status == ListingStatus::Submitted);
    let checklist: Vec<(String, String)> = CHECKLIST
        .iter()
        .map(|(k, label)| ((*k).to_owned(), (*label).to_owned()))
        .collect();
    let decisions = [
        RadioOption {
            value: "approve",
            label: "Approve and publish",
            hint: None,
        },
        RadioOption {
            value: "request_changes",
            label: "Ask for changes",
            hint: Some("The provider can change it and send it again"),
        },
        RadioOption {
            value: "reject",
            label: "Do not approve",
            hint: Some("Tell them why"),
        },
    ];
    let provider_flags = html! {
        @if view.org.status != OrganisationStatus::Approved { (tag("Provider not approved", Some("red"))) " " }
        @for kind in r.lapsed { (tag(&format!("{} lapsed", kind.label()), Some("red"))) " " }
        @if view.org.status == OrganisationStatus::Approved && r.lapsed.is_empty() { (tag("Approved, evidence current", Some("green"))) }
    };
    layout(
        page,
        &title_with_errors(&format!("Review {}", view.title()), errors),
        html! {
            a href=(paths::admin_listings()) class="govuk-back-link" { "Listings" }
            (error_summary(errors))
            span class="govuk-caption-l" { "Listing" }
            h1 class="govuk-heading-l" { (view.title()) }
            (summary_list(&[
                ("Provider", html! { a class="govuk-link" href=(paths::admin_provider(view.org.id)) { (view.org.name) } " (" (kind_label(view.org.kind)) ")" }),
                ("Provider checks", provider_flags),
                ("Status", status_tags(view, r.policy, r.today)),
                ("Check due", html! { (l.review_due.as_ref().map(format_date).unwrap_or_else(|| "Not published yet".into())) }),
                ("Suspended because", html! { (l.suspended_reason.clone().unwrap_or_else(|| "Not suspended".into())) }),
            ]))
            @if let Some(w) = pending {
                h2 class="govuk-heading-m" {
                    @if view.live.is_some() { "What changed since the published version" } @else { "The new listing" }
                }
                @if let Some(hint) = reading_age::hint(&w.content.summary) { p class="govuk-body" { "Summary: " (hint) } }
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Changes" {
                    table class="govuk-table kith-table-small" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Changes" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Part" }
                            @if view.live.is_some() { th scope="col" class="govuk-table__header" { "Published now" } }
                            th scope="col" class="govuk-table__header" { @if view.live.is_some() { "Proposed" } @else { "Content" } }
                        } }
                        tbody class="govuk-table__body" {
                            @for change in r.changes {
                                tr class="govuk-table__row" {
                                    th scope="row" class="govuk-table__header" { (change.label) }
                                    @if view.live.is_some() { td class="govuk-table__cell kith-pre-line" { del { (change.before) } } }
                                    td class="govuk-table__cell kith-pre-line" { ins { (change.after) } }
                                }
                            }
                        }
                    }
                }
                (photos(&w.content))
                h2 class="govuk-heading-m" { "Decision" }
                form method="post" action=(paths::admin_listing_decision(l.id)) novalidate {
                    (csrf_field(&csrf))
                    (checkboxes("checklist", "Checks you have made", Some("Confirm every check to approve"), &checklist, r.confirmed, errors))
                    (radios("decision", "Your decision", &decisions, r.decision, errors))
                    (textarea("message", "Message to the provider", r.message, errors, Some("Needed when you ask for changes or do not approve. The provider sees it."), 4))
                    (button("Record decision"))
                }
            } @else if let Some(live) = &view.live {
                h2 class="govuk-heading-m" { "Published version" }
                p class="govuk-body-l" { (live.content.summary) }
                (key_facts(&live.content, r.category_name))
                (paragraphs(&live.content.description))
                (photos(&live.content))
            }
            @if l.status == ListingStatus::Approved && l.suspended_at.is_none() {
                h2 class="govuk-heading-m" { "Quality check" }
                p class="govuk-body" { a class="govuk-link" href=(paths::admin_listing_assign(l.id)) { "Assign a quality checker" } }
            }
            @if l.status == ListingStatus::Approved {
                h2 class="govuk-heading-m" { @if l.suspended_at.is_some() { "Restore the listing" } @else { "Suspend the listing" } }
                form method="post" action=(if l.suspended_at.is_some() { paths::admin_listing_unsuspend(l.id) } else { paths::admin_listing_suspend(l.id) }) novalidate {
                    (csrf_field(&csrf))
                    (textarea("reason", "Reason", r.reason, errors, Some("The provider sees this. For example, a failed quality check on 3 March."), 3))
                    @if l.suspended_at.is_some() { (button("Restore listing")) } @else { (warning_button("Suspend listing")) }
                }
            }
            (history(r.revisions))
            @if l.status != ListingStatus::Archived {
                h2 class="govuk-heading-m" { "Archive the listing" }
                p class="govuk-body" { "Archiving takes the listing off Kith for good. Use it for services that have closed." }
                (button_form(&paths::admin_listing_archive(l.id), &csrf, &[], warning_button("Archive listing")))
            }
        },
    )
}
