//! Innovation-fund pages for commissioners (rounds, the panel, the ranking and decisions)
//! and for panel members (their rounds, scoring an application).

use entity::fund_applications::ApplicationStatus;
use entity::fund_applications::FundDecision;
use entity::fund_reviews::PanelReviewStatus;
use entity::listings::ListingId;
use entity::users::UserId;
use entity::{fund_criteria, fund_reviews, fund_rounds, users};
use maud::{Markup, html};

use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::dates::format_date;
use crate::domain::fund::applications::ApplicationView;
use crate::domain::fund::awards::AwardView;
use crate::domain::fund::panel::{MAX_SCORE, Ranked, WorkItem, scores_of};
use crate::domain::fund::rounds::{MAX_CRITERIA, Phase, RoundView};
use crate::domain::listings::content::format_pounds;
use crate::domain::providers::organisations::ORGANISATION_KINDS;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::paths;
use crate::views::components::{
    InputOptions, RadioOption, button, button_form, checkboxes, csrf_field, date_input,
    error_summary, radios, secondary_button, text_input, textarea, title_with_errors,
};
use crate::views::fund::{application_summary, phase_tag, round_facts, status_tag};
use crate::views::layout::layout;
use crate::views::page::Page;

pub fn rounds(page: &Page, rounds: &[(fund_rounds::Model, Phase)]) -> Markup {
    layout(
        page,
        "Innovation fund",
        html! {
            h1 class="govuk-heading-l" { "Innovation fund" }
            a class="govuk-button" data-module="govuk-button" href=(paths::commissioner_funding_new()) { "Create a round" }
            @if rounds.is_empty() { p class="govuk-body" { "No rounds yet." } }
            ul class="govuk-list govuk-list--spaced" {
                @for (r, phase) in rounds {
                    li { a class="govuk-link" href=(paths::commissioner_funding_round(r.id)) { (r.title) } " " (phase_tag(*phase)) }
                }
            }
        },
    )
}

fn split_date(values: &FormFields, name: &str) -> (String, String, String) {
    (
        values.one(&format!("{name}-day")),
        values.one(&format!("{name}-month")),
        values.one(&format!("{name}-year")),
    )
}

/// The create/edit form; `values` are what was sent or what is stored.
pub fn round_form(
    page: &Page,
    id: Option<i64>,
    values: &FormFields,
    categories: &[(String, String)],
    errors: &FieldErrors,
) -> Markup {
    let action = id.map_or_else(
        paths::commissioner_funding_new,
        paths::commissioner_funding_round_edit,
    );
    let groups: Vec<(String, String)> = CLIENT_GROUPS
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
        .collect();
    let kinds: Vec<(String, String)> = ORGANISATION_KINDS
        .iter()
        .map(|(k, l, _)| (k.as_str().to_owned(), (*l).to_owned()))
        .collect();
    let (od, om, oy) = split_date(values, "opens");
    let (cd, cm, cy) = split_date(values, "closes");
    let heading = if id.is_some() {
        "Change the round"
    } else {
        "Create a round"
    };
    layout(
        page,
        &title_with_errors(heading, errors),
        html! {
            a href=(paths::commissioner_funding()) class="govuk-back-link" { "Innovation fund" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { (heading) }
            form method="post" action=(action) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("title", "Title", &values.one("title"), errors, InputOptions { hint: Some("For example, Culturally competent personal assistants in Old Trafford"), ..Default::default() }))
                (textarea("need", "The need", &values.one("need"), errors, Some("What is missing, for whom, and what the council hopes for. Plain English: providers read this."), 6))
                (checkboxes("categories", "Types of support (optional)", None, categories, &values.all("categories"), errors))
                (checkboxes("client_groups", "Who it is for (optional)", None, &groups, &values.all("client_groups"), errors))
                (text_input("districts", "Postcode districts (optional)", &values.one("districts"), errors, InputOptions { hint: Some("For example, M16 M32. Leave empty for the whole area."), ..Default::default() }))
                (checkboxes("eligible", "Who can apply", Some("Leave all unticked to let any provider apply"), &kinds, &values.all("eligible"), errors))
                (text_input("max_award", "Largest award, in pounds", &values.one("max_award"), errors, InputOptions { width_class: Some("govuk-input--width-10"), ..Default::default() }))
                (text_input("pot", "Total pot, in pounds", &values.one("pot"), errors, InputOptions { width_class: Some("govuk-input--width-10"), ..Default::default() }))
                (date_input("opens", "Opens on", (&od, &om, &oy), errors, None))
                (date_input("closes", "Closes at the end of", (&cd, &cm, &cy), errors, None))
                fieldset class={ "govuk-fieldset govuk-form-group" @if errors.get("criteria").is_some() { " govuk-form-group--error" } } id="criteria" {
                    legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { "Criteria and weights" }
                    div class="govuk-hint" { "What the panel scores, and how much each counts (1 to 100). Leave spare rows empty." }
                    @if let Some(message) = errors.get("criteria") { p class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) } }
                    @for n in 1..=MAX_CRITERIA {
                        (text_input(&format!("criterion_{n}"), &format!("Criterion {n}"), &values.one(&format!("criterion_{n}")), &FieldErrors::default(), InputOptions::default()))
                        (text_input(&format!("weight_{n}"), &format!("Weight of criterion {n}"), &values.one(&format!("weight_{n}")), &FieldErrors::default(), InputOptions { width_class: Some("govuk-input--width-3"), ..Default::default() }))
                    }
                }
                (button("Save round"))
            }
        },
    )
}

