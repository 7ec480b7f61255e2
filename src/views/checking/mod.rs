//! Quality-checking pages: the checker's list (made for a phone), their profile, one
//! assignment with accept and decline; the admins' workload page and the assign form.

pub mod inspections;
pub mod review;

use chrono::NaiveDate;
use entity::checker_assignments::AssignmentStatus;
use entity::listings::ListingId;
use maud::{Markup, html};

use crate::domain::checking::assignments::{AssignForm, AssignmentView, status_label};
use crate::domain::checking::checkers::{CheckerSummary, ProfileForm, TRAINING};
use crate::domain::checking::recheck::{DueListing, by_district};
use crate::domain::dates::format_date;
use crate::domain::listings::PublicListing;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, button, button_form, checkboxes, csrf_field, date_input, error_summary,
    secondary_button, summary_list, tag, text_input, textarea, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

fn status(v: &AssignmentView, today: NaiveDate) -> Markup {
    if v.overdue(today) {
        return tag("Overdue", Some("red"));
    }
    match v.assignment.status {
        AssignmentStatus::Offered => tag("Needs your answer", Some("yellow")),
        AssignmentStatus::Accepted => tag("To do", Some("blue")),
        AssignmentStatus::Declined => tag("Declined", Some("grey")),
        other => tag(status_label(other), Some("grey")),
    }
}

pub fn checker_home(
    page: &Page,
    assignments: &[AssignmentView],
    has_profile: bool,
    today: NaiveDate,
) -> Markup {
    let (open, closed): (Vec<&AssignmentView>, Vec<&AssignmentView>) =
        assignments.iter().partition(|a| {
            a.assignment.status == AssignmentStatus::Offered
                || a.assignment.status == AssignmentStatus::Accepted
        });
    layout(
        page,
        "Your quality checks",
        html! {
            h1 class="govuk-heading-l" { "Your quality checks" }
            @if !has_profile {
                p class="govuk-body" { a class="govuk-link" href=(paths::checker_profile()) { "Tell the council where you can visit and when" } " so they can offer you checks nearby." }
            } @else {
                p class="govuk-body" { a class="govuk-link" href=(paths::checker_profile()) { "Your areas, availability and training" } }
            }
            h2 class="govuk-heading-m" { "Checks to do" }
            @if open.is_empty() {
                p class="govuk-body" { "Nothing to do at the moment. The council emails you when they offer you a check." }
            }
            ul class="govuk-list kith-card-list" {
                @for v in &open {
                    li class="kith-card" {
                        h3 class="govuk-heading-s govuk-!-margin-bottom-1" { a class="govuk-link" href=(paths::checker_assignment(v.assignment.id)) { (v.listing_title) } }
                        p class="govuk-body-s govuk-!-margin-bottom-1" { (v.provider_name) }
                        p class="govuk-body-s govuk-!-margin-bottom-1" { "Due by " (format_date(&v.assignment.due_on)) }
                        (status(v, today))
                    }
                }
            }
            @if !closed.is_empty() {
                h2 class="govuk-heading-m" { "Earlier" }
                ul class="govuk-list" {
                    @for v in &closed {
                        li { a class="govuk-link" href=(paths::checker_assignment(v.assignment.id)) { (v.listing_title) } " – " (status_label(v.assignment.status)) }
                    }
                }
            }
        },
    )
}

pub fn profile_form(page: &Page, form: &ProfileForm, errors: &FieldErrors) -> Markup {
    let training: Vec<(String, String)> = TRAINING
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
        .collect();
    layout(
        page,
        &title_with_errors("Your areas, availability and training", errors),
        html! {
            a href=(paths::checker()) class="govuk-back-link" { "Your quality checks" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Your areas, availability and training" }
            form method="post" action=(paths::checker_profile()) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("areas", "Postcode districts you can visit", &form.areas, errors, InputOptions {
                    hint: Some("Separate them with commas, like M16, M32, M33"),
                    autocomplete: Some("off"),
                    ..Default::default()
                }))
                (textarea("availability", "When are you usually free? (optional)", &form.availability, errors, Some("For example, weekday mornings, not in August"), 3))
                (checkboxes("training", "Training you have completed", None, &training, &form.training, errors))
                (button("Save"))
            }
        },
    )
}

