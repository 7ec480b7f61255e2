//! Information pages linked from the footer: accessibility statement, privacy notice, cookies.

use maud::{Markup, html};

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

pub fn privacy(page: &Page) -> Markup {
    layout(
        page,
        "Privacy notice",
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    h1 class="govuk-heading-l" { "Privacy notice" }
                    p class="govuk-body" { "The council is the data controller for the personal information Kith holds." }
                    h2 class="govuk-heading-m" { "What we collect" }
                    ul class="govuk-list govuk-list--bullet" {
                        li { "your name, email address and password (stored only as a one-way hash)" }
                        li { "the roles you hold and the organisations you act for" }
                        li { "a record of important actions taken in your account, kept to protect you and the people who use services" }
                        li { "searches, without anything that identifies you, so the council can see what support people are looking for" }
                    }
                    h2 class="govuk-heading-m" { "Personal assistants" }
                    p class="govuk-body" { "If you are a personal assistant, your home address is never shown publicly. You choose what appears on your listing." }
                    h2 class="govuk-heading-m" { "Your rights" }
                    p class="govuk-body" {
                        "You can ask to see the information we hold about you, to correct it, or to delete your account. Contact the council's data protection officer through the council's main contact centre."
                    }
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
        },
    )
}