/// The stored round as form values.
pub fn round_values(view: &RoundView) -> FormFields {
    use chrono::Datelike;
    let r = &view.round;
    let money = |p: i64| format!("{}.{:02}", p / 100, p % 100);
    let mut pairs = vec![
        ("title".to_owned(), r.title.clone()),
        ("need".to_owned(), r.need.clone()),
        ("districts".to_owned(), r.districts.clone()),
        ("max_award".to_owned(), money(r.max_award_pence)),
        ("pot".to_owned(), money(r.pot_pence)),
    ];
    for (name, d) in [("opens", r.opens_on), ("closes", r.closes_on)] {
        pairs.push((format!("{name}-day"), d.day().to_string()));
        pairs.push((format!("{name}-month"), d.month().to_string()));
        pairs.push((format!("{name}-year"), d.year().to_string()));
    }
    for id in crate::domain::fund::rounds::ids_of(&r.category_ids) {
        pairs.push(("categories".to_owned(), id.to_string()));
    }
    for (field, json) in [
        ("client_groups", &r.client_groups),
        ("eligible", &r.eligible_kinds),
    ] {
        for k in crate::domain::fund::rounds::list_of(json) {
            pairs.push((field.to_owned(), k));
        }
    }
    for (i, c) in view.criteria.iter().enumerate() {
        pairs.push((format!("criterion_{}", i + 1), c.title.clone()));
        pairs.push((format!("weight_{}", i + 1), c.weight.to_string()));
    }
    FormFields(pairs)
}

pub struct RoundAdmin<'a> {
    pub view: &'a RoundView,
    pub phase: Phase,
    pub category_names: &'a [String],
    pub ranking: &'a [Ranked],
    pub awarded_pence: i64,
    pub panel_email: &'a str,
    pub awards: &'a [AwardView],
}

