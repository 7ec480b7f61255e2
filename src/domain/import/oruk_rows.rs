//! Open Referral UK services as rows to import: JSON (one service, a list, or a page with
//! `contents`) or services assembled from the tabular data package.

use entity::provider_organisations::ProviderKind;
use serde_json::Value;

use super::rows::{BadRow, ImportRow, OrganisationIn, Read, Vocabulary, day_key};
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::listings::content::{PriceUnit, VENUE_ACCESSIBILITY, format_pounds_and_pence};
use crate::domain::listings::form::ListingForm;
use crate::domain::listings::form::MAX_NOTE_CHARS;
use crate::domain::listings::reach::{self, people_text, phones_text};
use crate::domain::oruk::ids;
use crate::domain::oruk::model::{Organization, Phone, Service};
use crate::domain::oruk::service::CQC_RATING_LINE;
use crate::domain::providers::organisations::ORGANISATION_KINDS;
use crate::domain::providers::profile::{
    parse_cqc_location_id, parse_cqc_provider_id, parse_phone, parse_website,
};
use crate::paths;
use entity::listings::ListingId;

/// Reads services from ORUK JSON.
pub fn from_json(text: &str, vocabulary: &Vocabulary) -> Result<Read, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("The file is not JSON Kith can read: {e}"))?;
    let items: Vec<Value> = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("contents") {
            Some(Value::Array(items)) => items,
            Some(_) => return Err("\"contents\" should be a list of services".into()),
            None => vec![Value::Object(map)],
        },
        _ => return Err("The file should hold a service or a list of services".into()),
    };
    let mut read = Read::default();
    for (i, item) in items.into_iter().enumerate() {
        let label = format!("service {}", i + 1);
        match serde_json::from_value::<Service>(item) {
            Ok(service) => match row_of(&service, vocabulary) {
                Ok(mut row) => {
                    row.label = format!("{label} ({})", row.source_id);
                    read.items.push(Ok(row));
                }
                Err(reason) => read.items.push(Err(BadRow { label, reason })),
            },
            Err(e) => read.items.push(Err(BadRow {
                label,
                reason: format!("not an Open Referral service: {e}"),
            })),
        }
    }
    Ok(read)
}

