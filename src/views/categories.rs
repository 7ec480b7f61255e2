//! Admin: the service taxonomy.

use entity::categories;
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::categories::{CLIENT_GROUPS, CategoryNode};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, button, button_form, csrf_field, error_summary, secondary_button, select, tag,
    text_input, textarea, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    pub name: String,
    pub parent_id: String,
    pub description: String,
}

fn row(category: &categories::Model, nested: bool) -> Markup {
    html! {
        tr class="govuk-table__row" {
            td class="govuk-table__cell" {
                @if nested { span class="kith-nested" aria-hidden="true" { "– " } }
                a class="govuk-link" href=(paths::admin_category(category.id)) { (category.name) }
                @if category.archived_at.is_some() { " " (tag("Archived", Some("grey"))) }
            }
            td class="govuk-table__cell" { code { (category.slug) } }
            td class="govuk-table__cell" { (category.description.clone().unwrap_or_default()) }
        }
    }
}

pub fn list(
    page: &Page,
    tree: &[CategoryNode],
    form: &CategoryForm,
    errors: &FieldErrors,
) -> Markup {
    let mut parents = vec![(String::new(), "None: a top-level category".to_owned())];
    parents.extend(
        tree.iter()
            .filter(|n| n.category.archived_at.is_none())
            .map(|n| (n.category.id.to_string(), n.category.name.clone())),
    );
    layout(
        page,
        &title_with_errors("Service categories", errors),
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Service categories" }
            p class="govuk-body" { "Providers choose from these when they describe a service, and people search by them. Renaming keeps the short name in the second column, so links keep working." }
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Categories" {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Categories" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Category" }
                        th scope="col" class="govuk-table__header" { "Short name" }
                        th scope="col" class="govuk-table__header" { "Description" }
                    } }
                    tbody class="govuk-table__body" {
                        @for node in tree {
                            (row(&node.category, false))
                            @for child in &node.children { (row(child, true)) }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Who services are for" }
            ul class="govuk-list govuk-list--bullet" { @for (_, label) in CLIENT_GROUPS { li { (label) } } }
            h2 class="govuk-heading-m" { "Add a category" }
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                form method="post" action=(paths::admin_categories()) novalidate {
                    (csrf_field(&page.csrf()))
                    (text_input("name", "Name", &form.name, errors, InputOptions::default()))
                    (select("parent_id", "Inside", &parents, &form.parent_id))
                    (textarea("description", "Description (optional)", &form.description, errors, Some("One sentence that helps providers choose"), 2))
                    (button("Add category"))
                }
            } }
        },
    )
}

pub fn edit(
    page: &Page,
    category: &categories::Model,
    form: &CategoryForm,
    errors: &FieldErrors,
) -> Markup {
    let base = paths::admin_category(category.id);
    let csrf = page.csrf();
    layout(
        page,
        &title_with_errors(&format!("Edit {}", category.name), errors),
        html! {
            a href=(paths::admin_categories()) class="govuk-back-link" { "Service categories" }
            (error_summary(errors))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                h1 class="govuk-heading-l" { "Edit " (category.name) }
                form method="post" action=(base) novalidate {
                    (csrf_field(&csrf))
                    (text_input("name", "Name", &form.name, errors, InputOptions::default()))
                    (textarea("description", "Description (optional)", &form.description, errors, None, 2))
                    (button("Save category"))
                }
                h2 class="govuk-heading-m" { "Use" }
                @if category.archived_at.is_some() {
                    p class="govuk-body" { "Archived: providers cannot choose it for new services." }
                    (button_form(&paths::admin_category_archive(category.id), &csrf, &[("action", "restore")], secondary_button("Put back in use")))
                } @else {
                    p class="govuk-body" { "Archiving hides it from providers choosing categories. Services already in it keep it." }
                    (button_form(&paths::admin_category_archive(category.id), &csrf, &[("action", "archive")], secondary_button("Archive category")))
                }
            } }
        },
    )
}
