//! Two-factor sign-in pages: the code asked for at sign-in, setting up an authenticator app,
//! recovery codes, the account's two-factor page and "confirm it is you".

use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::accounts::narrow;
use crate::views::components::{
    InputOptions, button, csrf_field, error_summary, password_input, secondary_button,
    single_checkbox, text_input, title_with_errors, warning_button,
};
use crate::views::layout::layout;
use crate::views::page::Page;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    pub code: String,
    /// "yes" to skip the code on this browser for a while.
    pub remember: String,
    pub password: String,
    pub next: String,
}

fn code_input(errors: &FieldErrors, hint: &str) -> Markup {
    text_input(
        "code",
        "Code",
        "",
        errors,
        InputOptions {
            autocomplete: Some("one-time-code"),
            spellcheck_off: true,
            hint: Some(hint),
            width_class: Some("govuk-input--width-10"),
            ..Default::default()
        },
    )
}

/// The second step of signing in.
pub fn challenge(page: &Page, errors: &FieldErrors) -> Markup {
    layout(
        page,
        &title_with_errors("Enter the code from your authenticator app", errors),
        narrow(html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Enter the code from your authenticator app" }
            p class="govuk-body" { "Open the authenticator app on your phone and enter the 6-digit code it shows for Kith." }
            form method="post" action=(paths::sign_in_code()) novalidate {
                (csrf_field(&page.csrf()))
                (code_input(errors, "For example, 123456. If you do not have your phone, enter one of your recovery codes instead."))
                (single_checkbox("remember", "Do not ask for a code on this browser for 30 days (only on a computer that is yours alone)", false))
                (button("Continue"))
            }
            p class="govuk-body" { "Lost your phone and your recovery codes? Ask a Kith administrator at the council to reset your two-factor sign-in." }
        }),
    )
}

/// The QR code, the key to type instead, and the form for the first code.
fn setup_steps(page: &Page, action: &str, qr_svg: &str, key: &str, errors: &FieldErrors) -> Markup {
    html! {
        ol class="govuk-list govuk-list--number" {
            li { "Install an authenticator app on your phone if you do not have one (for example Microsoft Authenticator, Google Authenticator or FreeOTP)." }
            li { "In the app, add an account and scan this QR code." }
        }
        div class="kith-qr" role="img" aria-label="QR code for your authenticator app. If you cannot scan it, type the key below instead." {
            (PreEscaped(qr_svg))
        }
        p class="govuk-body" { "If you cannot scan the code, type this key into the app:" }
        p class="govuk-body govuk-!-font-weight-bold kith-key" { (key) }
        form method="post" action=(action) novalidate {
            (csrf_field(&page.csrf()))
            (code_input(errors, "Enter the 6-digit code the app now shows for Kith"))
            (button("Continue"))
        }
    }
}

/// Set-up required at a staff member's first sign-in.
pub fn set_up_at_sign_in(page: &Page, qr_svg: &str, key: &str, errors: &FieldErrors) -> Markup {
    layout(
        page,
        &title_with_errors("Set up two-factor sign-in", errors),
        narrow(html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Set up two-factor sign-in" }
            p class="govuk-body" { "Your account can see and change other people's information, so as well as your password you will enter a code from an app on your phone each time you sign in." }
            (setup_steps(page, &paths::sign_in_set_up(), qr_svg, key, errors))
        }),
    )
}

/// Set-up chosen from the account page.
pub fn set_up_from_account(page: &Page, qr_svg: &str, key: &str, errors: &FieldErrors) -> Markup {
    layout(
        page,
        &title_with_errors("Set up two-factor sign-in", errors),
        narrow(html! {
            (error_summary(errors))
            a class="govuk-back-link" href=(paths::account_two_factor()) { "Back" }
            h1 class="govuk-heading-l" { "Set up two-factor sign-in" }
            p class="govuk-body" { "As well as your password, you will enter a code from an app on your phone each time you sign in. Someone who learns your password still cannot get in." }
            (setup_steps(page, &paths::account_two_factor_set_up(), qr_svg, key, errors))
        }),
    )
}

/// The recovery codes, shown once.
pub fn recovery_codes(page: &Page, codes: &[String], continue_to: &str) -> Markup {
    layout(
        page,
        "Save your recovery codes",
        narrow(html! {
            h1 class="govuk-heading-l" { "Save your recovery codes" }
            p class="govuk-body" { "If you lose your phone, each of these codes lets you sign in once instead of a code from the app. Write them down or print this page, and keep them somewhere safe. We will not show them again." }
            ul class="govuk-list kith-recovery-codes" {
                @for code in codes { li { code { (code) } } }
            }
            a class="govuk-button kith-continue" data-module="govuk-button" href=(continue_to) { "I have saved my codes – continue" }
        }),
    )
}

pub struct AccountTwoFactor {
    pub on: bool,
    pub required: bool,
    pub recovery_codes_left: u64,
}

/// The account's two-factor page.
pub fn account(page: &Page, state: &AccountTwoFactor) -> Markup {
    layout(
        page,
        "Two-factor sign-in",
        narrow(html! {
            a class="govuk-back-link" href=(paths::account()) { "Back to your account" }
            h1 class="govuk-heading-l" { "Two-factor sign-in" }
            @if state.on {
                p class="govuk-body" { "Two-factor sign-in is on: you enter a code from your authenticator app when you sign in." }
                p class="govuk-body" { "You have " (state.recovery_codes_left) " unused recovery codes." }
                form method="post" action=(paths::account_two_factor_recovery_codes()) novalidate {
                    (csrf_field(&page.csrf()))
                    (secondary_button("Get new recovery codes"))
                }
                @if state.required {
                    p class="govuk-body" { "Staff accounts must keep two-factor sign-in on. If you have a new phone, ask an administrator to reset it, then set it up again at your next sign-in." }
                } @else {
                    form method="post" action=(paths::account_two_factor_turn_off()) novalidate {
                        (csrf_field(&page.csrf()))
                        (warning_button("Turn off two-factor sign-in"))
                    }
                }
            } @else {
                p class="govuk-body" { "Two-factor sign-in is off. Turn it on so that someone who learns your password still cannot get into your account: you will also enter a code from an app on your phone." }
                a class="govuk-button" data-module="govuk-button" href=(paths::account_two_factor_set_up()) { "Set up two-factor sign-in" }
            }
        }),
    )
}

/// "Confirm it is you" before a sensitive change.
pub fn confirm(page: &Page, next: &str, needs_code: bool, errors: &FieldErrors) -> Markup {
    layout(
        page,
        &title_with_errors("Confirm it is you", errors),
        narrow(html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Confirm it is you" }
            p class="govuk-body" { "This change needs you to have signed in within the last 10 minutes. Enter your password"
                @if needs_code { " and a code from your authenticator app" } " to carry on." }
            form method="post" action=(paths::account_confirm()) novalidate {
                (csrf_field(&page.csrf()))
                input type="hidden" name="next" value=(next);
                (password_input("password", "Password", errors, "current-password", None))
                @if needs_code {
                    (code_input(errors, "The 6-digit code from your authenticator app, or a recovery code"))
                }
                (button("Continue"))
            }
        }),
    )
}
