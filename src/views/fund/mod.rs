//! Innovation-fund pages for the public and applicants: open rounds, a round, an
//! organisation's applications and the short application form.

pub mod admin;

use entity::fund_applications::ApplicationStatus;
use entity::fund_applications::FundDecision;
use entity::fund_rounds;
use entity::provider_organisations::{OrganisationId, ProviderKind};
use maud::{Markup, html};

use crate::domain::dates::format_date;
use crate::domain::fund::applications::{ApplicationView, MAX_BUDGET_LINES, QUESTIONS, missing};
use crate::domain::fund::awards::AwardView;
use crate::domain::fund::export::public_recipient_name;
use crate::domain::fund::rounds::{Phase, RoundView, deadline, list_of};
use crate::domain::listings::content::{client_group_label, format_pounds};
use crate::domain::providers::organisations::kind_label;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::paths;
use crate::views::components::{
    InputOptions, button, button_form, csrf_field, error_summary, single_checkbox, summary_list,
    tag, text_input, textarea, title_with_errors, warning_button,
};
use crate::views::layout::layout;
use crate::views::page::Page;

pub fn phase_tag(phase: Phase) -> Markup {
    let colour = match phase {
        Phase::Open => "green",
        Phase::Upcoming => "blue",
        Phase::Closed => "grey",
        Phase::Draft => "yellow",
    };
    tag(phase.label(), Some(colour))
}

pub fn status_tag(view: &ApplicationView) -> Markup {
    let a = &view.application;
    match (a.status, a.decision) {
        (ApplicationStatus::Draft, _) => tag("Draft", Some("yellow")),
        (ApplicationStatus::Submitted, _) => tag("Sent", Some("blue")),
        (ApplicationStatus::Withdrawn, _) => tag("Withdrawn", Some("grey")),
        (ApplicationStatus::Decided, Some(FundDecision::Award)) => tag("Awarded", Some("green")),
        _ => tag("Not funded", Some("red")),
    }
}

/// The round's facts, shared by the public page and the commissioner's page.
pub fn round_facts(view: &RoundView, category_names: &[String]) -> Markup {
    let r = &view.round;
    let eligible: Vec<String> = list_of(&r.eligible_kinds)
        .iter()
        .filter_map(|k| ProviderKind::parse(k))
        .map(|k| kind_label(k).to_owned())
        .collect();
    let groups: Vec<String> = list_of(&r.client_groups)
        .iter()
        .map(|k| client_group_label(k).to_owned())
        .collect();
    let or_any = |items: &[String], any: &str| {
        if items.is_empty() {
            any.to_owned()
        } else {
            items.join(", ")
        }
    };
    html! {
        h2 class="govuk-heading-m" { "The need" }
        p class="govuk-body kith-pre-line" { (r.need) }
        (summary_list(&[
            ("Types of support", html! { (or_any(category_names, "Any")) }),
            ("Who for", html! { (or_any(&groups, "Anyone")) }),
            ("Areas", html! { @if r.districts.is_empty() { "Anywhere in the council area" } @else { (r.districts) } }),
            ("Who can apply", html! { (or_any(&eligible, "Any provider registered with Kith")) }),
            ("Largest award", html! { (format_pounds(r.max_award_pence)) }),
            ("Total available", html! { (format_pounds(r.pot_pence)) }),
            ("Opens", html! { (format_date(&r.opens_on)) }),
            ("Closes", html! { (deadline(r)) }),
        ]))
        h2 class="govuk-heading-m" { "How applications are scored" }
        p class="govuk-body" { "A panel scores each application from 0 to 5 against each of these. The weights say how much each counts." }
        div class="kith-table-scroll" tabindex="0" role="region" aria-label="Table" {
            table class="govuk-table" {
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "What the panel looks for" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Weight" }
                } }
                tbody class="govuk-table__body" {
                    @for c in &view.criteria {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (c.title) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (c.weight) }
                        }
                    }
                }
            }
        }
    }
}

