//! Support plan pages: the plan with its budget and totals, the self-assessment that works
//! the budget out, and a printable version.

pub mod clients;
pub mod ras;
pub mod shortlists;

use entity::support_plans::BudgetSource;
use maud::{Markup, html};

use crate::domain::dates::format_date;
use crate::domain::listings::content::{PriceUnit, format_pounds};
use crate::domain::plans::budget::{Totals, format_quantity};
use crate::domain::plans::ras::{ANSWER_FIELDS, CurrentTable};
use crate::domain::plans::support_plans::{ItemForm, PlanView, line_of};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, RadioOption, button, button_form, csrf_field, error_summary, radios,
    secondary_button, select, summary_list, text_input, title_with_errors,
};
use crate::views::layout::{bare_layout, layout};
use crate::views::page::Page;

pub struct PlanPage<'a> {
    pub view: &'a PlanView,
    /// The broker's client whose plan this is.
    pub client: Option<(i64, &'a str)>,
    /// Shortlisted services that can be added: (listing id, "title – provider, £x per hour").
    pub shortlist: &'a [(String, String)],
    pub budget_input: &'a str,
    pub item: &'a ItemForm,
}

fn whose(client: Option<(i64, &str)>) -> String {
    match client {
        Some((_, name)) => format!("{name}’s support plan"),
        None => "Your support plan".to_owned(),
    }
}

fn signed(pence: i64) -> String {
    if pence < 0 {
        format!("{} over", format_pounds(-pence))
    } else {
        format_pounds(pence)
    }
}

fn unit_word(unit: &str, one_off: bool) -> &'static str {
    if one_off {
        return "in all (one-off)";
    }
    match PriceUnit::parse(unit) {
        Some(PriceUnit::Hour) => "hours a week",
        Some(PriceUnit::Session) => "sessions a week",
        Some(PriceUnit::Day) => "days a week",
        Some(PriceUnit::Week) => "each week",
        _ => "items a week",
    }
}

/// The totals as a summary list (shared by the plan and its printable version).
fn totals_list(t: &Totals) -> Markup {
    let mut rows: Vec<(&str, Markup)> = vec![
        ("Cost each week", html! { (format_pounds(t.weekly_pence)) }),
        ("One-off costs", html! { (format_pounds(t.one_off_pence)) }),
        (
            "Cost for a year",
            html! { (format_pounds(t.annual_pence)) " " span class="kith-secondary-text" { "(52 weeks and one-off costs)" } },
        ),
    ];
    if let (Some(weekly), Some(annual)) = (t.weekly_budget_pence, t.annual_budget_pence) {
        rows.push(("Budget each week", html! { (format_pounds(weekly)) }));
        rows.push(("Budget for a year", html! { (format_pounds(annual)) }));
    }
    if let (Some(week), Some(year)) = (t.weekly_left_pence, t.annual_left_pence) {
        rows.push(("Left each week", html! { (signed(week)) }));
        rows.push(("Left for the year", html! { (signed(year)) }));
    }
    summary_list(&rows)
}

