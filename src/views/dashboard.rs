//! The home page of someone signed in: what each of their roles needs first, with links to
//! where they act on it. Lists, not tables, so it reads the same on a phone.

use maud::{Markup, html};

use crate::domain::dashboard::provider::OrganisationHome;
use crate::domain::dashboard::seeker::{ClientLine, HolderHome, NextStep, OpenEnquiry};
use crate::domain::dashboard::staff::{AdminQueues, CheckerHome, CommissionerHome};
use crate::domain::dates::format_date;
use crate::domain::listings::content::format_pounds_and_pence;
use crate::domain::providers::evidence_expiry::Expiry;
use crate::domain::words::plural;
use crate::paths;
use crate::views::components::{format_time, tag};
use crate::views::layout::layout;
use crate::views::page::Page;

/// Each role's part of the page, for the roles the person holds.
#[derive(Default)]
pub struct Dashboard {
    pub holder: Option<HolderHome>,
    pub caseload: Option<Vec<ClientLine>>,
    pub provider: Option<Vec<OrganisationHome>>,
    pub checker: Option<CheckerHome>,
    pub commissioner: Option<CommissionerHome>,
    pub admin: Option<AdminQueues>,
    pub saved_searches: usize,
}

fn search_box() -> Markup {
    html! {
        form method="get" action=(paths::search()) role="search" class="govuk-!-margin-bottom-6" {
            div class="govuk-form-group govuk-!-margin-bottom-0" {
                label class="govuk-label govuk-label--s" for="home-q" { "Find support" }
                div class="kith-search-box" {
                    input class="govuk-input" id="home-q" name="q" type="search";
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Search" }
                }
            }
        }
    }
}

fn enquiry_item(e: &OpenEnquiry) -> Markup {
    html! {
        li class="kith-home-item" {
            a class="govuk-link govuk-!-font-weight-bold" href=(paths::enquiry(e.line.id)) { (e.line.listing_title) }
            " " @if e.reply_waiting { (tag("Reply waiting", Some("green"))) }
            br;
            span class="kith-secondary-text" { (e.line.with) " · last message " (format_time(&e.line.last_message_at)) }
        }
    }
}

fn holder_section(h: &HolderHome, saved_searches: usize) -> Markup {
    let waiting = h.replies_waiting();
    html! {
        section aria-labelledby="your-enquiries" {
            h2 class="govuk-heading-m" id="your-enquiries" { "Your enquiries" }
            @if h.enquiries.is_empty() {
                p class="govuk-body" { "No open enquiries. Find a service, then choose “Send an enquiry” on its page." }
            } @else {
                @if waiting > 0 {
                    p class="govuk-body govuk-!-font-weight-bold" { (plural(waiting, "provider has", "providers have")) " replied." }
                }
                ul class="govuk-list" { @for e in &h.enquiries { (enquiry_item(e)) } }
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::enquiries()) { "All your enquiries" } }
        }
        section aria-labelledby="your-plan" {
            h2 class="govuk-heading-m" id="your-plan" { "Your shortlist and plan" }
            ul class="govuk-list" {
                li { a class="govuk-link" href=(paths::shortlist()) { "Shortlist" } ": " (plural(h.shortlist, "saved service", "saved services")) }
                li {
                    a class="govuk-link" href=(paths::plan()) { "Support plan" } ": "
                    @match h.plan.weekly_budget_pence {
                        Some(budget) => {
                            (format_pounds_and_pence(h.plan.weekly_pence)) " a week planned of a "
                            (format_pounds_and_pence(budget)) " weekly budget"
                        }
                        None => { (plural(h.plan_items, "line", "lines")) ", no weekly budget set yet" }
                    }
                }
                li {
                    a class="govuk-link" href=(paths::saved_searches()) { "Saved searches" } ": "
                    @if saved_searches == 0 { "none yet – save one from your search results to be emailed about new services" }
                    @else { (plural(saved_searches, "search emails", "searches email")) " you new services" }
                }
            }
        }
    }
}