pub fn index(page: &Page, rounds: &[(fund_rounds::Model, Phase)]) -> Markup {
    layout(
        page,
        "Funding for new services",
        html! {
            h1 class="govuk-heading-l" { "Funding for new services" }
            p class="govuk-body-l" { "The council’s innovation fund gives small grants to local organisations and people to start services where there is a need. The form is short and plain." }
            @if rounds.is_empty() {
                p class="govuk-body" { "No funding rounds are open at the moment. Please check again later." }
            }
            @for (r, phase) in rounds {
                div class="govuk-summary-card" {
                    div class="govuk-summary-card__title-wrapper" {
                        h2 class="govuk-summary-card__title" { a class="govuk-link" href=(paths::funding_round(r.id)) { (r.title) } }
                        (phase_tag(*phase))
                    }
                    div class="govuk-summary-card__content" {
                        p class="govuk-body" { "Up to " (format_pounds(r.max_award_pence)) " each. Closes at " (deadline(r)) "." }
                    }
                }
            }
        },
    )
}

/// What a visitor can do about applying.
pub enum ApplyBox {
    SignIn,
    NotAProvider,
    /// The person's organisations (id, name) and applications they already have (org id, application id).
    Organisations(Vec<(OrganisationId, String)>, Vec<(OrganisationId, i64)>),
    NotOpen,
}

pub fn round_page(
    page: &Page,
    view: &RoundView,
    phase: Phase,
    category_names: &[String],
    apply: &ApplyBox,
    awards: &[AwardView],
    error: Option<&str>,
) -> Markup {
    let r = &view.round;
    let mut errors = FieldErrors::default();
    if let Some(message) = error {
        errors.add("organisation", message.to_owned());
    }
    layout(
        page,
        &title_with_errors(&r.title, &errors),
        html! {
            a href=(paths::funding()) class="govuk-back-link" { "Funding for new services" }
            (error_summary(&errors))
            span class="govuk-caption-l" { "Innovation fund " (phase_tag(phase)) }
            h1 class="govuk-heading-l" { (r.title) }
            (round_facts(view, category_names))
            @if !awards.is_empty() {
                h2 class="govuk-heading-m" { "Grants awarded" }
                (awards_table(awards))
            }
            h2 class="govuk-heading-m" { "Apply" }
            @match apply {
                ApplyBox::NotOpen => p class="govuk-body" { @if phase == Phase::Closed { "This round has closed." } @else { "You can apply from " (format_date(&r.opens_on)) "." } },
                ApplyBox::SignIn => p class="govuk-body" { a class="govuk-link" href={ (paths::sign_in()) "?next=" (paths::funding_round(r.id)) } { "Sign in" } " with your provider account to apply. New to Kith? " a class="govuk-link" href=(paths::register()) { "Create an account" } " and add your organisation first." },
                ApplyBox::NotAProvider => p class="govuk-body" { "Applications come from providers. Add your organisation from your account to apply." },
                ApplyBox::Organisations(orgs, existing) => {
                    @if orgs.is_empty() {
                        p class="govuk-body" { a class="govuk-link" href=(paths::provider_home()) { "Add your organisation" } " first, then come back to apply." }
                    }
                    @for (org_id, app_id) in existing {
                        @if let Some((_, name)) = orgs.iter().find(|(id, _)| id == org_id) {
                            p class="govuk-body" { a class="govuk-link" href=(paths::provider_funding_application(*app_id)) { "Your application for " (name) } }
                        }
                    }
                    @let fresh: Vec<&(OrganisationId, String)> = orgs.iter().filter(|(id, _)| !existing.iter().any(|(o, _)| o == id)).collect();
                    @if !fresh.is_empty() {
                        form method="post" action=(paths::funding_round_apply(r.id)) novalidate {
                            (csrf_field(&page.csrf()))
                            @if fresh.len() == 1 {
                                input type="hidden" name="organisation" value=(fresh[0].0);
                                p class="govuk-body" { "You will apply as " (fresh[0].1) ". You can save your answers and come back before the deadline." }
                            } @else {
                                div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                                    label class="govuk-label" for="organisation" { "Apply as" }
                                    @if let Some(message) = error { p id="organisation-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) } }
                                    select class="govuk-select" id="organisation" name="organisation" {
                                        @for (id, name) in &fresh { option value=(id) { (name) } }
                                    }
                                }
                            }
                            (button("Start an application"))
                        }
                    }
                }
            }
        },
    )
}

/// Awards as the public sees them: recipient (an individual only named with consent),
/// amount, and the services they produced.
pub fn awards_table(awards: &[AwardView]) -> Markup {
    html! {
        div class="kith-table-scroll" tabindex="0" role="region" aria-label="Table" {
            table class="govuk-table" {
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Recipient" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Awarded" }
                    th scope="col" class="govuk-table__header" { "Services" }
                } }
                tbody class="govuk-table__body" {
                    @for award in awards {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (public_recipient_name(award)) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (format_pounds(award.awarded())) }
                            td class="govuk-table__cell" {
                                @for (id, title, public) in &award.listings { @if *public { a class="govuk-link" href=(paths::listing(*id)) { (title) } br; } }
                            }
                        }
                    }
                }
            }
        }
        p class="govuk-body" { "Open data (360Giving standard): " a class="govuk-link" href=(paths::funding_grants_json()) { "JSON" } ", " a class="govuk-link" href=(paths::funding_grants_csv()) { "CSV" } "." }
    }
}