pub struct AssignmentPage<'a> {
    pub view: &'a AssignmentView,
    pub listing: Option<&'a PublicListing>,
    pub today: NaiveDate,
}

pub fn assignment(page: &Page, p: &AssignmentPage, errors: &FieldErrors) -> Markup {
    let a = &p.view.assignment;
    let csrf = page.csrf();
    let mut rows: Vec<(&str, Markup)> = vec![
        ("Provider", html! { (p.view.provider_name) }),
        ("Due by", html! { (format_date(&a.due_on)) }),
        ("Status", status(p.view, p.today)),
    ];
    if !a.notes.is_empty() {
        rows.push((
            "Notes from the council",
            html! { span class="kith-pre-line" { (a.notes) } },
        ));
    }
    if let Some(l) = p.listing {
        rows.push(("Where", html! { ul class="govuk-list" { @for line in l.content.delivery_lines() { li { (line) } } } }));
        if let Some(phone) = &l.provider.contact_phone {
            rows.push((
                "Provider’s phone",
                crate::views::listings::page::tel_link(phone),
            ));
        }
        if let Some(email) = &l.provider.contact_email {
            rows.push(("Provider’s email", html! { a class="govuk-link kith-break-words" href={ "mailto:" (email) } { (email) } }));
        }
    }
    if let Some(reason) = &a.decline_reason {
        rows.push(("Why you declined", html! { (reason) }));
    }
    layout(
        page,
        &title_with_errors(&p.view.listing_title, errors),
        html! {
            a href=(paths::checker()) class="govuk-back-link" { "Your quality checks" }
            (error_summary(errors))
            span class="govuk-caption-l" { "Quality check" }
            h1 class="govuk-heading-l" { (p.view.listing_title) }
            (summary_list(&rows))
            p class="govuk-body" { a class="govuk-link" href=(paths::listing(a.listing_id)) { "See the listing as the public sees it" } }
            @if a.status == AssignmentStatus::Accepted {
                (button_form(&paths::checker_assignment_inspection(a.id), &csrf, &[], button("Record the inspection")))
                p class="govuk-body-s kith-secondary-text" { "You can stop at any page and carry on later: each page is saved." }
            }
            @if a.status == AssignmentStatus::Offered {
                (button_form(&paths::checker_assignment_accept(a.id), &csrf, &[], button("Accept this check")))
                h2 class="govuk-heading-m" { "Cannot do it?" }
                form method="post" action=(paths::checker_assignment_decline(a.id)) novalidate {
                    (csrf_field(&csrf))
                    (textarea("reason", "Tell the council why", "", errors, Some("For example, I know the provider, or I am away that week."), 3))
                    (secondary_button("Decline this check"))
                }
            }
        },
    )
}

pub struct Overview<'a> {
    pub checkers: &'a [CheckerSummary],
    pub open: &'a [AssignmentView],
    pub declined: &'a [AssignmentView],
    pub due: &'a [DueListing],
    /// The district the due list is narrowed to.
    pub area: Option<&'a str>,
    pub horizon_days: i64,
}