pub fn round_admin(page: &Page, p: &RoundAdmin, errors: &FieldErrors) -> Markup {
    let r = &p.view.round;
    let csrf = page.csrf();
    let left = r.pot_pence - p.awarded_pence;
    layout(
        page,
        &title_with_errors(&r.title, errors),
        html! {
            a href=(paths::commissioner_funding()) class="govuk-back-link" { "Innovation fund" }
            (error_summary(errors))
            span class="govuk-caption-l" { "Innovation fund round " (phase_tag(p.phase)) }
            h1 class="govuk-heading-l" { (r.title) }
            @if p.phase == Phase::Draft {
                div class="govuk-button-group" {
                    a class="govuk-button govuk-button--secondary" data-module="govuk-button" href=(paths::commissioner_funding_round_edit(r.id)) { "Change the round" }
                }
                (button_form(&paths::commissioner_funding_round_publish(r.id), &csrf, &[], button("Publish the round")))
            } @else {
                p class="govuk-body" { a class="govuk-link" href=(paths::funding_round(r.id)) { "See the public page" } }
            }
            h2 class="govuk-heading-m" { "Applications" }
            p class="govuk-body" {
                "Awarded " (format_pounds(p.awarded_pence)) " of " (format_pounds(r.pot_pence)) "; "
                @if left < 0 { strong { "over the pot by " (format_pounds(-left)) } } @else { (format_pounds(left)) " left" } "."
            }
            @if p.ranking.is_empty() {
                p class="govuk-body" { "No applications have been sent yet." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Ranked by weighted score (out of " {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "Ranked by weighted score (out of " (MAX_SCORE) ")" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Rank" }
                            th scope="col" class="govuk-table__header" { "Applicant" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Score" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Reviews" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Asks for" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Running total" }
                            th scope="col" class="govuk-table__header" { "Decision" }
                        } }
                        tbody class="govuk-table__body" {
                            @for (i, row) in p.ranking.iter().enumerate() {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { (i + 1) }
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::commissioner_funding_application(row.view.application.id)) { (row.view.organisation.name) } }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (row.score.map_or("Not scored".to_owned(), |s| format!("{s:.2}"))) }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (row.reviews) @if row.conflicts > 0 { " (" (row.conflicts) " conflicted)" } }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (format_pounds(row.view.application.total_pence)) }
                                    td class="govuk-table__cell govuk-table__cell--numeric" {
                                        (format_pounds(row.running_total_pence))
                                        @if row.running_total_pence > r.pot_pence { br; strong { "over the pot" } }
                                    }
                                    td class="govuk-table__cell" { (status_tag(&row.view)) }
                                }
                            }
                        }
                    }
                }
            }
            @if !p.awards.is_empty() {
                h2 class="govuk-heading-m" { "Summary" }
                @let declined = p.ranking.iter().filter(|r| r.view.application.decision == Some(FundDecision::Decline)).count();
                @let paid: i64 = p.awards.iter().map(AwardView::paid).sum();
                p class="govuk-body" {
                    (p.ranking.len()) " applications sent; " (p.awards.len()) " awarded (" (format_pounds(p.awarded_pence)) "); "
                    (declined) " declined; " (format_pounds(paid)) " paid so far."
                }
                (crate::views::fund::awards_table(p.awards))
            }
            h2 class="govuk-heading-m" { "Panel" }
            @if p.view.panel.is_empty() { p class="govuk-body" { "Nobody yet." } }
            ul class="govuk-list" {
                @for member in &p.view.panel {
                    li {
                        (member.display_name) " (" (member.email) ")"
                        (button_form(&paths::commissioner_funding_round_panel_remove(r.id, member.id), &csrf, &[], secondary_button(&format!("Remove {}", member.display_name))))
                    }
                }
            }
            form method="post" action=(paths::commissioner_funding_round_panel(r.id)) novalidate {
                (csrf_field(&csrf))
                (text_input("email", "Add a panel member by email address", p.panel_email, errors, InputOptions { input_type: "email", autocomplete: Some("off"), hint: Some("They need a Kith account with a council role"), spellcheck_off: true, ..Default::default() }))
                (secondary_button("Add to the panel"))
            }
            (round_facts(p.view, p.category_names))
        },
    )
}

fn review_table(
    criteria: &[fund_criteria::Model],
    reviews: &[(fund_reviews::Model, String)],
) -> Markup {
    html! {
        @for (review, name) in reviews {
            h3 class="govuk-heading-s" { (name) }
            @if review.status == PanelReviewStatus::Conflicted {
                p class="govuk-body" { "Declared a conflict of interest: " (review.conflict_note.clone().unwrap_or_default()) }
            } @else if review.status == PanelReviewStatus::Submitted {
                @let scores = scores_of(review);
                dl class="govuk-summary-list" {
                    @for c in criteria {
                        @let s = scores.get(&c.id).cloned().unwrap_or_default();
                        div class="govuk-summary-list__row" {
                            dt class="govuk-summary-list__key" { (c.title) }
                            dd class="govuk-summary-list__value" {
                                strong { (s.score.map_or("–".to_owned(), |v| v.to_string())) " / " (MAX_SCORE) }
                                @if !s.comment.is_empty() { br; span class="kith-pre-line" { (s.comment) } }
                            }
                        }
                    }
                }
            } @else {
                p class="govuk-body" { "Still scoring." }
            }
        }
    }
}

