//! 404, 403, 500 and other error pages, in the same style as the rest of the service.

use actix_web::http::StatusCode;
use maud::{Markup, html};

use crate::paths;
use crate::views::layout::bare_layout;

pub fn error_page(
    status: StatusCode,
    title: &str,
    message: &str,
    next_step: Option<(&str, &str)>,
) -> Markup {
    bare_layout(
        title,
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    h1 class="govuk-heading-l" { (title) }
                    p class="govuk-body" { (message) }
                    @if let Some((href, words)) = next_step {
                        p class="govuk-body" { a class="govuk-link" href=(href) { (words) } }
                    }
                    p class="govuk-body" { a class="govuk-link" href=(paths::home()) { "Go to the Kith home page" } }
                    p class="govuk-body-s kith-secondary-text" { "Error code " (status.as_u16()) }
                }
            }
        },
    )
}