pub fn my_applications(page: &Page, apps: &[ApplicationView]) -> Markup {
    layout(
        page,
        "Your funding applications",
        html! {
            h1 class="govuk-heading-l" { "Your funding applications" }
            p class="govuk-body" { a class="govuk-link" href=(paths::funding()) { "See funding rounds" } }
            @if apps.is_empty() { p class="govuk-body" { "You have not applied for funding yet." } }
            ul class="govuk-list govuk-list--spaced" {
                @for v in apps {
                    li {
                        a class="govuk-link" href=(paths::provider_funding_application(v.application.id)) { (v.round.title) }
                        " – " (v.organisation.name) " " (status_tag(v))
                    }
                }
            }
        },
    )
}

/// The answers and budget, read-only (applicant after sending, panel, commissioner).
pub fn application_summary(view: &ApplicationView) -> Markup {
    let answers = view.answers();
    let budget = view.budget();
    let text = |t: &str| html! { span class="kith-pre-line" { @if t.is_empty() { "Not given" } @else { (t) } } };
    let mut rows: Vec<(&str, Markup)> = vec![(
        "Organisation",
        html! { (view.organisation.name) " (" (kind_label(view.organisation.kind)) ")" },
    )];
    for (field, question, _) in QUESTIONS {
        let value = match field {
            "need" => &answers.need,
            "offer" => &answers.offer,
            "who_for" => &answers.who_for,
            "place" => &answers.place,
            _ => &answers.outcomes,
        };
        rows.push((question, text(value)));
    }
    rows.push((
        "How many people",
        html! { (answers.people.map_or("Not given".to_owned(), |n| n.to_string())) },
    ));
    rows.push(("Match funding", text(&answers.match_funding)));
    html! {
        (summary_list(&rows))
        div class="kith-table-scroll" tabindex="0" role="region" aria-label="Budget" {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { "Budget" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "What for" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Amount" }
                } }
                tbody class="govuk-table__body" {
                    @for line in &budget {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (line.item) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (format_pounds(line.pence)) }
                        }
                    }
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { "Total" }
                        td class="govuk-table__cell govuk-table__cell--numeric" { strong { (format_pounds(view.application.total_pence)) } }
                    }
                }
            }
        }
    }
}

/// The stored answers as form values.
pub fn form_values(view: &ApplicationView) -> FormFields {
    let a = view.answers();
    let mut pairs = vec![
        ("need".to_owned(), a.need),
        ("offer".to_owned(), a.offer),
        ("who_for".to_owned(), a.who_for),
        ("place".to_owned(), a.place),
        ("outcomes".to_owned(), a.outcomes),
        ("match_funding".to_owned(), a.match_funding),
        (
            "people".to_owned(),
            a.people.map(|n| n.to_string()).unwrap_or_default(),
        ),
    ];
    for (i, line) in view.budget().into_iter().enumerate() {
        pairs.push((format!("item_{}", i + 1), line.item));
        pairs.push((
            format!("amount_{}", i + 1),
            format!("{}.{:02}", line.pence / 100, line.pence % 100),
        ));
    }
    FormFields(pairs)
}

