//! The provider's evidence page: what the council needs, what they have given, expiry warnings,
//! the council's last decision, and asking for approval.

use chrono::NaiveDate;
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::OrganisationStatus;
use entity::provider_organisations::ProviderKind;
use entity::{
    provider_evidence, provider_evidence_files, provider_organisations, provider_reviews,
};
use maud::{Markup, html};

use crate::domain::dates::format_date;
use crate::domain::providers::evidence::{DBS_TYPES, EvidenceForm, EvidenceKind, required_for};
use crate::domain::providers::evidence_expiry::{Expiry, expiry_of};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, RadioOption, button, csrf_field, date_input, error_summary, file_upload, radios,
    secondary_button, select, tag, text_input, textarea, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

pub struct EvidenceView<'a> {
    pub org: &'a provider_organisations::Model,
    pub evidence: &'a [provider_evidence::Model],
    pub files: &'a [provider_evidence_files::Model],
    pub latest_review: Option<&'a provider_reviews::Model>,
    pub missing: &'a [String],
    pub today: NaiveDate,
    /// The form that failed, to show again with its errors.
    pub failed: Option<&'a EvidenceForm>,
}

pub fn expiry_tag(evidence: &provider_evidence::Model, today: NaiveDate) -> Markup {
    match expiry_of(evidence, today) {
        Expiry::Lapsed => tag("Lapsed", Some("red")),
        Expiry::DueSoon { days_left } => tag(&format!("Due in {days_left} days"), Some("yellow")),
        Expiry::Current => html! {},
    }
}

fn kinds_shown(org_kind: ProviderKind) -> Vec<EvidenceKind> {
    EvidenceKind::ALL
        .into_iter()
        .filter(|k| *k != EvidenceKind::Cqc || org_kind == ProviderKind::RegisteredCareProvider)
        .collect()
}

fn date_parts(date: Option<NaiveDate>) -> (String, String, String) {
    use chrono::Datelike;
    date.map_or_else(Default::default, |d| {
        (
            d.day().to_string(),
            d.month().to_string(),
            d.year().to_string(),
        )
    })
}

