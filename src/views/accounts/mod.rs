//! Account pages: register, confirm email, sign in, forgotten and reset password, the account
//! page with profile and password change, and accepting a staff invitation.

pub mod two_factor;

use entity::provider_members::MemberRole;
use entity::provider_organisations::{OrganisationId, ProviderKind};
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::access::CurrentUser;
use crate::auth::roles::Role;
use crate::domain::accounts::invitations::Claim;
use crate::domain::providers::organisations::kind_label;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, RadioOption, button, csrf_field, error_summary, format_time,
    notification_important, password_input, radios, secondary_button, summary_list, tag,
    text_input, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

/// What a form sent, kept to show it again beside its errors. Every field is optional text so
/// that any body parses and gets a helpful message rather than a bare error.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub display_name: String,
    pub email: String,
    pub role: String,
    pub password: String,
    pub password_confirm: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    pub email: String,
    pub password: String,
    pub next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    pub email: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewPasswordForm {
    pub current_password: String,
    pub password: String,
    pub password_confirm: String,
    pub display_name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub display_name: String,
}

/// A one-column form page: two thirds of the width on a wide screen.
pub(crate) fn narrow(content: Markup) -> Markup {
    html! { div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" { (content) } } }
}

pub fn register(page: &Page, form: &RegisterForm, errors: &FieldErrors) -> Markup {
    let roles = [
        RadioOption {
            value: Role::BudgetHolder.as_str(),
            label: "I have a personal budget, or care for someone who does",
            hint: Some("Find support, keep a shortlist, contact providers and plan your budget"),
        },
        RadioOption {
            value: Role::Provider.as_str(),
            label: "I provide care or support",
            hint: Some(
                "An organisation, a micro-enterprise, a social enterprise, a community group or a personal assistant",
            ),
        },
    ];
    layout(
        page,
        &title_with_errors("Create an account", errors),
        narrow(html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Create an account" }
            p class="govuk-body" { "Already have an account? " a class="govuk-link" href=(paths::sign_in()) { "Sign in" } "." }
            form method="post" action=(paths::register()) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("display_name", "Your name", &form.display_name, errors, InputOptions { autocomplete: Some("name"), spellcheck_off: true, width_class: Some("govuk-!-width-two-thirds"), ..Default::default() }))
                (text_input("email", "Email address", &form.email, errors, InputOptions { input_type: "email", autocomplete: Some("email"), spellcheck_off: true, hint: Some("We will send you a link to confirm it"), ..Default::default() }))
                (radios("role", "How will you use Kith?", &roles, &form.role, errors))
                (password_input("password", "Create a password", errors, "new-password", Some(crate::domain::accounts::new_password::HINT)))
                (password_input("password_confirm", "Confirm your password", errors, "new-password", None))
                (button("Create account"))
            }
        }),
    )
}

pub fn check_email(page: &Page, email: &str) -> Markup {
    layout(
        page,
        "Check your email",
        narrow(html! {
            h1 class="govuk-heading-l" { "Check your email" }
            p class="govuk-body" { "We have sent an email to " strong { (email) } "." }
            p class="govuk-body" { "Follow the link in the email to confirm your address. The link works for 48 hours." }
            p class="govuk-body" { "If you already have an account, the email tells you how to sign in instead." }
            p class="govuk-body" { a class="govuk-link" href=(paths::sign_in()) { "Sign in" } }
        }),
    )
}

pub fn verify_result(page: &Page, confirmed: bool) -> Markup {
    let title = if confirmed {
        "Email address confirmed"
    } else {
        "This link is not valid or has expired"
    };
    layout(
        page,
        title,
        narrow(html! {
            h1 class="govuk-heading-l" { (title) }
            @if confirmed {
                p class="govuk-body" { "Thank you. You can now use everything your account allows." }
                p class="govuk-body" {
                    @if page.user.is_some() { a class="govuk-link" href=(paths::account()) { "Go to your account" } }
                    @else { a class="govuk-link" href=(paths::sign_in()) { "Sign in" } }
                }
            } @else {
                p class="govuk-body" { "Links work once and for 48 hours. Sign in and ask for a new confirmation email from your account page." }
                p class="govuk-body" { a class="govuk-link" href=(paths::sign_in()) { "Sign in" } }
            }
        }),
    )
}

