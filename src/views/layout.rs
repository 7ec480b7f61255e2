//! The page template: skip link, service navigation by role, phase banner, main content and
//! the footer with the accessibility statement, privacy notice and data attributions.

use maud::{DOCTYPE, Markup, html};

use crate::auth::roles::Role;
use crate::paths;
use crate::views::components::{button_form, notification_success};
use crate::views::page::{ActingFor, Page};

pub const SERVICE_NAME: &str = "Kith";

struct NavItem {
    href: String,
    text: &'static str,
}

fn nav_items(page: &Page) -> Vec<NavItem> {
    let mut items = vec![
        NavItem {
            href: paths::home(),
            text: "Home",
        },
        NavItem {
            href: paths::search(),
            text: "Find support",
        },
    ];
    match &page.user {
        None => {
            items.push(NavItem {
                href: paths::shortlist(),
                text: "Shortlist",
            });
            items.push(NavItem {
                href: paths::register(),
                text: "Create an account",
            });
            items.push(NavItem {
                href: paths::sign_in(),
                text: "Sign in",
            });
        }
        Some(user) => {
            if user.has_role(Role::Broker) {
                items.push(NavItem {
                    href: paths::broker_clients(),
                    text: "Your clients",
                });
            }
            if user.has_role(Role::BudgetHolder) || user.has_role(Role::Broker) {
                items.push(NavItem {
                    href: paths::shortlist(),
                    text: "Shortlist",
                });
                items.push(NavItem {
                    href: paths::enquiries(),
                    text: "Enquiries",
                });
                items.push(NavItem {
                    href: paths::plan(),
                    text: "Plan",
                });
            }
            if user.has_role(Role::QualityChecker) {
                items.push(NavItem {
                    href: paths::checker(),
                    text: "Quality checks",
                });
            }
            if user.has_role(Role::Commissioner) {
                items.push(NavItem {
                    href: paths::commissioner_market(),
                    text: "Market",
                });
                items.push(NavItem {
                    href: paths::commissioner_funding(),
                    text: "Funding",
                });
                items.push(NavItem {
                    href: paths::commissioner_ras(),
                    text: "Points table",
                });
            }
            if user.has_role(Role::Provider) {
                items.push(NavItem {
                    href: paths::provider_home(),
                    text: "Your organisations",
                });
            }
            if user.has_role(Role::Admin) {
                items.push(NavItem {
                    href: paths::admin(),
                    text: "Admin",
                });
            }
            items.push(NavItem {
                href: paths::account(),
                text: "Your account",
            });
        }
    }
    items
}

fn is_current(page: &Page, href: &str) -> bool {
    if href == paths::home() {
        page.path == href
    } else {
        page.path == href || page.path.starts_with(&format!("{href}/"))
    }
}

/// A full page. `title` is the page's own title; the service name is added.
pub fn layout(page: &Page, title: &str, content: Markup) -> Markup {
    document(
        title,
        html! {
            (service_navigation(page))
            div class="govuk-width-container" {
                (phase_banner())
                @if let Some(client) = &page.acting_for {
                    (acting_banner(page, client))
                }
                main class="govuk-main-wrapper" id="main-content" {
                    @if let Some(message) = &page.flash {
                        (notification_success(message))
                    }
                    (content)
                }
            }
        },
    )
}

/// Reminds a broker, on every page, whom they are acting for.
fn acting_banner(page: &Page, client: &ActingFor) -> Markup {
    html! {
        div class="kith-acting-banner" role="region" aria-label="Acting for a client" {
            p class="govuk-body govuk-!-margin-bottom-0" {
                "You are acting for "
                a class="govuk-link" href=(paths::broker_client(client.id)) { strong { (client.name) } }
                ". Shortlists and enquiries are for them."
            }
            (button_form(&paths::broker_acting_stop(), &page.csrf(), &[], html! {
                button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Stop acting for " (client.name) }
            }))
        }
    }
}

/// A page with no navigation (error pages, which may not know who is asking).
pub fn bare_layout(title: &str, content: Markup) -> Markup {
    document(
        title,
        html! {
            div class="govuk-service-navigation" {
                div class="govuk-width-container" {
                    div class="govuk-service-navigation__container" {
                        span class="govuk-service-navigation__service-name" {
                            a href=(paths::home()) class="govuk-service-navigation__link" { (SERVICE_NAME) }
                        }
                    }
                }
            }
            div class="govuk-width-container" {
                (phase_banner())
                main class="govuk-main-wrapper" id="main-content" { (content) }
            }
        },
    )
}

