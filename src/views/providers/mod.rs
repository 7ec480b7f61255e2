//! Provider pages: the organisations an account acts for, setting one up, managing its profile,
//! logo and members, and the public provider page.

pub mod admin;
pub mod evidence;

use entity::listings::ListingId;
use entity::provider_members::MemberRole;
use entity::provider_organisations::OrganisationStatus;
use entity::provider_organisations::ProviderKind;
use entity::{provider_organisations, users};
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::providers::organisations::{ORGANISATION_KINDS, PublicProfile, kind_label};
use crate::domain::providers::profile::ProfileForm;
use crate::domain::validation::FieldErrors;
use crate::paths;
use crate::views::components::{
    InputOptions, PHOTO_TYPES, RadioOption, button, csrf_field, error_summary, file_upload, radios,
    secondary_button, summary_list, tag, text_input, title_with_errors,
};
use crate::views::layout::layout;
use crate::views::page::Page;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewOrganisationForm {
    pub name: String,
    pub kind: String,
    pub cqc_provider_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub email: String,
}

fn status_tag(status: OrganisationStatus) -> Markup {
    match status {
        OrganisationStatus::Approved => tag("Approved", Some("green")),
        OrganisationStatus::Submitted => tag("Waiting for council checks", Some("blue")),
        OrganisationStatus::ChangesRequested => tag("Changes requested", Some("yellow")),
        OrganisationStatus::Rejected => tag("Not approved", Some("red")),
        OrganisationStatus::Draft => tag("Not yet submitted", Some("grey")),
    }
}

pub fn dashboard(
    page: &Page,
    organisations: &[(provider_organisations::Model, MemberRole)],
) -> Markup {
    layout(
        page,
        "Your organisations",
        html! {
            h1 class="govuk-heading-l" { "Your organisations" }
            @if organisations.is_empty() {
                p class="govuk-body" { "Set up your organisation, or yourself as a personal assistant, to publish support on Kith. If someone has already set up your organisation, ask its owner to invite you." }
            } @else {
                div class="kith-table-scroll" tabindex="0" role="region" aria-label="Organisations you act for" {
                    table class="govuk-table" {
                        caption class="govuk-table__caption govuk-visually-hidden" { "Organisations you act for" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Name" }
                            th scope="col" class="govuk-table__header" { "Type" }
                            th scope="col" class="govuk-table__header" { "Your role" }
                            th scope="col" class="govuk-table__header" { "Status" }
                        } }
                        tbody class="govuk-table__body" {
                            @for (org, member_role) in organisations {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { a class="govuk-link" href=(paths::provider_organisation(org.id)) { (org.name) } }
                                    td class="govuk-table__cell" { (kind_label(org.kind)) }
                                    td class="govuk-table__cell" { (if *member_role == MemberRole::Owner { "Owner" } else { "Member" }) }
                                    td class="govuk-table__cell" { (status_tag(org.status)) }
                                }
                            }
                        }
                    }
                }
            }
            a href=(paths::provider_organisations_new()) role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Set up an organisation" }
            h2 class="govuk-heading-m" { "Funding for new services" }
            p class="govuk-body" {
                "The council’s innovation fund gives small grants for services people need. "
                a class="govuk-link" href=(paths::funding()) { "See funding rounds" } " or "
                a class="govuk-link" href=(paths::provider_funding()) { "your applications" } "."
            }
        },
    )
}

pub fn new_organisation(page: &Page, form: &NewOrganisationForm, errors: &FieldErrors) -> Markup {
    let kinds: Vec<RadioOption> = ORGANISATION_KINDS
        .iter()
        .map(|(value, label, hint)| RadioOption {
            value: value.as_str(),
            label,
            hint: Some(hint),
        })
        .collect();
    layout(
        page,
        &title_with_errors("Set up an organisation", errors),
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                a href=(paths::provider_home()) class="govuk-back-link" { "Your organisations" }
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Set up an organisation" }
                form method="post" action=(paths::provider_organisations()) novalidate {
                    (csrf_field(&page.csrf()))
                    (text_input("name", "Name", &form.name, errors, InputOptions { hint: Some("The name people will know you by. Personal assistants can use their own name."), ..Default::default() }))
                    (radios("kind", "What kind of provider are you?", &kinds, &form.kind, errors))
                    (text_input("cqc_provider_id", "CQC provider ID (registered care providers only)", &form.cqc_provider_id, errors, InputOptions { hint: Some("For the whole provider, like 1-101234567. Each listing gives its own location's ID."), width_class: Some("govuk-input--width-20"), spellcheck_off: true, ..Default::default() }))
                    (button("Continue"))
                }
            } }
        },
    )
}

