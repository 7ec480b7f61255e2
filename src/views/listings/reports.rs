//! The "report a problem" form and the admins' queue of reports.

use entity::listing_reports::ReportKind;
use entity::listings::ListingId;
use maud::{Markup, html};

use crate::domain::listings::reports::{
    KINDS, MAX_DETAILS_CHARS, MAX_RESOLUTION_CHARS, ReportView, kind_label,
};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    RadioOption, TextArea, button, counted_textarea, csrf_field, error_summary,
    error_summary_linked, format_time, radios, tag, textarea_with, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

pub fn form(
    page: &Page,
    id: ListingId,
    title: &str,
    kind: &str,
    details: &str,
    errors: &FieldErrors,
) -> Markup {
    let options: Vec<RadioOption> = KINDS
        .iter()
        .map(|(k, label, hint)| RadioOption {
            value: k.as_str(),
            label,
            hint: (!hint.is_empty()).then_some(*hint),
        })
        .collect();
    layout(
        page,
        &title_with_errors("Report a problem with this listing", errors),
        html! {
            a href=(paths::listing(id)) class="govuk-back-link" { "Back to the listing" }
            (error_summary(errors))
            span class="govuk-caption-l" { (title) }
            h1 class="govuk-heading-l" { "Report a problem with this listing" }
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" {
                    span class="govuk-visually-hidden" { "Warning" }
                    "If someone is in danger now, call 999. If you think an adult is being abused or neglected, contact the council’s adult social care safeguarding team – this form is not watched all the time."
                }
            }
            p class="govuk-body" { "You do not need to sign in. The provider is not told who reported it. Do not include anyone’s personal details." }
            form method="post" action=(paths::listing_report(id)) novalidate {
                (csrf_field(&page.csrf()))
                (radios("kind", "What is wrong?", &options, kind, errors))
                (counted_textarea("details", "Tell us what is wrong", details, errors,
                    Some("For example, “the phone number rings out” or “they stopped the Friday group in March”."), 5, MAX_DETAILS_CHARS))
                (button("Send report"))
            }
        },
    )
}

pub fn queue(
    page: &Page,
    rows: &[ReportView],
    resolved: bool,
    failed: Option<(i64, &str, &FieldErrors)>,
) -> Markup {
    let csrf = page.csrf();
    let base = paths::admin_reports();
    let no_errors = FieldErrors::default();
    let heading = "Problems reported with listings";
    layout(
        page,
        &match failed {
            Some((_, _, e)) => title_with_errors(heading, e),
            None => heading.to_owned(),
        },
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            @if let Some((id, _, e)) = failed {
                (error_summary_linked(&e.iter().map(|(_, m)| (format!("resolution-{id}"), m)).collect::<Vec<_>>()))
            }
            h1 class="govuk-heading-l" { (heading) }
            nav class="kith-inline-list" aria-label="Report lists" {
                ul class="govuk-list" {
                    li { @if resolved { a class="govuk-link" href=(base) { "Open reports" } } @else { strong { "Open reports" } } }
                    li { @if resolved { strong { "Resolved reports" } } @else { a class="govuk-link" href={ (base) "?show=resolved" } { "Resolved reports" } } }
                }
            }
            @if rows.is_empty() {
                p class="govuk-body" { @if resolved { "No report has been resolved yet." } @else { "No open reports." } }
            }
            @for r in rows {
                @let m = &r.report;
                div class="kith-saved" id={ "report-" (m.id) } {
                    h2 class="govuk-heading-m" {
                        a class="govuk-link" href=(paths::admin_listing(m.listing_id)) { (r.listing_title) }
                    }
                    p class="govuk-body" {
                        (r.provider_name) " · reported " (format_time(&m.created_at)) " · "
                        @if m.kind == ReportKind::Concern { (tag("Concern about the service", Some("red"))) } @else { (kind_label(m.kind)) }
                    }
                    @if !resolved && r.open_on_listing > 1 {
                        p class="govuk-body" { (tag(&format!("{} open reports on this listing", r.open_on_listing), Some("orange"))) }
                    }
                    p class="govuk-body kith-pre-line" { (m.details) }
                    @if let Some(note) = &m.resolution {
                        p class="govuk-body" { strong { "Resolved" } @if let Some(at) = m.resolved_at { " " (format_time(&at)) } ": " (note) }
                    } @else {
                        @let id = format!("resolution-{}", m.id);
                        @let (value, errors) = match failed { Some((fid, typed, e)) if fid == m.id => (typed, e), _ => ("", &no_errors) };
                        form method="post" action=(paths::admin_report_resolve(m.id)) novalidate {
                            (csrf_field(&csrf))
                            (textarea_with(&TextArea {
                                name: "resolution",
                                id: &id,
                                label: "What was done",
                                value,
                                hint: Some("For example, “provider updated the phone number”. The provider does not see this."),
                                rows: 3,
                                max_chars: Some(MAX_RESOLUTION_CHARS),
                            }, errors))
                            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" {
                                "Resolve" span class="govuk-visually-hidden" { " the report on " (r.listing_title) }
                            }
                        }
                    }
                }
            }
        },
    )
}
