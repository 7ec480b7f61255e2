//! A published Kith listing as an Open Referral UK service: the organisation, where it
//! happens (a venue, online, or home visits as a service area), when, in which languages,
//! what it costs and the terms it is filed under. Only what the listing page already shows
//! is published; a personal assistant's home-visit base is given as its postcode district.

use chrono::SecondsFormat;
use entity::listings::ListingId;
use entity::provider_organisations::ProviderKind;
use search_index::{locate, to_wgs84};

use super::ids::{self, Kind};
use super::model::{
    Accessibility, Address, Attribute, Contact, CostOption, Language, Location, Organization,
    OrganizationIdentifier, Phone, Schedule, Service, ServiceArea, ServiceAtLocation,
};
use super::taxonomy::{Terms, client_group_term_id, provider_kind_term_id};
use crate::domain::listings::PublicListing;
use crate::domain::listings::content::{DAYS, Price, VENUE_ACCESSIBILITY, label_of};
use crate::domain::providers::organisations::PublicProfile;
use crate::domain::providers::profile::parse_website;
use crate::paths;

/// Adult social care: every service is for adults.
pub const MINIMUM_AGE: f64 = 18.0;
pub const VENUE: u16 = 0;
pub const ONLINE: u16 = 1;
/// A registered location that is not a venue people come to (a home-care agency's office).
pub const REGISTERED: u16 = 2;
pub const CQC_LOCATION: &str = "CQC location ID";
pub const CQC_PROVIDER: &str = "CQC provider ID";

/// ISO 639 codes of languages people often name; others go without a code.
fn language_code(name: &str) -> Option<&'static str> {
    const CODES: [(&str, &str); 16] = [
        ("english", "en"),
        ("polish", "pl"),
        ("urdu", "ur"),
        ("punjabi", "pa"),
        ("bengali", "bn"),
        ("gujarati", "gu"),
        ("hindi", "hi"),
        ("arabic", "ar"),
        ("somali", "so"),
        ("cantonese", "yue"),
        ("mandarin", "cmn"),
        ("welsh", "cy"),
        ("romanian", "ro"),
        ("french", "fr"),
        ("british sign language", "bfi"),
        ("bsl", "bfi"),
    ];
    let key = name.trim().to_lowercase();
    CODES.iter().find(|(n, _)| *n == key).map(|(_, c)| *c)
}

fn day_code(day: &str) -> Option<&'static str> {
    const CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    DAYS.iter().position(|(k, _)| *k == day).map(|i| CODES[i])
}

pub fn organization(p: &PublicProfile, terms: &Terms, base_url: &str) -> Organization {
    let org_id = ids::id(Kind::Organization, p.id.0, 0);
    let kind = provider_kind_term_id(p.kind).and_then(|id| terms.by_id.get(&id));
    Organization {
        attributes: Some(
            kind.map(|term| Attribute {
                id: ids::id(Kind::Attribute, p.id.0, 0xfff),
                link_id: Some(org_id.clone()),
                link_type: Some("organization".into()),
                taxonomy_term_id: Some(term.id.clone()),
                taxonomy_term: Some(term.clone()),
            })
            .into_iter()
            .collect(),
        ),
        id: org_id.clone(),
        name: p.name.clone(),
        description: p
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| p.name.clone()),
        email: p.contact_email.clone(),
        website: p.website.as_deref().and_then(|w| parse_website(w).ok()),
        logo: p
            .logo_file
            .as_ref()
            .map(|f| format!("{base_url}{}", paths::media(f))),
        uri: Some(format!("{base_url}{}", paths::provider_profile(p.id))),
        organization_identifiers: Some(
            p.cqc_provider_id
                .iter()
                .filter(|id| !id.trim().is_empty())
                .map(|id| OrganizationIdentifier {
                    id: ids::id(Kind::OrganizationIdentifier, p.id.0, 0),
                    identifier_scheme: None,
                    identifier_type: CQC_PROVIDER.into(),
                    identifier: id.clone(),
                })
                .collect(),
        ),
        phones: Some(
            p.contact_phone
                .iter()
                .map(|number| Phone {
                    id: ids::id(Kind::Phone, p.id.0, 0x800),
                    contact_id: None,
                    number: number.clone(),
                    description: None,
                })
                .collect(),
        ),
    }
}

