//! The quality re-check schedule: every published listing falls due for a check a set time
//! after its last published inspection (sooner after a poor rating), or after it was first
//! published if it has never been checked. Admins see what is due, overdue and unassigned,
//! by postcode district.

use entity::checker_assignments::AssignmentStatus;
use entity::inspections::InspectionStatus;
use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::provider_organisations::OrganisationId;
use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use entity::{
    checker_assignments, inspections, listing_revisions, listings as listing_rows,
    provider_organisations,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use crate::domain::listings::content::ListingContent;

/// How often listings are checked, in days.
#[derive(Clone, Copy, Debug)]
pub struct RecheckPolicy {
    /// After a good or outstanding rating.
    pub cycle_days: i64,
    /// After "requires improvement" or "inadequate".
    pub poor_days: i64,
    /// After first publication, for a listing never checked.
    pub first_check_days: i64,
}

/// When a listing is next due for a check.
pub fn due_on(
    policy: RecheckPolicy,
    first_published: Option<NaiveDate>,
    last_check: Option<(NaiveDate, Option<i32>)>,
) -> Option<NaiveDate> {
    match last_check {
        Some((on, rating)) if rating.is_some_and(|r| r <= 2) => {
            Some(on + Duration::days(policy.poor_days))
        }
        Some((on, _)) => Some(on + Duration::days(policy.cycle_days)),
        None => first_published.map(|d| d + Duration::days(policy.first_check_days)),
    }
}

/// One listing on the schedule.
#[derive(Clone, Debug)]
pub struct DueListing {
    pub listing_id: ListingId,
    pub title: String,
    pub provider_name: String,
    /// Postcode district the service is in or around ("M33"), if known.
    pub district: Option<String>,
    pub due_on: NaiveDate,
    pub last_rating: Option<i32>,
    /// A check is already offered, accepted or awaiting review.
    pub assigned: bool,
}

impl DueListing {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.due_on < today
    }
}

fn district_of(content: &ListingContent) -> Option<String> {
    let place = content
        .at_home
        .as_ref()
        .map(|h| h.place.clone())
        .or_else(|| content.venue.as_ref().map(|v| v.postcode.clone()))?;
    place.split_whitespace().next().map(str::to_owned)
}

/// Published listings (suspended ones too) due within `horizon_days` of `today`, or overdue,
/// soonest first.
pub async fn schedule(
    db: &DatabaseConnection,
    policy: RecheckPolicy,
    today: NaiveDate,
    horizon_days: i64,
) -> Result<Vec<DueListing>, DbErr> {
    let rows = listing_rows::Entity::find()
        .filter(listing_rows::Column::Status.eq(ListingStatus::Approved))
        .all(db)
        .await?;
    let ids: Vec<ListingId> = rows.iter().map(|l| l.id).collect();
    let live_ids: Vec<i64> = rows.iter().filter_map(|l| l.live_revision_id).collect();
    let org_ids: Vec<OrganisationId> = rows.iter().map(|l| l.organisation_id).collect();
    let mut revisions: HashMap<i64, listing_revisions::Model> = HashMap::new();
    let mut last: HashMap<ListingId, inspections::Model> = HashMap::new();
    let mut assigned: std::collections::HashSet<ListingId> = std::collections::HashSet::new();
    let mut orgs: HashMap<OrganisationId, String> = HashMap::new();
    for chunk in live_ids.chunks(500) {
        for r in listing_revisions::Entity::find()
            .filter(listing_revisions::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            revisions.insert(r.id, r);
        }
    }
    for chunk in ids.chunks(500) {
        for i in inspections::Entity::find()
            .filter(inspections::Column::ListingId.is_in(chunk.to_vec()))
            .filter(inspections::Column::Status.eq(InspectionStatus::Published))
            .all(db)
            .await?
        {
            let newer = last
                .get(&i.listing_id)
                .is_none_or(|prev| prev.published_at < i.published_at);
            if newer {
                last.insert(i.listing_id, i);
            }
        }
        for a in checker_assignments::Entity::find()
            .filter(checker_assignments::Column::ListingId.is_in(chunk.to_vec()))
            .filter(checker_assignments::Column::Status.is_in([
                AssignmentStatus::Offered,
                AssignmentStatus::Accepted,
                AssignmentStatus::Submitted,
            ]))
            .all(db)
            .await?
        {
            assigned.insert(a.listing_id);
        }
    }
    for chunk in org_ids.chunks(500) {
        for o in provider_organisations::Entity::find()
            .filter(provider_organisations::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            orgs.insert(o.id, o.name);
        }
    }
    let horizon = today + Duration::days(horizon_days);
    let mut out: Vec<DueListing> = rows
        .into_iter()
        .filter_map(|l| {
            let revision = l.live_revision_id.and_then(|id| revisions.get(&id))?;
            let inspection = last.get(&l.id);
            let due = due_on(
                policy,
                l.published_at.map(|d| d.date_naive()),
                inspection.and_then(|i| i.published_at.map(|p| (p.date_naive(), i.overall_score))),
            )?;
            (due <= horizon).then(|| DueListing {
                listing_id: l.id,
                title: revision.title.clone(),
                provider_name: orgs.get(&l.organisation_id).cloned().unwrap_or_default(),
                district: ListingContent::from_json(&revision.content)
                    .ok()
                    .as_ref()
                    .and_then(district_of),
                due_on: due,
                last_rating: inspection.and_then(|i| i.overall_score),
                assigned: assigned.contains(&l.id),
            })
        })
        .collect();
    out.sort_by_key(|d| (d.due_on, d.listing_id));
    Ok(out)
}

/// Counts by district: (due soon, overdue, unassigned).
pub fn by_district(
    due: &[DueListing],
    today: NaiveDate,
) -> BTreeMap<String, (usize, usize, usize)> {
    let mut out: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for d in due {
        let entry = out
            .entry(d.district.clone().unwrap_or_else(|| "Unknown".into()))
            .or_default();
        if d.overdue(today) {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
        if !d.assigned {
            entry.2 += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RecheckPolicy = RecheckPolicy {
        cycle_days: 365,
        poor_days: 90,
        first_check_days: 60,
    };

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn poor_ratings_come_round_sooner() {
        let published = Some(day("2026-01-01"));
        assert_eq!(due_on(POLICY, published, None), Some(day("2026-03-02")));
        assert_eq!(
            due_on(POLICY, published, Some((day("2026-02-01"), Some(3)))),
            Some(day("2027-02-01"))
        );
        assert_eq!(
            due_on(POLICY, published, Some((day("2026-02-01"), Some(2)))),
            Some(day("2026-05-02"))
        );
        assert_eq!(
            due_on(POLICY, published, Some((day("2026-02-01"), Some(1)))),
            Some(day("2026-05-02"))
        );
        assert_eq!(due_on(POLICY, None, None), None);
    }
}