fn lines_table(
    page: &Page,
    view: &PlanView,
    client: Option<(i64, &str)>,
    with_remove: bool,
) -> Markup {
    let client_id = client.map(|(id, _)| id.to_string()).unwrap_or_default();
    html! {
        div {
            table class="govuk-table kith-table-stack" {
                caption class="govuk-table__caption govuk-table__caption--m" { "What the plan pays for" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Service" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Price" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "How much" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Cost" }
                    @if with_remove { th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Remove" } } }
                } }
                tbody class="govuk-table__body" {
                    @for item in &view.items {
                        @let unit = PriceUnit::parse(&item.unit).map_or("per item", PriceUnit::label);
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                @match item.listing_id {
                                    Some(id) => a class="govuk-link" href=(paths::listing(id)) { (item.description) },
                                    None => (item.description),
                                }
                            }
                            td class="govuk-table__cell govuk-table__cell--numeric" data-label="Price" { (format_pounds(item.unit_price_pence)) " " (unit) }
                            td class="govuk-table__cell govuk-table__cell--numeric" data-label="How much" { (format_quantity(item.quantity_hundredths)) " " (unit_word(&item.unit, item.one_off)) }
                            td class="govuk-table__cell govuk-table__cell--numeric" data-label="Cost" {
                                (format_pounds(line_of(item).cost_pence())) @if item.one_off { " once" } @else { " a week" }
                            }
                            @if with_remove {
                                td class="govuk-table__cell" {
                                    (button_form(&paths::plan_item_remove(item.id), &page.csrf(), &[("client", client_id.as_str())], html! {
                                        button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Remove" span class="govuk-visually-hidden" { " " (item.description) } }
                                    }))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn plan(page: &Page, p: &PlanPage, errors: &FieldErrors) -> Markup {
    let heading = whose(p.client);
    let v = p.view;
    let t = &v.totals;
    let csrf = page.csrf();
    let client_id = p.client.map(|(id, _)| id.to_string()).unwrap_or_default();
    let units: Vec<(String, String)> = PriceUnit::ALL
        .iter()
        .map(|u| (u.as_str().to_owned(), u.label().to_owned()))
        .collect();
    let mut shortlist_options = vec![(String::new(), "Choose a service".to_owned())];
    shortlist_options.extend(p.shortlist.iter().cloned());
    layout(
        page,
        &title_with_errors(&heading, errors),
        html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { (heading) }
            p class="govuk-body" { "Plan how to spend a personal budget or direct payment each week. The budget here is indicative: your council confirms the real amount." }
            h2 class="govuk-heading-m" { "Budget" }
            @match t.weekly_budget_pence {
                Some(weekly) => {
                    p class="govuk-body" {
                        "Indicative budget: " strong { (format_pounds(weekly)) " a week" }
                        @if v.budget_source() == BudgetSource::Ras {
                            @if let Some(points) = v.plan.as_ref().and_then(|p| p.ras_points) { ", worked out from " (points) " points in the council’s points table." }
                        } @else { ", as entered." }
                    }
                }
                None => p class="govuk-body" { "No budget yet. Enter it if you know it, or work it out from a few questions." },
            }
            form method="post" action=(paths::plan_budget()) novalidate {
                (csrf_field(&csrf))
                input type="hidden" name="client" value=(client_id);
                (text_input("weekly_budget", "Weekly budget in pounds", p.budget_input, errors, InputOptions {
                    hint: Some("For example, 180 or 180.50. Leave it empty to remove the budget."),
                    width_class: Some("govuk-input--width-10"),
                    autocomplete: Some("off"),
                    ..Default::default()
                }))
                div class="govuk-button-group" {
                    (secondary_button("Save budget"))
                    a class="govuk-link" href=(paths::plan_ras()) { "Work out a budget from a few questions" }
                }
            }
            @if t.over_budget() {
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" {
                        span class="govuk-visually-hidden" { "Warning" }
                        "This plan costs more than the budget. You can still save it, but talk to your social worker or broker before you arrange it."
                    }
                }
            }
            @if v.items.is_empty() {
                p class="govuk-body" { "Nothing in the plan yet. Add services from your shortlist, or anything else you pay for." }
            } @else {
                (lines_table(page, v, p.client, true))
            }
            (totals_list(t))
            @if !v.items.is_empty() {
                div class="govuk-button-group" {
                    a class="govuk-link" href=(paths::plan_print()) { "Print this plan" }
                    a class="govuk-link" href=(paths::plan_csv()) download { "Download as a spreadsheet (CSV)" }
                }
            }
            h2 class="govuk-heading-m" { "Add a service from your shortlist" }
            @if p.shortlist.is_empty() {
                p class="govuk-body" { "Your shortlist is empty. " a class="govuk-link" href=(paths::search()) { "Find support" } " and save services to add them here." }
            } @else {
                form method="post" action=(paths::plan_items()) novalidate {
                    (csrf_field(&csrf))
                    input type="hidden" name="client" value=(client_id);
                    (field_error_select(errors, &shortlist_options, &p.item.listing_id))
                    (text_input("quantity", "How many hours, sessions or days a week?", if p.item.listing_id.is_empty() { "" } else { &p.item.quantity }, errors, InputOptions {
                        hint: Some("For example, 2 or 1.5"),
                        width_class: Some("govuk-input--width-5"),
                        autocomplete: Some("off"),
                        ..Default::default()
                    }))
                    (button("Add to plan"))
                }
            }
            h2 class="govuk-heading-m" { "Add something else" }
            form method="post" action=(paths::plan_items()) novalidate {
                (csrf_field(&csrf))
                input type="hidden" name="client" value=(client_id);
                (text_input("description", "What is it?", &p.item.description, errors, InputOptions {
                    hint: Some("For example, a personal assistant’s hours, a gym pass, or a grab rail"),
                    autocomplete: Some("off"),
                    ..Default::default()
                }))
                (text_input("price", "Price in pounds", &p.item.price, errors, InputOptions {
                    width_class: Some("govuk-input--width-10"),
                    autocomplete: Some("off"),
                    ..Default::default()
                }))
                (select("unit", "The price is", &units, if p.item.unit.is_empty() { "hour" } else { &p.item.unit }))
                (text_input("other_quantity", "How many a week (or in all, if it is a one-off)?", if p.item.listing_id.is_empty() { &p.item.quantity } else { "" }, errors, InputOptions {
                    width_class: Some("govuk-input--width-5"),
                    autocomplete: Some("off"),
                    ..Default::default()
                }))
                div class="govuk-form-group" {
                    div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                        div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id="one_off" name="one_off" type="checkbox" value="yes" checked[p.item.one_off];
                            label class="govuk-label govuk-checkboxes__label" for="one_off" { "This is a one-off cost, not every week" }
                        }
                    }
                }
                (secondary_button("Add to plan"))
            }
        },
    )
}

fn field_error_select(
    errors: &FieldErrors,
    options: &[(String, String)],
    selected: &str,
) -> Markup {
    let error = errors.get("listing_id");
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for="listing_id" { "Service" }
            @if let Some(message) = error {
                p id="listing_id-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
            }
            select class={ "govuk-select" @if error.is_some() { " govuk-select--error" } } id="listing_id" name="listing_id"
                aria-describedby=[error.map(|_| "listing_id-error")] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

/// The self-assessment: one radio group per question, then the budget it gives.
pub fn ras_form(
    page: &Page,
    table: &CurrentTable,
    client: Option<(i64, &str)>,
    answers: &[Option<usize>],
    errors: &FieldErrors,
) -> Markup {
    let c = &table.config;
    let client_id = client.map(|(id, _)| id.to_string()).unwrap_or_default();
    layout(
        page,
        &title_with_errors("Work out an indicative budget", errors),
        html! {
            a href=(paths::plan()) class="govuk-back-link" { "Back to the plan" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Work out an indicative budget" }
            @if c.example {
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" {
                        span class="govuk-visually-hidden" { "Warning" }
                        "This is an example points table. The council has not set its own yet, so the amount is only a rough guide."
                    }
                }
            }
            p class="govuk-body" { "Answer each question about the help you need now. Each answer has points; each point is worth " (format_pounds(c.pence_per_point)) " a week. Your council’s assessment decides your real budget." }
            form method="post" action=(paths::plan_ras()) novalidate {
                (csrf_field(&page.csrf()))
                input type="hidden" name="client" value=(client_id);
                @for (i, question) in c.questions.iter().enumerate() {
                    @let values: Vec<String> = (0..question.options.len()).map(|o| o.to_string()).collect();
                    @let options: Vec<RadioOption> = question.options.iter().enumerate().map(|(o, opt)| RadioOption {
                        value: &values[o],
                        label: &opt.label,
                        hint: None,
                    }).collect();
                    @let selected = answers.get(i).copied().flatten().map(|a| a.to_string()).unwrap_or_default();
                    (radios(ANSWER_FIELDS[i], &question.text, &options, &selected, errors))
                }
                (button("Work out my budget"))
            }
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "How the points work" } }
                div class="govuk-details__text" {
                    div class="kith-table-scroll" tabindex="0" role="region" aria-label="Points for each answer" {
                        table class="govuk-table" {
                            caption class="govuk-table__caption govuk-visually-hidden" { "Points for each answer" }
                            thead class="govuk-table__head" { tr class="govuk-table__row" {
                                th scope="col" class="govuk-table__header" { "Answer" }
                                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Points" }
                            } }
                            tbody class="govuk-table__body" {
                                @for question in &c.questions {
                                    tr class="govuk-table__row" { th scope="row" class="govuk-table__header" colspan="2" { (question.text) } }
                                    @for option in &question.options {
                                        tr class="govuk-table__row" {
                                            td class="govuk-table__cell" { (option.label) }
                                            td class="govuk-table__cell govuk-table__cell--numeric" { (option.points) }
                                        }
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

/// The plan on paper: large type, no forms.
pub fn printable(
    page: &Page,
    view: &PlanView,
    client: Option<(i64, &str)>,
    today: chrono::NaiveDate,
) -> Markup {
    let heading = whose(client);
    bare_layout(
        &heading,
        html! {
            div class="kith-print-list" {
                a href=(paths::plan()) class="govuk-back-link kith-no-print" { "Back to the plan" }
                h1 class="govuk-heading-xl" { (heading) }
                p class="govuk-body-l" { "Printed from Kith on " (format_date(&today)) ". The budget is indicative: the council confirms the real amount." }
                @if view.totals.over_budget() {
                    p class="govuk-body-l" { strong { "This plan costs more than the budget." } }
                }
                (lines_table(page, view, client, false))
                (totals_list(&view.totals))
            }
        },
    )
}
