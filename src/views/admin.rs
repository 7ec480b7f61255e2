//! Admin pages: overview, accounts and roles, staff invitations, the audit log and the mail
//! outbox.

use crate::auth::access::url_encode as encode;
use crate::domain::audit;
use crate::paths;
use entity::mail_outbox::MailStatus;
use entity::{invitations, mail_outbox};
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::roles::Role;
use crate::domain::accounts::user_admin::{USERS_PAGE_SIZE, UserSummary};
use crate::domain::validation::FieldErrors;
use crate::views::components::{
    InputOptions, button, button_form, csrf_field, date_input, error_summary, format_time,
    pagination, secondary_button, select, summary_list, tag, text_input, title_with_errors,
    total_pages, warning_button,
};
use crate::views::layout::layout;
use crate::views::page::Page;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub email: String,
    pub role: String,
}

pub struct Overview {
    pub users: u64,
    pub users_by_role: Vec<(Role, u64)>,
    pub pending_invitations: u64,
    pub mail_pending: u64,
    pub mail_failed: u64,
    pub listings: crate::domain::listings::review::ListingCounts,
}

fn admin_nav() -> Markup {
    html! {
        ul class="govuk-list kith-admin-nav" {
            li { a class="govuk-link" href=(paths::admin_providers()) { "Providers waiting for approval" } }
            li { a class="govuk-link" href=(paths::admin_listings()) { "Listings waiting for review" } }
            li { a class="govuk-link" href=(paths::admin_reports()) { "Problems reported with listings" } }
            li { a class="govuk-link" href=(paths::admin_cqc()) { "CQC register: ratings and changes" } }
            li { a class="govuk-link" href=(paths::admin_import()) { "Import listings" } " · " a class="govuk-link" href=(paths::admin_listings_csv()) download { "Download every listing (CSV)" } }
            li { a class="govuk-link" href=(paths::admin_searches()) { "What people search for" } }
            li { a class="govuk-link" href=(paths::admin_categories()) { "Service categories" } }
            li { a class="govuk-link" href=(paths::admin_users()) { "Accounts and roles" } }
            li { a class="govuk-link" href=(paths::admin_reviews()) { "Reviews to check" } }
            li { a class="govuk-link" href=(paths::admin_checking()) { "Quality checking: checkers and assignments" } }
            li { a class="govuk-link" href=(paths::admin_clients()) { "Brokers' clients" } }
            li { a class="govuk-link" href=(paths::admin_erasure_requests()) { "Requests to erase personal data" } " · " a class="govuk-link" href=(paths::admin_retention()) { "Retention schedule" } " · " a class="govuk-link" href=(paths::admin_processing()) { "Record of processing" } }
            li { a class="govuk-link" href=(paths::admin_invitations()) { "Invite staff" } }
            li { a class="govuk-link" href=(paths::admin_audit()) { "Audit log" } }
            li { a class="govuk-link" href=(paths::admin_mail()) { "Email outbox" } }
        }
    }
}

