//! Market Position Statement pages: the commissioners' list, the editor, and the document
//! itself (public once published), with a contents list, charts with their tables, and a
//! print layout for A4.

use entity::mps_documents;
use entity::mps_documents::MpsStatus;
use maud::{Markup, html};

use crate::domain::dates::format_date;
use crate::domain::listings::content::{format_pounds, format_pounds_and_pence};
use crate::domain::market::mps::{Figures, SECTIONS, area_label as area, figures_of, narrative_of};
use crate::domain::validation::{FieldErrors, FormFields};
use crate::paths;
use crate::views::charts;
use crate::views::components::{
    InputOptions, button, button_form, csrf_field, date_input, error_summary, secondary_button,
    tag, text_input, textarea, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

fn status_tag(m: &mps_documents::Model) -> Markup {
    if m.status == MpsStatus::Draft {
        tag("Draft", Some("yellow"))
    } else {
        tag("Published", Some("green"))
    }
}

pub fn admin_list(
    page: &Page,
    docs: &[mps_documents::Model],
    values: &FormFields,
    errors: &FieldErrors,
) -> Markup {
    let date = |name: &str| {
        (
            values.one(&format!("{name}-day")),
            values.one(&format!("{name}-month")),
            values.one(&format!("{name}-year")),
        )
    };
    let (fd, fm, fy) = date("from");
    let (td, tm, ty) = date("to");
    layout(
        page,
        &title_with_errors("Market Position Statements", errors),
        html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Market Position Statements" }
            @if docs.is_empty() { p class="govuk-body" { "None yet." } }
            ul class="govuk-list govuk-list--spaced" {
                @for d in docs {
                    li { a class="govuk-link" href=(paths::commissioner_mps_document(d.id)) { (d.title) " (version " (d.version) ")" } " " (status_tag(d)) }
                }
            }
            h2 class="govuk-heading-m" { "Start a new version" }
            p class="govuk-body" { "The figures are drafted from the live market data for the period. The narrative starts from the last published version, for you to update." }
            form method="post" action=(paths::commissioner_mps()) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("title", "Title", &values.one("title"), errors, InputOptions { hint: Some("For example, Market Position Statement 2027"), ..Default::default() }))
                (date_input("from", "From", (&fd, &fm, &fy), errors, None))
                (date_input("to", "To", (&td, &tm, &ty), errors, None))
                (button("Draft the statement"))
            }
        },
    )
}

pub fn editor(
    page: &Page,
    m: &mps_documents::Model,
    values: &FormFields,
    errors: &FieldErrors,
) -> Markup {
    let csrf = page.csrf();
    let base = paths::commissioner_mps_document(m.id);
    let narrative = narrative_of(m);
    let value = |key: &str| {
        if values.0.is_empty() {
            narrative.get(key).cloned().unwrap_or_default()
        } else {
            values.one(key)
        }
    };
    let title = if values.0.is_empty() {
        m.title.clone()
    } else {
        values.one("title")
    };
    layout(
        page,
        &title_with_errors(&m.title, errors),
        html! {
            a href=(paths::commissioner_mps()) class="govuk-back-link" { "Market Position Statements" }
            (error_summary(errors))
            span class="govuk-caption-l" { "Version " (m.version) " – " (format_date(&m.period_from)) " to " (format_date(&m.period_to)) " " (status_tag(m)) }
            h1 class="govuk-heading-l" { (m.title) }
            p class="govuk-body" {
                a class="govuk-link" href=(paths::commissioner_mps_document_preview(m.id)) { "See the whole statement as it will look" }
                @if m.status == MpsStatus::Draft { " or " a class="govuk-link" href=(paths::commissioner_mps_document_pdf(m.id)) download { "download it as a PDF to check" } }
            }
            @if m.status == MpsStatus::Draft {
                form method="post" action=(base) novalidate id="narrative" {
                    (csrf_field(&csrf))
                    (text_input("title", "Title", &title, errors, InputOptions::default()))
                    @for (key, heading, hint) in SECTIONS {
                        (textarea(key, heading, &value(key), errors, Some(hint), 8))
                    }
                    (button("Save"))
                }
                h2 class="govuk-heading-m" { "Figures" }
                p class="govuk-body" { "The figures were drafted from the live data. Draft them again to include the latest searches, enquiries and services." }
                (button_form(&paths::commissioner_mps_document_refresh(m.id), &csrf, &[], secondary_button("Draft the figures again")))
                h2 class="govuk-heading-m" { "Publish" }
                p class="govuk-body" { "Publishing puts this version on the public list. It cannot be changed afterwards; the next one is a new version." }
                // Saves what is in the boxes first, then asks to confirm.
                button type="submit" form="narrative" name="next" value="publish" class="govuk-button" data-module="govuk-button" { "Publish this version" }
            } @else {
                p class="govuk-body" { "Published " @if let Some(at) = m.published_at { (crate::domain::dates::format_uk_date(&at)) } ". It cannot be changed." }
                p class="govuk-body" { a class="govuk-link" href=(paths::market_position_statement(m.id)) { "The public page" } }
            }
        },
    )
}

