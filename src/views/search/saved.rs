//! Saved searches: the "save this search" form, the page that manages them, and the page an
//! email's "stop these emails" link opens.

use std::collections::BTreeMap;

use entity::saved_searches::{self, AlertFrequency};
use maud::{Markup, html};

use crate::domain::search::saved::MAX_NAME_CHARS;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, RadioOption, button, button_form, csrf_field, error_summary, format_time, radios,
    secondary_button, text_input, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

pub fn frequency_label(f: AlertFrequency) -> &'static str {
    match f {
        AlertFrequency::Daily => "Email me once a day when there are new services",
        AlertFrequency::Weekly => "Email me once a week when there are new services",
        AlertFrequency::Never => "No emails",
    }
}

fn frequency_options() -> Vec<RadioOption<'static>> {
    AlertFrequency::ALL
        .iter()
        .map(|f| RadioOption {
            value: f.as_str(),
            label: frequency_label(*f),
            hint: None,
        })
        .collect()
}

/// The form on the search page (inside a panel the person opens) and on its own page.
pub fn save_form(
    page: &Page,
    query: &str,
    name: &str,
    client: &str,
    errors: &FieldErrors,
) -> Markup {
    html! {
        form method="post" action=(paths::saved_searches()) novalidate {
            (csrf_field(&page.csrf()))
            input type="hidden" name="query" value=(query);
            input type="hidden" name="client" value=(client);
            (text_input("name", "Name this search", name, errors, InputOptions {
                hint: Some("So you know it in your emails, like “Help at home near Sale”"),
                width_class: Some("govuk-!-width-full"),
                ..Default::default()
            }))
            (radios("frequency", "How often should we email you?", &frequency_options()[..2], "weekly", errors))
            (button("Save search"))
        }
    }
}

pub fn save_form_page(
    page: &Page,
    query: &str,
    name: &str,
    client: &str,
    errors: &FieldErrors,
) -> Markup {
    layout(
        page,
        &title_with_errors("Save this search", errors),
        html! {
            a href={ (paths::search()) "?" (query) } class="govuk-back-link" { "Back to the search" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Save this search" }
            p class="govuk-body" { "Names can be up to " (MAX_NAME_CHARS) " characters." }
            (save_form(page, query, name, client, errors))
        },
    )
}

pub fn list(
    page: &Page,
    rows: &[saved_searches::Model],
    client_names: &BTreeMap<i64, String>,
    errors: &FieldErrors,
) -> Markup {
    let csrf = page.csrf();
    layout(
        page,
        &title_with_errors("Saved searches", errors),
        html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Saved searches" }
            p class="govuk-body" { "We email you when a new service matches a search you saved. Each service is emailed once." }
            @if rows.is_empty() {
                p class="govuk-body" { "No saved searches yet. Search for support, then choose “Save this search” above the results." }
                a href=(paths::search()) class="govuk-button" role="button" draggable="false" data-module="govuk-button" { "Find support" }
            }
            @for s in rows {
                @let radios_name = "frequency";
                div class="kith-saved" id={ "saved-search-" (s.id) } {
                    h2 class="govuk-heading-m" {
                        a class="govuk-link" href={ (paths::search()) "?" (s.query) } { (s.name) }
                    }
                    @if let Some(client) = s.client_id.and_then(|id| client_names.get(&id)) {
                        p class="govuk-body" { "For " (client) }
                    }
                    p class="govuk-body-s kith-secondary-text" {
                        "Saved " (format_time(&s.created_at))
                        @if let Some(at) = s.last_checked_at { ". Last looked for new services " (format_time(&at)) }
                        "."
                    }
                    form method="post" action=(paths::saved_search(s.id)) novalidate {
                        (csrf_field(&csrf))
                        div class="govuk-form-group" {
                            fieldset class="govuk-fieldset" {
                                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Emails" span class="govuk-visually-hidden" { " for " (s.name) } }
                                div class="govuk-radios govuk-radios--small" data-module="govuk-radios" {
                                    @for f in AlertFrequency::ALL {
                                        @let id = format!("frequency-{}-{}", s.id, f.as_str());
                                        div class="govuk-radios__item" {
                                            input class="govuk-radios__input" id=(id) name=(radios_name) type="radio" value=(f.as_str()) checked[s.frequency == f];
                                            label class="govuk-label govuk-radios__label" for=(id) { (frequency_label(f)) }
                                        }
                                    }
                                }
                            }
                        }
                        div class="govuk-button-group" {
                            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" {
                                "Change emails" span class="govuk-visually-hidden" { " for " (s.name) }
                            }
                        }
                    }
                    (button_form(&paths::saved_search_delete(s.id), &csrf, &[], html! {
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" {
                            "Delete" span class="govuk-visually-hidden" { " the saved search " (s.name) }
                        }
                    }))
                }
            }
        },
    )
}

/// The page an email's link opens: a button to stop the emails, then a confirmation.
pub fn unsubscribe(page: &Page, s: &saved_searches::Model, token: &str, done: bool) -> Markup {
    let heading = if done {
        "You will not get these emails again"
    } else {
        "Stop emails about this search"
    };
    layout(
        page,
        heading,
        html! {
            h1 class="govuk-heading-l" { (heading) }
            @if done {
                p class="govuk-body" { "We will not email you about new services for “" (s.name) "”. The search is still saved: you can turn emails back on from your saved searches after signing in." }
                p class="govuk-body" { a class="govuk-link" href=(paths::saved_searches()) { "Your saved searches" } }
            } @else {
                p class="govuk-body" { "We email you about new services for your saved search “" (s.name) "”." }
                form method="post" action=(paths::saved_search_unsubscribe(s.id, token)) novalidate {
                    (csrf_field(&page.csrf()))
                    (secondary_button("Stop these emails"))
                }
            }
        },
    )
}