pub struct ManageView<'a> {
    pub org: &'a provider_organisations::Model,
    pub member_role: MemberRole,
    pub members: &'a [(users::Model, MemberRole)],
    pub profile: &'a ProfileForm,
    pub member_form: &'a MemberForm,
}

pub fn manage(page: &Page, v: &ManageView, errors: &FieldErrors) -> Markup {
    let org = v.org;
    let base = paths::provider_organisation(org.id);
    let csrf = page.csrf();
    let is_pa = org.kind == ProviderKind::PersonalAssistant;
    let address_hint = if is_pa {
        "Your home address is never shown to the public. The council uses it to check you."
    } else {
        "Where people can visit you, if they can. Leave it empty if you only work in people's homes."
    };
    layout(
        page,
        &title_with_errors(&org.name, errors),
        html! {
            a href=(paths::provider_home()) class="govuk-back-link" { "Your organisations" }
            (error_summary(errors))
            span class="govuk-caption-l" { (kind_label(org.kind)) }
            h1 class="govuk-heading-l" { (org.name) }
            (summary_list(&[
                ("Status", status_tag(org.status)),
                ("Checks and evidence", html! { a class="govuk-link" href=(paths::provider_organisation_evidence(org.id)) { "Give evidence and ask for approval" } }),
                ("Listings", html! { a class="govuk-link" href=(paths::provider_organisation_listings(org.id)) { "Your listings" } }),
                ("Enquiries", html! { a class="govuk-link" href=(paths::provider_organisation_enquiries(org.id)) { "Enquiries from people looking for support" } }),
                ("Reviews", html! { a class="govuk-link" href=(paths::provider_organisation_reviews(org.id)) { "Reviews of your services" } }),
            ("Public page", html! {
                    @if org.status == OrganisationStatus::Approved { a class="govuk-link" href=(paths::provider_profile(org.id)) { "See your public page" } }
                    @else { "Your page is public once the council has approved you." }
                }),
            ]))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                h2 class="govuk-heading-m" { "Profile" }
                form method="post" action=(base) novalidate {
                    (csrf_field(&csrf))
                    div class="govuk-form-group" {
                        label class="govuk-label" for="description" { "About you" }
                        div id="description-hint" class="govuk-hint" { "What you offer and who you help, in plain English. Up to 2,000 characters." }
                        @if let Some(message) = errors.get("description") {
                            p id="description-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (message) }
                        }
                        textarea class={ "govuk-textarea" @if errors.get("description").is_some() { " govuk-textarea--error" } } id="description" name="description" rows="6" aria-describedby="description-hint" { (v.profile.description) }
                    }
                    (text_input("contact_email", "Contact email address", &v.profile.contact_email, errors, InputOptions { input_type: "email", autocomplete: Some("email"), spellcheck_off: true, ..Default::default() }))
                    (text_input("contact_phone", "Contact telephone number", &v.profile.contact_phone, errors, InputOptions { input_type: "tel", autocomplete: Some("tel"), width_class: Some("govuk-input--width-20"), ..Default::default() }))
                    (text_input("website", "Website (optional)", &v.profile.website, errors, InputOptions { input_type: "url", spellcheck_off: true, ..Default::default() }))
                    (text_input("address", if is_pa { "Home address" } else { "Address (optional)" }, &v.profile.address, errors, InputOptions { autocomplete: Some("street-address"), hint: Some(address_hint), ..Default::default() }))
                    (text_input("postcode", "Postcode", &v.profile.postcode, errors, InputOptions { autocomplete: Some("postal-code"), width_class: Some("govuk-input--width-10"), ..Default::default() }))
                    (text_input("areas_served", "Areas you cover", &v.profile.areas_served, errors, InputOptions { hint: Some("Postcode districts, separated by commas. For example, M16, M32, M33"), spellcheck_off: true, ..Default::default() }))
                    @if org.kind == ProviderKind::RegisteredCareProvider {
                        (text_input("cqc_provider_id", "CQC provider ID", &v.profile.cqc_provider_id, errors, InputOptions { hint: Some("For the whole provider, like 1-101234567. Each listing gives its own location's ID."), width_class: Some("govuk-input--width-20"), spellcheck_off: true, ..Default::default() }))
                    }
                    (button("Save profile"))
                }

                h2 class="govuk-heading-m" { "Logo or photo" }
                @if let (Some(file), Some(alt)) = (&org.logo_thumbnail, &org.logo_alt) {
                    p class="govuk-body" { img class="kith-logo" src=(paths::media(file)) alt=(alt); }
                }
                form method="post" action=(paths::provider_organisation_logo(org.id)) enctype="multipart/form-data" novalidate {
                    (csrf_field(&csrf))
                    (file_upload("logo", "Upload a picture", "A JPEG, PNG or WebP file smaller than 10 MB", PHOTO_TYPES, errors))
                    (text_input("logo_alt", "Describe the picture for people who cannot see it", "", errors, InputOptions { hint: Some("For example, Sale Moor Home Support logo, or Kasia smiling in a garden"), ..Default::default() }))
                    (secondary_button("Upload picture"))
                }

                h2 class="govuk-heading-m" { "People who act for this organisation" }
                ul class="govuk-list" {
                    @for (user, member_role) in v.members {
                        li { (user.display_name) " (" (user.email) ")" @if *member_role == MemberRole::Owner { " – owner" } }
                    }
                }
                @if v.member_role == MemberRole::Owner {
                    form method="post" action=(paths::provider_organisation_members(org.id)) novalidate {
                        (csrf_field(&csrf))
                        (text_input("email", "Invite someone by email", &v.member_form.email, errors, InputOptions { input_type: "email", spellcheck_off: true, hint: Some("They get an email with a link that works for 7 days"), ..Default::default() }))
                        (secondary_button("Send invitation"))
                    }
                }
            } }
        },
    )
}

