//! Enquiry pages: the enquiry form on a listing, the enquirer's list, the conversation, and
//! a provider organisation's inbox with its response-time figures.

use entity::enquiries::ReplyBy;
use entity::enquiries::{EnquiryOutcome, EnquiryStatus};
use entity::listings::ListingId;
use entity::provider_organisations;
use maud::{Markup, html};

use crate::domain::enquiries::form::EnquiryForm;
use crate::domain::enquiries::stats::{PROMPT_REPLY_HOURS, ResponseFigures};
use crate::domain::enquiries::{EnquiryView, Side, outcome_label};
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, RadioOption, button, counted_textarea, csrf_field, error_summary, format_time,
    pagination, radios, secondary_button, summary_list, tag, text_input, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

pub fn status_tag(e: &entity::enquiries::Model) -> Markup {
    match e.outcome {
        None if e.status == entity::enquiries::EnquiryStatus::Closed => tag("Closed", Some("grey")),
        None => tag("Open", Some("blue")),
        Some(EnquiryOutcome::Arranged) => tag("Arranged", Some("green")),
        Some(other) => tag(outcome_label(other), Some("grey")),
    }
}

fn reply_label(e: &entity::enquiries::Model) -> String {
    match e.reply_by {
        ReplyBy::Phone => format!(
            "Phone {}",
            e.reply_phone.as_deref().unwrap_or("(number not given)")
        ),
        ReplyBy::Broker => "Through their support broker, by message here".to_owned(),
        ReplyBy::Email => "By message here (they are emailed when you reply)".to_owned(),
    }
}

/// Enquiries as a table; `show_client` adds the broker's client column.
pub fn enquiry_table(enquiries: &[EnquiryView], show_client: bool) -> Markup {
    html! {
        div class="kith-table-scroll" tabindex="0" role="region" aria-label="Enquiries" {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-visually-hidden" { "Enquiries" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Service" }
                    @if show_client { th scope="col" class="govuk-table__header" { "For" } }
                    th scope="col" class="govuk-table__header" { "Last activity" }
                    th scope="col" class="govuk-table__header" { "Status" }
                } }
                tbody class="govuk-table__body" {
                    @for v in enquiries {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                a class="govuk-link" href=(paths::enquiry(v.enquiry.id)) { (v.listing_title) }
                                br; span class="kith-secondary-text" { (v.organisation_name) }
                            }
                            @if show_client {
                                td class="govuk-table__cell" { @if let Some(c) = &v.client { (c.name) } @else { "You" } }
                            }
                            td class="govuk-table__cell" { (format_time(&v.enquiry.last_message_at)) }
                            td class="govuk-table__cell" { (status_tag(&v.enquiry)) }
                        }
                    }
                }
            }
        }
    }
}

pub struct FormPage<'a> {
    pub listing_id: ListingId,
    pub listing_title: &'a str,
    pub provider_name: &'a str,
    /// The number to phone them on, for people who would rather talk.
    pub provider_phone: Option<&'a str>,
    /// The broker's client (id, name) the enquiry is for.
    pub client: Option<(i64, &'a str)>,
    /// An enquiry about this service that is still open: the page offers a message to it.
    pub existing: Option<i64>,
    /// What was typed, as a message to the open enquiry.
    pub draft: &'a str,
}

/// "You can also phone them", when the provider gives a number.
fn phone_line(phone: Option<&str>) -> Markup {
    html! {
        @if let Some(number) = phone {
            p class="govuk-body" { "You can also phone them on " (crate::views::listings::page::tel_link(number)) "." }
        }
    }
}

