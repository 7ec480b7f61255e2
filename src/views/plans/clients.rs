//! Broker pages: the caseload, a client's record (with their shortlist and enquiries), the
//! client form, and the admins' list of every client.

use entity::{broker_clients, users};
use maud::{Markup, html};

use crate::domain::enquiries::EnquiryView;
use crate::domain::plans::clients::{CONTACT_PREFERENCES, ClientForm, contact_preference_label};
use crate::domain::plans::shortlists::Entry;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, RadioOption, button, button_form, csrf_field, error_summary, radios,
    secondary_button, summary_list, tag, text_input, textarea, title_with_errors,
};
use crate::views::enquiries::enquiry_table;
use crate::views::layout::layout;
use crate::views::page::Page;

fn status_tag(client: &broker_clients::Model) -> Markup {
    if client.closed_at.is_some() {
        tag("Closed", Some("grey"))
    } else {
        tag("Open", Some("green"))
    }
}

pub fn caseload(page: &Page, clients: &[broker_clients::Model]) -> Markup {
    layout(
        page,
        "Your clients",
        html! {
            h1 class="govuk-heading-l" { "Your clients" }
            p class="govuk-body" { "People you help find and arrange support. They do not need an account or an email address. Only you (and the council's administrators) can see them." }
            a href=(paths::broker_clients_new()) class="govuk-button" role="button" draggable="false" data-module="govuk-button" { "Add a client" }
            @if clients.is_empty() {
                p class="govuk-body" { "You have no clients yet." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Your clients" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Your clients" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Name or reference" }
                            th scope="col" class="govuk-table__header" { "Area" }
                            th scope="col" class="govuk-table__header" { "Contact" }
                            th scope="col" class="govuk-table__header" { "Case" }
                        } }
                        tbody class="govuk-table__body" {
                            @for c in clients {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::broker_client(c.id)) { (c.name) } }
                                    td class="govuk-table__cell" { (c.postcode_sector.as_deref().unwrap_or("Not given")) }
                                    td class="govuk-table__cell" { (contact_preference_label(&c.contact_preference)) }
                                    td class="govuk-table__cell" { (status_tag(c)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub fn client_form(
    page: &Page,
    heading: &str,
    action: &str,
    back: &str,
    form: &ClientForm,
    errors: &FieldErrors,
) -> Markup {
    let options: Vec<RadioOption> = CONTACT_PREFERENCES
        .iter()
        .map(|(value, label)| RadioOption {
            value,
            label,
            hint: None,
        })
        .collect();
    layout(
        page,
        &title_with_errors(heading, errors),
        html! {
            a href=(back) class="govuk-back-link" { "Back" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { (heading) }
            form method="post" action=(action) novalidate {
                (csrf_field(&page.csrf()))
                (text_input("name", "Name or reference", &form.name, errors, InputOptions {
                    hint: Some("What you call this client. A reference is fine if they prefer not to be named."),
                    autocomplete: Some("off"),
                    width_class: Some("govuk-!-width-two-thirds"),
                    ..Default::default()
                }))
                (text_input("postcode_sector", "Area (optional)", &form.postcode_sector, errors, InputOptions {
                    hint: Some("The first part of their postcode, like M16 0. If you enter a full postcode, Kith keeps only the first part."),
                    autocomplete: Some("off"),
                    width_class: Some("govuk-input--width-10"),
                    ..Default::default()
                }))
                (textarea("needs", "What support they are looking for (optional)", &form.needs, errors,
                    Some("For example: help getting to the day centre on Tuesdays; a Punjabi-speaking personal assistant."), 5))
                (radios("contact_preference", "How do they like to be contacted?", &options, &form.contact_preference, errors))
                (textarea("contact_details", "Contact details (optional)", &form.contact_details, errors,
                    Some("A phone number, address or times to call. Providers never see these unless you send them."), 3))
                (button("Save client"))
            }
        },
    )
}

pub struct ClientPage<'a> {
    pub client: &'a broker_clients::Model,
    pub shortlist: &'a [Entry],
    pub enquiries: &'a [EnquiryView],
    pub handover_error: Option<&'a str>,
}

pub fn client_page(page: &Page, p: &ClientPage) -> Markup {
    let c = p.client;
    let csrf = page.csrf();
    let acting = page.acting_for.as_ref().is_some_and(|a| a.id == c.id);
    let mut errors = FieldErrors::default();
    if let Some(message) = p.handover_error {
        errors.add("to_email", message);
    }
    layout(
        page,
        &title_with_errors(&c.name, &errors),
        html! {
            a href=(paths::broker_clients()) class="govuk-back-link" { "Your clients" }
            (error_summary(&errors))
            span class="govuk-caption-l" { "Client" }
            h1 class="govuk-heading-l" { (c.name) " " (status_tag(c)) }
            (summary_list(&[
                ("Area", html! { (c.postcode_sector.as_deref().unwrap_or("Not given")) }),
                ("Looking for", html! { @if c.needs.is_empty() { "Not given" } @else { span class="kith-pre-line" { (c.needs) } } }),
                ("Contact", html! { (contact_preference_label(&c.contact_preference)) }),
                ("Contact details", html! { @if c.contact_details.is_empty() { "Not given" } @else { span class="kith-pre-line" { (c.contact_details) } } }),
            ]))
            div class="govuk-button-group" {
                a href=(paths::broker_client_edit(c.id)) class="govuk-link" { "Change details" span class="govuk-visually-hidden" { " of " (c.name) } }
            }
            @if c.closed_at.is_none() {
                @if acting {
                    p class="govuk-body" { "You are acting for " (c.name) ". Searches, shortlists and enquiries are for them." }
                    div class="govuk-button-group" {
                        // Near where they live, when the broker has their area.
                        @let near = c.postcode_sector.as_deref().map(|p| format!("?{}", serde_urlencoded::to_string([("near", p)]).unwrap_or_default())).unwrap_or_default();
                        a href={ (paths::search()) (near) } class="govuk-button" role="button" draggable="false" data-module="govuk-button" { "Find support for " (c.name) }
                    }
                } @else {
                    (button_form(&paths::broker_client_act(c.id), &csrf, &[], button(&format!("Act for {}", c.name))))
                }
            }
            h2 class="govuk-heading-m" { "Shortlist" }
            @if p.shortlist.is_empty() {
                p class="govuk-body" { "Nothing saved yet." }
            } @else {
                ul class="govuk-list govuk-list--bullet" {
                    @for entry in p.shortlist {
                        li {
                            @match &entry.listing {
                                Some(l) => a class="govuk-link" href=(paths::listing(entry.listing_id)) { (l.content.title) " – " (l.provider.name) },
                                None => "A service that is no longer listed",
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Enquiries" }
            @if p.enquiries.is_empty() {
                p class="govuk-body" { "No enquiries yet." }
            } @else {
                (enquiry_table(p.enquiries, false))
            }
            h2 class="govuk-heading-m" { "Hand this client to another broker" }
            form method="post" action=(paths::broker_client_handover(c.id)) novalidate {
                (csrf_field(&csrf))
                (text_input("to_email", "The other broker's email address", "", &errors, InputOptions {
                    input_type: "email",
                    hint: Some("They must have a support broker account. You will no longer see this client."),
                    autocomplete: Some("off"),
                    spellcheck_off: true,
                    width_class: Some("govuk-!-width-two-thirds"),
                    ..Default::default()
                }))
                (secondary_button("Hand over"))
            }
            h2 class="govuk-heading-m" { @if c.closed_at.is_some() { "Reopen this case" } @else { "Close this case" } }
            @if c.closed_at.is_some() {
                (button_form(&paths::broker_client_close(c.id), &csrf, &[("closed", "false")], secondary_button("Reopen case")))
            } @else {
                p class="govuk-body" { "Closed cases stay on your list for reference. You cannot act for a closed case." }
                (button_form(&paths::broker_client_close(c.id), &csrf, &[("closed", "true")], secondary_button("Close case")))
            }
        },
    )
}

/// Every client and their broker, for admins (e.g. to move a departing broker's cases).
pub fn admin_clients(
    page: &Page,
    clients: &[(broker_clients::Model, Option<users::Model>)],
    failed: Option<i64>,
    errors: &FieldErrors,
) -> Markup {
    let csrf = page.csrf();
    layout(
        page,
        &title_with_errors("Brokers' clients", errors),
        html! {
            a href=(paths::admin()) class="govuk-back-link" { "Admin" }
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Brokers' clients" }
            p class="govuk-body" { "Hand a client to another broker, for example when their broker leaves." }
            @if clients.is_empty() {
                p class="govuk-body" { "No broker has added a client yet." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Clients and their brokers" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Clients and their brokers" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Client" }
                            th scope="col" class="govuk-table__header" { "Broker" }
                            th scope="col" class="govuk-table__header" { "Hand over to" }
                        } }
                        tbody class="govuk-table__body" {
                            @for (c, broker) in clients {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { (c.name) " " (status_tag(c)) br; a class="govuk-link" href=(paths::admin_client_personal_data(c.id)) { "Personal data" span class="govuk-visually-hidden" { " of " (c.name) } } }
                                    td class="govuk-table__cell" { @if let Some(b) = broker { (b.display_name) br; span class="kith-secondary-text kith-break-words" { (b.email) } } }
                                    td class="govuk-table__cell" {
                                        form method="post" action=(paths::admin_client_handover(c.id)) novalidate class="kith-inline-form" {
                                            (csrf_field(&csrf))
                                            @let id = if failed == Some(c.id) { "to_email".to_owned() } else { format!("to_email-{}", c.id) };
                                            @let error = if failed == Some(c.id) { errors.get("to_email") } else { None };
                                            div class={ "govuk-form-group govuk-!-margin-bottom-0" @if error.is_some() { " govuk-form-group--error" } } {
                                                label class="govuk-label" for=(id) { "Broker’s email" span class="govuk-visually-hidden" { " for " (c.name) } }
                                                @if let Some(message) = error {
                                                    p id="to_email-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
                                                }
                                                input class={ "govuk-input" @if error.is_some() { " govuk-input--error" } } type="email" id=(id) name="to_email" autocomplete="off" spellcheck="false"
                                                    aria-describedby=[error.map(|_| "to_email-error")];
                                            }
                                            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-top-2 govuk-!-margin-bottom-0" data-module="govuk-button" { "Hand over" span class="govuk-visually-hidden" { " " (c.name) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