pub struct DecisionPage<'a> {
    pub view: &'a ApplicationView,
    pub phase: Phase,
    pub criteria: &'a [fund_criteria::Model],
    pub reviews: &'a [(fund_reviews::Model, String)],
    pub score: Option<f64>,
    pub awarded_pence: i64,
    /// Set when the last award asked would take the round past its pot.
    pub over_pot: bool,
    /// The award's tracking, once awarded, and the recipient's listings to link.
    pub award: Option<&'a AwardView>,
    pub org_listings: &'a [(ListingId, String)],
}

/// Payments, milestones and listings of an award, with forms to add to them.
fn award_tracking(
    page: &Page,
    p: &DecisionPage,
    award: &AwardView,
    values: &FormFields,
    errors: &FieldErrors,
) -> Markup {
    let csrf = page.csrf();
    let (pd, pm, py) = split_date(values, "paid");
    let (dd, dm, dy) = split_date(values, "due");
    let listing_options: Vec<(String, String)> = p
        .org_listings
        .iter()
        .map(|(id, title)| (id.to_string(), title.clone()))
        .collect();
    html! {
        h2 class="govuk-heading-m" id="award" { "The award" }
        (award_progress(award))
        h3 class="govuk-heading-s" { "Record a payment" }
        form method="post" action=(paths::commissioner_funding_application_payments(award.view.application.id)) novalidate {
            (csrf_field(&csrf))
            (date_input("paid", "Paid on", (&pd, &pm, &py), errors, None))
            (text_input("payment", "Amount, in pounds", &values.one("payment"), errors, InputOptions { width_class: Some("govuk-input--width-10"), ..Default::default() }))
            (text_input("payment_note", "Note (optional)", &values.one("payment_note"), errors, InputOptions { hint: Some("For example, first instalment"), ..Default::default() }))
            (secondary_button("Record payment"))
        }
        h3 class="govuk-heading-s" { "Add a milestone" }
        form method="post" action=(paths::commissioner_funding_application_milestones(award.view.application.id)) novalidate {
            (csrf_field(&csrf))
            (text_input("milestone", "Milestone", &values.one("milestone"), errors, InputOptions { hint: Some("For example, first 10 people supported"), ..Default::default() }))
            (date_input("due", "Due by", (&dd, &dm, &dy), errors, None))
            (secondary_button("Add milestone"))
        }
        @for m in &award.milestones {
            @if m.done_on.is_none() {
                (button_form(&paths::commissioner_funding_application_milestone_met(award.view.application.id, m.id), &csrf, &[], secondary_button(&format!("Mark “{}” as met", m.title))))
            }
        }
        h3 class="govuk-heading-s" { "Link a listing the award produced" }
        @if listing_options.is_empty() {
            p class="govuk-body" { "The recipient has no listings yet." }
        } @else {
            form method="post" action=(paths::commissioner_funding_application_listings(award.view.application.id)) novalidate {
                (csrf_field(&csrf))
                div class={ "govuk-form-group" @if errors.get("listing").is_some() { " govuk-form-group--error" } } {
                    label class="govuk-label" for="listing" { "Listing" }
                    @if let Some(message) = errors.get("listing") { p id="listing-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) } }
                    select class="govuk-select" id="listing" name="listing" {
                        @for (id, title) in &listing_options { option value=(id) { (title) } }
                    }
                }
                (secondary_button("Link listing"))
            }
        }
    }
}

/// What an award has paid, what was agreed and what it produced (read-only).
pub fn award_progress(award: &AwardView) -> Markup {
    html! {
        p class="govuk-body" { "Awarded " (format_pounds(award.awarded())) "; paid " (format_pounds(award.paid())) "." }
        @if !award.payments.is_empty() {
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Payments" {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--s" { "Payments" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Date" }
                        th scope="col" class="govuk-table__header" { "Note" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Amount" }
                    } }
                    tbody class="govuk-table__body" {
                        @for pay in &award.payments {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (format_date(&pay.paid_on)) }
                                td class="govuk-table__cell" { (pay.note) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (format_pounds(pay.amount_pence)) }
                            }
                        }
                    }
                }
            }
        }
        @if !award.milestones.is_empty() {
            h3 class="govuk-heading-s" { "Milestones" }
            ul class="govuk-list govuk-list--bullet" {
                @for m in &award.milestones {
                    li { (m.title) " – due " (format_date(&m.due_on)) ": " @match m.done_on { Some(d) => { strong { "met " (format_date(&d)) } }, None => { "not yet met" } } }
                }
            }
        }
        @if !award.listings.is_empty() {
            h3 class="govuk-heading-s" { "Services it produced" }
            ul class="govuk-list" {
                @for (id, title, public) in &award.listings {
                    li { @if *public { a class="govuk-link" href=(paths::listing(*id)) { (title) } } @else { (title) " (not published)" } }
                }
            }
        }
    }
}