fn document(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" class="govuk-template" {
            head {
                meta charset="utf-8";
                title { (title) " – " (SERVICE_NAME) }
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="theme-color" content="#0b0c0c";
                link rel="icon" href=(paths::static_file("images/favicon.svg")) type="image/svg+xml";
                link rel="stylesheet" href=(paths::static_file("govuk/govuk-frontend.min.css"));
                link rel="stylesheet" href=(paths::static_file("css/kith.css"));
            }
            body class="govuk-template__body" {
                a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link" { "Skip to main content" }
                (body)
                (footer())
                script type="module" src=(paths::static_file("js/init.js")) {}
            }
        }
    }
}

fn service_navigation(page: &Page) -> Markup {
    html! {
        section class="govuk-service-navigation" aria-label="Service information" data-module="govuk-service-navigation" {
            div class="govuk-width-container" {
                div class="govuk-service-navigation__container" {
                    span class="govuk-service-navigation__service-name" {
                        a href=(paths::home()) class="govuk-service-navigation__link" { (SERVICE_NAME) }
                    }
                    nav aria-label="Menu" class="govuk-service-navigation__wrapper" {
                        button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true" { "Menu" }
                        ul class="govuk-service-navigation__list" id="navigation" {
                            @for item in nav_items(page) {
                                @let current = is_current(page, &item.href);
                                li class={ "govuk-service-navigation__item" @if current { " govuk-service-navigation__item--active" } } {
                                    @if current {
                                        a class="govuk-service-navigation__link" href=(item.href) aria-current="page" {
                                            strong class="govuk-service-navigation__active-fallback" { (item.text) }
                                        }
                                    } @else {
                                        a class="govuk-service-navigation__link" href=(item.href) { (item.text) }
                                    }
                                }
                            }
                            @if page.user.is_some() {
                                li class="govuk-service-navigation__item" {
                                    form method="post" action=(paths::sign_out()) class="kith-inline-form" {
                                        input type="hidden" name="csrf_token" value=(page.csrf());
                                        button type="submit" class="govuk-service-navigation__link kith-link-button" { "Sign out" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn phase_banner() -> Markup {
    html! {
        div class="govuk-phase-banner" {
            p class="govuk-phase-banner__content" {
                strong class="govuk-tag govuk-phase-banner__content__tag" { "Beta" }
                span class="govuk-phase-banner__text" {
                    "This is a new service. Your feedback helps us improve it – see "
                    a class="govuk-link" href={ (paths::accessibility()) "#contact" } { "how to contact us" }
                    "."
                }
            }
        }
    }
}

fn footer() -> Markup {
    html! {
        footer class="govuk-footer" {
            div class="govuk-width-container" {
                div class="govuk-footer__meta" {
                    div class="govuk-footer__meta-item govuk-footer__meta-item--grow" {
                        h2 class="govuk-visually-hidden" { "Support links" }
                        ul class="govuk-footer__inline-list" {
                            li class="govuk-footer__inline-list-item" { a class="govuk-footer__link" href=(paths::accessibility()) { "Accessibility statement" } }
                            li class="govuk-footer__inline-list-item" { a class="govuk-footer__link" href=(paths::privacy()) { "Privacy notice" } }
                            li class="govuk-footer__inline-list-item" { a class="govuk-footer__link" href=(paths::cookies()) { "Cookies" } }
                            li class="govuk-footer__inline-list-item" { a class="govuk-footer__link" href=(paths::market_position_statements()) { "Market Position Statements" } }
                            li class="govuk-footer__inline-list-item" { a class="govuk-footer__link" href=(paths::funding()) { "Funding for new services" } }
                        }
                        div class="govuk-footer__meta-custom" {
                            p class="govuk-body-s" {
                                "Postcode locations: contains OS data © Crown copyright and database right 2025. Contains Royal Mail data © Royal Mail copyright and database right 2025. Contains National Statistics data © Crown copyright and database right 2025. Used under the Open Government Licence v3.0."
                            }
                            p class="govuk-body-s" {
                                "Data exchange follows the Human Services Data Specification: an Open Referral resource (openreferral.org), in its Open Referral UK profile, CC BY-SA 4.0."
                            }
                        }
                    }
                    div class="govuk-footer__meta-item" {
                        p class="govuk-body-s" { "Kith is run by the council's adult social care team." }
                    }
                }
            }
        }
    }
}