/// A CQC identifier's kind by its type's words: "CQC provider ID", "CQC location ID", or
/// just "CQC" (which Kith's own exports used for a location, as the register is of them).
fn cqc_kind(identifier_type: &str) -> Option<CqcKind> {
    let t = identifier_type.to_lowercase();
    if !t.contains("cqc") {
        None
    } else if t.contains("provider") {
        Some(CqcKind::Provider)
    } else {
        Some(CqcKind::Location)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum CqcKind {
    Provider,
    Location,
}

fn organisation_cqc(org: &Organization, kind: CqcKind) -> Option<String> {
    org.organization_identifiers
        .iter()
        .flatten()
        .find(|i| cqc_kind(&i.identifier_type) == Some(kind))
        .map(|i| i.identifier.trim().to_owned())
}

fn organisation_of(
    org: &Organization,
    service: &Service,
    left_out: &mut Vec<String>,
) -> OrganisationIn {
    let cqc = organisation_cqc(org, CqcKind::Provider).filter(|id| {
        let ok = parse_cqc_provider_id(id).is_ok();
        if !ok {
            left_out.push(format!(
                "the CQC provider ID “{id}”, which is not like 1-101234567"
            ));
        }
        ok
    });
    let registered = cqc.is_some() || organisation_cqc(org, CqcKind::Location).is_some();
    let kind = org
        .attributes
        .iter()
        .flatten()
        .filter_map(|a| a.taxonomy_term.as_ref())
        .find_map(|t| {
            ORGANISATION_KINDS
                .iter()
                .find(|(k, label, _)| t.term.as_deref() == Some(k.as_str()) || t.name == *label)
                .map(|(k, _, _)| k.as_str().to_owned())
        })
        .unwrap_or_else(|| {
            if registered {
                ProviderKind::RegisteredCareProvider
            } else {
                ProviderKind::VoluntaryGroup
            }
            .as_str()
            .to_owned()
        });
    OrganisationIn {
        source_id: if org.id.is_empty() {
            service.organization_id.clone().unwrap_or_default()
        } else {
            org.id.clone()
        },
        name: org.name.trim().to_owned(),
        kind,
        description: Some(org.description.clone())
            .filter(|d| !d.trim().is_empty() && *d != org.name),
        email: org.email.clone(),
        website: org.website.clone(),
        phone: org
            .phones
            .iter()
            .flatten()
            .next()
            .and_then(|p| phone_of(&p.number, None, left_out))
            .map(|p| p.number),
        cqc_provider_id: cqc,
    }
}

/// Whether a service's url is Kith's own page for it (a Kith export gives that when the
/// service has no website of its own), rather than the service's website.
fn is_kith_page_of(service_id: &str, url: &str) -> bool {
    ids::parse(ids::Kind::Service, service_id).is_some_and(|(listing, _)| {
        // Whichever council's address it was exported from (`/c/{slug}` or none).
        let page = paths::listing(ListingId(listing));
        let prefix = crate::council_scope::link_prefix();
        let page = page.strip_prefix(prefix.as_str()).unwrap_or(&page);
        url.trim_end_matches('/').ends_with(page)
    })
}

/// "Visits people at home within 5 miles of M33 7" → ("M33 7", "5").
fn home_area(text: &str) -> Option<(String, String)> {
    let lower = text.to_lowercase();
    let at = lower.find("within ")? + "within ".len();
    let rest = &text[at..];
    let (miles, rest) = rest.split_once(' ')?;
    let place = rest
        .strip_prefix("miles of ")
        .or_else(|| rest.strip_prefix("mile of "))?;
    Some((
        place.trim().trim_end_matches('.').to_owned(),
        miles.to_owned(),
    ))
}

/// The listing form a service fills in. What Kith cannot find stays empty, and the form's
/// own checks say what is missing.
pub fn row_of(s: &Service, vocabulary: &Vocabulary) -> Result<ImportRow, String> {
    if s.id.trim().is_empty() {
        return Err("the service has no id".into());
    }
    let org = s
        .organization
        .as_ref()
        .filter(|o| !o.name.trim().is_empty())
        .ok_or("the service has no organization with a name")?;
    // What the directory does not say (costs, days, intake) stays not given.
    // Optional details the form would refuse are left out (and said), not the whole row.
    let mut left_out = Vec::new();
    let mut form = ListingForm {
        written_in: "en".into(),
        allow_unstated: true,
        ..ListingForm::default()
    };
    form.title = s.name.trim().to_owned();
    let text = s.description.clone().unwrap_or_default();
    let text = text.trim();
    match text.split_once("\n\n") {
        Some((summary, rest)) => {
            form.summary = summary.trim().to_owned();
            form.description = rest.trim().to_owned();
        }
        None => {
            form.summary = text.to_owned();
            form.description = text.to_owned();
        }
    }
    for term in s
        .attributes
        .iter()
        .flatten()
        .filter_map(|a| a.taxonomy_term.as_ref())
    {
        let words = [term.term.clone().unwrap_or_default(), term.name.clone()];
        if let Some(id) = words.iter().find_map(|w| vocabulary.category(w)) {
            form.categories.push(id.to_string());
        } else if let Some(key) = words.iter().find_map(|w| Vocabulary::client_group(w)) {
            form.client_groups.push(key.to_owned());
        }
    }
    form.categories.dedup();
    form.client_groups.dedup();
    let mut areas = Vec::new();
    for area in s.service_areas.iter().flatten() {
        let Some(text) = area.service_area.as_deref().or(area.name.as_deref()) else {
            continue;
        };
        match home_area(text) {
            Some((place, miles)) if !form.delivery.iter().any(|d| d == "home") => {
                form.delivery.push("home".into());
                form.home_place = place;
                form.home_radius = miles;
            }
            _ if !text.trim().is_empty() => areas.push(text.trim().to_owned()),
            _ => {}
        }
    }
    form.areas = areas.join("\n");
    let locations = s
        .service_at_locations
        .iter()
        .flatten()
        .filter_map(|sal| sal.location.as_ref());
    let mut location_phones = Vec::new();
    for location in locations {
        if let Some(id) = location
            .external_identifier
            .as_deref()
            .filter(|_| {
                location
                    .external_identifier_type
                    .as_deref()
                    .and_then(cqc_kind)
                    == Some(CqcKind::Location)
            })
            .filter(|_| form.cqc_location_id.is_empty())
        {
            form.cqc_location_id = id.trim().to_owned();
        }
        if location.location_type == "physical" {
            location_phones.extend(location.phones.iter().flatten().cloned());
        }
        match location.location_type.as_str() {
            "physical" if !form.delivery.iter().any(|d| d == "venue") => {
                let Some(address) = location.addresses.iter().flatten().next() else {
                    continue;
                };
                form.delivery.push("venue".into());
                form.venue_address = [address.address_1.trim(), address.city.trim()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                form.venue_postcode = address.postal_code.clone();
                for a in location.accessibility.iter().flatten() {
                    let description = a.description.clone().unwrap_or_default();
                    if let Some((key, _)) = VENUE_ACCESSIBILITY
                        .iter()
                        .find(|(_, label)| label.eq_ignore_ascii_case(description.trim()))
                    {
                        form.accessibility.push((*key).to_owned());
                    } else if let Some(details) = &a.details {
                        form.accessibility_notes = details.clone();
                    }
                }
            }
            "virtual" if !form.delivery.iter().any(|d| d == "online") => {
                form.delivery.push("online".into());
            }
            _ => {}
        }
    }
    match s.cost_options.iter().flatten().next() {
        None => {}
        Some(c) if c.amount.unwrap_or(0.0) <= 0.0 => {
            form.price_type = "free".into();
            form.price_notes = c
                .amount_description
                .clone()
                .filter(|d| d != "Free")
                .unwrap_or_default();
        }
        Some(c) => {
            form.price_type = "charged".into();
            form.price_amount = format!("{:.2}", c.amount.unwrap_or(0.0));
            let said = format!(
                "{} {}",
                c.option.clone().unwrap_or_default(),
                c.amount_description.clone().unwrap_or_default()
            )
            .to_lowercase();
            // "per hour" first; else the unit named anywhere ("per 1 hour session").
            let unit = PriceUnit::ALL
                .iter()
                .find(|u| said.contains(&format!("per {}", u.as_str())))
                .or_else(|| {
                    PriceUnit::ALL.iter().find(|u| {
                        said.split(|c: char| !c.is_alphanumeric())
                            .any(|w| w == u.as_str())
                    })
                });
            match unit {
                Some(unit) => form.price_unit = unit.as_str().to_owned(),
                None => {
                    // A price without what it is for would mislead: not given, and said.
                    left_out.push(format!(
                        "the price {}, which does not say what it is for (an hour, a session, a day, a week or an item)",
                        format_pounds_and_pence((c.amount.unwrap_or(0.0) * 100.0).round() as i64)
                    ));
                    form.price_type.clear();
                    form.price_amount.clear();
                }
            }
            if let Some((_, notes)) = c
                .amount_description
                .as_deref()
                .unwrap_or("")
                .split_once(" – ")
            {
                form.price_notes = notes.trim().to_owned();
            }
        }
    }
    if let Some(schedule) = s.schedules.iter().flatten().next() {
        form.days = schedule
            .byday
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter_map(day_key)
            .map(str::to_owned)
            .collect();
        let hhmm = |t: &Option<String>| t.as_deref().map(|t| t.get(..5).unwrap_or(t).to_owned());
        form.time_from = hhmm(&schedule.opens_at).unwrap_or_default();
        form.time_to = hhmm(&schedule.closes_at).unwrap_or_default();
        form.availability_notes = schedule.notes.clone().unwrap_or_default();
    }
    if s.alert
        .as_deref()
        .is_some_and(|a| a.to_lowercase().contains("not taking new clients"))
    {
        form.accepting = "no".into();
    }
    let languages: Vec<String> = s
        .languages
        .iter()
        .flatten()
        .filter_map(|l| l.name.clone())
        .filter(|n| !n.trim().is_empty())
        .collect();
    // A directory that names no language leaves it not stated, rather than "English".
    form.languages = languages.join(", ");
    // A directory that gives the CQC location on the organisation (one home per provider,
    // or an older Kith export) means this service's location.
    if form.cqc_location_id.is_empty() {
        form.cqc_location_id = organisation_cqc(org, CqcKind::Location).unwrap_or_default();
    }
    if !form.cqc_location_id.is_empty() && parse_cqc_location_id(&form.cqc_location_id).is_err() {
        left_out.push(format!(
            "the CQC location ID “{}”, which is not like 1-123456789",
            form.cqc_location_id
        ));
        form.cqc_location_id.clear();
    }
    let service_phones: Vec<Phone> = s.phones.iter().flatten().cloned().collect();
    let phones = if service_phones.is_empty() {
        location_phones
    } else {
        service_phones
    };
    let phones: Vec<reach::Phone> = phones
        .iter()
        .filter_map(|p| phone_of(&p.number, p.description.as_deref(), &mut left_out))
        .collect();
    form.phones = phones_text(&at_most(phones, "phone numbers", &mut left_out));
    let people: Vec<reach::Person> = s
        .contacts
        .iter()
        .flatten()
        .filter_map(|c| person_of(c, &mut left_out))
        .collect();
    form.people = people_text(&at_most(people, "named contacts", &mut left_out));
    if let Some(email) = s.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        match EmailAddress::parse(email) {
            Ok(email) => form.service_email = email.as_str().to_owned(),
            Err(_) => left_out.push(format!(
                "the email “{email}”, which is not an email address"
            )),
        }
    }
    if let Some(url) = s
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty() && !is_kith_page_of(&s.id, u))
    {
        // "www.example.org" is a website without its scheme.
        match parse_website(url).or_else(|e| {
            if url.contains("://") {
                Err(e)
            } else {
                parse_website(&format!("https://{url}"))
            }
        }) {
            Ok(url) => form.service_website = url,
            Err(_) => left_out.push(format!("the website “{url}”, which is not a web address")),
        }
    }
    let areas: Vec<String> = form
        .areas
        .lines()
        .filter(|a| {
            let fits = a.chars().count() <= reach::MAX_AREA_CHARS;
            if !fits {
                left_out.push(format!(
                    "an area described in more than {} characters",
                    reach::MAX_AREA_CHARS
                ));
            }
            fits
        })
        .map(str::to_owned)
        .collect();
    let areas = if areas.len() > reach::MAX_AREAS {
        left_out.push(format!(
            "{} areas after the first {}",
            areas.len() - reach::MAX_AREAS,
            reach::MAX_AREAS
        ));
        areas[..reach::MAX_AREAS].to_vec()
    } else {
        areas
    };
    form.areas = areas.join("\n");
    // A CQC rating another directory wrote is left out: Kith shows the register's own.
    let accreditations = s.accreditations.as_deref().map(|text| {
        text.lines()
            .filter(|l| !l.trim_start().starts_with(CQC_RATING_LINE))
            .collect::<Vec<_>>()
            .join("\n")
    });
    if let Some(text) = accreditations
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if text.chars().count() <= MAX_NOTE_CHARS {
            form.accreditations = text.to_owned();
        } else {
            left_out.push(format!(
                "accreditations described in more than {MAX_NOTE_CHARS} characters"
            ));
        }
    }
    let organisation = organisation_of(org, s, &mut left_out);
    Ok(ImportRow {
        label: format!("service {}", s.id),
        source_id: s.id.trim().to_owned(),
        organisation,
        form,
        left_out,
    })
}