pub fn enquiry_form(page: &Page, p: &FormPage, form: &EnquiryForm, errors: &FieldErrors) -> Markup {
    let heading = match p.client {
        Some((_, name)) => format!("Send an enquiry for {name}"),
        None => "Send an enquiry".to_owned(),
    };
    let phone_hint = "They will phone you. Enter the number below.";
    let mut options = vec![
        RadioOption {
            value: ReplyBy::Email.as_str(),
            label: "Reply by message in Kith",
            hint: Some("We email you when they reply. Your email address is not shown to them."),
        },
        RadioOption {
            value: ReplyBy::Phone.as_str(),
            label: "Phone",
            hint: Some(phone_hint),
        },
    ];
    if p.client.is_some() {
        options.push(RadioOption {
            value: ReplyBy::Broker.as_str(),
            label: "Contact me, the support broker",
            hint: Some("They reply to you here, and you pass it on."),
        });
    }
    let client_id = p.client.map(|(id, _)| id.to_string()).unwrap_or_default();
    if let Some(existing) = p.existing {
        return already_open(page, p, existing, &heading);
    }
    layout(
        page,
        &title_with_errors(&heading, errors),
        html! {
            a href=(paths::listing(p.listing_id)) class="govuk-back-link" { "Back to the listing" }
            (error_summary(errors))
            span class="govuk-caption-l" { (p.listing_title) " – " (p.provider_name) }
            h1 class="govuk-heading-l" { (heading) }
            p class="govuk-body" { "The provider reads your enquiry in Kith and replies. You can both send messages until support is arranged or you decide not to go ahead." }
            (phone_line(p.provider_phone))
            form method="post" action=(paths::listing_enquire(p.listing_id)) novalidate {
                (csrf_field(&page.csrf()))
                input type="hidden" name="client" value=(client_id);
                (counted_textarea("support_wanted", "What support are you looking for?", &form.support_wanted, errors,
                    Some("For example: help with washing and dressing in the morning; someone to go swimming with."), 5, crate::domain::enquiries::form::MAX_SUPPORT_CHARS))
                (counted_textarea("when_wanted", "When would you like it?", &form.when_wanted, errors,
                    Some("Days, times, and when you would like to start."), 3, crate::domain::enquiries::form::MAX_WHEN_CHARS))
                (text_input("postcode", "Where? (optional)", &form.postcode, errors, InputOptions {
                    hint: Some("The first part of the postcode, like M16 0. The provider does not see your full address."),
                    autocomplete: Some("off"),
                    width_class: Some("govuk-input--width-10"),
                    ..Default::default()
                }))
                (text_input("contact_name", "What name should the provider use?", &form.contact_name, errors, InputOptions {
                    width_class: Some("govuk-!-width-two-thirds"),
                    autocomplete: Some("off"),
                    ..Default::default()
                }))
                (radios("reply_by", "How should they reply?", &options, &form.reply_by, errors))
                (text_input("reply_phone", "Phone number (if they should phone)", &form.reply_phone, errors, InputOptions {
                    input_type: "tel",
                    autocomplete: Some("tel"),
                    width_class: Some("govuk-input--width-20"),
                    ..Default::default()
                }))
                (button("Send enquiry"))
            }
        },
    )
}

/// The enquiry form's page when an enquiry about the service is still open: it says so
/// first, links to it, and offers a message to it (with whatever was typed).
fn already_open(page: &Page, p: &FormPage, existing: i64, heading: &str) -> Markup {
    let no_errors = FieldErrors::default();
    layout(
        page,
        heading,
        html! {
            a href=(paths::listing(p.listing_id)) class="govuk-back-link" { "Back to the listing" }
            span class="govuk-caption-l" { (p.listing_title) " – " (p.provider_name) }
            h1 class="govuk-heading-l" { (heading) }
            (crate::views::components::notification_important(html! {
                p class="govuk-notification-banner__heading" {
                    "You already have an open enquiry about this service. "
                    a class="govuk-notification-banner__link" href=(paths::enquiry(existing)) { "Read it and the replies" }
                    "."
                }
            }))
            @if !p.draft.is_empty() {
                p class="govuk-body" { "What you wrote has not been sent yet. It is below, ready to send as a message on that enquiry." }
            }
            (phone_line(p.provider_phone))
            form method="post" action=(paths::enquiry_messages(existing)) novalidate {
                (csrf_field(&page.csrf()))
                (counted_textarea("body", "Send them a message", p.draft, &no_errors, Some("It is added to your open enquiry."), 6, crate::domain::enquiries::form::MAX_MESSAGE_CHARS))
                (button("Send message"))
            }
        },
    )
}

pub fn enquirer_list(
    page: &Page,
    heading: &str,
    enquiries: &[EnquiryView],
    show_client: bool,
) -> Markup {
    layout(
        page,
        heading,
        html! {
            h1 class="govuk-heading-l" { (heading) }
            @if enquiries.is_empty() {
                p class="govuk-body" { "No enquiries yet. Find a service, then choose “Send an enquiry” on its page." }
                a href=(paths::search()) class="govuk-button" role="button" draggable="false" data-module="govuk-button" { "Find support" }
            } @else {
                (enquiry_table(enquiries, show_client))
            }
        },
    )
}