pub fn public(
    page: &Page,
    p: &PublicProfile,
    listings: &[(ListingId, crate::domain::listings::content::ListingContent)],
) -> Markup {
    let mut rows: Vec<(&str, Markup)> = vec![("Type of provider", html! { (kind_label(p.kind)) })];
    if let Some(email) = &p.contact_email {
        rows.push((
            "Email",
            html! { a class="govuk-link" href={ "mailto:" (email) } { (email) } },
        ));
    }
    if let Some(phone) = &p.contact_phone {
        rows.push(("Telephone", html! { (phone) }));
    }
    if let Some(website) = &p.website {
        rows.push(("Website", html! { a class="govuk-link kith-break-words" href=(website) rel="nofollow noopener" { (website) } }));
    }
    if p.address.is_some() || p.postcode.is_some() {
        rows.push(("Address", html! { (p.address.clone().unwrap_or_default()) br; (p.postcode.clone().unwrap_or_default()) }));
    }
    if let Some(areas) = &p.areas_served {
        rows.push(("Areas covered", html! { (areas) }));
    }
    if let Some(cqc) = &p.cqc_provider_id {
        rows.push(("CQC provider ID", html! { a class="govuk-link" href={ "https://www.cqc.org.uk/provider/" (cqc) } rel="noopener" { (cqc) " on the CQC website" } }));
    }
    layout(
        page,
        &p.name,
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                span class="govuk-caption-l" { "Provider" }
                h1 class="govuk-heading-l" { (p.name) }
                @if let (Some(file), Some(alt)) = (&p.logo_file, &p.logo_alt) {
                    p class="govuk-body" { img class="kith-logo" src=(paths::media(file)) alt=(alt); }
                }
                @if let Some(description) = &p.description {
                    @for paragraph in description.split("\n\n") {
                        p class="govuk-body" { (paragraph) }
                    }
                }
                (summary_list(&rows))
                h2 class="govuk-heading-m" { "Services" }
                @if listings.is_empty() {
                    p class="govuk-body" { "No services are published at the moment." }
                }
                @for (id, content) in listings {
                    div class="kith-evidence" {
                        h3 class="govuk-heading-s" { a class="govuk-link" href=(paths::listing(*id)) { (content.title) } }
                        p class="govuk-body" { (content.summary) }
                        p class="govuk-body-s kith-secondary-text" { (content.price.describe()) " · " (content.availability_line()) }
                    }
                }
            } }
        },
    )
}
