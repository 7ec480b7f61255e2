//! The commissioner's page for the Resource Allocation System points table.

use maud::{Markup, html};

use crate::domain::listings::content::format_pounds;
use crate::domain::plans::ras::{CurrentTable, MAX_QUESTIONS, OPTION_FIELDS, RasForm, TEXT_FIELDS};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, button, csrf_field, error_summary, text_input, textarea, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

pub fn editor(page: &Page, current: &CurrentTable, form: &RasForm, errors: &FieldErrors) -> Markup {
    let c = &current.config;
    layout(
        page,
        &title_with_errors("Resource Allocation System", errors),
        html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Resource Allocation System" }
            @if c.example {
                p class="govuk-body" { strong { "Kith is using an example table." } " Budget holders are told the amount is only a rough guide until you publish the council’s own." }
            } @else {
                p class="govuk-body" { "The council’s table is in use: " (c.questions.len()) " questions, up to " (c.max_points()) " points, " (format_pounds(c.pence_per_point)) " a point each week (up to " (format_pounds(c.weekly_pence(c.max_points()))) " a week)." }
            }
            p class="govuk-body" { "Publishing makes a new version. Plans already worked out keep the version they used." }
            form method="post" action=(paths::commissioner_ras()) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("rate", "Pounds a point is worth each week", &form.rate, errors, InputOptions {
                    hint: Some("For example, 3.50"),
                    width_class: Some("govuk-input--width-5"),
                    autocomplete: Some("off"),
                    ..Default::default()
                }))
                @for i in 0..MAX_QUESTIONS {
                    fieldset class="govuk-fieldset govuk-!-margin-bottom-6" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Question " (i + 1) @if i > 0 { " (optional)" } }
                        (text_input(TEXT_FIELDS[i], "Question", &form.texts[i], errors, InputOptions {
                            autocomplete: Some("off"),
                            ..Default::default()
                        }))
                        (textarea(OPTION_FIELDS[i], "Answers and their points", &form.options[i], errors,
                            Some("One answer per line: the points, a colon, then the words. For example: 4: I need some help"), 4))
                    }
                }
                (button("Publish this table"))
            }
        },
    )
}
