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
    /// A count shown beside the text, with what it counts (for screen readers).
    count: Option<(u64, &'static str)>,
}

impl NavItem {
    fn new(href: String, text: &'static str) -> Self {
        Self {
            href,
            text,
            count: None,
        }
    }

    fn counting(mut self, count: u64, what: &'static str) -> Self {
        if count > 0 {
            self.count = Some((count, what));
        }
        self
    }
}

fn nav_items(page: &Page) -> Vec<NavItem> {
    let mut items = vec![
        NavItem::new(paths::home(), "Home"),
        NavItem::new(paths::search(), "Find support"),
    ];
    match &page.user {
        None => {
            items.push(NavItem::new(paths::shortlist(), "Shortlist"));
            items.push(NavItem::new(paths::register(), "Create an account"));
            items.push(NavItem::new(paths::sign_in(), "Sign in"));
        }
        Some(user) => {
            if user.has_role(Role::Broker) {
                items.push(NavItem::new(paths::broker_clients(), "Your clients"));
            }
            if user.has_role(Role::BudgetHolder) || user.has_role(Role::Broker) {
                items.push(NavItem::new(paths::shortlist(), "Shortlist"));
                items.push(
                    NavItem::new(paths::enquiries(), "Enquiries")
                        .counting(page.menu.replies_waiting, "with a reply waiting"),
                );
                items.push(NavItem::new(paths::plan(), "Plan"));
            }
            if user.has_role(Role::QualityChecker) {
                items.push(NavItem::new(paths::checker(), "Quality checks"));
            }
            if user.has_role(Role::Commissioner) {
                items.push(NavItem::new(paths::commissioner_market(), "Market"));
                items.push(NavItem::new(paths::commissioner_funding(), "Funding"));
                items.push(NavItem::new(
                    paths::commissioner_mps(),
                    "Market Position Statement",
                ));
                items.push(NavItem::new(paths::commissioner_ras(), "Points table"));
            }
            if user.has_role(Role::Provider) {
                items.push(
                    NavItem::new(format!("{}#enquiries", paths::home()), "Enquiries")
                        .counting(page.menu.enquiries_unanswered, "waiting for a first reply"),
                );
                items.push(NavItem::new(paths::provider_home(), "Your organisations"));
            }
            if user.has_role(Role::Admin) {
                items.push(
                    NavItem::new(paths::admin(), "Admin")
                        .counting(page.menu.admin_queue, "waiting in the council's queues"),
                );
            }
            items.push(NavItem::new(paths::account(), "Your account"));
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
            section class="govuk-service-navigation" aria-label="Service information" {
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
                                            (nav_count(item.count))
                                        }
                                    } @else {
                                        a class="govuk-service-navigation__link" href=(item.href) { (item.text) (nav_count(item.count)) }
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

/// The count beside a menu item: "Enquiries 2", read as "Enquiries, 2 with a reply waiting".
fn nav_count(count: Option<(u64, &'static str)>) -> Markup {
    html! {
        @if let Some((n, what)) = count {
            " " span class="kith-nav-count" { (n) span class="govuk-visually-hidden" { " " (what) } }
        }
    }
}

/// The phase banner sits in a landmark of its own, so nothing on the page is outside one.
fn phase_banner() -> Markup {
    html! {
        div class="govuk-phase-banner" role="region" aria-label="Service status" {
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
                        @match crate::council_scope::current() {
                            Some(council) => {
                                p class="govuk-body-s" { "Kith is run by " (council.name) "’s adult social care team." }
                                @if !council.contact.is_empty() {
                                    p class="govuk-body-s" { (council.contact) }
                                }
                            }
                            None => p class="govuk-body-s" { "Kith is run by the council’s adult social care team." },
                        }
                    }
                }
            }
        }
    }
}