fn evidence_form(
    page: &Page,
    org_id: OrganisationId,
    kind: EvidenceKind,
    current: Option<&provider_evidence::Model>,
    failed: Option<&EvidenceForm>,
    errors: &FieldErrors,
) -> Markup {
    let base = EvidenceForm {
        kind: kind.as_str().to_owned(),
        details: current.map(|c| c.details.clone()).unwrap_or_default(),
        check_type: current
            .and_then(|c| c.check_type.clone())
            .unwrap_or_default(),
        reference_number: current
            .and_then(|c| c.reference_number.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    let (issued, expires) = (
        date_parts(current.and_then(|c| c.issued_on)),
        date_parts(current.and_then(|c| c.expires_on)),
    );
    let form = failed.filter(|f| f.kind == kind.as_str());
    let errors = if form.is_some() {
        errors.clone()
    } else {
        FieldErrors::default()
    };
    let v = form.unwrap_or(&base);
    let issued = if form.is_some() {
        (
            v.issued_day.clone(),
            v.issued_month.clone(),
            v.issued_year.clone(),
        )
    } else {
        issued
    };
    let expires = if form.is_some() {
        (
            v.expires_day.clone(),
            v.expires_month.clone(),
            v.expires_year.clone(),
        )
    } else {
        expires
    };
    let dbs_options: Vec<RadioOption> = DBS_TYPES
        .iter()
        .map(|(value, label)| RadioOption {
            value,
            label,
            hint: None,
        })
        .collect();
    html! {
        form method="post" action=(paths::provider_organisation_evidence(org_id)) novalidate {
            (csrf_field(&page.csrf()))
            input type="hidden" name="kind" value=(kind.as_str());
            @match kind {
                EvidenceKind::Dbs => {
                    (radios("check_type", "Level of check", &dbs_options, &v.check_type, &errors))
                    (text_input("reference_number", "Certificate number", &v.reference_number, &errors, InputOptions { hint: Some("12 digits, printed on the certificate"), width_class: Some("govuk-input--width-20"), input_type: "text", ..Default::default() }))
                    (date_input("issued_on", "Date of issue", (&issued.0, &issued.1, &issued.2), &errors, None))
                    (textarea("details", "Anything else (optional)", &v.details, &errors, Some(kind.details_hint()), 3))
                }
                EvidenceKind::Insurance => {
                    (textarea("details", "Insurer and cover", &v.details, &errors, Some(kind.details_hint()), 3))
                    (text_input("reference_number", "Policy number (optional)", &v.reference_number, &errors, InputOptions { width_class: Some("govuk-input--width-20"), ..Default::default() }))
                    (date_input("expires_on", "Date the insurance ends", (&expires.0, &expires.1, &expires.2), &errors, None))
                }
                EvidenceKind::Cqc => {
                    (text_input("reference_number", "CQC location ID", &v.reference_number, &errors, InputOptions { hint: Some("For example, 1-123456789"), width_class: Some("govuk-input--width-20"), ..Default::default() }))
                    (textarea("details", "Anything else (optional)", &v.details, &errors, Some(kind.details_hint()), 3))
                }
                _ => {
                    (textarea("details", "Details", &v.details, &errors, Some(kind.details_hint()), 4))
                }
            }
            (secondary_button(&format!("Save {}", kind.in_sentence())))
        }
    }
}

pub fn evidence_page(page: &Page, v: &EvidenceView, errors: &FieldErrors) -> Markup {
    let org = v.org;
    let required = required_for(org.kind);
    layout(
        page,
        &title_with_errors(&format!("Evidence for {}", org.name), errors),
        html! {
            a href=(paths::provider_organisation(org.id)) class="govuk-back-link" { (org.name) }
            (error_summary(errors))
            span class="govuk-caption-l" { (org.name) }
            h1 class="govuk-heading-l" { "Checks and evidence" }
            @if let Some(review) = v.latest_review.filter(|_| org.status == OrganisationStatus::ChangesRequested || org.status == OrganisationStatus::Rejected) {
                div class="govuk-inset-text" {
                    p class="govuk-body govuk-!-font-weight-bold" { (if org.status == OrganisationStatus::Rejected { "The council could not approve you" } else { "The council asked you to change something" }) }
                    @if let Some(message) = &review.message { p class="govuk-body" { (message) } }
                }
            }
            @match org.status {
                OrganisationStatus::Approved => p class="govuk-body" { (tag("Approved", Some("green"))) " The council has approved you. Keep your evidence up to date." },
                OrganisationStatus::Submitted => p class="govuk-body" { (tag("Waiting for council checks", Some("blue"))) " The council is checking your evidence. We will email you when they decide." },
                _ => p class="govuk-body" { "Before your services can appear on Kith the council checks who you are and that you are safe to work with people. Give the evidence below, then ask for approval." },
            }
            @for kind in kinds_shown(org.kind) {
                @let current = v.evidence.iter().find(|e| e.kind == kind);
                div class="kith-evidence" {
                    h2 class="govuk-heading-m" id={ "evidence-" (kind.as_str()) } {
                        (kind.label()) " "
                        @if required.contains(&kind) { (tag("Required", Some("grey"))) } @else { (tag("Optional", Some("grey"))) }
                    }
                    @if let Some(c) = current {
                        p class="govuk-body" {
                            "Given. "
                            @if let Some(date) = c.expires_on { "Runs out on " (format_date(&date)) ". " (expiry_tag(c, v.today)) }
                        }
                    } @else {
                        p class="govuk-body" { "Not given yet." }
                    }
                    (evidence_form(page, org.id, kind, current, v.failed, errors))
                }
            }
            div class="kith-evidence" {
                h2 class="govuk-heading-m" id="documents" { "Documents" }
                p class="govuk-body" { "Upload copies that back up your evidence: your DBS certificate, insurance schedule, training certificates. Only you, the people in your organisation and the council's staff can open them." }
                (documents_table(v.files, Some(&page.csrf())))
                form method="post" action=(paths::provider_organisation_evidence_files(org.id)) enctype="multipart/form-data" novalidate {
                    (csrf_field(&page.csrf()))
                    (select("document_kind", "What the document is for", &kinds_shown(org.kind).iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect::<Vec<_>>(), ""))
                    (file_upload("document", "Upload a document", "A PDF, JPEG or PNG file smaller than 10 MB", "application/pdf,image/jpeg,image/png", errors))
                    (secondary_button("Upload document"))
                }
            }
            @if org.status != OrganisationStatus::Approved && org.status != OrganisationStatus::Submitted && org.status != OrganisationStatus::Rejected {
                h2 class="govuk-heading-m" { "Ask the council to approve you" }
                @if v.missing.is_empty() {
                    form method="post" action=(paths::provider_organisation_submit(org.id)) novalidate {
                        (csrf_field(&page.csrf()))
                        (button("Ask for approval"))
                    }
                } @else {
                    p class="govuk-body" { "Before you can ask for approval:" }
                    ul class="govuk-list govuk-list--bullet" { @for item in v.missing { li { (item) } } }
                }
            }
        },
    )
}

/// The organisation's evidence documents, each a download link; with a CSRF token, a remove
/// button too (the provider's page).
pub fn documents_table(files: &[provider_evidence_files::Model], csrf: Option<&str>) -> Markup {
    html! {
        @if files.is_empty() {
            p class="govuk-body" { "No documents uploaded." }
        } @else {
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Documents" {
                table class="govuk-table kith-table-small" {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Documents" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Document" }
                        th scope="col" class="govuk-table__header" { "For" }
                        th scope="col" class="govuk-table__header" { "Uploaded" }
                        @if csrf.is_some() { th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Action" } } }
                    } }
                    tbody class="govuk-table__body" {
                        @for f in files {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell kith-break-words" { a class="govuk-link" href=(paths::evidence_file(f.id)) { (f.original_name) } " (" (f.size_bytes / 1024 + 1) " KB)" }
                                td class="govuk-table__cell" { (Some(f.kind).map_or("Other", |k| k.label())) }
                                td class="govuk-table__cell" { (crate::domain::dates::format_uk_date(&f.uploaded_at)) }
                                @if let Some(token) = csrf {
                                    td class="govuk-table__cell" {
                                        form method="post" action=(paths::evidence_file_remove(f.id)) {
                                            (csrf_field(token))
                                            button type="submit" class="kith-link-button" { "Remove" span class="govuk-visually-hidden" { " " (f.original_name) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
