//! The admins' CQC pages: import the register, read what the import found, offer draft
//! listings for the area's unlisted locations, and work through the changes queue.

use entity::cqc_changes::CqcChangeKind;
use entity::cqc_imports;
use entity::cqc_locations::CqcRating;
use entity::listings::ListingId;
use maud::{Markup, html};

use crate::domain::cqc::changes::{QueuedChange, kind_label, resolution_label};
use crate::domain::cqc::import::ImportReport;
use crate::domain::cqc::{location_url, rating_label};
use crate::domain::dates::format_date;
use crate::domain::listings::reports::MAX_RESOLUTION_CHARS;
use crate::domain::validation::FieldErrors;
use crate::domain::words::plural;
use crate::paths;
use crate::views::components::{
    TextArea, csrf_field, error_summary, error_summary_linked, file_upload, format_time, tag,
    textarea_with, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

/// What the CQC page shows besides the form.
pub struct CqcPage<'a> {
    pub imports: &'a [cqc_imports::Model],
    pub open_changes: u64,
    /// Registered locations in the council's area with no listing.
    pub unlisted: usize,
    pub local_authority: &'a str,
    /// The import just made, when the page follows one.
    pub report: Option<&'a ImportReport>,
}

pub fn rating_tag(rating: CqcRating) -> Markup {
    let colour = match rating {
        CqcRating::Outstanding => "green",
        CqcRating::Good => "turquoise",
        CqcRating::RequiresImprovement => "orange",
        CqcRating::Inadequate => "red",
    };
    tag(rating_label(rating), Some(colour))
}

fn report_panel(report: &ImportReport) -> Markup {
    html! {
        div class="govuk-inset-text" {
            p class="govuk-body govuk-!-font-weight-bold" { "Imported: " (report.summary()) "." }
            @if let Some((missing, known)) = report.part_of_register {
                p class="govuk-body" {
                    (missing) " of the " (known) " locations Kith knew are not in this file, so it looks like part of the register. Nobody was marked as no longer registered. Import CQC's whole file to check registrations."
                }
            }
            @if !report.changes.is_empty() {
                p class="govuk-body" { a class="govuk-link" href=(paths::admin_cqc_changes()) { "Review the " (plural(report.changes.len(), "change", "changes")) } }
            }
        }
        @if !report.problems.is_empty() {
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { (plural(report.problems.len(), "row was", "rows were")) " not read" } }
                div class="govuk-details__text" {
                    ul class="govuk-list govuk-list--bullet" { @for p in report.problems.iter().take(100) { li { (p) } } }
                }
            }
        }
    }
}

