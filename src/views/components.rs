//! GOV.UK Design System components as maud functions.

use maud::{Markup, PreEscaped, html};

use crate::domain::validation::FieldErrors;

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(token); }
}

/// The error summary at the top of a form, linking to each field.
pub fn error_summary(errors: &FieldErrors) -> Markup {
    let items: Vec<(String, &str)> = errors
        .iter()
        .map(|(field, message)| (field.to_owned(), message))
        .collect();
    error_summary_linked(&items)
}

/// An error summary whose messages link to fields by id (`field`, or `note-7` where one
/// page repeats a field).
pub fn error_summary_linked(items: &[(String, &str)]) -> Markup {
    html! {
        @if !items.is_empty() {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        ul class="govuk-list govuk-error-summary__list" {
                            @for (id, message) in items {
                                li { a href={ "#" (id) } { (message) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `Error: …` prefix in the page title when a form has errors (GOV.UK pattern).
pub fn title_with_errors(title: &str, errors: &FieldErrors) -> String {
    if errors.is_empty() {
        title.to_owned()
    } else {
        format!("Error: {title}")
    }
}

fn error_message(id: &str, message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message {
            p id={ (id) "-error" } class="govuk-error-message" {
                span class="govuk-visually-hidden" { "Error: " }
                (message)
            }
        }
    }
}

/// Options for a text input beyond its name, label and value.
#[derive(Default, Clone, Copy)]
pub struct InputOptions<'a> {
    pub input_type: &'a str,
    pub autocomplete: Option<&'a str>,
    pub hint: Option<&'a str>,
    pub width_class: Option<&'a str>,
    pub spellcheck_off: bool,
    /// Show the label as a page heading (one-question pages).
    pub label_is_heading: bool,
}

pub fn text_input(
    name: &str,
    label: &str,
    value: &str,
    errors: &FieldErrors,
    opts: InputOptions,
) -> Markup {
    let error = errors.get(name);
    let input_type = if opts.input_type.is_empty() {
        "text"
    } else {
        opts.input_type
    };
    let mut described_by = Vec::new();
    if opts.hint.is_some() {
        described_by.push(format!("{name}-hint"));
    }
    if error.is_some() {
        described_by.push(format!("{name}-error"));
    }
    let class = format!(
        "govuk-input{}{}",
        opts.width_class
            .map(|c| format!(" {c}"))
            .unwrap_or_default(),
        if error.is_some() {
            " govuk-input--error"
        } else {
            ""
        }
    );
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            @if opts.label_is_heading {
                h1 class="govuk-label-wrapper" { label class="govuk-label govuk-label--l" for=(name) { (label) } }
            } @else {
                label class="govuk-label" for=(name) { (label) }
            }
            @if let Some(hint) = opts.hint {
                div id={ (name) "-hint" } class="govuk-hint" { (hint) }
            }
            (error_message(name, error))
            input class=(class) id=(name) name=(name) type=(input_type) value=(value)
                autocomplete=[opts.autocomplete]
                spellcheck=[opts.spellcheck_off.then_some("false")]
                aria-describedby=[(!described_by.is_empty()).then(|| described_by.join(" "))];
        }
    }
}

pub fn password_input(
    name: &str,
    label: &str,
    errors: &FieldErrors,
    autocomplete: &str,
    hint: Option<&str>,
) -> Markup {
    text_input(
        name,
        label,
        "",
        errors,
        InputOptions {
            input_type: "password",
            autocomplete: Some(autocomplete),
            hint,
            width_class: Some("govuk-!-width-two-thirds"),
            spellcheck_off: true,
            ..Default::default()
        },
    )
}

pub struct RadioOption<'a> {
    pub value: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
}

pub fn radios(
    name: &str,
    legend: &str,
    options: &[RadioOption],
    selected: &str,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[error.map(|_| format!("{name}-error"))] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { (legend) }
                (error_message(name, error))
                div class="govuk-radios" data-module="govuk-radios" {
                    @for (i, option) in options.iter().enumerate() {
                        // The first radio carries the field's id so the error summary can link to it.
                        @let id = if i == 0 { name.to_owned() } else { format!("{name}-{}", i + 1) };
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(id) name=(name) type="radio" value=(option.value)
                                checked[option.value == selected]
                                aria-describedby=[option.hint.map(|_| format!("{id}-hint"))];
                            label class="govuk-label govuk-radios__label" for=(id) { (option.label) }
                            @if let Some(hint) = option.hint {
                                div id={ (id) "-hint" } class="govuk-hint govuk-radios__hint" { (hint) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn select(name: &str, label: &str, options: &[(String, String)], selected: &str) -> Markup {
    html! {
        div class="govuk-form-group" {
            label class="govuk-label" for=(name) { (label) }
            select class="govuk-select" id=(name) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

pub fn button(text: &str) -> Markup {
    html! { button type="submit" class="govuk-button" data-module="govuk-button" { (text) } }
}

pub fn secondary_button(text: &str) -> Markup {
    html! { button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { (text) } }
}

pub fn warning_button(text: &str) -> Markup {
    html! { button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { (text) } }
}

/// A small POST form holding only a button (and any hidden fields).
pub fn button_form(
    action: &str,
    csrf: &str,
    hidden: &[(&str, &str)],
    button_markup: Markup,
) -> Markup {
    html! {
        form method="post" action=(action) novalidate {
            (csrf_field(csrf))
            @for (name, value) in hidden {
                input type="hidden" name=(name) value=(value);
            }
            (button_markup)
        }
    }
}

pub fn notification_success(message: &str) -> Markup {
    html! {
        div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
            aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner" {
            div class="govuk-notification-banner__header" {
                h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title" { "Success" }
            }
            div class="govuk-notification-banner__content" {
                p class="govuk-notification-banner__heading" { (message) }
            }
        }
    }
}

pub fn notification_important(content: Markup) -> Markup {
    html! {
        div class="govuk-notification-banner" role="region" aria-labelledby="govuk-notification-banner-important-title" data-module="govuk-notification-banner" {
            div class="govuk-notification-banner__header" {
                h2 class="govuk-notification-banner__title" id="govuk-notification-banner-important-title" { "Important" }
            }
            div class="govuk-notification-banner__content" { (content) }
        }
    }
}

pub fn tag(text: &str, colour: Option<&str>) -> Markup {
    html! { strong class={ "govuk-tag" @if let Some(c) = colour { " govuk-tag--" (c) } } { (text) } }
}

pub fn back_link(href: &str) -> Markup {
    html! { a href=(href) class="govuk-back-link" { "Back" } }
}

/// Summary list rows: key and value markup.
pub fn summary_list(rows: &[(&str, Markup)]) -> Markup {
    html! {
        dl class="govuk-summary-list" {
            @for (key, value) in rows {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (key) }
                    dd class="govuk-summary-list__value" { (value) }
                }
            }
        }
    }
}

/// One row of a summary list whose value is plain text.
pub fn summary_row(key: &str, value: &str) -> Markup {
    html! {
        div class="govuk-summary-list__row" {
            dt class="govuk-summary-list__key" { (key) }
            dd class="govuk-summary-list__value" { (value) }
        }
    }
}

/// Previous/next pagination. `href_for(page)` builds each link.
pub fn pagination(page: u64, total_pages: u64, href_for: impl Fn(u64) -> String) -> Markup {
    html! {
        @if total_pages > 1 {
            nav class="govuk-pagination" aria-label="Pagination" {
                @if page > 1 {
                    div class="govuk-pagination__prev" {
                        a class="govuk-link govuk-pagination__link" href=(href_for(page - 1)) rel="prev" {
                            span class="govuk-pagination__link-title" { "Previous" span class="govuk-visually-hidden" { " page" } }
                        }
                    }
                }
                ul class="govuk-pagination__list" {
                    @for p in 1..=total_pages {
                        @if p == 1 || p == total_pages || p.abs_diff(page) <= 2 {
                            li class={ "govuk-pagination__item" @if p == page { " govuk-pagination__item--current" } } {
                                a class="govuk-link govuk-pagination__link" href=(href_for(p)) aria-label={ "Page " (p) } aria-current=[(p == page).then_some("page")] { (p) }
                            }
                        } @else if p.abs_diff(page) == 3 {
                            li class="govuk-pagination__item govuk-pagination__item--ellipses" { (PreEscaped("&ctdot;")) }
                        }
                    }
                }
                @if page < total_pages {
                    div class="govuk-pagination__next" {
                        a class="govuk-link govuk-pagination__link" href=(href_for(page + 1)) rel="next" {
                            span class="govuk-pagination__link-title" { "Next" span class="govuk-visually-hidden" { " page" } }
                        }
                    }
                }
            }
        }
    }
}

pub fn total_pages(total: u64, page_size: u64) -> u64 {
    total.div_ceil(page_size).max(1)
}

/// How long something has waited: "Today", "1 day", "12 days".
pub fn time_waiting(since: &chrono::DateTime<chrono::Utc>) -> String {
    match (chrono::Utc::now() - *since).num_days() {
        ..=0 => "Today".to_owned(),
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    }
}

/// A time as people in the UK read it (see [`crate::domain::dates::format_time`]).
pub fn format_time(time: &chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::dates::format_time(time)
}

/// The GOV.UK date input: day, month and year boxes named `{name}-day` etc.
pub fn date_input(
    name: &str,
    legend: &str,
    value: (&str, &str, &str),
    errors: &FieldErrors,
    hint: Option<&str>,
) -> Markup {
    let error = errors.get(name);
    let parts = [
        ("day", "Day", value.0, "govuk-input--width-2"),
        ("month", "Month", value.1, "govuk-input--width-2"),
        ("year", "Year", value.2, "govuk-input--width-4"),
    ];
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" role="group" aria-describedby={ (name) "-hint" @if error.is_some() { " " (name) "-error" } } {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                div id={ (name) "-hint" } class="govuk-hint" { (hint.unwrap_or("For example, 27 3 2026")) }
                (error_message(name, error))
                div class="govuk-date-input" id=(name) {
                    @for (part, label, v, width) in parts {
                        div class="govuk-date-input__item" {
                            div class="govuk-form-group" {
                                label class="govuk-label govuk-date-input__label" for={ (name) "-" (part) } { (label) }
                                input class={ "govuk-input govuk-date-input__input " (width) @if error.is_some() { " govuk-input--error" } }
                                    id={ (name) "-" (part) } name={ (name) "-" (part) } type="text" inputmode="numeric" value=(v);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A multi-line text box.
pub fn textarea(
    name: &str,
    label: &str,
    value: &str,
    errors: &FieldErrors,
    hint: Option<&str>,
    rows: u8,
) -> Markup {
    textarea_with(
        &TextArea {
            name,
            id: name,
            label,
            value,
            hint,
            rows,
            max_chars: None,
        },
        errors,
    )
}

/// A long text field with the GOV.UK character count: without JavaScript it says the
/// limit; with it, how many characters are left as the person types.
pub fn counted_textarea(
    name: &str,
    label: &str,
    value: &str,
    errors: &FieldErrors,
    hint: Option<&str>,
    rows: u8,
    max_chars: usize,
) -> Markup {
    textarea_with(
        &TextArea {
            name,
            id: name,
            label,
            value,
            hint,
            rows,
            max_chars: Some(max_chars),
        },
        errors,
    )
}

/// A textarea in full: `id` differs from `name` where one page repeats the field.
pub struct TextArea<'a> {
    pub name: &'a str,
    pub id: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub rows: u8,
    pub max_chars: Option<usize>,
}

pub fn textarea_with(t: &TextArea, errors: &FieldErrors) -> Markup {
    let error = errors.get(t.name);
    let id = t.id;
    let group = html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for=(id) { (t.label) }
            @if let Some(hint) = t.hint {
                div id={ (id) "-hint" } class="govuk-hint" { (hint) }
            }
            (error_message(id, error))
            textarea class={ "govuk-textarea" @if t.max_chars.is_some() { " govuk-js-character-count" } @if error.is_some() { " govuk-textarea--error" } } id=(id) name=(t.name) rows=(t.rows)
                aria-describedby=[described_by_all(id, t.hint.is_some(), error.is_some(), t.max_chars.is_some())] { (t.value) }
            @if let Some(max) = t.max_chars {
                div id={ (id) "-info" } class="govuk-hint govuk-character-count__message" {
                    "You can enter up to " (max) " characters"
                }
            }
        }
    };
    match t.max_chars {
        Some(max) => html! {
            div class="govuk-character-count" data-module="govuk-character-count" data-maxlength=(max) { (group) }
        },
        None => group,
    }
}

fn described_by_all(name: &str, hint: bool, error: bool, info: bool) -> Option<String> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error"), (info, "info")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, what)| format!("{name}-{what}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    described_by_all(name, hint, error, false)
}

/// A group of checkboxes sharing one name; `options` are (value, label).
pub fn checkboxes(
    name: &str,
    legend: &str,
    hint: Option<&str>,
    options: &[(String, String)],
    selected: &[String],
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[described_by(name, hint.is_some(), error.is_some())] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @if let Some(hint) = hint {
                    div id={ (name) "-hint" } class="govuk-hint" { (hint) }
                }
                (error_message(name, error))
                div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                    @for (i, (value, label)) in options.iter().enumerate() {
                        @let id = if i == 0 { name.to_owned() } else { format!("{name}-{}", i + 1) };
                        div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id=(id) name=(name) type="checkbox" value=(value)
                                checked[selected.contains(value)];
                            label class="govuk-label govuk-checkboxes__label" for=(id) { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// What a picture upload accepts.
pub const PHOTO_TYPES: &str = "image/jpeg,image/png,image/webp";
/// The hint for a photo of people or places.
pub const PHOTO_HINT: &str =
    "A JPEG, PNG or WebP file smaller than 10 MB. Only show people who have agreed to it.";

/// A file upload with its label, hint and any error; `accept` lists the MIME types.
pub fn file_upload(
    name: &str,
    label: &str,
    hint: &str,
    accept: &str,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for=(name) { (label) }
            div id={ (name) "-hint" } class="govuk-hint" { (hint) }
            (error_message(name, error))
            input class={ "govuk-file-upload" @if error.is_some() { " govuk-file-upload--error" } } id=(name) name=(name) type="file" accept=(accept)
                aria-describedby=[described_by(name, true, error.is_some())];
        }
    }
}

/// One small checkbox sending `value="yes"` when ticked.
pub fn single_checkbox(name: &str, label: &str, checked: bool) -> Markup {
    html! {
        div class="govuk-form-group" {
            div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                div class="govuk-checkboxes__item" {
                    input class="govuk-checkboxes__input" id=(name) name=(name) type="checkbox" value="yes" checked[checked];
                    label class="govuk-label govuk-checkboxes__label" for=(name) { (label) }
                }
            }
        }
    }
}