pub struct ThreadPage<'a> {
    pub view: &'a EnquiryView,
    pub side: Side,
    pub back: (&'a str, &'a str),
    /// The review part (form, or the review written), shown to the enquirer side.
    pub review: Markup,
    /// The provider's phone number, for the enquirer.
    pub provider_phone: Option<&'a str>,
    /// Where the service's name links: the provider's own page of it, or the public one
    /// while it is published (none once it is not).
    pub listing_link: Option<&'a str>,
}

pub fn thread(page: &Page, p: &ThreadPage, draft: &str, errors: &FieldErrors) -> Markup {
    let e = &p.view.enquiry;
    let csrf = page.csrf();
    let provider_side = p.side == Side::Provider;
    let title = format!("Enquiry: {}", p.view.listing_title);
    let outcomes: Vec<RadioOption> = p
        .side
        .outcomes()
        .iter()
        .map(|(value, label)| RadioOption {
            value: value.as_str(),
            label,
            hint: None,
        })
        .collect();
    let mut rows: Vec<(&str, Markup)> = vec![
        (
            "Service",
            html! {
                @match p.listing_link {
                    Some(href) => a class="govuk-link" href=(href) { (p.view.listing_title) },
                    None => { (p.view.listing_title) " (no longer listed)" },
                }
            },
        ),
        (
            "Provider",
            html! {
                (p.view.organisation_name)
                @if let Some(number) = p.provider_phone { br; "Phone " (crate::views::listings::page::tel_link(number)) }
            },
        ),
        ("From", html! { (e.contact_name) }),
    ];
    if let Some(client) = &p.view.client {
        rows.push((
            "For your client",
            html! { a class="govuk-link" href=(paths::broker_client(client.id)) { (client.name) } },
        ));
    }
    rows.extend([
        ("Sent", html! { (format_time(&e.created_at)) }),
        (
            "Support wanted",
            html! { span class="kith-pre-line" { (e.support_wanted) } },
        ),
        (
            "When",
            html! { span class="kith-pre-line" { (e.when_wanted) } },
        ),
        (
            "Where",
            html! { (e.postcode_sector.as_deref().unwrap_or("Not given")) },
        ),
        ("How to reply", html! { (reply_label(e)) }),
        ("Status", html! { (status_tag(e)) }),
    ]);
    layout(
        page,
        &title_with_errors(&title, errors),
        html! {
            a href=(p.back.0) class="govuk-back-link" { (p.back.1) }
            (error_summary(errors))
            h1 class="govuk-heading-l" { (title) }
            (summary_list(&rows))
            h2 class="govuk-heading-m" { "Messages" }
            @if p.view.messages.is_empty() {
                p class="govuk-body" { @if provider_side { "No replies yet. Please reply, even if you cannot help." } @else { "No replies yet." } }
            } @else {
                ol class="govuk-list kith-messages" {
                    @for (m, author) in &p.view.messages {
                        li class={ "kith-message" @if m.from_provider { " kith-message--provider" } } {
                            p class="govuk-body-s kith-secondary-text govuk-!-margin-bottom-1" {
                                strong { (author) } @if m.from_provider { " (provider)" } " – " (format_time(&m.created_at))
                            }
                            p class="govuk-body kith-pre-line" { (m.body) }
                        }
                    }
                }
            }
            @if e.status == EnquiryStatus::Open {
                form method="post" action=(paths::enquiry_messages(e.id)) novalidate {
                    (csrf_field(&csrf))
                    (counted_textarea("body", "Your message", draft, errors, None, 5, crate::domain::enquiries::form::MAX_MESSAGE_CHARS))
                    (button("Send message"))
                }
                h2 class="govuk-heading-m" { "Close this enquiry" }
                form method="post" action=(paths::enquiry_close(e.id)) novalidate {
                    (csrf_field(&csrf))
                    (radios("outcome", "What happened?", &outcomes, "", errors))
                    (secondary_button("Close enquiry"))
                }
            } @else if e.status == EnquiryStatus::Closed {
                p class="govuk-body" { "This enquiry is closed. Outcome: " (e.outcome.map_or("closed", outcome_label)) "." }
            }
            (p.review)
        },
    )
}