/// The venue (if any) as a physical location with its postcode's centre in WGS84.
fn venue_location(listing_id: ListingId, p: &PublicListing) -> Option<Location> {
    let venue = p.content.venue.as_ref()?;
    let parts: Vec<&str> = venue
        .address
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let (address_1, city) = match parts.as_slice() {
        [] => (venue.address.clone(), String::new()),
        [only] => ((*only).to_owned(), String::new()),
        [first, .., last] => ((*first).to_owned(), (*last).to_owned()),
    };
    let at = locate(&venue.postcode).map(|l| to_wgs84(l.point));
    let mut accessibility: Vec<Accessibility> = venue
        .accessibility
        .iter()
        .enumerate()
        .map(|(i, key)| Accessibility {
            id: ids::id(Kind::Accessibility, listing_id, i as u16),
            description: Some(
                label_of(&VENUE_ACCESSIBILITY, key)
                    .unwrap_or(key)
                    .to_owned(),
            ),
            details: None,
        })
        .collect();
    if let Some(notes) = venue.accessibility_notes.as_ref().filter(|n| !n.is_empty()) {
        accessibility.push(Accessibility {
            id: ids::id(Kind::Accessibility, listing_id, 0xfff),
            description: Some("Access notes".into()),
            details: Some(notes.clone()),
        });
    }
    Some(Location {
        id: ids::id(Kind::Location, listing_id, VENUE),
        location_type: "physical".into(),
        name: Some(address_1.clone()),
        description: None,
        url: None,
        latitude: at.map(|(lat, _)| lat),
        longitude: at.map(|(_, lon)| lon),
        external_identifier: p.content.cqc_location_id.clone(),
        external_identifier_type: p
            .content
            .cqc_location_id
            .as_ref()
            .map(|_| CQC_LOCATION.to_owned()),
        addresses: Some(vec![Address {
            id: ids::id(Kind::Address, listing_id, VENUE),
            address_1,
            city,
            state_province: String::new(),
            postal_code: venue.postcode.clone(),
            country: "GB".into(),
            address_type: "physical".into(),
        }]),
        accessibility: Some(accessibility),
        phones: None,
    })
}

/// Where a service without a venue is registered with CQC (an agency's office), so its
/// location id is not lost or put on the organisation.
fn registered_location(listing_id: ListingId, p: &PublicListing) -> Option<Location> {
    if p.content.venue.is_some() {
        return None;
    }
    let cqc = p.content.cqc_location_id.clone()?;
    Some(Location {
        id: ids::id(Kind::Location, listing_id, REGISTERED),
        location_type: "postal".into(),
        name: Some("Registered office".into()),
        description: Some("Where CQC registers this service; people are not seen here".into()),
        external_identifier: Some(cqc),
        external_identifier_type: Some(CQC_LOCATION.into()),
        ..Default::default()
    })
}

fn online_location(listing_id: ListingId, p: &PublicListing, base_url: &str) -> Option<Location> {
    p.content.online.then(|| Location {
        id: ids::id(Kind::Location, listing_id, ONLINE),
        location_type: "virtual".into(),
        name: Some("Online".into()),
        description: Some("By phone or video, wherever you are".into()),
        url: Some(format!("{base_url}{}", paths::listing(listing_id))),
        ..Default::default()
    })
}

/// The places of a listing as service-at-locations (venue first, then online).
pub fn service_at_locations(p: &PublicListing, base_url: &str) -> Vec<ServiceAtLocation> {
    let listing_id = p.listing.id;
    let service_id = ids::id(Kind::Service, listing_id, 0);
    [
        (VENUE, venue_location(listing_id, p)),
        (ONLINE, online_location(listing_id, p, base_url)),
        (REGISTERED, registered_location(listing_id, p)),
    ]
    .into_iter()
    .filter_map(|(sub, location)| {
        location.map(|location| ServiceAtLocation {
            id: ids::id(Kind::ServiceAtLocation, listing_id, sub),
            service_id: Some(service_id.clone()),
            location_id: Some(location.id.clone()),
            location: Some(location),
            service: None,
        })
    })
    .collect()
}

