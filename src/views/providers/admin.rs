//! Admin: the provider approval queue and the review page with its checklist.

use chrono::NaiveDate;
use entity::provider_members::MemberRole;
use entity::provider_organisations::OrganisationStatus;
use entity::{provider_evidence, provider_organisations, provider_reviews, users};
use maud::{Markup, html};

use crate::domain::dates::format_date;
use crate::domain::providers::approval::QueueEntry;
use crate::domain::providers::evidence::{DBS_TYPES, EvidenceKind, required_for};
use crate::domain::providers::organisations::kind_label;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    RadioOption, button, csrf_field, error_summary, format_time, radios, summary_list, tag,
    textarea, time_waiting, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;
use crate::views::providers::evidence::{documents_table, expiry_tag};

pub const QUEUE_STATUSES: [(OrganisationStatus, &str); 5] = [
    (OrganisationStatus::Submitted, "Waiting for checks"),
    (OrganisationStatus::ChangesRequested, "Changes requested"),
    (OrganisationStatus::Approved, "Approved"),
    (OrganisationStatus::Rejected, "Not approved"),
    (OrganisationStatus::Draft, "Not yet submitted"),
];

fn status_label(status: OrganisationStatus) -> &'static str {
    QUEUE_STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map_or(status.as_str(), |(_, label)| label)
}

fn waiting(org: &provider_organisations::Model) -> String {
    org.submitted_at
        .as_ref()
        .map_or_else(String::new, time_waiting)
}

