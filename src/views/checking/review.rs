//! Inspection review pages: the admins' queue and review page, the public quality report,
//! and the "quality checked" badge on a listing.

use entity::inspections::InspectionStatus;
use entity::listings::ListingId;
use entity::{inspection_photos, inspections};
use maud::{Markup, html};

use crate::domain::checking::inspections::{KEY_QUESTIONS, VISIT_TYPES, answers_of, score_label};
use crate::domain::checking::review::{is_inadequate, public_findings};
use crate::domain::dates::format_date;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    csrf_field, error_summary, format_time, summary_list, tag, textarea, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

fn rating_tag(score: Option<i32>) -> Markup {
    match score {
        Some(4) => tag("Outstanding", Some("green")),
        Some(3) => tag("Good", Some("green")),
        Some(2) => tag("Requires improvement", Some("yellow")),
        Some(1) => tag("Inadequate", Some("red")),
        _ => tag("Not rated", Some("grey")),
    }
}

fn visit_line(m: &inspections::Model) -> String {
    let kind = m
        .visit_type
        .as_deref()
        .and_then(|k| VISIT_TYPES.iter().find(|(v, _)| *v == k))
        .map_or("Visit", |(_, l)| l);
    match m.visit_date {
        Some(d) => format!("{kind} on {}", format_date(&d)),
        None => kind.to_owned(),
    }
}

/// Thumbnails linking to the full photos.
fn photo_list(photos: &[inspection_photos::Model], mark_private: bool) -> Markup {
    html! {
        ul class="govuk-list" {
            @for photo in photos {
                li class="kith-evidence" {
                    a class="govuk-link" href=(paths::inspection_photo(photo.id)) {
                        img src={ (paths::inspection_photo(photo.id)) "?size=thumb" } alt=(photo.alt) class="kith-logo";
                    }
                    p class="govuk-body" { (photo.alt) @if mark_private && !photo.public { br; strong { "Private: not in the public report" } } }
                }
            }
        }
    }
}

/// Submitted inspections (with their listing titles) and the recently published ones.
pub fn queue(
    page: &Page,
    waiting: &[(inspections::Model, String)],
    published: &[(inspections::Model, String)],
) -> Markup {
    layout(
        page,
        "Inspections",
        html! {
            a href=(paths::admin_checking()) class="govuk-back-link" { "Quality checking" }
            h1 class="govuk-heading-l" { "Inspections" }
            h2 class="govuk-heading-m" { "Waiting for review" }
            @if waiting.is_empty() { p class="govuk-body" { "None waiting." } }
            ul class="govuk-list" {
                @for (m, title) in waiting {
                    li { a class="govuk-link" href=(paths::admin_inspection(m.id)) { (title) } " – " (rating_tag(m.overall_score)) " " @if is_inadequate(m) { (tag("Inadequate finding", Some("red"))) } }
                }
            }
            h2 class="govuk-heading-m" { "Published" }
            @if published.is_empty() { p class="govuk-body" { "None yet." } }
            ul class="govuk-list" {
                @for (m, title) in published.iter().take(50) {
                    li { a class="govuk-link" href=(paths::listing_quality(m.listing_id)) { (title) } " – " (rating_tag(m.overall_score)) }
                }
            }
        },
    )
}

/// Every finding, private evidence included, with return and publish forms.
pub fn review(
    page: &Page,
    m: &inspections::Model,
    listing_title: &str,
    checker: &str,
    photos: &[inspection_photos::Model],
    errors: &FieldErrors,
) -> Markup {
    let answers = answers_of(m);
    let csrf = page.csrf();
    let mut rows: Vec<(&str, Markup)> = vec![
        (
            "Listing",
            html! { a class="govuk-link" href=(paths::admin_listing(m.listing_id)) { (listing_title) } },
        ),
        ("Checker", html! { (checker) }),
        ("Visit", html! { (visit_line(m)) }),
        ("Overall", rating_tag(m.overall_score)),
    ];
    for (key, name, _) in KEY_QUESTIONS {
        let a = answers.get(key).cloned().unwrap_or_default();
        rows.push((
            name,
            html! {
                (rating_tag(a.score)) br;
                span class="kith-pre-line" { (a.evidence) }
                @if a.private { br; strong { "Private: not in the public report" } }
            },
        ));
    }
    rows.push((
        "People told the checker",
        html! { span class="kith-pre-line" { (m.people_said) } },
    ));
    rows.push(("Recommended actions", html! { span class="kith-pre-line" { @if m.actions.is_empty() { "None" } @else { (m.actions) } } }));
    rows.push((
        "Photos",
        html! { @if photos.is_empty() { "None" } @else { (photo_list(photos, true)) } },
    ));
    layout(
        page,
        &title_with_errors(&format!("Inspection of {listing_title}"), errors),
        html! {
            a href=(paths::admin_inspections()) class="govuk-back-link" { "Inspections" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Inspection of " (listing_title) }
            @if is_inadequate(m) {
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "This inspection found the service inadequate. After publishing, consider suspending the listing." }
                }
            }
            (summary_list(&rows))
            @if m.status == InspectionStatus::Submitted {
                form method="post" action=(paths::admin_inspection_publish(m.id)) novalidate {
                    (csrf_field(&csrf))
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Publish the report" }
                }
                h2 class="govuk-heading-m" { "Send it back to the checker" }
                form method="post" action=(paths::admin_inspection_return(m.id)) novalidate {
                    (csrf_field(&csrf))
                    (textarea("comments", "What needs to change?", "", errors, None, 4))
                    button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Send back" }
                }
            } @else {
                p class="govuk-body" { "Status: " (m.status.as_str()) "." }
            }
        },
    )
}