pub fn application_admin(
    page: &Page,
    p: &DecisionPage,
    values: &FormFields,
    errors: &FieldErrors,
) -> Markup {
    let a = &p.view.application;
    let r = &p.view.round;
    let options = [
        RadioOption {
            value: "award",
            label: "Award a grant",
            hint: None,
        },
        RadioOption {
            value: "decline",
            label: "Decline, with feedback",
            hint: None,
        },
    ];
    let amount = if values.one("amount").is_empty() && values.0.is_empty() {
        format!("{}.{:02}", a.total_pence / 100, a.total_pence % 100)
    } else {
        values.one("amount")
    };
    layout(
        page,
        &title_with_errors(
            &format!("{} – {}", p.view.organisation.name, r.title),
            errors,
        ),
        html! {
            a href=(paths::commissioner_funding_round(r.id)) class="govuk-back-link" { (r.title) }
            (error_summary(errors))
            span class="govuk-caption-l" { (r.title) " " (status_tag(p.view)) }
            h1 class="govuk-heading-l" { (p.view.organisation.name) }
            p class="govuk-body" { "Weighted score: " strong { (p.score.map_or("not scored yet".to_owned(), |s| format!("{s:.2} out of {MAX_SCORE}"))) } }
            (application_summary(p.view))
            h2 class="govuk-heading-m" { "The panel’s scores" }
            @if p.reviews.is_empty() { p class="govuk-body" { "No reviews yet." } }
            (review_table(p.criteria, p.reviews))
            @if a.status == ApplicationStatus::Submitted {
                h2 class="govuk-heading-m" { "Decision" }
                @if p.phase != Phase::Closed {
                    p class="govuk-body" { "You can decide once the round has closed." }
                } @else {
                    p class="govuk-body" { "Awarded so far: " (format_pounds(p.awarded_pence)) " of " (format_pounds(r.pot_pence)) "." }
                    form method="post" action=(paths::commissioner_funding_application_decision(a.id)) novalidate {
                        (csrf_field(&page.csrf()))
                        (radios("decision", "Your decision", &options, &values.one("decision"), errors))
                        (text_input("amount", "Amount to award, in pounds", &amount, errors, InputOptions { width_class: Some("govuk-input--width-10"), hint: Some("If you award"), ..Default::default() }))
                        (textarea("conditions", "Conditions of the award (optional)", &values.one("conditions"), errors, None, 3))
                        (textarea("feedback", "Feedback for the applicant", &values.one("feedback"), errors, Some("If you decline: what would make a stronger application"), 3))
                        @if p.over_pot {
                            div class="govuk-warning-text" {
                                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                                strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "This award takes the round past its pot of " (format_pounds(r.pot_pence)) "." }
                            }
                            div class="govuk-form-group" { div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" { div class="govuk-checkboxes__item" {
                                input class="govuk-checkboxes__input" id="confirm_over_pot" name="confirm_over_pot" type="checkbox" value="yes";
                                label class="govuk-label govuk-checkboxes__label" for="confirm_over_pot" { "I know this goes over the pot and want to award it" }
                            } } }
                        }
                        (button("Record the decision"))
                    }
                }
            }
            @if let Some(award) = p.award {
                (award_tracking(page, p, award, values, errors))
            }
        },
    )
}

pub fn panel_home(page: &Page, rounds: &[(fund_rounds::Model, Vec<WorkItem>)]) -> Markup {
    let status = |s: &Option<PanelReviewStatus>| match s {
        Some(PanelReviewStatus::Submitted) => "Scored",
        Some(PanelReviewStatus::Conflicted) => "Conflict declared",
        Some(_) => "Started",
        None => "To score",
    };
    layout(
        page,
        "Your funding panels",
        html! {
            h1 class="govuk-heading-l" { "Your funding panels" }
            @if rounds.is_empty() { p class="govuk-body" { "You are not on any published round’s panel." } }
            @for (round, apps) in rounds {
                h2 class="govuk-heading-m" { (round.title) }
                @if apps.is_empty() { p class="govuk-body" { "No applications sent yet." } }
                ul class="govuk-list" {
                    @for (app, name, review) in apps {
                        li { a class="govuk-link" href=(paths::panel_application(app.id)) { (name) } " – " (status(review)) }
                    }
                }
            }
        },
    )
}

