//! Information pages linked from the footer: accessibility statement, privacy notice, cookies.

use maud::{Markup, html};

use crate::domain::privacy::notice::{
    ACTIVITIES, HEALTH_AND_CARE_IN_FULL, PUBLIC_TASK_IN_FULL, SAFEGUARDING_IN_FULL,
};
use crate::domain::privacy::retention::Policy;
use crate::paths;
use crate::views::components::summary_row;
use crate::views::layout::layout;
use crate::views::page::Page;

pub fn accessibility(page: &Page) -> Markup {
    layout(
        page,
        "Accessibility statement",
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    h1 class="govuk-heading-l" { "Accessibility statement for Kith" }
                    p class="govuk-body" { "The council wants as many people as possible to be able to use Kith. You should be able to:" }
                    ul class="govuk-list govuk-list--bullet" {
                        li { "change colours, contrast levels and fonts using your browser or device settings" }
                        li { "zoom in up to 400% without the text spilling off the screen" }
                        li { "navigate the whole service using just a keyboard" }
                        li { "use the service without JavaScript" }
                        li { "listen to most of the service using a screen reader" }
                    }
                    p class="govuk-body" { "We have tried to make the text as simple as possible to understand." }
                    h2 class="govuk-heading-m" { "How accessible this service is" }
                    p class="govuk-body" {
                        "Kith is built to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA, using the patterns of the GOV.UK Design System. Pages are tested with automated checks and by hand."
                    }
                    h2 class="govuk-heading-m" id="contact" { "Feedback and contact information" }
                    p class="govuk-body" {
                        "If you need information in a different format, such as large print, easy read, audio or another language, or you find a problem with this service, contact the council's adult social care team through the council's main contact centre. We will reply within 10 working days."
                    }
                    h2 class="govuk-heading-m" { "Enforcement procedure" }
                    p class="govuk-body" {
                        "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS)."
                    }
                }
            }
        },
    )
}

pub fn privacy(page: &Page, policy: &Policy) -> Markup {
    layout(
        page,
        "Privacy notice",
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    h1 class="govuk-heading-l" { "Privacy notice" }
                    p class="govuk-body" { "The council runs Kith and is the data controller for the personal information it holds. This notice says what Kith keeps about you, why, who sees it and how long it is kept." }
                    p class="govuk-body" { "Some of it is about health and care (what support someone needs) or, for providers, criminal records (DBS checks). The law treats these with extra care, and so do we: only the people named below see them." }
                    h2 class="govuk-heading-m" { "Contents" }
                    ul class="govuk-list" {
                        @for (i, activity) in ACTIVITIES.iter().enumerate() {
                            li { a class="govuk-link" href={ "#use-" (i + 1) } { (activity.name) } }
                        }
                        li { a class="govuk-link" href="#the-law" { "The law that allows it" } }
                        li { a class="govuk-link" href="#how-long" { "How long we keep it" } }
                        li { a class="govuk-link" href="#your-rights" { "Your rights" } }
                    }
                    @for (i, activity) in ACTIVITIES.iter().enumerate() {
                        h2 class="govuk-heading-m" id={ "use-" (i + 1) } { (activity.name) }
                        dl class="govuk-summary-list" {
                            (summary_row("What we keep", activity.data))
                            (summary_row("About whom", activity.people))
                            (summary_row("Why", activity.purpose))
                            (summary_row("The law that allows it", &match activity.condition {
                                Some(condition) => format!("{}; {}", activity.lawful_basis, condition),
                                None => activity.lawful_basis.to_owned(),
                            }))
                            (summary_row("Who sees it", activity.who_sees))
                            div class="govuk-summary-list__row" {
                                dt class="govuk-summary-list__key" { "How long" }
                                dd class="govuk-summary-list__value" {
                                    @for kept in activity.kept {
                                        p class="govuk-body" { (kept.label()) ": " (policy.how_long(*kept)) }
                                    }
                                }
                            }
                        }
                    }
                    h2 class="govuk-heading-m" id="the-law" { "The law that allows it" }
                    p class="govuk-body" { "Everything here is held under " (PUBLIC_TASK_IN_FULL) }
                    p class="govuk-body" { "Where it is about health or care needs, the condition is " (HEALTH_AND_CARE_IN_FULL) " For DBS certificates it is " (SAFEGUARDING_IN_FULL) }
                    h2 class="govuk-heading-m" id="how-long" { "How long we keep it" }
                    dl class="govuk-summary-list" {
                        @for (what, how_long) in policy.schedule() {
                            (summary_row(what, &how_long))
                        }
                    }
                    h2 class="govuk-heading-m" id="your-rights" { "Your rights" }
                    p class="govuk-body" { "You can:" }
                    ul class="govuk-list govuk-list--bullet" {
                        li { "download what Kith holds about you, from " a class="govuk-link" href=(paths::account_personal_data()) { "your personal data page" } " when you are signed in" }
                        li { "ask for your data to be erased, from the same page" }
                        li { "correct your name on your account page, and ask the council to correct anything else" }
                        li { "ask the council for everything it holds about you (a subject access request), through the council's contact centre" }
                    }
                    p class="govuk-body" { "Nothing is sent outside the UK, sold, or used for advertising. Kith uses no analytics or advertising cookies." }
                    p class="govuk-body" { "If you are unhappy with how the council uses your information, contact its data protection officer through the council's contact centre. You can also complain to the Information Commissioner's Office (ico.org.uk, 0303 123 1113)." }
                }
            }
        },
    )
}

pub fn cookies(page: &Page) -> Markup {
    layout(
        page,
        "Cookies",
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    h1 class="govuk-heading-l" { "Cookies" }
                    p class="govuk-body" { "Kith puts one small file (a cookie) on your device. It is essential: it keeps you signed in and protects forms from misuse. We do not use analytics or advertising cookies." }
                    div class="kith-table-scroll" tabindex="0" role="region" aria-label="Essential cookies" {
                        table class="govuk-table" {
                            caption class="govuk-table__caption govuk-table__caption--m" { "Essential cookies" }
                            thead class="govuk-table__head" {
                                tr class="govuk-table__row" {
                                    th scope="col" class="govuk-table__header" { "Name" }
                                    th scope="col" class="govuk-table__header" { "Purpose" }
                                    th scope="col" class="govuk-table__header" { "Expires" }
                                }
                            }
                            tbody class="govuk-table__body" {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { "kith_session" }
                                    td class="govuk-table__cell" { "Remembers that you are signed in and what is on your shortlist" }
                                    td class="govuk-table__cell" { "When you close your browser" }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