pub fn application_page(
    page: &Page,
    view: &ApplicationView,
    award: Option<&AwardView>,
    phase: Phase,
    values: &FormFields,
    errors: &FieldErrors,
) -> Markup {
    let a = &view.application;
    let r = &view.round;
    let editable = a.status == ApplicationStatus::Draft && phase == Phase::Open;
    let csrf = page.csrf();
    let base = paths::provider_funding_application(a.id);
    let gaps = missing(&view.answers(), &view.budget());
    layout(
        page,
        &title_with_errors(&format!("Application – {}", r.title), errors),
        html! {
            a href=(paths::provider_funding()) class="govuk-back-link" { "Your funding applications" }
            (error_summary(errors))
            span class="govuk-caption-l" { (view.organisation.name) " " (status_tag(view)) }
            h1 class="govuk-heading-l" { (r.title) }
            p class="govuk-body" { "Up to " (format_pounds(r.max_award_pence)) ". Send it by " (deadline(r)) ". " a class="govuk-link" href=(paths::funding_round(r.id)) { "Read about this round" } }
            @if a.status == ApplicationStatus::Decided {
                div class="govuk-panel govuk-panel--confirmation" {
                    @if a.decision == Some(FundDecision::Award) {
                        h2 class="govuk-panel__title" { "Awarded " (format_pounds(a.award_pence.unwrap_or_default())) }
                    } @else {
                        h2 class="govuk-panel__title" { "Not funded this time" }
                    }
                }
                @if let Some(note) = &a.decision_note { @if !note.is_empty() {
                    h2 class="govuk-heading-m" { @if a.decision == Some(FundDecision::Award) { "Conditions" } @else { "Feedback from the panel" } }
                    p class="govuk-body kith-pre-line" { (note) }
                } }
                @if let Some(award) = award {
                    h2 class="govuk-heading-m" { "Your award" }
                    (crate::views::fund::admin::award_progress(award))
                }
            }
            @if editable {
                form method="post" action=(base) novalidate {
                    (csrf_field(&csrf))
                    @for (field, question, hint) in QUESTIONS {
                        (crate::views::components::counted_textarea(field, question, &values.one(field), errors, Some(hint), 4, crate::domain::fund::applications::MAX_TEXT))
                    }
                    (text_input("people", "How many people will it help?", &values.one("people"), errors, InputOptions { input_type: "text", hint: Some("A number, like 25"), width_class: Some("govuk-input--width-5"), ..Default::default() }))
                    fieldset class={ "govuk-fieldset govuk-form-group" @if errors.get("budget").is_some() { " govuk-form-group--error" } } id="budget" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { "Budget" }
                        div class="govuk-hint" { "What the money is for, line by line. Leave spare lines empty; save to get more lines (up to " (MAX_BUDGET_LINES) "). The total cannot be more than " (format_pounds(r.max_award_pence)) "." }
                        @if let Some(message) = errors.get("budget") { p class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) } }
                        @let filled = (1..=MAX_BUDGET_LINES).filter(|n| !values.one(&format!("item_{n}")).is_empty() || !values.one(&format!("amount_{n}")).is_empty()).max().unwrap_or(0);
                        @for n in 1..=(filled + 2).clamp(3, MAX_BUDGET_LINES) {
                            div class="kith-budget-line" {
                                (text_input(&format!("item_{n}"), &format!("Line {n}: what for"), &values.one(&format!("item_{n}")), &FieldErrors::default(), InputOptions::default()))
                                (text_input(&format!("amount_{n}"), &format!("Line {n}: amount in pounds"), &values.one(&format!("amount_{n}")), &FieldErrors::default(), InputOptions { width_class: Some("govuk-input--width-10"), ..Default::default() }))
                            }
                        }
                    }
                    (textarea("match_funding", "Other money you have for this (optional)", &values.one("match_funding"), errors, Some("Other grants or your own money, and how much"), 3))
                    @if view.organisation.kind == ProviderKind::PersonalAssistant {
                        p class="govuk-body" { "If you are awarded a grant, the council publishes it as open data without your address or contact details. As you work for yourself, your name is left out unless you agree." }
                        (single_checkbox("publish_name", "You may publish my name with the grant", values.one("publish_name") == "yes"))
                    }
                    div class="govuk-button-group" {
                        button type="submit" name="then" value="send" class="govuk-button" data-module="govuk-button" { "Send application" }
                        button type="submit" name="then" value="save" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Save and come back later" }
                    }
                }
                @if !gaps.is_empty() {
                    h2 class="govuk-heading-s" { "Still to answer" }
                    ul class="govuk-list govuk-list--bullet" { @for (field, what) in &gaps { li { a class="govuk-link" href={ "#" (field) } { (what) } } } }
                }
            } @else {
                (application_summary(view))
                @if a.status == ApplicationStatus::Draft { p class="govuk-body" { "This round is closed, so this draft can no longer be sent." } }
            }
            @if a.status == ApplicationStatus::Draft || a.status == ApplicationStatus::Submitted {
                h2 class="govuk-heading-m" { "Withdraw" }
                p class="govuk-body" { "If you no longer want funding, withdraw the application. This cannot be undone." }
                (button_form(&paths::provider_funding_application_withdraw(a.id), &csrf, &[], warning_button("Withdraw application")))
            }
        },
    )
}
