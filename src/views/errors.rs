//! 404, 403, 500 and other error pages, in the same style as the rest of the service.

use actix_web::http::StatusCode;
use maud::{Markup, html};

use super::layout::bare_layout;

pub fn error_page(status: StatusCode, title: &str, message: &str) -> Markup {
    bare_layout(
        title,
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    h1 class="govuk-heading-l" { (title) }
                    p class="govuk-body" { (message) }
                    @if status == StatusCode::UNAUTHORIZED {
                        p class="govuk-body" { a class="govuk-link" href="/sign-in" { "Sign in" } }
                    }
                    p class="govuk-body" { a class="govuk-link" href="/" { "Go to the Kith home page" } }
                    p class="govuk-body-s kith-secondary-text" { "Error code " (status.as_u16()) }
                }
            }
        },
    )
}