/// The last step before publishing, which cannot be undone.
pub fn confirm_publish(page: &Page, m: &mps_documents::Model) -> Markup {
    let csrf = page.csrf();
    layout(
        page,
        &format!("Publish {}?", m.title),
        html! {
            a href=(paths::commissioner_mps_document(m.id)) class="govuk-back-link" { "Back to the editor" }
            span class="govuk-caption-l" { "Version " (m.version) }
            h1 class="govuk-heading-l" { "Publish “" (m.title) "”?" }
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" {
                    span class="govuk-visually-hidden" { "Warning" }
                    "Publishing cannot be undone. This version goes on the public list as it is, with its figures, and can never be changed or taken down; corrections go in a new version."
                }
            }
            p class="govuk-body" { "Before you publish, check " a class="govuk-link" href=(paths::commissioner_mps_document_preview(m.id)) { "the whole statement" } " and " a class="govuk-link" href=(paths::commissioner_mps_document_pdf(m.id)) download { "its PDF" } "." }
            form method="post" action=(paths::commissioner_mps_document_publish(m.id)) novalidate class="govuk-button-group" {
                (csrf_field(&csrf))
                input type="hidden" name="confirm" value="yes";
                (button("Publish this version"))
                a class="govuk-link" href=(paths::commissioner_mps_document(m.id)) { "Cancel" }
            }
        },
    )
}

pub fn public_list(page: &Page, docs: &[mps_documents::Model]) -> Markup {
    layout(
        page,
        "Market Position Statements",
        html! {
            h1 class="govuk-heading-l" { "Market Position Statements" }
            p class="govuk-body-l" { "What the council knows about care and support in the area – what there is, what people look for, where the gaps are – and what it plans to do." }
            @if docs.is_empty() { p class="govuk-body" { "None published yet." } }
            ul class="govuk-list govuk-list--spaced" {
                @for d in docs {
                    li { a class="govuk-link" href=(paths::market_position_statement(d.id)) { (d.title) } " – version " (d.version) ", " (format_date(&d.period_from)) " to " (format_date(&d.period_to)) }
                }
            }
        },
    )
}

fn th_num(text: &str) -> Markup {
    html! { th scope="col" class="govuk-table__header govuk-table__header--numeric" { (text) } }
}

fn td_num(v: impl std::fmt::Display) -> Markup {
    html! { td class="govuk-table__cell govuk-table__cell--numeric" { (v) } }
}