pub fn page(page: &Page, p: &CqcPage, errors: &FieldErrors) -> Markup {
    let heading = "CQC register";
    layout(
        page,
        &title_with_errors(heading, errors),
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { (heading) }
            @if let Some(report) = p.report { (report_panel(report)) }
            p class="govuk-body" {
                "Each month the Care Quality Commission publishes every registered care location in England with its latest rating. Importing it shows CQC's rating on the listings at those locations and lists what changed since the last import for you to review. Nothing is suspended without you."
            }
            p class="govuk-body" {
                a class="govuk-link" href=(paths::admin_cqc_changes()) { "Changes to review" }
                " " (tag(&p.open_changes.to_string(), if p.open_changes > 0 { Some("red") } else { Some("grey") }))
            }
            h2 class="govuk-heading-m" { "Import this month's file" }
            p class="govuk-body" {
                "Download “Care directory with filters” from the “Using CQC data” page of cqc.org.uk, then choose it here as CQC publishes it (ODS, XLSX or CSV)."
            }
            form method="post" action=(paths::admin_cqc()) enctype="multipart/form-data" novalidate {
                (csrf_field(&page.csrf()))
                (file_upload("file", "CQC's file", "Up to 75 MB. Larger files can be imported on the server with kith import cqc.", ".ods,.xlsx,.csv,application/vnd.oasis.opendocument.spreadsheet,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv", errors))
                button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true" { "Import" }
            }
            @if p.unlisted > 0 {
                h2 class="govuk-heading-m" { "Registered locations Kith does not list" }
                p class="govuk-body" {
                    "CQC lists " (plural(p.unlisted, "registered location", "registered locations")) " in " (p.local_authority)
                    " that have no listing in Kith. You can add them as draft listings made from the register. Each waits in the approval queue, with its provider added from CQC's provider ID and name, and says that prices and availability are not given."
                }
                form method="post" action=(paths::admin_cqc_drafts()) novalidate {
                    (csrf_field(&page.csrf()))
                    button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-prevent-double-click="true" {
                        "Add " (plural(p.unlisted, "location", "locations")) " as draft listings"
                    }
                }
            }
            h2 class="govuk-heading-m" { "Imports" }
            @if p.imports.is_empty() {
                p class="govuk-body" { "The register has not been imported yet." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Imports" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Imports of the CQC register, newest first" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "When" }
                            th scope="col" class="govuk-table__header" { "File" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Rows" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Listings matched" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Changes" }
                        } }
                        tbody class="govuk-table__body" {
                            @for i in p.imports {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { (format_time(&i.created_at)) }
                                    td class="govuk-table__cell" { (i.file_name) }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (i.rows_read) }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (i.listings_matched) }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (i.changes_queued) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A form that fails on one change of the queue: which, what was typed, and why.
pub struct Failed<'a> {
    pub id: i64,
    /// The listing a suspension was for.
    pub listing: Option<ListingId>,
    pub field: &'static str,
    pub typed: &'a str,
    pub errors: &'a FieldErrors,
}

fn change_heading(c: &QueuedChange) -> Markup {
    let name = c
        .location
        .as_ref()
        .map_or(c.change.location_id.as_str(), |l| l.name.as_str());
    html! {
        h2 class="govuk-heading-m" {
            (name)
            span class="govuk-caption-m" { (kind_label(c.change.kind)) }
        }
    }
}

fn change_facts(c: &QueuedChange) -> Markup {
    html! {
        dl class="govuk-summary-list govuk-summary-list--no-border" {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "CQC location" }
                dd class="govuk-summary-list__value" {
                    a class="govuk-link" href=(location_url(&c.change.location_id)) rel="noopener" { (c.change.location_id) " on the CQC website" }
                    @if let Some(l) = &c.location { br; (l.postcode) " · " (l.provider_name) }
                }
            }
            @if c.change.from_rating.is_some() || c.change.to_rating.is_some() {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { "Rating" }
                    dd class="govuk-summary-list__value" {
                        @if let Some(from) = c.change.from_rating { (rating_tag(from)) " to " }
                        @match c.change.to_rating { Some(to) => (rating_tag(to)), None => "none" }
                        @if let Some(on) = c.location.as_ref().and_then(|l| l.published_on) { " (published " (format_date(&on)) ")" }
                    }
                }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "In Kith" }
                dd class="govuk-summary-list__value" {
                    @if c.listings.is_empty() {
                        @match &c.organisation {
                            Some((id, name)) => { "No listing. Provider: " a class="govuk-link" href=(paths::admin_provider(*id)) { (name) } },
                            None => "No listing",
                        }
                    } @else {
                        ul class="govuk-list" {
                            @for l in &c.listings {
                                li {
                                    a class="govuk-link" href=(paths::admin_listing(l.id)) { (l.title) }
                                    @if l.suspended { " " (tag("Suspended", Some("red"))) } @else if l.public { " " (tag("Published", Some("green"))) }
                                }
                            }
                        }
                    }
                }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "Found" }
                dd class="govuk-summary-list__value" { (format_time(&c.change.created_at)) }
            }
        }
    }
}

