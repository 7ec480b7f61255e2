//! Personal data pages: a person's own (download it, ask for it to be erased), an admin's
//! view of one person or client (export, and erasure with what is kept and why), and the
//! admins' queue of erasure requests.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use crate::domain::privacy::erasure::Plan;
use crate::domain::privacy::notice::{
    ACTIVITIES, HEALTH_AND_CARE_IN_FULL, PUBLIC_TASK_IN_FULL, SAFEGUARDING_IN_FULL,
};
use crate::domain::privacy::requests::{MAX_NOTE_CHARS, OpenRequest, answer_by};
use crate::domain::privacy::retention::{Kept, Policy, Report};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::accounts::narrow;
use crate::views::components::{
    button, csrf_field, error_summary, format_time, single_checkbox, summary_row, textarea,
    title_with_errors, warning_button,
};
use crate::views::layout::layout;
use crate::views::page::Page;
use entity::erasure_requests;

/// The person's own page: what Kith holds, a download, and the erasure request.
pub fn own(
    page: &Page,
    open_request: Option<DateTime<Utc>>,
    note: &str,
    errors: &FieldErrors,
) -> Markup {
    layout(
        page,
        &title_with_errors("Your personal data", errors),
        narrow(html! {
            a href=(paths::account()) class="govuk-back-link" { "Back to your account" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Your personal data" }
            p class="govuk-body" {
                "Kith keeps what you give it: your account, enquiries and their messages, your support plan, shortlist and reviews. "
                a class="govuk-link" href=(paths::privacy()) { "The privacy notice" }
                " says why, who sees it and how long it is kept."
            }
            h2 class="govuk-heading-m" { "Download a copy" }
            p class="govuk-body" { "A ZIP file with a page you can read in any web browser, and the same records as JSON files for other systems." }
            p class="govuk-body" {
                a class="govuk-button govuk-button--secondary" data-module="govuk-button" href=(paths::account_personal_data_download()) download { "Download your data" }
            }
            p class="govuk-body" { "If you want everything the council holds about you, including its staff's notes, ask the council for a subject access request." }
            h2 class="govuk-heading-m" { "Ask for your data to be erased" }
            @if let Some(at) = open_request {
                div class="govuk-inset-text" {
                    "You asked on " (format_time(&at)) ". The council will erase your data or tell you why it cannot, within one month."
                }
            } @else {
                p class="govuk-body" { "The council erases your account, what you wrote in enquiries and messages, your plan, shortlist and reviews. It keeps what the law says it must, without your name: you will be told what." }
                p class="govuk-body" { "Once erased, you cannot sign in and it cannot be undone." }
                form method="post" action=(paths::account_personal_data_erasure()) novalidate {
                    (csrf_field(&page.csrf()))
                    (textarea("note", "Anything the council should know (optional)", note, errors,
                        Some(&format!("For example, why you are leaving. Up to {MAX_NOTE_CHARS} characters.")), 3))
                    (warning_button("Ask for my data to be erased"))
                }
            }
        }),
    )
}

/// An admin's page about one person or client: export, and erasure.
pub fn subject(
    page: &Page,
    plan: &Plan,
    export_path: &str,
    erase_path: &str,
    back: (&str, &str),
    open_request: Option<&erasure_requests::Model>,
    errors: &FieldErrors,
) -> Markup {
    let csrf = page.csrf();
    layout(
        page,
        &title_with_errors(&format!("Personal data: {}", plan.name), errors),
        html! {
            a href=(back.0) class="govuk-back-link" { (back.1) }
            (error_summary(errors))
            span class="govuk-caption-l" { "Personal data" }
            h1 class="govuk-heading-l" { (plan.name) }
            h2 class="govuk-heading-m" { "Subject access" }
            p class="govuk-body" { "Everything Kith holds about them, as a ZIP: a page to read and a JSON file for each kind of record, with any documents they uploaded. You will be asked to confirm it is you, and the download is recorded in the audit log." }
            p class="govuk-body" {
                a class="govuk-button govuk-button--secondary" data-module="govuk-button" href=(export_path) { "Download their data" }
            }
            h2 class="govuk-heading-m" { "Erasure" }
            @if let Some(request) = open_request {
                div class="govuk-inset-text" {
                    "They asked for their data to be erased on " (format_time(&request.requested_at)) "."
                    @if let Some(note) = &request.note { " They said: " span class="kith-break-words" { (note) } }
                }
            }
            @if let Some(at) = plan.erased_at {
                p class="govuk-body" { "Erased on " (format_time(&at)) "." }
            } @else {
                h3 class="govuk-heading-s" { "What will be erased" }
                ul class="govuk-list govuk-list--bullet" {
                    @for line in &plan.removed { li { (line) } }
                }
                h3 class="govuk-heading-s" { "What will be kept, and why" }
                dl class="govuk-summary-list" {
                    @for (what, why) in &plan.kept {
                        div class="govuk-summary-list__row" {
                            dt class="govuk-summary-list__key" { (what) }
                            dd class="govuk-summary-list__value" { (why) }
                        }
                    }
                }
                @if let Some(why) = &plan.blocked {
                    div class="govuk-warning-text" {
                        span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                        strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (why) }
                    }
                } @else {
                    div class="govuk-warning-text" {
                        span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                        strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "Erasure cannot be undone." }
                    }
                    form method="post" action=(erase_path) novalidate {
                        (csrf_field(&csrf))
                        div class={ "govuk-form-group" @if errors.get("confirm").is_some() { " govuk-form-group--error" } } {
                            @if let Some(message) = errors.get("confirm") {
                                p id="confirm-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
                            }
                            (single_checkbox("confirm", "I have checked what will be erased and what will be kept", false))
                        }
                        (warning_button("Erase their personal data"))
                    }
                }
                @if let Some(request) = open_request {
                    h3 class="govuk-heading-s" { "Or decline their request" }
                    form method="post" action=(paths::admin_erasure_request_decline(request.id)) novalidate {
                        (csrf_field(&csrf))
                        (textarea("reason", "Why the council must keep their data", "", errors,
                            Some("They are emailed this, with how to complain to the Information Commissioner's Office."), 3))
                        (button("Decline the request"))
                    }
                }
            }
        },
    )
}

