//! Draft listings for registered locations in the council's area that Kith has no listing
//! for: made from what the register says (name, address, type of care, who it is for) and
//! written by the directory import, so each waits for the council's approval with its
//! provider organisation made from CQC's provider id and name. Prices, days and intake are
//! left not stated: the register does not give them.

use entity::provider_organisations::ProviderKind;
use entity::{cqc_locations, provider_organisations};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::CqcSummary;
use super::import::listings_by_location;
use crate::domain::import::rows::{ImportRow, OrganisationIn, Read, Vocabulary};
use crate::domain::listings::form::ListingForm;

/// The source ids the import keeps for rows made from the register.
pub const SOURCE_PREFIX: &str = "cqc:";

/// The registered locations in the area with no Kith listing (not dormant, still
/// registered), of providers Kith does not know: a provider already in Kith is invited to
/// list its own locations instead (see the changes queue).
pub async fn unlisted_in_area(
    conn: &impl ConnectionTrait,
    local_authority: &str,
) -> Result<Vec<cqc_locations::Model>, DbErr> {
    let listed = listings_by_location(conn).await?;
    let known: std::collections::BTreeSet<String> = provider_organisations::Entity::find()
        .filter(provider_organisations::Column::CqcProviderId.is_not_null())
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|o| o.cqc_provider_id)
        .collect();
    Ok(cqc_locations::Entity::find()
        .filter(cqc_locations::Column::RemovedAt.is_null())
        .filter(cqc_locations::Column::Dormant.eq(false))
        .order_by_asc(cqc_locations::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .filter(|l| l.local_authority.eq_ignore_ascii_case(local_authority))
        .filter(|l| !listed.contains_key(&l.location_id))
        .filter(|l| !known.contains(&l.provider_id))
        .collect())
}

/// CQC's user bands → Kith's client groups.
fn client_groups(summary: &CqcSummary) -> Vec<String> {
    let mut groups = Vec::new();
    for band in &summary.user_bands {
        let band = band.to_lowercase();
        let key = if band.contains("older") || band.contains("dementia") {
            "older_people"
        } else if band.contains("learning") {
            "learning_disability"
        } else if band.contains("autis") {
            "autism"
        } else if band.contains("mental") {
            "mental_health"
        } else if band.contains("physical") || band.contains("sensory") {
            "physical_sensory_disability"
        } else {
            continue;
        };
        if !groups.iter().any(|g| g == key) {
            groups.push(key.to_owned());
        }
    }
    if groups.is_empty() {
        groups.push("older_people".to_owned());
    }
    groups
}

/// The types of support a registered location offers, by Kith's category slugs.
fn category_slugs(location: &cqc_locations::Model, summary: &CqcSummary) -> Vec<&'static str> {
    if location.care_home {
        let mut slugs = vec![if summary.nursing() {
            "care-homes-nursing"
        } else {
            "care-homes-residential"
        }];
        if summary.dementia() {
            slugs.push("care-homes-dementia");
        }
        return slugs;
    }
    let types = summary.service_types.join(" ").to_lowercase();
    if types.contains("supported living") {
        vec!["supported-living"]
    } else {
        vec!["personal-care"]
    }
}

/// The import row for one location.
pub fn row_for(location: &cqc_locations::Model, vocabulary: &Vocabulary) -> ImportRow {
    let summary = CqcSummary::of(location);
    let what = if location.care_home {
        match (summary.nursing(), location.beds) {
            (true, Some(beds)) => {
                format!("A care home with nursing, registered for {beds} people.")
            }
            (true, None) => "A care home with nursing.".to_owned(),
            (false, Some(beds)) => format!("A care home registered for {beds} people."),
            (false, None) => "A care home.".to_owned(),
        }
    } else {
        format!(
            "A service registered with the Care Quality Commission: {}.",
            summary.service_types.join(", ").to_lowercase()
        )
    };
    let address: String = [location.street.as_deref(), location.town.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let form = ListingForm {
        title: location.name.chars().take(80).collect(),
        summary: what.clone(),
        description: format!(
            "{what} Run by {}. The provider has not yet added its own description, prices or availability: ask them.",
            location.provider_name
        ),
        categories: category_slugs(location, &summary)
            .into_iter()
            .filter_map(|slug| vocabulary.category(slug))
            .map(|id| id.to_string())
            .collect(),
        client_groups: client_groups(&summary),
        delivery: vec![if location.care_home { "venue" } else { "home" }.to_owned()],
        venue_address: if address.is_empty() {
            location.name.clone()
        } else {
            address
        }
        .chars()
        .take(200)
        .collect(),
        phones: location.phone.clone().unwrap_or_default(),
        service_website: location.website.clone().unwrap_or_default(),
        venue_postcode: location.postcode.clone(),
        home_place: location.postcode.clone(),
        home_radius: "5".to_owned(),
        written_in: "en".to_owned(),
        cqc_location_id: location.location_id.clone(),
        allow_unstated: true,
        ..ListingForm::default()
    };
    ImportRow {
        label: format!("{} ({})", location.name, location.location_id),
        source_id: format!("{SOURCE_PREFIX}{}", location.location_id),
        organisation: OrganisationIn {
            source_id: format!("{SOURCE_PREFIX}{}", location.provider_id),
            name: location.provider_name.clone(),
            kind: ProviderKind::RegisteredCareProvider.as_str().to_owned(),
            cqc_provider_id: Some(location.provider_id.clone()).filter(|p| !p.is_empty()),
            ..OrganisationIn::default()
        },
        form,
        left_out: Vec::new(),
    }
}

/// Rows for every unlisted registered location in the area.
pub fn rows_for(locations: &[cqc_locations::Model], vocabulary: &Vocabulary) -> Read {
    Read {
        items: locations
            .iter()
            .map(|l| Ok(row_for(l, vocabulary)))
            .collect(),
    }
}
