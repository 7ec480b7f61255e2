//! Review pages and parts: the review form on an arranged enquiry, reviews on a listing, the
//! admins' moderation queue and the provider's page for replying.

use entity::service_reviews::ServiceReviewStatus;
use entity::{provider_organisations, service_reviews};
use maud::{Markup, html};

use crate::domain::service_reviews::{ReviewForm, average};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, RadioOption, button, csrf_field, error_summary, format_time, radios, tag,
    text_input, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

/// "★★★★☆ 4 out of 5": the stars are decoration; the words are what is read out.
pub fn stars(rating: i32) -> Markup {
    let rating = rating.clamp(0, 5) as usize;
    html! {
        span class="kith-stars" aria-hidden="true" { ("★".repeat(rating)) ("☆".repeat(5 - rating)) }
        " " (rating) " out of 5"
    }
}

/// What the enquirer side can do about a review on an enquiry's page.
pub enum ReviewState<'a> {
    /// Support was not arranged (or this is the provider's view): nothing to show.
    NotYet,
    CanWrite(&'a ReviewForm),
    Written(&'a service_reviews::Model),
}

pub fn on_enquiry(
    page: &Page,
    enquiry_id: i64,
    state: &ReviewState,
    errors: &FieldErrors,
) -> Markup {
    let options: Vec<RadioOption> = [
        ("5", "5 stars – excellent"),
        ("4", "4 stars – good"),
        ("3", "3 stars – all right"),
        ("2", "2 stars – poor"),
        ("1", "1 star – very poor"),
    ]
    .iter()
    .map(|(value, label)| RadioOption {
        value,
        label,
        hint: None,
    })
    .collect();
    html! {
        @match state {
            ReviewState::NotYet => {},
            ReviewState::Written(review) => {
                h2 class="govuk-heading-m" { "Your review" }
                p class="govuk-body" { (stars(review.rating)) }
                p class="govuk-body kith-pre-line" { (review.body) }
                p class="govuk-body" {
                    @if review.status == ServiceReviewStatus::Pending { (tag("Waiting for the council to check it", Some("yellow"))) }
                    @else if review.status == ServiceReviewStatus::Published { (tag("Published", Some("green"))) }
                    @else { (tag("Not published", Some("grey"))) }
                }
            },
            ReviewState::CanWrite(form) => {
                h2 class="govuk-heading-m" { "Review this service" }
                p class="govuk-body" { "Your review helps other people choose. The council checks every review before it appears." }
                form method="post" action=(paths::enquiry_review(enquiry_id)) novalidate {
                    (csrf_field(&page.csrf()))
                    (radios("rating", "How would you rate the service?", &options, &form.rating, errors))
                    (crate::views::components::counted_textarea("review", "Your review", &form.body, errors, Some("What went well, and what could be better? Do not include anyone’s contact details."), 5, crate::domain::service_reviews::MAX_BODY_CHARS))
                    (text_input("shown_name", "Name to show with your review (optional)", &form.shown_name, errors, InputOptions {
                        hint: Some("For example, your first name. Leave it empty to stay anonymous."),
                        width_class: Some("govuk-!-width-one-half"),
                        autocomplete: Some("off"),
                        ..Default::default()
                    }))
                    (button("Send review"))
                }
            },
        }
    }
}

fn one_review(review: &service_reviews::Model, provider_name: &str) -> Markup {
    html! {
        div class="kith-review" {
            p class="govuk-body govuk-!-margin-bottom-1" { strong { (stars(review.rating)) } }
            p class="govuk-body kith-pre-line" { (review.body) }
            p class="govuk-body-s kith-secondary-text" {
                (review.shown_name.as_deref().unwrap_or("Someone who used this service")) ", " (format_time(&review.created_at))
            }
            @if let Some(reply) = &review.provider_reply {
                div class="kith-review-reply" {
                    p class="govuk-body-s govuk-!-margin-bottom-1" { strong { "Reply from " (provider_name) } }
                    p class="govuk-body kith-pre-line" { (reply) }
                }
            }
        }
    }
}

/// The published reviews on a listing page.
pub fn on_listing(reviews: &[service_reviews::Model], provider_name: &str) -> Markup {
    html! {
        h2 class="govuk-heading-m" id="reviews" { "Reviews" }
        @match average(reviews) {
            None => p class="govuk-body" { "No reviews yet. People can review a service once they have arranged support through Kith." },
            Some((mean, count)) => {
                p class="govuk-body" { "Average " strong { (format!("{mean:.1}")) " out of 5" } " from " (count) @if count == 1 { " review" } @else { " reviews" } "." }
                @for review in reviews { (one_review(review, provider_name)) }
            },
        }
    }
}

pub fn moderation_queue(
    page: &Page,
    pending: &[(service_reviews::Model, String)],
    errors: &FieldErrors,
    failed: Option<i64>,
) -> Markup {
    let csrf = page.csrf();
    layout(
        page,
        &title_with_errors("Reviews to check", errors),
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Admin" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Reviews to check" }
            p class="govuk-body" { "Publish reviews that are fair and about the service. Do not publish reviews with personal details, abuse, or advertising." }
            @if pending.is_empty() {
                p class="govuk-body" { "No reviews are waiting." }
            }
            @for (review, title) in pending {
                @let note_id = if failed == Some(review.id) { "note".to_owned() } else { format!("note-{}", review.id) };
                @let note_error = if failed == Some(review.id) { errors.get("note") } else { None };
                section class="kith-review" aria-labelledby={ "review-" (review.id) } {
                    h2 class="govuk-heading-s" id={ "review-" (review.id) } { a class="govuk-link" href=(paths::listing(review.listing_id)) { (title) } }
                    p class="govuk-body govuk-!-margin-bottom-1" { (stars(review.rating)) }
                    p class="govuk-body kith-pre-line" { (review.body) }
                    p class="govuk-body-s kith-secondary-text" { "Name shown: " (review.shown_name.as_deref().unwrap_or("none (anonymous)")) ". Sent " (format_time(&review.created_at)) "." }
                    form method="post" action=(paths::admin_review_decision(review.id)) novalidate {
                        (csrf_field(&csrf))
                        div class={ "govuk-form-group" @if note_error.is_some() { " govuk-form-group--error" } } {
                            label class="govuk-label" for=(note_id) { "Note to the reviewer (needed if you do not publish)" }
                            @if let Some(message) = note_error {
                                p id="note-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
                            }
                            textarea class={ "govuk-textarea" @if note_error.is_some() { " govuk-textarea--error" } } id=(note_id) name="note" rows="2"
                                aria-describedby=[note_error.map(|_| "note-error")] {}
                        }
                        div class="govuk-button-group" {
                            button type="submit" name="decision" value="publish" class="govuk-button" data-module="govuk-button" { "Publish" span class="govuk-visually-hidden" { " the review of " (title) } }
                            button type="submit" name="decision" value="reject" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Do not publish" span class="govuk-visually-hidden" { " the review of " (title) } }
                        }
                    }
                }
            }
        },
    )
}

