//! The inspection form, one step per page (made for a phone), and the check-your-answers page
//! before submitting.

use entity::inspections::InspectionStatus;
use entity::{inspection_photos, inspections};
use maud::{Markup, html};

use crate::domain::checking::inspections::{
    KEY_QUESTIONS, SCORES, Step, VISIT_TYPES, answers_of, missing, score_label,
};
use crate::domain::checking::photos::MAX_PHOTOS;
use crate::domain::dates::format_date;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::paths;
use crate::views::components::{
    InputOptions, PHOTO_HINT, PHOTO_TYPES, RadioOption, button_form, csrf_field, date_input,
    error_summary, file_upload, radios, secondary_button, single_checkbox, summary_list,
    text_input, textarea, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

fn label_of(table: &[(&str, &str)], key: &str) -> String {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(String::new, |(_, l)| (*l).to_owned())
}

fn buttons() -> Markup {
    html! {
        div class="govuk-button-group" {
            button type="submit" name="then" value="continue" class="govuk-button" data-module="govuk-button" { "Save and continue" }
            button type="submit" name="then" value="later" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Save and come back later" }
        }
    }
}

/// One step. `sent` holds what was typed when the step comes back with errors.
pub fn step_page(
    page: &Page,
    model: &inspections::Model,
    listing_title: &str,
    step: Step,
    sent: Option<&FormFields>,
    errors: &FieldErrors,
) -> Markup {
    let answers = answers_of(model);
    let value = |name: &str, stored: String| sent.map_or(stored, |f| f.one(name));
    let (heading, body) = match step {
        Step::Visit => {
            let (d, m, y) =
                model
                    .visit_date
                    .map_or((String::new(), String::new(), String::new()), |d| {
                        use chrono::Datelike;
                        (
                            d.day().to_string(),
                            d.month().to_string(),
                            d.year().to_string(),
                        )
                    });
            let types: Vec<RadioOption> = VISIT_TYPES
                .iter()
                .map(|(v, l)| RadioOption {
                    value: v,
                    label: l,
                    hint: None,
                })
                .collect();
            let kind = value("visit_type", model.visit_type.clone().unwrap_or_default());
            (
                "The visit".to_owned(),
                html! {
                    (date_input("visit", "When did you check the service?", (&value("visit-day", d), &value("visit-month", m), &value("visit-year", y)), errors, None))
                    (radios("visit_type", "How did you check it?", &types, &kind, errors))
                },
            )
        }
        Step::Question(i) => {
            let (key, name, question) = KEY_QUESTIONS[i];
            let stored = answers.get(key).cloned().unwrap_or_default();
            let values: Vec<String> = SCORES.iter().map(|(s, _)| s.to_string()).collect();
            let options: Vec<RadioOption> = SCORES
                .iter()
                .zip(&values)
                .map(|((_, l), v)| RadioOption {
                    value: v,
                    label: l,
                    hint: None,
                })
                .collect();
            let score = value(
                "score",
                stored.score.map(|s| s.to_string()).unwrap_or_default(),
            );
            let private = sent.map_or(stored.private, |f| f.one("private") == "yes");
            (
                name.to_owned(),
                html! {
                    p class="govuk-body-l" { (question) }
                    (radios("score", "Score", &options, &score, errors))
                    (textarea("evidence", "What did you see or hear that shows this?", &value("evidence", stored.evidence), errors, Some("Facts, not names. This goes in the public report unless you mark it private."), 6))
                    (single_checkbox("private", "Keep this evidence private (only the council sees it)", private))
                },
            )
        }
        Step::People => (
            "What people told you".to_owned(),
            html! {
                (textarea("people_said", "What did people using the service tell you?", &value("people_said", model.people_said.clone()), errors, Some("In their words where you can. Do not name anyone."), 6))
                (textarea("actions", "What should the provider do? (optional)", &value("actions", model.actions.clone()), errors, Some("Recommended actions, most important first"), 4))
            },
        ),
    };
    layout(
        page,
        &title_with_errors(&format!("{heading} – inspection"), errors),
        html! {
            a href=(paths::checker_inspection_step(model.id, "check")) class="govuk-back-link" { "All answers" }
            (error_summary(errors))
            span class="govuk-caption-l" { (listing_title) " – step " (step.number()) " of " (Step::COUNT) }
            h1 class="govuk-heading-l" { (heading) }
            form method="post" action=(paths::checker_inspection_step(model.id, step.slug())) novalidate {
                (csrf_field(&page.csrf()))
                (body)
                (buttons())
            }
            p class="govuk-body-s kith-secondary-text" { "Each page is saved when you continue, so you can stop and come back." }
        },
    )
}

/// The optional photos: what is attached (with remove buttons) and an upload form.
pub fn photos_page(
    page: &Page,
    model: &inspections::Model,
    listing_title: &str,
    photos: &[inspection_photos::Model],
    draft: (&str, bool),
    errors: &FieldErrors,
) -> Markup {
    let csrf = page.csrf();
    layout(
        page,
        &title_with_errors("Photos – inspection", errors),
        html! {
            a href=(paths::checker_inspection_step(model.id, "check")) class="govuk-back-link" { "All answers" }
            (error_summary(errors))
            span class="govuk-caption-l" { (listing_title) " – optional" }
            h1 class="govuk-heading-l" { "Photos" }
            p class="govuk-body" { "Add photos if they help the council understand what you saw, up to " (MAX_PHOTOS) ". Photos stay private unless you tick the box to put one in the public report." }
            @if photos.is_empty() { p class="govuk-body" { "No photos added." } }
            ul class="govuk-list" {
                @for photo in photos {
                    li class="kith-evidence" {
                        img src={ (paths::inspection_photo(photo.id)) "?size=thumb" } alt=(photo.alt) class="kith-logo";
                        p class="govuk-body" { "Description: " (photo.alt) br; (if photo.public { "In the public report" } else { "Private: only the council sees it" }) }
                        (button_form(&paths::checker_inspection_photo_remove(model.id, photo.id), &csrf, &[], secondary_button("Remove this photo")))
                    }
                }
            }
            @if (photos.len() as u64) < MAX_PHOTOS {
                h2 class="govuk-heading-m" { "Add a photo" }
                form method="post" action=(paths::checker_inspection_photos_add(model.id)) enctype="multipart/form-data" novalidate {
                    (csrf_field(&csrf))
                    (file_upload("photo", "Photo", PHOTO_HINT, PHOTO_TYPES, errors))
                    (text_input("photo_alt", "Describe the photo for people who cannot see it", draft.0, errors, InputOptions { hint: Some("For example, the ramp to the front door"), ..Default::default() }))
                    (single_checkbox("public", "Put this photo in the public report", draft.1))
                    (secondary_button("Upload photo"))
                }
            }
            a class="govuk-button" data-module="govuk-button" href=(paths::checker_inspection_step(model.id, "check")) { "Continue" }
        },
    )
}

/// Every answer with a change link, what is missing, and the submit button.
pub fn check_page(
    page: &Page,
    model: &inspections::Model,
    listing_title: &str,
    photos: &[inspection_photos::Model],
    incomplete: bool,
) -> Markup {
    let answers = answers_of(model);
    let gaps = missing(model);
    let change = |step: Step| paths::checker_inspection_step(model.id, step.slug());
    let mut rows: Vec<(&str, Markup)> = vec![
        (
            "Visit date",
            html! { (model.visit_date.map_or("Not given".to_owned(), |d| format_date(&d))) },
        ),
        (
            "How",
            html! { (model.visit_type.as_deref().map_or("Not given".to_owned(), |k| label_of(&VISIT_TYPES, k))) },
        ),
    ];
    for (key, name, _) in KEY_QUESTIONS {
        let a = answers.get(key).cloned().unwrap_or_default();
        rows.push((
            name,
            html! {
                strong { (a.score.map_or("Not scored", score_label)) }
                @if !a.evidence.is_empty() { br; span class="kith-pre-line" { (a.evidence) } }
                @if a.private { br; span class="kith-secondary-text" { "(private)" } }
            },
        ));
    }
    rows.push(("People told you", html! { span class="kith-pre-line" { @if model.people_said.is_empty() { "Not given" } @else { (model.people_said) } } }));
    rows.push(("Actions", html! { span class="kith-pre-line" { @if model.actions.is_empty() { "None" } @else { (model.actions) } } }));
    rows.push((
        "Photos",
        html! {
            @if photos.is_empty() { "None" }
            @for photo in photos { (photo.alt) @if photo.public { " (public)" } br; }
        },
    ));
    let editable =
        model.status == InspectionStatus::Draft || model.status == InspectionStatus::Returned;
    let mut errors = FieldErrors::default();
    if incomplete {
        errors.add("missing", "Some answers are missing: see the list below");
    }
    layout(
        page,
        &title_with_errors("Check your inspection", &errors),
        html! {
            a href=(paths::checker_assignment(model.assignment_id)) class="govuk-back-link" { "The check" }
            (error_summary(&errors))
            span class="govuk-caption-l" { (listing_title) }
            h1 class="govuk-heading-l" { "Check your inspection" }
            @if let Some(comments) = &model.admin_comments {
                @if model.status == InspectionStatus::Returned {
                    div class="govuk-inset-text" { strong { "The council asked: " } span class="kith-pre-line" { (comments) } }
                }
            }
            (summary_list(&rows))
            @if editable {
                ul class="govuk-list" {
                    @for step in Step::all() {
                        li { a class="govuk-link" href=(change(step)) { "Change " (match step { Step::Visit => "the visit".to_owned(), Step::Question(i) => KEY_QUESTIONS[i].1.to_owned(), Step::People => "what people told you".to_owned() }) } }
                    }
                    li { a class="govuk-link" href=(paths::checker_inspection_step(model.id, "photos")) { "Add or remove photos" } }
                }
                @if gaps.is_empty() {
                    form method="post" action=(paths::checker_inspection_submit(model.id)) novalidate {
                        (csrf_field(&page.csrf()))
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Send to the council" }
                    }
                } @else {
                    h2 class="govuk-heading-m" id="missing" { "Still to do" }
                    ul class="govuk-list govuk-list--bullet" {
                        @for (step, what) in &gaps { li { a class="govuk-link" href=(change(*step)) { (what) } } }
                    }
                }
            } @else {
                p class="govuk-body" { "Sent to the council. You cannot change it now." }
            }
        },
    )
}