pub fn queue(page: &Page, entries: &[QueueEntry], status: OrganisationStatus) -> Markup {
    layout(
        page,
        "Providers",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            h1 class="govuk-heading-l" { "Providers" }
            nav class="kith-tabs" aria-label="Provider status" {
                ul class="govuk-list kith-inline-list" {
                    @for (value, label) in QUEUE_STATUSES {
                        li { @if value == status { strong { (label) } } @else { a class="govuk-link" href={ (paths::admin_providers()) "?status=" (value.as_str()) } { (label) } } }
                    }
                }
            }
            @if entries.is_empty() {
                p class="govuk-body" { "None." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Providers" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Providers" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Provider" }
                            th scope="col" class="govuk-table__header" { "Type" }
                            th scope="col" class="govuk-table__header" { "Waiting" }
                            th scope="col" class="govuk-table__header" { "Evidence" }
                        } }
                        tbody class="govuk-table__body" {
                            @for e in entries {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::admin_provider(e.org.id)) { (e.org.name) } }
                                    td class="govuk-table__cell" { (kind_label(e.org.kind)) }
                                    td class="govuk-table__cell" { (if status == OrganisationStatus::Submitted { waiting(&e.org) } else { String::new() }) }
                                    td class="govuk-table__cell" {
                                        @for kind in &e.lapsed { (tag(&format!("{} lapsed", kind.label()), Some("red"))) " " }
                                    }
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
    pub org: &'a provider_organisations::Model,
    pub evidence: &'a [provider_evidence::Model],
    pub files: &'a [entity::provider_evidence_files::Model],
    pub members: &'a [(users::Model, MemberRole)],
    pub history: &'a [provider_reviews::Model],
    pub today: NaiveDate,
    pub decision: &'a str,
    pub message: &'a str,
    pub confirmed: &'a [String],
}

fn evidence_row(e: &provider_evidence::Model, today: NaiveDate) -> Markup {
    let dbs_type = e
        .check_type
        .as_deref()
        .and_then(|t| DBS_TYPES.iter().find(|(v, _)| *v == t))
        .map(|(_, l)| *l);
    html! {
        @if let Some(t) = dbs_type { p class="govuk-body" { "Level: " (t) } }
        @if let Some(r) = &e.reference_number { p class="govuk-body" { "Reference: " (r) } }
        @if let Some(d) = e.issued_on { p class="govuk-body" { "Issued: " (format_date(&d)) } }
        @if let Some(d) = e.expires_on { p class="govuk-body" { "Runs out: " (format_date(&d)) " " (expiry_tag(e, today)) } }
        @if !e.details.is_empty() { p class="govuk-body kith-pre-line" { (e.details) } }
    }
}

pub fn review(page: &Page, v: &ReviewView, errors: &FieldErrors) -> Markup {
    let org = v.org;
    let required = required_for(org.kind);
    let decisions = [
        RadioOption {
            value: "approve",
            label: "Approve",
            hint: Some("Their services can be published"),
        },
        RadioOption {
            value: "request_changes",
            label: "Ask for changes",
            hint: Some("Tell them what to change; they can ask again"),
        },
        RadioOption {
            value: "reject",
            label: "Do not approve",
            hint: Some("Tell them why"),
        },
    ];
    let mut rows: Vec<(&str, Markup)> = vec![
        ("Type", html! { (kind_label(org.kind)) }),
        ("Status", html! { (status_label(org.status)) }),
        (
            "Contact",
            html! { (org.contact_email.clone().unwrap_or_default()) " " (org.contact_phone.clone().unwrap_or_default()) },
        ),
        (
            "Address",
            html! { (org.address.clone().unwrap_or_default()) " " (org.postcode.clone().unwrap_or_default()) },
        ),
        (
            "Areas covered",
            html! { (org.areas_served.clone().unwrap_or_default()) },
        ),
        (
            "People",
            html! { ul class="govuk-list" { @for (u, r) in v.members { li { (u.display_name) " (" (u.email) ", " (r.as_str()) ")" } } } },
        ),
    ];
    if let Some(cqc) = &org.cqc_provider_id {
        rows.push(("CQC provider ID", html! { (cqc) }));
    }
    layout(
        page,
        &title_with_errors(&format!("Review {}", org.name), errors),
        html! {
            a href=(paths::admin_providers()) class="govuk-back-link" { "Providers" }
            (error_summary(errors))
            span class="govuk-caption-l" { "Provider approval" }
            h1 class="govuk-heading-l" { (org.name) }
            (summary_list(&rows))
            @if let Some(description) = &org.description { p class="govuk-body kith-pre-line" { (description) } }
            h2 class="govuk-heading-m" { "Evidence" }
            @for kind in EvidenceKind::ALL {
                @let given = v.evidence.iter().find(|e| e.kind == kind);
                @if given.is_some() || required.contains(&kind) {
                    h3 class="govuk-heading-s" { (kind.label()) @if required.contains(&kind) { " (required)" } }
                    @match given { Some(e) => (evidence_row(e, v.today)), None => p class="govuk-body" { (tag("Not given", Some("red"))) } }
                }
            }
            h2 class="govuk-heading-m" { "Documents" }
            (documents_table(v.files, None))
            @if org.status == OrganisationStatus::Submitted {
                h2 class="govuk-heading-m" { "Decision" }
                form method="post" action=(paths::admin_provider_decision(org.id)) novalidate {
                    (csrf_field(&page.csrf()))
                    div class={ "govuk-form-group" @if errors.get("checklist").is_some() { " govuk-form-group--error" } } {
                        fieldset class="govuk-fieldset" {
                            legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Checks you have made" }
                            @if let Some(message) = errors.get("checklist") {
                                p id="checklist-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
                            }
                            div class="govuk-checkboxes" data-module="govuk-checkboxes" id="checklist" {
                                @for kind in &required {
                                    @let id = format!("checklist-{}", kind.as_str());
                                    div class="govuk-checkboxes__item" {
                                        input class="govuk-checkboxes__input" id=(id) name="checklist" type="checkbox" value=(kind.as_str()) checked[v.confirmed.iter().any(|c| c == kind.as_str())];
                                        label class="govuk-label govuk-checkboxes__label" for=(id) { (kind.checklist_item()) }
                                    }
                                }
                            }
                        }
                    }
                    (radios("decision", "Your decision", &decisions, v.decision, errors))
                    (textarea("message", "Message to the provider", v.message, errors, Some("Needed when you ask for changes or do not approve. The provider sees it."), 4))
                    (button("Record decision"))
                }
            }
            @if !v.history.is_empty() {
                h2 class="govuk-heading-m" { "Earlier decisions" }
                ul class="govuk-list" {
                    @for r in v.history {
                        li { (format_time(&r.created_at)) ": " (status_label(r.decision)) @if let Some(m) = &r.message { " – " (m) } }
                    }
                }
            }
        },
    )
}