pub fn provider_reviews(
    page: &Page,
    org: &provider_organisations::Model,
    reviews: &[(service_reviews::Model, String)],
    errors: &FieldErrors,
    failed: Option<i64>,
) -> Markup {
    let csrf = page.csrf();
    layout(
        page,
        &title_with_errors(&format!("Reviews – {}", org.name), errors),
        html! {
            a href=(paths::provider_organisation(org.id)) class="govuk-back-link" { (org.name) }
            (error_summary(errors))
            span class="govuk-caption-l" { (org.name) }
            h1 class="govuk-heading-l" { "Reviews" }
            p class="govuk-body" { "Published reviews of your services. You can reply to each review once; your reply appears under it straight away." }
            @if reviews.is_empty() {
                p class="govuk-body" { "No published reviews yet." }
            }
            @for (review, title) in reviews {
                section class="kith-review" aria-labelledby={ "review-" (review.id) } {
                    h2 class="govuk-heading-s" id={ "review-" (review.id) } { (title) }
                    (one_review(review, &org.name))
                    @if review.provider_reply.is_none() {
                        @let id = if failed == Some(review.id) { "reply".to_owned() } else { format!("reply-{}", review.id) };
                        @let error = if failed == Some(review.id) { errors.get("reply") } else { None };
                        form method="post" action=(paths::provider_review_reply(review.id)) novalidate {
                            (csrf_field(&csrf))
                            div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                                label class="govuk-label" for=(id) { "Your reply" span class="govuk-visually-hidden" { " to the review of " (title) } }
                                @if let Some(message) = error {
                                    p id="reply-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
                                }
                                textarea class={ "govuk-textarea" @if error.is_some() { " govuk-textarea--error" } } id=(id) name="reply" rows="3"
                                    aria-describedby=[error.map(|_| "reply-error")] {}
                            }
                            (button("Reply"))
                        }
                    }
                }
            }
        },
    )
}
