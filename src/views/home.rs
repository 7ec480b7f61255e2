//! The home page.

use maud::{Markup, html};

use crate::auth::roles::Role;
use crate::paths;
use crate::views::layout::layout;
use crate::views::page::Page;

pub struct HomeFigures {
    pub approved_providers: u64,
}

pub fn home(page: &Page, figures: &HomeFigures) -> Markup {
    layout(
        page,
        "Find care and support",
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    h1 class="govuk-heading-xl" { "Find care and support that suits you" }
                    p class="govuk-body-l" {
                        "Kith is the council's care and support marketplace. It helps people with a personal budget or direct payment, their carers and support brokers find and arrange support from approved local providers, micro-enterprises and personal assistants."
                    }
                    form method="get" action=(paths::search()) role="search" class="kith-filter-form" {
                        h2 class="govuk-heading-m" { "Search for support" }
                        div class="govuk-form-group" {
                            label class="govuk-label" for="home-q" { "What are you looking for?" }
                            div id="home-q-hint" class="govuk-hint" { "For example, help at home, day centre, or respite" }
                            input class="govuk-input" id="home-q" name="q" type="search" aria-describedby="home-q-hint";
                        }
                        div class="govuk-form-group" {
                            label class="govuk-label" for="home-near" { "Postcode (optional)" }
                            div id="home-near-hint" class="govuk-hint" { "To find support near you. The first part, like M33, is enough." }
                            input class="govuk-input govuk-input--width-10" id="home-near" name="near" type="text" autocomplete="postal-code" aria-describedby="home-near-hint";
                        }
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Search" }
                    }
                    @if figures.approved_providers > 0 {
                        p class="govuk-body" { (figures.approved_providers) " approved local " (if figures.approved_providers == 1 { "provider is" } else { "providers are" }) " on Kith." }
                    }
                    @match &page.user {
                        None => {
                            h2 class="govuk-heading-m" { "If you have a personal budget, or care for someone who does" }
                            p class="govuk-body" {
                                "Create an account to keep a shortlist, contact providers and plan how to spend your budget. A support broker can also do this for you."
                            }
                            a href=(paths::register()) role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button" {
                                "Create an account"
                                svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false" {
                                    path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" {}
                                }
                            }
                            h2 class="govuk-heading-m" { "If you provide care or support" }
                            p class="govuk-body" {
                                "Organisations, micro-enterprises and personal assistants can publish their services once the council has checked them. "
                                a class="govuk-link" href=(paths::register()) { "Create a provider account" } "."
                            }
                            p class="govuk-body" { a class="govuk-link" href=(paths::funding()) { "Funding for new services" } ": small grants from the council’s innovation fund." }
                            h2 class="govuk-heading-m" { "Council staff, brokers and quality checkers" }
                            p class="govuk-body" {
                                "Your account is set up by invitation. "
                                a class="govuk-link" href=(paths::sign_in()) { "Sign in" } " with the email address you were invited with."
                            }
                        }
                        Some(user) => {
                            h2 class="govuk-heading-m" { "Signed in as " (user.display_name) }
                            @if user.roles.is_empty() {
                                p class="govuk-body" { "Your account has no role yet. Contact the Kith team at the council." }
                            } @else {
                                p class="govuk-body" { "Your roles:" }
                                ul class="govuk-list govuk-list--bullet" {
                                    @for role in &user.roles { li { (role.label()) " – " (role.description().to_lowercase()) } }
                                }
                            }
                            ul class="govuk-list" {
                                li { a class="govuk-link" href=(paths::account()) { "Your account" } }
                                @if user.has_role(Role::Admin) {
                                    li { a class="govuk-link" href=(paths::admin()) { "Administration" } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