fn schedules(listing_id: ListingId, p: &PublicListing, service_id: &str) -> Vec<Schedule> {
    let a = &p.content.availability;
    // No days is "not stated": no schedule, rather than one that says nothing.
    if a.days.is_empty() {
        return Vec::new();
    }
    let days: Vec<&str> = a.days.iter().filter_map(|d| day_code(d)).collect();
    let names: Vec<&str> = a.days.iter().filter_map(|d| label_of(&DAYS, d)).collect();
    let time = |t: &Option<String>| t.as_ref().map(|t| format!("{t}:00"));
    let description = match (&a.from, &a.to) {
        (Some(from), Some(to)) => format!("{} from {from} to {to}", names.join(", ")),
        _ => names.join(", "),
    };
    vec![Schedule {
        id: ids::id(Kind::Schedule, listing_id, 0),
        service_id: Some(service_id.to_owned()),
        freq: (!days.is_empty()).then(|| "WEEKLY".to_owned()),
        interval: (!days.is_empty()).then_some(1.0),
        byday: (!days.is_empty()).then(|| days.join(",")),
        opens_at: time(&a.from),
        closes_at: time(&a.to),
        description: Some(description.trim().to_owned()).filter(|d| !d.is_empty()),
        attending_type: None,
        notes: a.notes.clone(),
    }]
}

fn service_areas(listing_id: ListingId, p: &PublicListing, service_id: &str) -> Vec<ServiceArea> {
    let named = p
        .content
        .areas
        .iter()
        .enumerate()
        .map(|(i, area)| ServiceArea {
            id: ids::id(Kind::ServiceArea, listing_id, 1 + i as u16),
            service_id: Some(service_id.to_owned()),
            name: Some(area.clone()),
            service_area: Some(area.clone()),
            extent: None,
            extent_type: None,
        });
    let Some(home) = &p.content.at_home else {
        return named.collect();
    };
    let place = if p.provider.kind == ProviderKind::PersonalAssistant {
        // A personal assistant's base may be their own postcode: give only its district.
        crate::domain::postcode::parse_place(&home.place)
            .ok()
            .and_then(|p| p.split(' ').next().map(str::to_owned))
            .unwrap_or_default()
    } else {
        home.place.clone()
    };
    vec![ServiceArea {
        id: ids::id(Kind::ServiceArea, listing_id, 0),
        service_id: Some(service_id.to_owned()),
        name: Some("Home visits".into()),
        service_area: Some(format!(
            "Visits people at home within {} miles of {place}",
            home.radius_miles
        )),
        extent: None,
        extent_type: None,
    }]
    .into_iter()
    .chain(named)
    .collect()
}

fn phones(
    listing_id: ListingId,
    phones: &[crate::domain::listings::reach::Phone],
    sub: u16,
) -> Vec<Phone> {
    phones
        .iter()
        .enumerate()
        .map(|(i, phone)| Phone {
            id: ids::id(Kind::Phone, listing_id, sub + i as u16),
            contact_id: None,
            number: phone.number.clone(),
            description: phone.description.clone(),
        })
        .collect()
}

fn contacts(listing_id: ListingId, p: &PublicListing, service_id: &str) -> Vec<Contact> {
    p.content
        .reach
        .people
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let id = ids::id(Kind::Contact, listing_id, i as u16);
            Contact {
                service_id: Some(service_id.to_owned()),
                name: Some(person.name.clone()),
                title: person.title.clone(),
                phones: Some(
                    person
                        .phone
                        .iter()
                        .map(|number| Phone {
                            id: ids::id(Kind::Phone, listing_id, 0x100 + i as u16),
                            contact_id: Some(id.clone()),
                            number: number.clone(),
                            description: None,
                        })
                        .collect(),
                ),
                id,
            }
        })
        .collect()
}

/// The first line of the accreditations a CQC rating is written as; an import leaves such a
/// line out (the importing directory takes ratings from the register itself).
pub const CQC_RATING_LINE: &str = "CQC rating: ";