pub fn sign_in(
    page: &Page,
    form: &SignInForm,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Markup {
    layout(
        page,
        &title_with_errors("Sign in", errors),
        narrow(html! {
            @if let Some(notice) = notice {
                (crate::views::components::notification_success(notice))
            }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Sign in" }
            form method="post" action=(paths::sign_in()) novalidate {
                (csrf_field(&page.csrf()))
                input type="hidden" name="next" value=(form.next);
                (text_input("email", "Email address", &form.email, errors, InputOptions { input_type: "email", autocomplete: Some("username"), spellcheck_off: true, ..Default::default() }))
                (password_input("password", "Password", errors, "current-password", None))
                (button("Sign in"))
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::forgot_password()) { "I have forgotten my password" } }
            p class="govuk-body" { "New to Kith? " a class="govuk-link" href=(paths::register()) { "Create an account" } "." }
        }),
    )
}

pub fn forgot_password(page: &Page, form: &EmailForm, errors: &FieldErrors) -> Markup {
    layout(
        page,
        &title_with_errors("Reset your password", errors),
        narrow(html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Reset your password" }
            p class="govuk-body" { "Enter the email address you use for Kith. If it has an account, we will email you a link to choose a new password." }
            form method="post" action=(paths::forgot_password()) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("email", "Email address", &form.email, errors, InputOptions { input_type: "email", autocomplete: Some("email"), spellcheck_off: true, ..Default::default() }))
                (button("Send reset link"))
            }
        }),
    )
}

pub fn reset_link_sent(page: &Page) -> Markup {
    layout(
        page,
        "Check your email",
        narrow(html! {
            h1 class="govuk-heading-l" { "Check your email" }
            p class="govuk-body" { "If the address you entered has a Kith account, we have sent it a link to reset the password. The link works once, for 1 hour." }
            p class="govuk-body" { "If no email arrives within a few minutes, check your spam folder, then try again." }
        }),
    )
}

pub fn reset_password(page: &Page, token: &str, errors: &FieldErrors) -> Markup {
    layout(
        page,
        &title_with_errors("Choose a new password", errors),
        narrow(html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Choose a new password" }
            form method="post" action=(paths::reset_password(token)) novalidate {
                (csrf_field(&page.csrf()))
                (password_input("password", "New password", errors, "new-password", Some(crate::domain::accounts::new_password::HINT)))
                (password_input("password_confirm", "Confirm your new password", errors, "new-password", None))
                (button("Save new password"))
            }
        }),
    )
}

pub fn reset_link_invalid(page: &Page) -> Markup {
    layout(
        page,
        "This link is not valid or has expired",
        narrow(html! {
            h1 class="govuk-heading-l" { "This link is not valid or has expired" }
            p class="govuk-body" { "Reset links work once and for 1 hour." }
            p class="govuk-body" { a class="govuk-link" href=(paths::forgot_password()) { "Ask for a new link" } }
        }),
    )
}

pub struct AccountView<'a> {
    pub user: &'a CurrentUser,
    /// (id, name, kind, member role) of each organisation the account acts for.
    pub organisations: Vec<(OrganisationId, String, ProviderKind, MemberRole)>,
    pub last_sign_in: Option<chrono::DateTime<chrono::Utc>>,
    pub member_since: chrono::DateTime<chrono::Utc>,
}

pub fn account(
    page: &Page,
    view: &AccountView,
    form: &ProfileForm,
    errors: &FieldErrors,
) -> Markup {
    let user = view.user;
    layout(
        page,
        &title_with_errors("Your account", errors),
        narrow(html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Your account" }
            @if !user.email_verified {
                (notification_important(html! {
                    p class="govuk-notification-banner__heading" { "Confirm your email address" }
                    p class="govuk-body" { "We sent a link to " (user.email) ". Some features need a confirmed address." }
                    form method="post" action=(paths::verify_email_resend()) novalidate {
                        (csrf_field(&page.csrf()))
                        (secondary_button("Send the link again"))
                    }
                }))
            }
            (summary_list(&[
                ("Email address", html! { (user.email) " " @if user.email_verified { (tag("Confirmed", Some("green"))) } @else { (tag("Not confirmed", Some("yellow"))) } }),
                ("Roles", html! {
                    @if user.roles.is_empty() { "None yet" }
                    ul class="govuk-list" { @for role in &user.roles { li { (role.label()) } } }
                }),
                ("Member since", html! { (format_time(&view.member_since)) }),
                ("Last signed in", html! { @if let Some(t) = view.last_sign_in { (format_time(&t)) } @else { "Not recorded" } }),
            ]))
            @if !view.organisations.is_empty() {
                h2 class="govuk-heading-m" { "Organisations you act for" }
                ul class="govuk-list govuk-list--bullet" {
                    @for (id, name, kind, member_role) in &view.organisations {
                        li { a class="govuk-link" href=(paths::provider_organisation(*id)) { (name) } " – " (kind_label(*kind)) " (" (member_role.as_str()) ")" }
                    }
                }
            }
            @if user.roles.iter().any(|r| matches!(r, Role::Commissioner | Role::Admin | Role::Broker | Role::QualityChecker)) {
                h2 class="govuk-heading-m" { "Innovation fund" }
                p class="govuk-body" { a class="govuk-link" href=(paths::panel()) { "Funding panels you sit on" } }
            }
            h2 class="govuk-heading-m" { "Your details" }
            form method="post" action=(paths::account()) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("display_name", "Your name", &form.display_name, errors, InputOptions { autocomplete: Some("name"), spellcheck_off: true, width_class: Some("govuk-!-width-two-thirds"), ..Default::default() }))
                (button("Save your details"))
            }
            h2 class="govuk-heading-m" { "Security" }
            p class="govuk-body" { a class="govuk-link" href=(paths::account_password()) { "Change your password" } }
            (crate::views::privacy::own_link())
        }),
    )
}