/// The data sections, in order: (anchor, heading, content).
fn data_sections(fig: &Figures) -> Vec<(&'static str, &'static str, Markup)> {
    let rating_bars: Vec<(String, u64)> = crate::domain::market::export::RATING_LABELS
        .iter()
        .map(|(label, i)| ((*label).to_owned(), fig.ratings[*i]))
        .collect();
    let mut categories: Vec<String> = fig.gaps.iter().map(|g| g.category.clone()).collect();
    categories.sort();
    categories.dedup();
    categories.truncate(10);
    let mut districts: Vec<String> = fig.gaps.iter().map(|g| g.district.clone()).collect();
    districts.sort();
    districts.dedup();
    districts.truncate(10);
    let cell = |r: usize, c: usize| {
        fig.gaps
            .iter()
            .find(|g| g.category == categories[r] && g.district == districts[c])
            .map_or(0.0, |g| g.index)
    };
    vec![
        (
            "supply",
            "The services available",
            html! {
                p class="govuk-body" { (fig.total_services()) " published services (a service offering several types of support is counted under each)." }
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Services by type of support and postcode district" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "Services by type of support and postcode district" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Type of support" } th scope="col" class="govuk-table__header" { "District" } (th_num("Services")) (th_num("Providers")) (th_num("Taking new clients")) } }
                        tbody class="govuk-table__body" {
                            @for s in &fig.supply { tr class="govuk-table__row" { td class="govuk-table__cell" { (s.category) } td class="govuk-table__cell" { (area(&s.district)) } (td_num(s.services)) (td_num(s.providers)) (td_num(s.accepting)) } }
                        }
                    }
                }
                @if !fig.prices.is_empty() {
                    div class="kith-table-scroll" tabindex="0" role="region" aria-label="Prices per unit: lower quarter, middle and upper quarter" {
                        table class="govuk-table" tabindex="0" {
                            caption class="govuk-table__caption govuk-table__caption--s" { "Prices per unit: lower quarter, middle and upper quarter" }
                            thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Per" } (th_num("Services")) (th_num("Lower quarter")) (th_num("Middle")) (th_num("Upper quarter")) } }
                            tbody class="govuk-table__body" {
                                @for p in &fig.prices { tr class="govuk-table__row" { td class="govuk-table__cell" { (p.unit) } (td_num(p.count)) (td_num(format_pounds_and_pence(p.lower_quartile))) (td_num(format_pounds_and_pence(p.median))) (td_num(format_pounds_and_pence(p.upper_quartile))) } }
                            }
                        }
                    }
                }
                (crate::views::market::flows_table(&fig.flows, "all areas and types of support"))
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Providers by kind" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "Providers by kind" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Kind" } (th_num("Providers")) } }
                        tbody class="govuk-table__body" { @for (k, n) in &fig.kinds { tr class="govuk-table__row" { td class="govuk-table__cell" { (k) } (td_num(n)) } } }
                    }
                }
                @if !fig.languages.is_empty() {
                    div class="kith-table-scroll" tabindex="0" role="region" aria-label="Languages offered" {
                        table class="govuk-table" tabindex="0" {
                            caption class="govuk-table__caption govuk-table__caption--s" { "Languages offered" }
                            thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Language" } (th_num("Services")) } }
                            tbody class="govuk-table__body" { @for (l, n) in &fig.languages { tr class="govuk-table__row" { td class="govuk-table__cell" { (l) } (td_num(n)) } } }
                        }
                    }
                }
            },
        ),
        (
            "quality",
            "Quality",
            html! {
                (charts::bar_chart("mps-ratings", "Services by quality rating", "How many published services have each overall rating from their latest quality check. The same numbers are in the table.", &rating_bars))
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Table" {
                    table class="govuk-table" tabindex="0" {
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Rating" } (th_num("Services")) } }
                        tbody class="govuk-table__body" { @for (l, n) in &rating_bars { tr class="govuk-table__row" { td class="govuk-table__cell" { (l) } (td_num(n)) } } }
                    }
                }
            },
        ),
        (
            "demand",
            "What people look for",
            html! {
                p class="govuk-body" { (fig.total_searches()) " searches, of which " (fig.total_zero_results()) " found nothing; " (fig.total_enquiries()) " enquiries to providers." }
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Searches and enquiries by type of support and district" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "Searches and enquiries by type of support and district" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Type of support" } th scope="col" class="govuk-table__header" { "District" } (th_num("Searches")) (th_num("Found nothing")) (th_num("Enquiries")) (th_num("Arranged")) (th_num("Not met")) (th_num("Average hours to first reply")) } }
                        tbody class="govuk-table__body" {
                            @for d in &fig.demand { tr class="govuk-table__row" { td class="govuk-table__cell" { (d.category) } td class="govuk-table__cell" { (area(&d.district)) } (td_num(d.searches)) (td_num(d.zero_results)) (td_num(d.enquiries)) (td_num(d.arranged)) (td_num(d.unmet)) (td_num(d.reply_hours_text())) } }
                        }
                    }
                }
                @if !fig.zero_queries.is_empty() {
                    h3 class="govuk-heading-s" { "Words searched most often that found nothing" }
                    ul class="govuk-list govuk-list--bullet" { @for (q, n) in &fig.zero_queries { li { "“" (q) "” – " (n) } } }
                }
            },
        ),
        (
            "gaps",
            "Where the gaps are",
            html! {
                p class="govuk-body" { "For each type of support and postcode district: searches and enquiries in the period per published service, plus one. The higher the number, the more people are looking for each service there is." }
                @if !categories.is_empty() && !districts.is_empty() {
                    (charts::heat_map("mps-gaps", "Demand per service by type of support and district", "Searches and enquiries per published service, plus one; darker is a bigger gap. The same numbers are in the table.", &categories, &districts, cell))
                }
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="The biggest gaps" {
                    table class="govuk-table" tabindex="0" {
                        caption class="govuk-table__caption govuk-table__caption--s" { "The biggest gaps" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Type of support" } th scope="col" class="govuk-table__header" { "District" } (th_num("Services")) (th_num("Searches")) (th_num("Found nothing")) (th_num("Enquiries")) (th_num("Demand per service")) } }
                        tbody class="govuk-table__body" {
                            @for g in &fig.gaps { tr class="govuk-table__row" { td class="govuk-table__cell" { (g.category) } td class="govuk-table__cell" { (g.district) } (td_num(g.services)) (td_num(g.searches)) (td_num(g.zero_results)) (td_num(g.enquiries)) (td_num(format!("{:.1}", g.index))) } }
                        }
                    }
                }
            },
        ),
        (
            "grants",
            "Grants awarded",
            html! {
                @if fig.grants.is_empty() { p class="govuk-body" { "No innovation-fund grants were awarded in this period." } } @else {
                    p class="govuk-body" { (fig.grants.len()) " grants, " (format_pounds(fig.total_granted())) " in all." }
                    div class="kith-table-scroll" tabindex="0" role="region" aria-label="Table" {
                        table class="govuk-table" tabindex="0" {
                            thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Round" } th scope="col" class="govuk-table__header" { "Recipient" } (th_num("Amount")) } }
                            tbody class="govuk-table__body" { @for g in &fig.grants { tr class="govuk-table__row" { td class="govuk-table__cell" { (g.round) } td class="govuk-table__cell" { (g.recipient) } (td_num(format_pounds_and_pence(g.amount_pence))) } } }
                        }
                    }
                }
            },
        ),
    ]
}