pub struct PanelPage<'a> {
    pub view: &'a ApplicationView,
    pub criteria: &'a [fund_criteria::Model],
    pub own: Option<&'a fund_reviews::Model>,
    pub others: &'a [(fund_reviews::Model, String)],
}

pub fn panel_application(
    page: &Page,
    p: &PanelPage,
    values: &FormFields,
    errors: &FieldErrors,
) -> Markup {
    let a = &p.view.application;
    let csrf = page.csrf();
    let own_status = p.own.map(|r| r.status);
    let own_scores = p.own.map(scores_of).unwrap_or_default();
    let value = |name: String, stored: String| {
        if values.0.is_empty() {
            stored
        } else {
            values.one(&name)
        }
    };
    layout(
        page,
        &title_with_errors(&format!("Score {}", p.view.organisation.name), errors),
        html! {
            a href=(paths::panel()) class="govuk-back-link" { "Your funding panels" }
            (error_summary(errors))
            span class="govuk-caption-l" { (p.view.round.title) }
            h1 class="govuk-heading-l" { (p.view.organisation.name) }
            (application_summary(p.view))
            @match own_status {
                Some(PanelReviewStatus::Conflicted) => {
                    h2 class="govuk-heading-m" { "You declared a conflict of interest" }
                    p class="govuk-body" { "You take no part in scoring this application and do not see the panel’s scores." }
                },
                Some(PanelReviewStatus::Submitted) => {
                    h2 class="govuk-heading-m" { "Your scores" }
                    (review_table(p.criteria, &[(p.own.cloned().expect("own review"), "You".to_owned())]))
                    h2 class="govuk-heading-m" { "Other panel members’ scores" }
                    @if p.others.is_empty() { p class="govuk-body" { "Nobody else has sent scores yet." } }
                    (review_table(p.criteria, p.others))
                },
                _ => {
                    @if a.status == ApplicationStatus::Submitted {
                        h2 class="govuk-heading-m" { "Your scores" }
                        p class="govuk-body" { "Score each from 0 (not at all) to " (MAX_SCORE) " (fully). You see the other members’ scores after you send yours." }
                        form method="post" action=(paths::panel_application_scores(a.id)) novalidate id="scores" {
                            (csrf_field(&csrf))
                            @if let Some(message) = errors.get("scores") { p class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) } }
                            @for c in p.criteria {
                                @let stored = own_scores.get(&c.id).cloned().unwrap_or_default();
                                (text_input(&format!("score_{}", c.id), &format!("{} (weight {})", c.title, c.weight), &value(format!("score_{}", c.id), stored.score.map(|s| s.to_string()).unwrap_or_default()), &FieldErrors::default(), InputOptions { width_class: Some("govuk-input--width-2"), hint: Some("0 to 5"), ..Default::default() }))
                                (textarea(&format!("comment_{}", c.id), "Why (optional)", &value(format!("comment_{}", c.id), stored.comment), &FieldErrors::default(), None, 2))
                            }
                            div class="govuk-button-group" {
                                button type="submit" name="then" value="send" class="govuk-button" data-module="govuk-button" { "Send my scores" }
                                button type="submit" name="then" value="save" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Save for later" }
                            }
                        }
                        h2 class="govuk-heading-m" { "Conflict of interest" }
                        p class="govuk-body" { "If you know the applicant, work with them or could gain from the decision, say so. You will not score this application." }
                        form method="post" action=(paths::panel_application_conflict(a.id)) novalidate {
                            (csrf_field(&csrf))
                            (textarea("conflict_note", "What is the conflict?", &values.one("conflict_note"), errors, None, 2))
                            (secondary_button("Declare a conflict"))
                        }
                    }
                }
            }
        },
    )
}

pub fn panel_member_name(users: &[users::Model], id: UserId) -> String {
    users
        .iter()
        .find(|u| u.id == id)
        .map_or_else(|| "A panel member".to_owned(), |u| u.display_name.clone())
}