pub struct InboxPage<'a> {
    pub org: &'a provider_organisations::Model,
    pub showing_closed: bool,
    /// Each enquiry and whether it is waiting for the provider's reply.
    pub enquiries: &'a [(EnquiryView, bool)],
    /// This page of them, how many pages, and how many enquiries in all.
    pub page_no: u64,
    pub pages: u64,
    pub total: u64,
    pub figures: &'a ResponseFigures,
    pub figure_days: i64,
}

pub fn inbox(page: &Page, p: &InboxPage) -> Markup {
    let f = p.figures;
    let base = paths::provider_organisation_enquiries(p.org.id);
    layout(
        page,
        &format!("Enquiries – {}", p.org.name),
        html! {
            a href=(paths::provider_organisation(p.org.id)) class="govuk-back-link" { (p.org.name) }
            span class="govuk-caption-l" { (p.org.name) }
            h1 class="govuk-heading-l" { "Enquiries" }
            h2 class="govuk-heading-m" { "How quickly you reply" }
            p class="govuk-body" { "Over the last " (p.figure_days) " days:" }
            (summary_list(&[
                ("Enquiries received", html! { (f.received) }),
                ("Replied to", html! { (f.answered) }),
                ("Typical time to first reply", html! { @match f.median_hours { Some(h) => (hours_text(h)), None => "No replies yet" } }),
                ("Replied within 2 days", html! { @match f.prompt_percent { Some(p) => { (p) "% of enquiries" }, None => "No enquiries yet" } }),
            ]))
            p class="govuk-body-s kith-secondary-text" { "The typical time is the median. People find support faster when providers reply within " (PROMPT_REPLY_HOURS) " hours." }
            nav class="kith-inline-list" aria-label="Enquiry lists" {
                ul class="govuk-list" {
                    li { @if p.showing_closed { a class="govuk-link" href=(base) { "Open enquiries" } } @else { strong { "Open enquiries" } } }
                    li { @if p.showing_closed { strong { "Closed enquiries" } } @else { a class="govuk-link" href={ (base) "?status=closed" } { "Closed enquiries" } } }
                }
            }
            @if p.enquiries.is_empty() {
                p class="govuk-body" { @if p.showing_closed { "No closed enquiries." } @else { "No open enquiries." } }
            } @else {
                div {
                    table class="govuk-table kith-table-stack" {
                        caption class="govuk-table__caption govuk-visually-hidden" { @if p.showing_closed { "Closed enquiries" } @else { "Open enquiries" } }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "From" }
                            th scope="col" class="govuk-table__header" { "Service" }
                            th scope="col" class="govuk-table__header" { "Last activity" }
                            th scope="col" class="govuk-table__header" { "Status" }
                        } }
                        tbody class="govuk-table__body" {
                            @for (v, waiting) in p.enquiries {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::enquiry(v.enquiry.id)) { (v.enquiry.contact_name) } }
                                    td class="govuk-table__cell" data-label="Service" { (v.listing_title) }
                                    td class="govuk-table__cell" data-label="Last activity" { (format_time(&v.enquiry.last_message_at)) }
                                    td class="govuk-table__cell" data-label="Status" {
                                        @if *waiting { (tag("Needs your reply", Some("red"))) } @else if v.enquiry.status == EnquiryStatus::Open { (tag("Replied", Some("light-blue"))) } @else { (status_tag(&v.enquiry)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if p.pages > 1 {
                    p class="govuk-body" { "Page " (p.page_no) " of " (p.pages) ": " (p.total) " enquiries in all." }
                }
                (pagination(p.page_no, p.pages, |n| format!("{base}?status={}&page={n}", if p.showing_closed { EnquiryStatus::Closed.as_str() } else { EnquiryStatus::Open.as_str() })))
            }
        },
    )
}

fn hours_text(hours: f64) -> String {
    if hours < 1.0 {
        "Under an hour".to_owned()
    } else if hours < 48.0 {
        format!("{} hours", hours.round() as i64)
    } else {
        format!("{} days", (hours / 24.0).round() as i64)
    }
}