fn change_actions(page: &Page, c: &QueuedChange, failed: Option<&Failed>) -> Markup {
    let csrf = page.csrf();
    let id = c.change.id;
    let none = FieldErrors::default();
    let typed = |field: &str, listing: Option<ListingId>| match failed {
        Some(f) if f.id == id && f.field == field && f.listing == listing => (f.typed, f.errors),
        _ => ("", &none),
    };
    let name = c
        .location
        .as_ref()
        .map_or(c.change.location_id.clone(), |l| l.name.clone());
    let (note, note_errors) = typed("note", None);
    let can_suspend: Vec<_> = c
        .listings
        .iter()
        .filter(|l| l.public && !l.suspended)
        .collect();
    html! {
        @if c.change.kind == CqcChangeKind::NewLocation && c.organisation.is_some() {
            form method="post" action=(paths::admin_cqc_change_invite(id)) novalidate {
                (csrf_field(&csrf))
                button type="submit" class="govuk-button" data-module="govuk-button" {
                    "Invite the provider to list it" span class="govuk-visually-hidden" { ": " (name) }
                }
            }
        }
        @for l in &can_suspend {
            @let (reason, reason_errors) = typed("reason", Some(l.id));
            form method="post" action=(paths::admin_cqc_change_suspend(id)) novalidate {
                (csrf_field(&csrf))
                input type="hidden" name="listing_id" value=(l.id);
                (textarea_with(&TextArea {
                    name: "reason",
                    id: &format!("reason-{id}-{}", l.id),
                    label: &format!("Why suspend “{}”", l.title),
                    value: reason,
                    hint: Some("The provider is told this reason."),
                    rows: 2,
                    max_chars: Some(MAX_RESOLUTION_CHARS),
                }, reason_errors))
                button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" {
                    "Suspend" span class="govuk-visually-hidden" { " " (l.title) }
                }
            }
        }
        form method="post" action=(paths::admin_cqc_change_acknowledge(id)) novalidate {
            (csrf_field(&csrf))
            (textarea_with(&TextArea {
                name: "note",
                id: &format!("note-{id}"),
                label: &format!("Note on {name}"),
                value: note,
                hint: Some("What you did or will do, for example “rang the home; new manager in post, re-inspection due”."),
                rows: 3,
                max_chars: Some(MAX_RESOLUTION_CHARS),
            }, note_errors))
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" {
                "Acknowledge" span class="govuk-visually-hidden" { " the change at " (name) }
            }
        }
    }
}

pub fn queue(
    page: &Page,
    open: &[QueuedChange],
    resolved: &[QueuedChange],
    failed: Option<&Failed>,
) -> Markup {
    let heading = "CQC changes to review";
    layout(
        page,
        &match failed {
            Some(f) => title_with_errors(heading, f.errors),
            None => heading.to_owned(),
        },
        html! {
            a href=(paths::admin_cqc()) class="govuk-back-link" { "CQC register" }
            @if let Some(f) = failed {
                @let target = match f.listing {
                    Some(listing) => format!("reason-{}-{listing}", f.id),
                    None => format!("note-{}", f.id),
                };
                (error_summary_linked(&f.errors.iter().map(|(_, m)| (target.clone(), m)).collect::<Vec<_>>()))
            }
            h1 class="govuk-heading-l" { (heading) }
            p class="govuk-body" { "What changed in CQC's register since the last import, at locations Kith lists and for providers Kith knows. Deal with each: suspend a listing, invite a provider, or acknowledge it with a note." }
            @if open.is_empty() {
                p class="govuk-body" { "Nothing to review." }
            }
            @for c in open {
                div class="kith-saved" id={ "change-" (c.change.id) } {
                    (change_heading(c))
                    (change_facts(c))
                    (change_actions(page, c, failed))
                }
            }
            @if !resolved.is_empty() {
                h2 class="govuk-heading-m" { "Dealt with recently" }
                ul class="govuk-list" {
                    @for c in resolved {
                        li {
                            strong { (c.location.as_ref().map_or(c.change.location_id.as_str(), |l| l.name.as_str())) }
                            ": " (kind_label(c.change.kind))
                            @if let Some(r) = c.change.resolution { " – " (resolution_label(r)) }
                            @if let Some(at) = c.change.resolved_at { ", " (format_time(&at)) }
                        }
                    }
                }
            }
        },
    )
}
