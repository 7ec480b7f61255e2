//! The admin's import page: choose a file, check it (dry run) or import it, and read the
//! report of every row.

use maud::{Markup, html};

use crate::domain::import::apply::{Outcome, Report};
use crate::domain::import::template::COLUMNS;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    RadioOption, button, csrf_field, error_summary, file_upload, radios, single_checkbox, tag,
};
use crate::views::layout::layout;
use crate::views::page::Page;

pub const FORMATS: [RadioOption<'static>; 2] = [
    RadioOption {
        value: "oruk",
        label: "Open Referral UK (JSON)",
        hint: Some("A file of services from another directory or from a Kith export"),
    },
    RadioOption {
        value: "csv",
        label: "Kith CSV template",
        hint: Some("One listing per row, in the columns listed below"),
    },
];

pub fn form(page: &Page, format: &str, errors: &FieldErrors) -> Markup {
    layout(
        page,
        &crate::views::components::title_with_errors("Import listings", errors),
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Import listings" }
            p class="govuk-body" { "Each row is checked by the same rules as the listing form. Rows that fail are listed with the reason and nothing of them is saved. Importing the same file again updates the listings it made, matched on the file's own ids." }
            form method="post" action=(paths::admin_import()) enctype="multipart/form-data" novalidate {
                (csrf_field(&page.csrf()))
                (radios("format", "What kind of file is it?", &FORMATS, format, errors))
                (file_upload("file", "File", "Up to 10 MB. Larger files can be imported on the server with kith import.", ".json,.csv,application/json,text/csv", errors))
                (single_checkbox("dry_run", "Only check the file: show what would happen and save nothing", false))
                (single_checkbox("approve", "Publish the listings at once, without each one waiting for review", false))
                (button("Import"))
            }
            h2 class="govuk-heading-m" { "The CSV template" }
            p class="govuk-body" { a class="govuk-link" href=(paths::admin_import_template_csv()) download { "Download the template (CSV)" } }
            p class="govuk-body" { "The columns, in this order (the first eight must be filled in):" }
            dl class="govuk-summary-list" {
                @for (name, what) in COLUMNS {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key kith-break-words" { (name) }
                        dd class="govuk-summary-list__value" { (what) }
                    }
                }
            }
            p class="govuk-body" { "Large files and Open Referral data packages (a folder of CSV files) can be imported on the server with " code { "kith import" } "." }
        },
    )
}

pub fn report(page: &Page, file_name: &str, report: &Report) -> Markup {
    let title = if report.dry_run {
        "Import checked"
    } else {
        "Import finished"
    };
    layout(
        page,
        title,
        html! {
            a href=(paths::admin_import()) class="govuk-back-link" { "Import another file" }
            h1 class="govuk-heading-l" { (title) }
            div class="govuk-inset-text" {
                p class="govuk-body govuk-!-font-weight-bold" { (file_name) ": " (report.summary()) }
            }
            @if report.dry_run {
                p class="govuk-body" { "Nothing was saved. Fix any skipped rows, then import the file again without ticking “Only check”." }
            }
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Every row" {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { "Every row" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Row" }
                        th scope="col" class="govuk-table__header" { "What happened" }
                    } }
                    tbody class="govuk-table__body" {
                        @for row in &report.rows {
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { (row.label) }
                                td class="govuk-table__cell" {
                                    @match &row.outcome {
                                        Outcome::Created(Some(id)) => { (tag("Created", Some("green"))) " " a class="govuk-link" href=(paths::admin_listing(*id)) { "Listing " (id) } }
                                        Outcome::Created(None) => { (tag("Would be created", Some("green"))) }
                                        Outcome::Updated(id) => { (tag(if report.dry_run { "Would be updated" } else { "Updated" }, Some("blue"))) " " a class="govuk-link" href=(paths::admin_listing(*id)) { "Listing " (id) } }
                                        Outcome::Unchanged(id) => { (tag("No change", Some("grey"))) " " a class="govuk-link" href=(paths::admin_listing(*id)) { "Listing " (id) } }
                                        Outcome::Skipped(reason) => { (tag("Skipped", Some("red"))) " " (reason) }
                                    }
                                    @if !row.left_out.is_empty() && !matches!(row.outcome, Outcome::Skipped(_)) {
                                        p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0" { "Left out: " (row.left_out.join("; ")) }
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
