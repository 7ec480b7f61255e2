//! Records whose places Kith's postcode data does not hold: kept from before every form
//! checked places (a listing "from ZZ99 9ZZ", an enquiry from "ZZ99 9"). `kith check-data`
//! prints them so the council can correct them; the market figures already count such a
//! place as no place (`market::analysis::known_district`).

use entity::{
    broker_clients, checker_profiles, enquiries, fund_rounds, listing_revisions, listings,
    provider_organisations,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::listings::content::ListingContent;

/// One place that is not in the postcode data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPlace {
    /// What holds it, as a person would say: "listing 12 (live version)".
    pub record: String,
    /// Which of its fields.
    pub field: &'static str,
    pub value: String,
}

/// Whether a stored place (a postcode, sector or district, in any case and spacing) is one
/// Kith's postcode data holds. Blank is not a place, so not unknown.
fn unknown(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty() && crate::domain::postcode::parse_place(value).is_err()
}

/// The districts in a stored list ("M16, M32") that are not known.
fn unknown_districts(list: &str) -> Vec<String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|d| unknown(d))
        .map(str::to_owned)
        .collect()
}

/// Every stored place the postcode data does not hold, record by record.
pub async fn unknown_places(conn: &impl ConnectionTrait) -> Result<Vec<UnknownPlace>, DbErr> {
    let mut out = Vec::new();
    let mut push = |record: String, field: &'static str, value: String| {
        out.push(UnknownPlace {
            record,
            field,
            value,
        })
    };
    for org in provider_organisations::Entity::find().all(conn).await? {
        let record = format!("organisation {} ({})", org.id, org.name);
        if let Some(postcode) = org.postcode.filter(|p| unknown(p)) {
            push(record.clone(), "postcode", postcode);
        }
        for district in unknown_districts(org.areas_served.as_deref().unwrap_or_default()) {
            push(record.clone(), "areas served", district);
        }
    }
    let listed: Vec<(listings::ListingId, Option<i64>, Option<i64>)> = listings::Entity::find()
        .select_only()
        .column(listings::Column::Id)
        .column(listings::Column::LiveRevisionId)
        .column(listings::Column::WorkingRevisionId)
        .into_tuple()
        .all(conn)
        .await?;
    for (id, live, working) in listed {
        for (revision, which) in [(live, "live version"), (working, "version being edited")] {
            let Some(revision) = revision else { continue };
            let Some(row) = listing_revisions::Entity::find_by_id(revision)
                .one(conn)
                .await?
            else {
                continue;
            };
            let Ok(content) = ListingContent::from_json(&row.content) else {
                continue;
            };
            let record = format!("listing {id} ({which})");
            if let Some(home) = content.at_home.filter(|h| unknown(&h.place)) {
                push(record.clone(), "travels from", home.place);
            }
            if let Some(venue) = content.venue.filter(|v| unknown(&v.postcode)) {
                push(record.clone(), "venue postcode", venue.postcode);
            }
        }
    }
    let sent: Vec<(i64, Option<String>)> = enquiries::Entity::find()
        .select_only()
        .column(enquiries::Column::Id)
        .column(enquiries::Column::PostcodeSector)
        .filter(enquiries::Column::PostcodeSector.is_not_null())
        .into_tuple()
        .all(conn)
        .await?;
    for (id, sector) in sent {
        if let Some(sector) = sector.filter(|s| unknown(s)) {
            push(format!("enquiry {id}"), "postcode", sector);
        }
    }
    for client in broker_clients::Entity::find()
        .filter(broker_clients::Column::PostcodeSector.is_not_null())
        .all(conn)
        .await?
    {
        if let Some(sector) = client.postcode_sector.filter(|s| unknown(s)) {
            push(format!("broker's client {}", client.id), "postcode", sector);
        }
    }
    for round in fund_rounds::Entity::find().all(conn).await? {
        for district in unknown_districts(&round.districts) {
            push(
                format!("fund round {} ({})", round.id, round.title),
                "districts",
                district,
            );
        }
    }
    for profile in checker_profiles::Entity::find().all(conn).await? {
        for district in unknown_districts(&profile.areas) {
            push(
                format!("quality checker {}", profile.user_id),
                "areas",
                district,
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_places_the_postcode_data_lacks_are_unknown() {
        assert!(unknown("ZZ99 9ZZ") && unknown("zz99 9") && unknown("ZZ99"));
        assert!(!unknown("m33 7ab") && !unknown("M33 7") && !unknown("WA14") && !unknown(" "));
        assert_eq!(unknown_districts("M16, ZZ99 WA14"), vec!["ZZ99".to_owned()]);
    }
}