/// The provider's own accreditations, then CQC's rating of the location when it has one.
fn accreditations(p: &PublicListing) -> Option<String> {
    let rating = p.cqc.as_ref().filter(|s| !s.deregistered).and_then(|s| {
        s.rating.map(|r| {
            let published = s
                .published_on
                .map(|d| format!(" (published {})", crate::domain::dates::format_date(&d)))
                .unwrap_or_default();
            format!(
                "{CQC_RATING_LINE}{}{published}, Care Quality Commission location {}",
                crate::domain::cqc::rating_label(r),
                s.location_id
            )
        })
    });
    let lines: Vec<String> = p
        .content
        .accreditations
        .iter()
        .cloned()
        .chain(rating)
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The whole service, nested as `/services/{id}` returns it.
pub fn service(p: &PublicListing, terms: &Terms, base_url: &str) -> Service {
    let listing_id = p.listing.id;
    let c = &p.content;
    let service_id = ids::id(Kind::Service, listing_id, 0);
    let mut attributes: Vec<Attribute> = Vec::new();
    for (i, category) in c.category_ids.iter().enumerate() {
        if let Some(term) = terms
            .of_category
            .get(category)
            .and_then(|id| terms.by_id.get(id))
        {
            attributes.push(Attribute {
                id: ids::id(Kind::Attribute, listing_id, i as u16),
                link_id: Some(service_id.clone()),
                link_type: Some("service".into()),
                taxonomy_term_id: Some(term.id.clone()),
                taxonomy_term: Some(term.clone()),
            });
        }
    }
    for (i, group) in c.client_groups.iter().enumerate() {
        if let Some(term) = client_group_term_id(group).and_then(|id| terms.by_id.get(&id)) {
            attributes.push(Attribute {
                id: ids::id(Kind::Attribute, listing_id, 0x800 + i as u16),
                link_id: Some(service_id.clone()),
                link_type: Some("service".into()),
                taxonomy_term_id: Some(term.id.clone()),
                taxonomy_term: Some(term.clone()),
            });
        }
    }
    // A price nobody has given is no cost option at all, never a free one.
    let cost = match &c.price {
        Price::NotGiven => None,
        Price::Free => Some(CostOption {
            id: ids::id(Kind::CostOption, listing_id, 0),
            service_id: Some(service_id.clone()),
            option: Some("Free".into()),
            amount: Some(0.0),
            amount_description: c.price_notes.clone().or_else(|| Some("Free".into())),
        }),
        Price::Charged { pence, unit } => Some(CostOption {
            id: ids::id(Kind::CostOption, listing_id, 0),
            service_id: Some(service_id.clone()),
            option: Some(unit.label().into()),
            amount: Some(*pence as f64 / 100.0),
            amount_description: Some(match &c.price_notes {
                Some(notes) if !notes.is_empty() => format!("{} – {notes}", unit.label()),
                _ => unit.label().to_owned(),
            }),
        }),
    };
    Service {
        id: service_id.clone(),
        organization_id: Some(ids::id(Kind::Organization, p.provider.id.0, 0)),
        name: c.title.clone(),
        description: Some(format!("{}\n\n{}", c.summary, c.description)),
        // The service's own website, or else its page here (the organisation's email and
        // website are the organisation's, not the service's).
        url: Some(
            c.reach
                .website
                .clone()
                .unwrap_or_else(|| format!("{base_url}{}", paths::listing(listing_id))),
        ),
        email: c.reach.email.clone(),
        status: "active".into(),
        accreditations: accreditations(p),
        minimum_age: Some(MINIMUM_AGE),
        maximum_age: None,
        assured_date: p.approved_on.map(|d| d.format("%Y-%m-%d").to_string()),
        alert: (c.accepting_new_clients == Some(false))
            .then(|| "Not taking new clients at the moment".into()),
        last_modified: Some(p.modified.to_rfc3339_opts(SecondsFormat::Secs, true)),
        organization: Some(organization(&p.provider, terms, base_url)),
        schedules: Some(schedules(listing_id, p, &service_id)),
        service_areas: Some(service_areas(listing_id, p, &service_id)),
        service_at_locations: Some(service_at_locations(p, base_url)),
        languages: Some(
            c.languages
                .iter()
                .enumerate()
                .map(|(i, name)| Language {
                    id: ids::id(Kind::Language, listing_id, i as u16),
                    service_id: Some(service_id.clone()),
                    name: Some(name.clone()),
                    code: language_code(name).map(str::to_owned),
                })
                .collect(),
        ),
        cost_options: Some(cost.into_iter().collect()),
        contacts: Some(contacts(listing_id, p, &service_id)),
        attributes: Some(attributes),
        phones: Some(phones(listing_id, &c.reach.phones, 0)),
    }
}