pub fn change_password(page: &Page, errors: &FieldErrors) -> Markup {
    layout(
        page,
        &title_with_errors("Change your password", errors),
        narrow(html! {
            a href=(paths::account()) class="govuk-back-link" { "Back to your account" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Change your password" }
            p class="govuk-body" { "You will stay signed in here and be signed out on your other devices." }
            form method="post" action=(paths::account_password()) novalidate {
                (csrf_field(&page.csrf()))
                (password_input("current_password", "Current password", errors, "current-password", None))
                (password_input("password", "New password", errors, "new-password", Some(crate::domain::accounts::new_password::HINT)))
                (password_input("password_confirm", "Confirm your new password", errors, "new-password", None))
                (button("Change password"))
            }
        }),
    )
}

pub struct InvitationView<'a> {
    pub token: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub claim: Claim,
    /// The email of whoever is signed in on this browser.
    pub signed_in_as: Option<&'a str>,
    pub signed_in_as_invitee: bool,
}

pub fn invitation(
    page: &Page,
    view: &InvitationView,
    form: &NewPasswordForm,
    errors: &FieldErrors,
) -> Markup {
    layout(
        page,
        &title_with_errors("Accept your invitation", errors),
        narrow(html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Accept your invitation" }
            p class="govuk-body" { "You have been invited to Kith as a " strong { (view.role.label().to_lowercase()) } " with the email address " strong { (view.email) } "." }
            @if view.claim == Claim::SignedInAccount && !view.signed_in_as_invitee {
                @if let Some(other) = view.signed_in_as {
                    div class="govuk-warning-text" {
                        span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                        strong class="govuk-warning-text__text" {
                            span class="govuk-visually-hidden" { "Warning" }
                            "You are signed in as " (other) ". This invitation is for " (view.email) "."
                        }
                    }
                    p class="govuk-body" { "Sign out, then sign in as " (view.email) " and open the invitation link again." }
                } @else {
                    p class="govuk-body" { "There is already a Kith account with this email address. Sign in to it to accept the invitation: the role is added to that account." }
                    a class="govuk-button" data-module="govuk-button" href={ (paths::sign_in()) "?next=" (crate::auth::access::url_encode(&paths::invitation(view.token))) } { "Sign in to accept" }
                    p class="govuk-body" { "Forgotten your password? " a class="govuk-link" href=(paths::forgot_password()) { "Reset it" } ", then come back to this link." }
                }
            } @else {
                form method="post" action=(paths::invitation(view.token)) novalidate {
                    (csrf_field(&page.csrf()))
                    @match view.claim {
                        Claim::SignedInAccount => {
                            p class="govuk-body" { "Accepting adds this role to your account." }
                        }
                        Claim::ReplaceUnconfirmed | Claim::NewAccount => {
                            @if view.claim == Claim::ReplaceUnconfirmed {
                                p class="govuk-body" { "An account with this email address was started but its address was never confirmed. Accepting makes it yours: choose your name and a new password, and anyone else using it is signed out." }
                            }
                            (text_input("display_name", "Your name", &form.display_name, errors, InputOptions { autocomplete: Some("name"), spellcheck_off: true, width_class: Some("govuk-!-width-two-thirds"), ..Default::default() }))
                            (password_input("password", "Create a password", errors, "new-password", Some(crate::domain::accounts::new_password::HINT)))
                            (password_input("password_confirm", "Confirm your password", errors, "new-password", None))
                        }
                    }
                    (button("Accept invitation"))
                }
            }
        }),
    )
}

pub fn invitation_invalid(page: &Page) -> Markup {
    layout(
        page,
        "This invitation is not valid",
        narrow(html! {
            h1 class="govuk-heading-l" { "This invitation is not valid" }
            p class="govuk-body" { "It may have expired (invitations work for 7 days) or already been used. Ask the person who invited you to send a new one." }
        }),
    )
}