pub fn overview(page: &Page, o: &Overview) -> Markup {
    layout(
        page,
        "Administration",
        html! {
            h1 class="govuk-heading-l" { "Administration" }
            (admin_nav())
            h2 class="govuk-heading-m" { "Listings" }
            (summary_list(&[
                ("Waiting for review", html! { a class="govuk-link" href=(paths::admin_listings()) { (o.listings.waiting) } }),
                ("Published", html! { (o.listings.published) }),
                ("Check overdue", html! { a class="govuk-link" href={ (paths::admin_listings()) "?show=overdue" } { (o.listings.overdue) } }),
                ("Suspended", html! { a class="govuk-link" href={ (paths::admin_listings()) "?show=suspended" } { (o.listings.suspended) } }),
            ]))
            h2 class="govuk-heading-m" { "Accounts" }
            (summary_list(&[
                ("All accounts", html! { (o.users) }),
                ("Pending staff invitations", html! { (o.pending_invitations) }),
                ("Emails waiting to send", html! { (o.mail_pending) }),
                ("Emails that could not be sent", html! { (o.mail_failed) @if o.mail_failed > 0 { " " a class="govuk-link" href={ (paths::admin_mail()) "?status=failed" } { "See failed emails" } } }),
            ]))
            div class="kith-table-scroll" tabindex="0" role="region" aria-label="Accounts by role" {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { "Accounts by role" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Role" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Accounts" }
                    } }
                    tbody class="govuk-table__body" {
                        @for (role, count) in &o.users_by_role {
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { a class="govuk-link" href={ (paths::admin_users()) "?role=" (role.as_str()) } { (role.label()) } }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (count) }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn role_options(include_any: bool, roles: impl Iterator<Item = Role>) -> Vec<(String, String)> {
    let mut options = Vec::new();
    if include_any {
        options.push((String::new(), "Any role".to_owned()));
    }
    options.extend(roles.map(|r| (r.as_str().to_owned(), r.label().to_owned())));
    options
}

pub fn users(
    page: &Page,
    rows: &[UserSummary],
    total: u64,
    text: &str,
    role: Option<Role>,
    page_no: u64,
) -> Markup {
    let pages = total_pages(total, USERS_PAGE_SIZE);
    let role_value = role.map_or("", Role::as_str);
    layout(
        page,
        "Accounts and roles",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            h1 class="govuk-heading-l" { "Accounts and roles" }
            form method="get" action=(paths::admin_users()) class="kith-filter-form" {
                (text_input("q", "Name or email address", text, &FieldErrors::default(), InputOptions { input_type: "search", spellcheck_off: true, width_class: Some("govuk-!-width-one-half"), ..Default::default() }))
                (select("role", "Role", &role_options(true, Role::ALL.into_iter().filter(|r| *r != Role::SuperAdmin)), role_value))
                (secondary_button("Filter accounts"))
            }
            p class="govuk-body" { (total) " " (if total == 1 { "account" } else { "accounts" }) }
            @if !rows.is_empty() {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Accounts" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Accounts" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Name" }
                            th scope="col" class="govuk-table__header" { "Email address" }
                            th scope="col" class="govuk-table__header" { "Roles" }
                            th scope="col" class="govuk-table__header" { "Status" }
                        } }
                        tbody class="govuk-table__body" {
                            @for row in rows {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::admin_user(row.user.id)) { (row.user.display_name) } }
                                    td class="govuk-table__cell kith-break-words" { (row.user.email) }
                                    td class="govuk-table__cell" { (row.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")) }
                                    td class="govuk-table__cell" { (status_tag(&row.user)) }
                                }
                            }
                        }
                    }
                }
            }
            (pagination(page_no, pages, |p| format!("{}?q={}&role={role_value}&page={p}", paths::admin_users(), encode(text))))
        },
    )
}

fn status_tag(user: &entity::users::Model) -> Markup {
    if user.erased_at.is_some() {
        tag("Erased", Some("grey"))
    } else if user.disabled_at.is_some() {
        tag("Disabled", Some("red"))
    } else if user.email_verified_at.is_none() {
        tag("Email not confirmed", Some("yellow"))
    } else {
        tag("Active", Some("green"))
    }
}