/// The statement: contents, narrative and figures, in reading order.
pub fn document(page: &Page, m: &mps_documents::Model, preview: bool) -> Markup {
    let narrative = narrative_of(m);
    let fig = figures_of(m);
    let text = |key: &str| narrative.get(key).cloned().unwrap_or_default();
    let data = data_sections(&fig);
    let [vision, people, intentions, support, messages, involved] = SECTIONS;
    let before = [vision, people];
    let after = [intentions, support, messages, involved];
    layout(
        page,
        &m.title,
        html! {
            @if preview { div class="govuk-inset-text" { "Preview of version " (m.version) ". " a class="govuk-link" href=(paths::commissioner_mps_document(m.id)) { "Back to the editor" } } }
            article class="kith-document" {
                span class="govuk-caption-l" { "Market Position Statement, version " (m.version) }
                h1 class="govuk-heading-xl" { (m.title) }
                p class="govuk-body" { "Covers " (format_date(&m.period_from)) " to " (format_date(&m.period_to)) "."
                    @if let Some(at) = m.published_at { " Published " (crate::domain::dates::format_uk_date(&at)) "." } }
                @if !preview && m.published_at.is_some() {
                    p class="govuk-body kith-no-print" { a class="govuk-link" href=(paths::market_position_statement_pdf(m.id)) download { "Download this statement as a PDF" } }
                }
                nav class="kith-contents" aria-labelledby="contents-heading" {
                    h2 class="govuk-heading-m" id="contents-heading" { "Contents" }
                    ol class="govuk-list govuk-list--number" {
                        @for (key, heading, _) in before { li { a class="govuk-link" href={ "#" (key) } { (heading) } } }
                        @for (key, heading, _) in &data { li { a class="govuk-link" href={ "#" (key) } { (heading) } } }
                        @for (key, heading, _) in after { li { a class="govuk-link" href={ "#" (key) } { (heading) } } }
                    }
                }
                @for (key, heading, _) in before {
                    h2 class="govuk-heading-l" id=(key) { (heading) }
                    p class="govuk-body kith-pre-line" { (text(key)) }
                }
                @for (key, heading, content) in &data {
                    h2 class="govuk-heading-l" id=(key) { (heading) }
                    (content)
                }
                @for (key, heading, _) in after {
                    h2 class="govuk-heading-l" id=(key) { (heading) }
                    p class="govuk-body kith-pre-line" { (text(key)) }
                }
            }
        },
    )
}