/// The first few of a list the form caps, noting how many more there were.
fn at_most<T>(mut items: Vec<T>, what: &str, left_out: &mut Vec<String>) -> Vec<T> {
    if items.len() > reach::MAX_LINES {
        left_out.push(format!(
            "{} {what} after the first {}",
            items.len() - reach::MAX_LINES,
            reach::MAX_LINES
        ));
        items.truncate(reach::MAX_LINES);
    }
    items
}

/// Text that reads back as one part of a form line: no line breaks or the dash that
/// separates parts, and within the form's length (or `None`).
fn one_part(text: &str) -> Option<String> {
    let text = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" – ", ", ")
        .replace(" - ", ", ");
    (!text.is_empty() && text.chars().count() <= reach::MAX_PART_CHARS).then_some(text)
}

/// A directory's phone as the form keeps it: "0161 496 0000 ext 2" is the number and, in
/// its description, the extension. A number that is not one is left out.
fn phone_of(
    number: &str,
    description: Option<&str>,
    left_out: &mut Vec<String>,
) -> Option<reach::Phone> {
    let number = number.trim();
    let (digits, extra) = match parse_phone(number) {
        Ok(n) => (n, None),
        Err(_) => {
            let at = number
                .find(|c: char| c.is_alphabetic())
                .unwrap_or(number.len());
            let head = number[..at].trim_end_matches([' ', ',', '-', '–', '(', ':']);
            match parse_phone(head) {
                Ok(n) => (
                    n,
                    Some(number[at..].trim().trim_end_matches(')').to_owned()),
                ),
                Err(_) => {
                    left_out.push(format!(
                        "the phone “{number}”, which is not a telephone number"
                    ));
                    return None;
                }
            }
        }
    };
    let description = [extra.as_deref(), description]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    Some(reach::Phone {
        number: digits,
        description: (!description.is_empty())
            .then(|| one_part(&description))
            .flatten(),
    })
}

fn person_of(
    c: &crate::domain::oruk::model::Contact,
    left_out: &mut Vec<String>,
) -> Option<reach::Person> {
    let raw = c.name.as_deref().unwrap_or("").trim();
    if raw.is_empty() {
        return None;
    }
    let Some(name) = one_part(raw) else {
        left_out.push(format!(
            "a contact whose name is longer than {} characters",
            reach::MAX_PART_CHARS
        ));
        return None;
    };
    Some(reach::Person {
        name,
        title: c.title.as_deref().and_then(one_part),
        phone: c
            .phones
            .iter()
            .flatten()
            .next()
            .and_then(|p| phone_of(&p.number, None, left_out))
            .map(|p| p.number),
    })
}