/// The admins' queue of open erasure requests.
pub fn queue(page: &Page, open: &[OpenRequest]) -> Markup {
    layout(
        page,
        "Requests to erase personal data",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Admin" }
            h1 class="govuk-heading-l" { "Requests to erase personal data" }
            p class="govuk-body" { "People ask from their account page. Erase their data, or decline and say why (they are emailed), within one month of the request." }
            @if open.is_empty() {
                p class="govuk-body" { "No open requests." }
            }
            @for entry in open {
                @let request = &entry.request;
                div class="govuk-summary-card" {
                    div class="govuk-summary-card__title-wrapper" {
                        h2 class="govuk-summary-card__title" { (entry.name) }
                    }
                    div class="govuk-summary-card__content" {
                        dl class="govuk-summary-list" {
                            div class="govuk-summary-list__row" {
                                dt class="govuk-summary-list__key" { "Asked on" }
                                dd class="govuk-summary-list__value" { (format_time(&request.requested_at)) }
                            }
                            div class="govuk-summary-list__row" {
                                dt class="govuk-summary-list__key" { "Answer by" }
                                dd class="govuk-summary-list__value" { (answer_by(request.requested_at)) }
                            }
                            div class="govuk-summary-list__row" {
                                dt class="govuk-summary-list__key" { "Their note" }
                                dd class="govuk-summary-list__value kith-break-words" { (request.note.as_deref().unwrap_or("None")) }
                            }
                        }
                        p class="govuk-body" {
                            a class="govuk-link" href=(paths::admin_user_personal_data(request.user_id)) { "Erase or decline" span class="govuk-visually-hidden" { ": " (entry.name) } }
                        }
                    }
                }
            }
        },
    )
}

/// A link for other pages: the person's own personal-data page.
pub fn own_link() -> Markup {
    html! {
        h2 class="govuk-heading-m" { "Your personal data" }
        p class="govuk-body" { a class="govuk-link" href=(paths::account_personal_data()) { "Download your data or ask for it to be erased" } }
    }
}