pub fn user_detail(
    page: &Page,
    summary: &UserSummary,
    has_authenticator: bool,
    history: &[audit::Entry],
    names: &Names,
    errors: &FieldErrors,
) -> Markup {
    let user = &summary.user;
    let csrf = page.csrf();
    // A council's roles (and a provider's); the deployment's administrators are named on
    // the command line.
    let grantable: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::SuperAdmin && !summary.roles.contains(r))
        .collect();
    // Admins cannot remove their own admin role or disable themselves, so no button is offered.
    let is_self = page.user.as_ref().is_some_and(|u| u.id == user.id);
    layout(
        page,
        &title_with_errors(&user.display_name, errors),
        html! {
            a href=(paths::admin_users()) class="govuk-back-link" { "Accounts and roles" }
            (error_summary(errors))
            span class="govuk-caption-l" { "Account" }
            h1 class="govuk-heading-l" { (user.display_name) }
            (summary_list(&[
                ("Email address", html! { (user.email) }),
                ("Status", status_tag(user)),
                ("Created", html! { (format_time(&user.created_at)) }),
                ("Last signed in", html! { @if let Some(t) = user.last_sign_in_at { (format_time(&t)) } @else { "Never" } }),
            ]))
            @if let Some(erased) = user.erased_at {
                p class="govuk-body" { "This person's data was erased on " (format_time(&erased)) ". The account cannot be used again." }
            } @else {
                h2 class="govuk-heading-m" { "Roles" }
                p class="govuk-body" { "Roles at " (page.council.name) ". A provider's role holds at every council." }
                @if summary.roles.is_empty() {
                    p class="govuk-body" { "This account has no roles here." }
                } @else {
                    div class="kith-table-scroll" tabindex="0" role="region" aria-label="Roles held" {
                        table class="govuk-table" {
                            caption class="govuk-table__caption govuk-visually-hidden" { "Roles held" }
                            thead class="govuk-table__head" { tr class="govuk-table__row" {
                                th scope="col" class="govuk-table__header" { "Role" }
                                th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Action" } }
                            } }
                            tbody class="govuk-table__body" {
                                @for role in &summary.roles {
                                    tr class="govuk-table__row" {
                                        td class="govuk-table__cell" { (role.label()) }
                                        td class="govuk-table__cell" {
                                            @if !(is_self && *role == Role::Admin) && *role != Role::SuperAdmin {
                                                (button_form(&paths::admin_user_roles_revoke(user.id), &csrf, &[("role", role.as_str())],
                                                    html! { button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Remove" span class="govuk-visually-hidden" { " " (role.label()) " role" } } }))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !grantable.is_empty() {
                    form method="post" action=(paths::admin_user_roles(user.id)) novalidate {
                        (csrf_field(&csrf))
                        (select("role", "Give this account a role", &role_options(false, grantable.into_iter()), ""))
                        (button("Give role"))
                    }
                }
                h2 class="govuk-heading-m" { "Access" }
                @if is_self {
                    p class="govuk-body" { "This is your own account. Another administrator can disable it if needed." }
                } @else if user.disabled_at.is_some() {
                    p class="govuk-body" { "This account is disabled: it cannot sign in." }
                    (button_form(&paths::admin_user_status(user.id), &csrf, &[("action", "enable")], button("Enable account")))
                } @else {
                    form method="post" action=(paths::admin_user_status(user.id)) novalidate {
                        (csrf_field(&csrf))
                        input type="hidden" name="action" value="disable";
                        (text_input("reason", "Reason for disabling (recorded in the audit log)", "", errors, InputOptions { ..Default::default() }))
                        (warning_button("Disable account"))
                    }
                }
                h2 class="govuk-heading-m" { "Two-factor sign-in" }
                @if has_authenticator {
                    p class="govuk-body" { "This account has an authenticator app. If they have lost their phone and their recovery codes, reset it: they are signed out everywhere, emailed, and set it up again when they next sign in." }
                    @if !is_self {
                        (button_form(&paths::admin_user_two_factor_reset(user.id), &csrf, &[], warning_button("Reset two-factor sign-in")))
                    }
                } @else if crate::domain::accounts::two_factor::required_for(&summary.roles) {
                    p class="govuk-body" { "Not set up yet: they will set it up when they next sign in." }
                } @else {
                    p class="govuk-body" { "Not set up (optional for this account)." }
                }
            }
            h2 class="govuk-heading-m" { "Recent history" }
            (audit_table(history, names))
            p class="govuk-body" { a class="govuk-link" href={ (paths::admin_audit()) "?subject_type=user&subject_id=" (user.id) } { "Full history of this account" } }
            h2 class="govuk-heading-m" { "Personal data" }
            p class="govuk-body" { a class="govuk-link" href=(paths::admin_user_personal_data(user.id)) { "Export or erase this person's data" } }
        },
    )
}

pub fn invitations(
    page: &Page,
    pending: &[invitations::Model],
    form: &InviteForm,
    errors: &FieldErrors,
) -> Markup {
    let now = chrono::Utc::now();
    layout(
        page,
        &title_with_errors("Invite staff", errors),
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Invite staff" }
            p class="govuk-body" { "Brokers, quality checkers, commissioners and administrators join by invitation. The person gets an email with a link that works for 7 days." }
            form method="post" action=(paths::admin_invitations()) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("email", "Email address", &form.email, errors, InputOptions { input_type: "email", autocomplete: Some("off"), spellcheck_off: true, ..Default::default() }))
                (crate::views::components::radios("role", "Role", &Role::staff_roles().map(|r| crate::views::components::RadioOption { value: r.as_str(), label: r.label(), hint: Some(r.description()) }).collect::<Vec<_>>(), &form.role, errors))
                (button("Send invitation"))
            }
            h2 class="govuk-heading-m" { "Invitations not yet accepted" }
            @if pending.is_empty() {
                p class="govuk-body" { "None." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Invitations not yet accepted" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Invitations not yet accepted" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Email address" }
                            th scope="col" class="govuk-table__header" { "Role" }
                            th scope="col" class="govuk-table__header" { "Sent" }
                            th scope="col" class="govuk-table__header" { "Status" }
                        } }
                        tbody class="govuk-table__body" {
                            @for inv in pending {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell kith-break-words" { (inv.email) }
                                    td class="govuk-table__cell" { (inv.role.label()) }
                                    td class="govuk-table__cell" { (format_time(&inv.created_at)) }
                                    td class="govuk-table__cell" { @if inv.expires_at < now { (tag("Expired", Some("grey"))) } @else { (tag("Waiting", Some("blue"))) } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Account names by id, for the audit log's "who".
pub type Names = std::collections::HashMap<entity::users::UserId, String>;

/// The record an entry is about, linked to its page where an admin has one.
fn subject_cell(kind: &str, id: &str, names: &Names) -> Markup {
    let href = match kind {
        "user" => id.parse().ok().map(paths::admin_user),
        "listing" => id.parse().ok().map(paths::admin_listing),
        "organisation" | "provider_organisation" => id.parse().ok().map(paths::admin_provider),
        "inspection" => id.parse().ok().map(paths::admin_inspection),
        "client" => id.parse().ok().map(paths::admin_client_personal_data),
        _ => None,
    };
    let label = match (kind, id.parse().ok().and_then(|u| names.get(&u))) {
        ("user", Some(name)) => format!("{name} (account {id})"),
        _ => format!("{} {id}", audit::describe_action(kind)),
    };
    html! {
        @match href {
            Some(href) => a class="govuk-link" href=(href) { (label) },
            None => (label),
        }
    }
}

pub fn audit_table(rows: &[audit::Entry], names: &Names) -> Markup {
    html! {
        @if rows.is_empty() {
            p class="govuk-body" { "No entries." }
        } @else {
            ol class="govuk-list kith-audit" {
                @for entry in rows {
                    @let row = &entry.row;
                    li class="kith-audit__entry" {
                        p class="govuk-body govuk-!-margin-bottom-1" {
                            strong { (audit::describe_action(&row.action)) }
                            " – " (subject_cell(&row.subject_type, &row.subject_id, names))
                        }
                        p class="govuk-body-s govuk-!-margin-bottom-1 kith-secondary-text" {
                            (format_time(&row.occurred_at)) " · "
                            @match row.actor_user_id {
                                Some(actor) => {
                                    "by " a class="govuk-link" href=(paths::admin_user(actor)) {
                                        (names.get(&actor).map_or_else(|| format!("account {actor}"), Clone::clone))
                                    }
                                }
                                None => "by Kith itself or someone signed out",
                            }
                            @if let Some(who) = &row.on_behalf_of { ", for " (who) }
                        }
                        @if row.from_state.is_some() || row.to_state.is_some() {
                            p class="govuk-body-s govuk-!-margin-bottom-1" {
                                @match (&row.from_state, &row.to_state) {
                                    (Some(from), Some(to)) => { "From " strong { (from) } " to " strong { (to) } },
                                    (None, Some(to)) => { "Now " strong { (to) } },
                                    (Some(from), None) => { "Was " strong { (from) } },
                                    (None, None) => {},
                                }
                            }
                        }
                        @if let Some(detail) = &row.detail { p class="govuk-body-s govuk-!-margin-bottom-1 kith-break-words" { (detail) } }
                        @if let Some(reason) = &entry.reason { p class="govuk-body-s govuk-!-margin-bottom-1 kith-break-words" { "Reason: " (reason) } }
                    }
                }
            }
        }
    }
}

pub struct AuditQueryView<'a> {
    pub action: &'a str,
    pub actor: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    /// The first and last day asked for, as typed (day, month, year).
    pub from: (&'a str, &'a str, &'a str),
    pub to: (&'a str, &'a str, &'a str),
}

#[allow(clippy::too_many_arguments)]
pub fn audit(
    page: &Page,
    rows: &[audit::Entry],
    names: &Names,
    total: u64,
    q: &AuditQueryView,
    page_no: u64,
    page_size: u64,
    errors: &FieldErrors,
) -> Markup {
    let pages = total_pages(total, page_size);
    layout(
        page,
        &title_with_errors("Audit log", errors),
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Audit log" }
            p class="govuk-body" { "Every important change in Kith, newest first. Entries cannot be changed or deleted." }
            form method="get" action=(paths::admin_audit()) class="kith-filter-form" {
                (text_input("action", "Action starts with", q.action, errors, InputOptions { spellcheck_off: true, hint: Some("For example, account. or role.granted"), width_class: Some("govuk-input--width-20"), ..Default::default() }))
                (text_input("actor", "Account number of who acted", q.actor, errors, InputOptions { input_type: "text", width_class: Some("govuk-input--width-10"), ..Default::default() }))
                (date_input("from", "From", q.from, errors, Some("The first day, like 1 11 2026")))
                (date_input("to", "To", q.to, errors, Some("The last day, like 30 11 2026")))
                input type="hidden" name="subject_type" value=(q.subject_type);
                input type="hidden" name="subject_id" value=(q.subject_id);
                (secondary_button("Filter the log"))
            }
            @if !q.subject_type.is_empty() {
                p class="govuk-body" { "Showing " (q.subject_type) " " (q.subject_id) " only. " a class="govuk-link" href=(paths::admin_audit()) { "Show everything" } }
            }
            p class="govuk-body" { (total) " " (if total == 1 { "entry" } else { "entries" }) }
            (audit_table(rows, names))
            (pagination(page_no, pages, |p| format!(
                "{}?action={}&actor={}&subject_type={}&subject_id={}&from-day={}&from-month={}&from-year={}&to-day={}&to-month={}&to-year={}&page={p}",
                paths::admin_audit(), encode(q.action), encode(q.actor), encode(q.subject_type), encode(q.subject_id),
                encode(q.from.0), encode(q.from.1), encode(q.from.2), encode(q.to.0), encode(q.to.1), encode(q.to.2))))
        },
    )
}

pub fn mail(
    page: &Page,
    rows: &[mail_outbox::Model],
    total: u64,
    status: &str,
    page_no: u64,
    page_size: u64,
) -> Markup {
    let pages = total_pages(total, page_size);
    let statuses = vec![
        (String::new(), "Any status".to_owned()),
        ("pending".to_owned(), "Waiting to send".to_owned()),
        ("sent".to_owned(), "Sent".to_owned()),
        ("failed".to_owned(), "Could not be sent".to_owned()),
    ];
    layout(
        page,
        "Email outbox",
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Administration" }
            h1 class="govuk-heading-l" { "Email outbox" }
            p class="govuk-body" { "Every email Kith sends is queued here first and retried with increasing gaps if sending fails." }
            form method="get" action=(paths::admin_mail()) class="kith-filter-form" {
                (select("status", "Status", &statuses, status))
                (secondary_button("Filter emails"))
            }
            p class="govuk-body" { (total) " " (if total == 1 { "email" } else { "emails" }) }
            @if !rows.is_empty() {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Emails" {
                    table class="govuk-table kith-table-small" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Emails" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Queued" }
                            th scope="col" class="govuk-table__header" { "To" }
                            th scope="col" class="govuk-table__header" { "Subject" }
                            th scope="col" class="govuk-table__header" { "Status" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Attempts" }
                        } }
                        tbody class="govuk-table__body" {
                            @for row in rows {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { (format_time(&row.created_at)) }
                                    td class="govuk-table__cell kith-break-words" { (row.to_address) }
                                    td class="govuk-table__cell" { (row.subject) }
                                    td class="govuk-table__cell" {
                                        @match row.status {
                                            MailStatus::Sent => (tag("Sent", Some("green"))),
                                            MailStatus::Failed => (tag("Could not be sent", Some("red"))),
                                            MailStatus::Pending => (tag("Waiting", Some("blue"))),
                                        }
                                        @if let Some(err) = &row.last_error { br; span class="kith-secondary-text" { (err) } }
                                    }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (row.attempts) }
                                }
                            }
                        }
                    }
                }
            }
            (pagination(page_no, pages, |p| format!("{}?status={status}&page={p}", paths::admin_mail())))
        },
    )
}