fn due_section(o: &Overview, today: NaiveDate) -> Markup {
    let counts = by_district(o.due, today);
    let shown: Vec<&DueListing> = o
        .due
        .iter()
        .filter(|d| {
            o.area
                .is_none_or(|a| d.district.as_deref().unwrap_or("Unknown") == a)
        })
        .collect();
    html! {
        h2 class="govuk-heading-m" { "Checks due" }
        p class="govuk-body" { "Published listings due for a quality check in the next " (o.horizon_days) " days, or overdue. Listings are checked a year after a good rating, sooner after a poor one." }
        @if counts.is_empty() {
            p class="govuk-body" { "Nothing is due." }
        } @else {
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="By area" {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--s" { "By area" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Area" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Due soon" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Overdue" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Not assigned" }
                    } }
                    tbody class="govuk-table__body" {
                        @for (district, (soon, overdue, unassigned)) in &counts {
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { a class="govuk-link" href={ (paths::admin_checking()) "?area=" (district) } { (district) } }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (soon) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (overdue) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (unassigned) }
                            }
                        }
                    }
                }
            }
            @if let Some(area) = o.area { p class="govuk-body" { "Showing " (area) ". " a class="govuk-link" href=(paths::admin_checking()) { "Show every area" } } }
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Listings due" {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--s" { "Listings due" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Listing" }
                        th scope="col" class="govuk-table__header" { "Area" }
                        th scope="col" class="govuk-table__header" { "Due" }
                        th scope="col" class="govuk-table__header" { "Checker" }
                    } }
                    tbody class="govuk-table__body" {
                        @for d in shown.iter().take(200) {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { a class="govuk-link" href=(paths::admin_listing(d.listing_id)) { (d.title) } br; span class="kith-secondary-text" { (d.provider_name) } }
                                td class="govuk-table__cell" { (d.district.as_deref().unwrap_or("Unknown")) }
                                td class="govuk-table__cell" { @if d.overdue(today) { (tag("Overdue", Some("red"))) " " } (format_date(&d.due_on)) }
                                td class="govuk-table__cell" {
                                    @if d.assigned { "Assigned" }
                                    @else { a class="govuk-link" href=(paths::admin_listing_assign(d.listing_id)) { "Assign" span class="govuk-visually-hidden" { " a checker to " (d.title) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn admin_overview(page: &Page, o: &Overview, today: NaiveDate) -> Markup {
    let (checkers, open, declined) = (o.checkers, o.open, o.declined);
    let csrf = page.csrf();
    layout(
        page,
        "Quality checking",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Admin" }
            h1 class="govuk-heading-l" { "Quality checking" }
            p class="govuk-body" { "To give a checker a listing, open it from " a class="govuk-link" href=(paths::admin_listings()) { "the listings" } " and choose “Assign a quality checker”. Invite new checkers from " a class="govuk-link" href=(paths::admin_invitations()) { "staff invitations" } "." }
            p class="govuk-body" { a class="govuk-link" href=(paths::admin_inspections()) { "Inspections waiting for review, and published reports" } }
            h2 class="govuk-heading-m" { "Checkers" }
            @if checkers.is_empty() {
                p class="govuk-body" { "There are no quality checkers yet." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Checkers and their workload" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Checkers and their workload" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Checker" }
                            th scope="col" class="govuk-table__header" { "Areas" }
                            th scope="col" class="govuk-table__header" { "Training" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Open checks" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Overdue" }
                        } }
                        tbody class="govuk-table__body" {
                            @for c in checkers {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { (c.user.display_name) br; span class="kith-secondary-text kith-break-words" { (c.user.email) } }
                                    td class="govuk-table__cell" { @if c.profile.areas.is_empty() { "Not given" } @else { (c.profile.areas.join(", ")) } }
                                    td class="govuk-table__cell" { (c.profile.training_labels().len()) " of " (TRAINING.len()) " courses" }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (c.open_assignments) }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { @if c.overdue > 0 { (tag(&c.overdue.to_string(), Some("red"))) } @else { "0" } }
                                }
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Open checks" }
            @if open.is_empty() { p class="govuk-body" { "No open checks." } }
            @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Open checks" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Open checks" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Listing" }
                            th scope="col" class="govuk-table__header" { "Checker" }
                            th scope="col" class="govuk-table__header" { "Due" }
                            th scope="col" class="govuk-table__header" { "Status" }
                            th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Cancel" } }
                        } }
                        tbody class="govuk-table__body" {
                            @for v in open {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::admin_listing(v.assignment.listing_id)) { (v.listing_title) } br; span class="kith-secondary-text" { (v.provider_name) } }
                                    td class="govuk-table__cell" { (v.checker_name) }
                                    td class="govuk-table__cell" { (format_date(&v.assignment.due_on)) }
                                    td class="govuk-table__cell" { @if v.overdue(today) { (tag("Overdue", Some("red"))) } @else { (status_label(v.assignment.status)) } }
                                    td class="govuk-table__cell" {
                                        (button_form(&paths::admin_assignment_cancel(v.assignment.id), &csrf, &[], html! {
                                            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Cancel" span class="govuk-visually-hidden" { " the check of " (v.listing_title) } }
                                        }))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (due_section(o, today))
            @if !declined.is_empty() {
                h2 class="govuk-heading-m" { "Declined" }
                ul class="govuk-list" {
                    @for v in declined {
                        li {
                            a class="govuk-link" href=(paths::admin_listing_assign(v.assignment.listing_id)) { (v.listing_title) }
                            " – " (v.checker_name) ": " (v.assignment.decline_reason.as_deref().unwrap_or(""))
                        }
                    }
                }
            }
        },
    )
}

pub struct AssignPage<'a> {
    pub listing_id: ListingId,
    pub listing_title: &'a str,
    /// The listing's area, to show which checkers cover it.
    pub area: Option<&'a str>,
    pub checkers: &'a [CheckerSummary],
    pub history: &'a [AssignmentView],
}

pub fn assign_form(page: &Page, p: &AssignPage, form: &AssignForm, errors: &FieldErrors) -> Markup {
    let error = errors.get("checker");
    layout(
        page,
        &title_with_errors("Assign a quality checker", errors),
        html! {
            a href=(paths::admin_listing(p.listing_id)) class="govuk-back-link" { "Back to the listing" }
            (error_summary(errors))
            span class="govuk-caption-l" { (p.listing_title) }
            h1 class="govuk-heading-l" { "Assign a quality checker" }
            @if !p.history.is_empty() {
                h2 class="govuk-heading-s" { "Earlier checks of this listing" }
                ul class="govuk-list" {
                    @for v in p.history { li { (v.checker_name) ", due " (format_date(&v.assignment.due_on)) " – " (status_label(v.assignment.status)) } }
                }
            }
            form method="post" action=(paths::admin_listing_assign(p.listing_id)) novalidate {
                (csrf_field(&page.csrf()))
                div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                    fieldset class="govuk-fieldset" aria-describedby=[error.map(|_| "checker-error")] {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { "Checker" }
                        @if let Some(message) = error {
                            p id="checker-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
                        }
                        @if p.checkers.is_empty() {
                            p class="govuk-body" { "There are no quality checkers yet. Invite one from staff invitations." }
                        }
                        div class="govuk-radios" data-module="govuk-radios" {
                            @for (i, c) in p.checkers.iter().enumerate() {
                                @let id = if i == 0 { "checker".to_owned() } else { format!("checker-{}", i + 1) };
                                @let value = c.user.id.to_string();
                                div class="govuk-radios__item" {
                                    input class="govuk-radios__input" id=(id) name="checker" type="radio" value=(value) checked[form.checker == value] aria-describedby={ (id) "-hint" };
                                    label class="govuk-label govuk-radios__label" for=(id) { (c.user.display_name) }
                                    div id={ (id) "-hint" } class="govuk-hint govuk-radios__hint" {
                                        (c.open_assignments) " open checks"
                                        @if c.overdue > 0 { ", " (c.overdue) " overdue" }
                                        @if let Some(area) = p.area { @if c.profile.covers(area) { ". Covers " (area.split_whitespace().next().unwrap_or(area)) } }
                                        @if !c.profile.availability.is_empty() { ". Free: " (c.profile.availability) }
                                    }
                                }
                            }
                        }
                    }
                }
                (date_input("due", "Due by", (&form.due_day, &form.due_month, &form.due_year), errors, None))
                (textarea("notes", "Notes for the checker (optional)", &form.notes, errors, Some("For example, what to look at, or how to arrange the visit"), 3))
                (button("Assign"))
            }
        },
    )
}