/// The retention schedule as the admins see it: each kind of data, how long, the setting
/// that changes it, and what is due now.
pub fn retention(page: &Page, policy: &Policy, due: &Report) -> Markup {
    layout(
        page,
        "Retention schedule",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Admin" }
            h1 class="govuk-heading-l" { "Retention schedule" }
            p class="govuk-body" { "How long Kith keeps each kind of personal data. The server applies the schedule every hour; " code { "kith retention --dry-run" } " shows what is due and " code { "kith retention --apply" } " applies it at once. The privacy notice is made from the same settings." }
            dl class="govuk-summary-list" {
                @for (kind, setting) in SETTINGS {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (kind.label()) }
                        dd class="govuk-summary-list__value" {
                            (policy.how_long(*kind))
                            @if !setting.is_empty() {
                                br; span class="kith-secondary-text" { "Setting: " code { (setting) } }
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Due now" }
            @if due.total() == 0 {
                p class="govuk-body" { "Nothing is due: the schedule is up to date." }
            } @else {
                p class="govuk-body" { "The next hourly run will remove:" }
                ul class="govuk-list govuk-list--bullet" {
                    @for (what, n) in due.lines() {
                        @if n > 0 { li { (n) " " (what) } }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::admin_processing()) { "Record of processing activities" } }
        },
    )
}

/// Each kind of data with the setting (a `KITH_…` environment variable or `kith.toml`
/// key) that changes how long it is kept; empty where it is fixed.
const SETTINGS: &[(Kept, &str)] = &[
    (Kept::Searches, "search_log_retention_days"),
    (Kept::Mail, "mail_retention_days"),
    (Kept::Sessions, ""),
    (Kept::Links, "token_retention_days"),
    (Kept::Enquiries, "enquiry_retention_days"),
    (Kept::Clients, "client_retention_days"),
    (Kept::Evidence, "evidence_retention_days"),
    (Kept::InspectionPhotos, "inspection_photo_retention_days"),
    (Kept::UntilErased, ""),
    (Kept::Records, ""),
    (Kept::Audit, ""),
];

/// The record of processing activities (UK GDPR Article 30).
pub fn processing(page: &Page, policy: &Policy) -> Markup {
    layout(
        page,
        "Record of processing activities",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Admin" }
            h1 class="govuk-heading-l" { "Record of processing activities" }
            p class="govuk-body" { "What Kith processes, for the council's data protection officer (UK GDPR Article 30). The controller is the council. Nothing is transferred outside the UK. The public " a class="govuk-link" href=(paths::privacy()) { "privacy notice" } " is made from the same list." }
            p class="govuk-body" { "Lawful basis: " (PUBLIC_TASK_IN_FULL) " Conditions: " (HEALTH_AND_CARE_IN_FULL) " " (SAFEGUARDING_IN_FULL) }
            p class="govuk-body" { "Security: staff sign in with a second factor; passwords and one-time links are stored only as hashes; uploaded documents are served only through Kith's own access checks; every change that matters is in the audit log, which holds no personal data; personal data is exported and erased on request and deleted on the retention schedule." }
            @for activity in ACTIVITIES {
                div class="govuk-summary-card" {
                    div class="govuk-summary-card__title-wrapper" {
                        h2 class="govuk-summary-card__title" { (activity.name) }
                    }
                    div class="govuk-summary-card__content" {
                        dl class="govuk-summary-list" {
                            (summary_row("Purpose", activity.purpose))
                            (summary_row("Data subjects", activity.people))
                            (summary_row("Personal data", activity.data))
                            (summary_row("Lawful basis", activity.lawful_basis))
                            (summary_row("Special category or criminal offence condition", activity.condition.unwrap_or("None")))
                            (summary_row("Recipients", activity.who_sees))
                            div class="govuk-summary-list__row" {
                                dt class="govuk-summary-list__key" { "Retention" }
                                dd class="govuk-summary-list__value" {
                                    @for kept in activity.kept {
                                        p class="govuk-body" { (kept.label()) ": " (policy.how_long(*kept)) }
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