/// The badge and the five ratings, for the listing page.
pub fn badge(listing_id: ListingId, m: &inspections::Model) -> Markup {
    html! {
        section class="kith-quality" aria-labelledby="quality-heading" {
            h2 class="govuk-heading-m" id="quality-heading" { "Quality checked by the council" }
            p class="govuk-body" {
                "Overall: " (rating_tag(m.overall_score))
                @if let Some(at) = m.published_at { " – checked by the council, published " (crate::domain::dates::format_uk_date(&at)) }
            }
            dl class="govuk-summary-list govuk-summary-list--no-border" {
                @for (name, score, _) in public_findings(m) {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (name) }
                        dd class="govuk-summary-list__value" { (score.map_or("Not rated", score_label)) }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::listing_quality(listing_id)) { "Read the full quality report" } }
        }
    }
}

pub struct ReportPage<'a> {
    pub listing_id: ListingId,
    /// Where "Back to the listing" goes: the public page, or while the listing is hidden
    /// or suspended, the provider's or the council's own page of it.
    pub back: String,
    pub listing_title: &'a str,
    pub inspection: &'a inspections::Model,
    /// Only the photos the checker marked for the public report.
    pub photos: &'a [inspection_photos::Model],
    pub response: Option<&'a entity::inspection_responses::Model>,
    /// The viewer is a member of the provider and has not responded yet.
    pub can_respond: bool,
}

/// The public report: everything except evidence the checker marked private, and the
/// provider's response.
pub fn report(page: &Page, p: &ReportPage, draft: &str, errors: &FieldErrors) -> Markup {
    let (listing_id, listing_title, m) = (p.listing_id, p.listing_title, p.inspection);
    layout(
        page,
        &title_with_errors(&format!("Quality report – {listing_title}"), errors),
        html! {
            a href=(p.back) class="govuk-back-link" { "Back to the listing" }
            (error_summary(errors))
            span class="govuk-caption-l" { (listing_title) }
            h1 class="govuk-heading-l" { "Quality report" }
            p class="govuk-body" {
                "Overall: " (rating_tag(m.overall_score)) ". " (visit_line(m)) "."
                @if let Some(at) = m.published_at { " Published " (format_time(&at)) "." }
            }
            p class="govuk-body" { "Trained quality checkers visit services for the council and look at five questions. Scores run from 1 (inadequate) to 4 (outstanding); the overall rating is the middle of the five, or inadequate when two are." }
            @for (name, score, evidence) in public_findings(m) {
                h2 class="govuk-heading-m" { (name) ": " (score.map_or("Not rated", score_label)) }
                @match evidence {
                    Some(text) => p class="govuk-body kith-pre-line" { (text) },
                    None => p class="govuk-body kith-secondary-text" { "The evidence for this question is kept private." },
                }
            }
            h2 class="govuk-heading-m" { "What people using the service told us" }
            p class="govuk-body kith-pre-line" { (m.people_said) }
            @if !m.actions.is_empty() {
                h2 class="govuk-heading-m" { "What the provider should do" }
                p class="govuk-body kith-pre-line" { (m.actions) }
            }
            @if !p.photos.is_empty() {
                h2 class="govuk-heading-m" { "Photos from the check" }
                (photo_list(p.photos, false))
            }
            @if let Some(r) = p.response {
                h2 class="govuk-heading-m" { "The provider’s response" }
                p class="govuk-body kith-pre-line" { (r.body) }
                p class="govuk-body-s kith-secondary-text" { "Sent " (format_time(&r.created_at)) }
            } @else if p.can_respond {
                h2 class="govuk-heading-m" { "Respond to this report" }
                form method="post" action=(paths::provider_listing_quality_response(listing_id)) novalidate {
                    (csrf_field(&page.csrf()))
                    (textarea("response", "Your response or action plan", draft, errors, Some("What you will do, by when. It appears under this report for everyone to read. You can respond once."), 6))
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Publish response" }
                }
            }
        },
    )
}