fn caseload_section(clients: &[ClientLine]) -> Markup {
    html! {
        section aria-labelledby="your-caseload" {
            h2 class="govuk-heading-m" id="your-caseload" { "Your caseload" }
            @if clients.is_empty() {
                p class="govuk-body" { "No open cases. " a class="govuk-link" href=(paths::broker_clients_new()) { "Add a client" } "." }
            } @else {
                ul class="govuk-list" {
                    @for c in clients {
                        li class="kith-home-item" {
                            a class="govuk-link govuk-!-font-weight-bold" href=(paths::broker_client(c.id)) { (c.name) }
                            br;
                            @match c.next_step {
                                NextStep::ReadReplies => { (tag(&plural(c.replies_waiting, "reply waiting", "replies waiting"), Some("green"))) " Read and answer" }
                                NextStep::FindSupport => { span class="kith-secondary-text" { "No enquiries yet: find support and send enquiries" } }
                                NextStep::WaitForProviders => { span class="kith-secondary-text" { (plural(c.open_enquiries, "enquiry", "enquiries")) " waiting for providers" } }
                            }
                        }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::broker_clients()) { "All your clients" } }
            p class="govuk-body" {
                a class="govuk-link" href=(paths::places()) { "Places free in care homes and services" } " · "
                a class="govuk-link" href=(paths::placements()) { "Placement requests" }
            }
        }
    }
}

fn organisation_section(o: &OrganisationHome) -> Markup {
    let heading_id = format!("org-{}", o.org.id);
    html! {
        section aria-labelledby=(heading_id) {
            h2 class="govuk-heading-m" id=(heading_id) { (o.org.name) }
            h3 class="govuk-heading-s" { "Enquiries" }
            @if o.unanswered.is_empty() && o.waiting_reply.is_empty() {
                p class="govuk-body" { "No enquiry is waiting for you." }
            } @else {
                ul class="govuk-list" {
                    @for e in &o.unanswered {
                        li class="kith-home-item" {
                            a class="govuk-link govuk-!-font-weight-bold" href=(paths::enquiry(e.id)) { (e.listing_title) }
                            " " (tag("Needs a first reply", Some("red")))
                            br;
                            span class="kith-secondary-text" {
                                "From " (e.with) " · "
                                @match e.days_left {
                                    Some(0) => "closes today if nobody replies",
                                    Some(1) => "closes tomorrow if nobody replies",
                                    Some(n) => { "closes in " (n) " days if nobody replies" },
                                    None => "",
                                }
                            }
                        }
                    }
                    @for e in &o.waiting_reply {
                        li class="kith-home-item" {
                            a class="govuk-link govuk-!-font-weight-bold" href=(paths::enquiry(e.id)) { (e.listing_title) }
                            " " (tag("Waiting for your reply", Some("yellow")))
                            br;
                            span class="kith-secondary-text" { "From " (e.with) " · last message " (format_time(&e.last_message_at)) }
                        }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::provider_organisation_enquiries(o.org.id)) { "All enquiries" span class="govuk-visually-hidden" { " to " (o.org.name) } } }
            h3 class="govuk-heading-s" { "Listings" }
            @if o.listings.is_empty() {
                p class="govuk-body" { "No listings yet." }
            } @else {
                ul class="govuk-list" {
                    @for (state, count) in &o.listings { li { (state.label()) ": " (count) } }
                }
            }
            @for (id, title, due) in &o.checks_due {
                p class="govuk-body" {
                    "Confirm " a class="govuk-link" href=(paths::provider_listing(*id)) { (title) } " is still right by " (format_date(due)) "."
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::provider_organisation_listings(o.org.id)) { "Your listings" span class="govuk-visually-hidden" { " for " (o.org.name) } } }
            @if o.placements_waiting > 0 {
                p class="govuk-body" {
                    (tag(&plural(o.placements_waiting, "placement request", "placement requests"), Some("green")))
                    " waiting for your answer: " a class="govuk-link" href=(paths::provider_placements()) { "answer them" }
                }
            }
            @if o.reviews_to_answer > 0 {
                p class="govuk-body" {
                    a class="govuk-link" href=(paths::provider_organisation_reviews(o.org.id)) { (plural(o.reviews_to_answer, "review", "reviews")) } " without your reply."
                }
            }
            @if !o.evidence.is_empty() {
                h3 class="govuk-heading-s" { "Evidence" }
                ul class="govuk-list" {
                    @for (kind, expiry, on) in &o.evidence {
                        li {
                            (kind.label()) ": "
                            @match expiry {
                                Expiry::Lapsed => { strong { "ran out" } @if let Some(d) = on { " on " (format_date(d)) } }
                                Expiry::DueSoon { days_left } => { "runs out in " (plural(*days_left, "day", "days")) }
                                Expiry::Current => "current",
                            }
                        }
                    }
                }
                p class="govuk-body" { a class="govuk-link" href=(paths::provider_organisation_evidence(o.org.id)) { "Update your evidence" } }
            }
        }
    }
}

fn checker_section(c: &CheckerHome) -> Markup {
    let item = |a: &crate::domain::checking::assignments::AssignmentView| {
        html! {
            li class="kith-home-item" {
                a class="govuk-link govuk-!-font-weight-bold" href=(paths::checker_assignment(a.assignment.id)) { (a.listing_title) }
                br; span class="kith-secondary-text" { (a.provider_name) " · due by " (format_date(&a.assignment.due_on)) }
            }
        }
    };
    html! {
        section aria-labelledby="checks" {
            h2 class="govuk-heading-m" id="checks" { "Quality checks" }
            @if !c.offered.is_empty() {
                h3 class="govuk-heading-s" { "Offered to you: accept or decline" }
                ul class="govuk-list" { @for a in &c.offered { (item(a)) } }
            }
            @if !c.accepted.is_empty() {
                h3 class="govuk-heading-s" { "Due" }
                ul class="govuk-list" { @for a in &c.accepted { (item(a)) } }
            }
            @if c.offered.is_empty() && c.accepted.is_empty() { p class="govuk-body" { "No checks are due." } }
            p class="govuk-body" { a class="govuk-link" href=(paths::checker()) { "All your checks" } }
        }
    }
}

fn commissioner_section(c: &CommissionerHome) -> Markup {
    html! {
        section aria-labelledby="market" {
            h2 class="govuk-heading-m" id="market" { "The market in the last " (c.days) " days" }
            ul class="govuk-list" {
                li { strong { (c.services) } " services published by " strong { (c.providers) } " approved providers" }
                li { strong { (c.searches) } " searches, " strong { (c.searches_found_nothing) } " of them finding nothing" }
                li { strong { (c.enquiries) } " enquiries" }
            }
            @if !c.gaps.is_empty() {
                h3 class="govuk-heading-s" { "Biggest gaps between demand and services" }
                ol class="govuk-list govuk-list--number" {
                    @for (g, name) in &c.gaps {
                        li {
                            (name) " in " (g.district) ": "
                            (plural(g.demand.searches, "search", "searches")) ", "
                            (plural(g.demand.enquiries, "enquiry", "enquiries")) ", "
                            (plural(g.services, "service", "services"))
                        }
                    }
                }
            }
            p class="govuk-body" {
                a class="govuk-link" href=(paths::commissioner_market()) { "Market analysis" } " · "
                a class="govuk-link" href=(paths::places()) { "Places free now" }
            }
            h3 class="govuk-heading-s" { "Funding rounds open" }
            @if c.open_rounds.is_empty() {
                p class="govuk-body" { "None open. " a class="govuk-link" href=(paths::commissioner_funding()) { "Funding rounds" } }
            } @else {
                ul class="govuk-list" {
                    @for (round, applications) in &c.open_rounds {
                        li { a class="govuk-link" href=(paths::commissioner_funding_round(round.id)) { (round.title) } ": " (plural(*applications, "application", "applications")) ", closes " (format_date(&round.closes_on)) }
                    }
                }
            }
            h3 class="govuk-heading-s" { "Market Position Statement" }
            p class="govuk-body" {
                @match &c.statement {
                    Some(s) if s.status == entity::mps_documents::MpsStatus::Published => {
                        a class="govuk-link" href=(paths::commissioner_mps_document(s.id)) { (s.title) } " was published"
                        @if let Some(at) = s.published_at { " on " (crate::domain::dates::format_uk_date(&at)) } "."
                    }
                    Some(s) => { a class="govuk-link" href=(paths::commissioner_mps_document(s.id)) { (s.title) } " is a draft, not yet published." }
                    None => { "None yet. " a class="govuk-link" href=(paths::commissioner_mps()) { "Start one" } "." }
                }
            }
        }
    }
}

fn admin_section(q: &AdminQueues) -> Markup {
    let failed_mail = format!("{}?status=failed", paths::admin_mail());
    let rows: [(&str, String, u64); 8] = [
        ("Listings to review", paths::admin_listings(), q.listings),
        (
            "Providers to approve",
            paths::admin_providers(),
            q.providers,
        ),
        ("Reviews to moderate", paths::admin_reviews(), q.reviews),
        (
            "Inspections to publish",
            paths::admin_inspections(),
            q.inspections,
        ),
        (
            "Problems reported with listings",
            paths::admin_reports(),
            q.reports,
        ),
        (
            "Changes in CQC's register",
            paths::admin_cqc_changes(),
            q.cqc_changes,
        ),
        (
            "Requests to erase personal data",
            paths::admin_erasure_requests(),
            q.erasure_requests,
        ),
        ("Emails that could not be sent", failed_mail, q.failed_mail),
    ];
    html! {
        section aria-labelledby="queues" {
            h2 class="govuk-heading-m" id="queues" { "Waiting for the council" }
            ul class="govuk-list" {
                @for (label, href, count) in &rows {
                    li class="kith-home-item" {
                        a class="govuk-link" href=(href) { (label) } ": "
                        @if *count > 0 { strong { (count) } } @else { "none" }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::admin()) { "Administration" } }
        }
    }
}

pub fn dashboard(page: &Page, d: &Dashboard) -> Markup {
    let name = page.user.as_ref().map_or("", |u| u.display_name.as_str());
    html! {
        (layout(page, "Your Kith", html! {
            span class="govuk-caption-l" { (name) }
            h1 class="govuk-heading-l" { "Your Kith" }
            @if d.holder.is_some() || d.caseload.is_some() { (search_box()) }
            @if let Some(h) = &d.holder { (holder_section(h, d.saved_searches)) }
            @if let Some(c) = &d.caseload { (caseload_section(c)) }
            @if let Some(orgs) = &d.provider {
                div id="enquiries" {
                    @if orgs.is_empty() {
                        p class="govuk-body" { a class="govuk-link" href=(paths::provider_home()) { "Register your organisation" } " to publish services." }
                    }
                    @for o in orgs { (organisation_section(o)) }
                }
            }
            @if let Some(c) = &d.checker { (checker_section(c)) }
            @if let Some(c) = &d.commissioner { (commissioner_section(c)) }
            @if let Some(q) = &d.admin { (admin_section(q)) }
            @if page.user.as_ref().is_some_and(|u| u.roles.is_empty()) {
                p class="govuk-body" { "Your account has no role yet. Contact the Kith team at the council." }
            }
            p class="govuk-body" { a class="govuk-link" href=(paths::account()) { "Your account" } }
        }))
    }
}
