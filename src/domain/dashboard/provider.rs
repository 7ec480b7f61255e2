//! A provider's home page: for each organisation they belong to, the enquiries that need a
//! reply (with the days left before an unanswered one closes), listings by state, checks
//! and reviews due, and evidence running out.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enquiries::{self, EnquiryStatus};
use entity::listings::{ListingId, ListingStatus};
use entity::provider_evidence::EvidenceKind;
use entity::provider_organisations;
use entity::service_reviews::{self, ServiceReviewStatus};
use entity::users::UserId;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{DashboardError, EnquiryLine};
use crate::domain::enquiries::awaiting_provider;
use crate::domain::listings;
use crate::domain::providers::evidence as provider_evidence;
use crate::domain::providers::evidence_expiry::{Expiry, expiry_of};
use crate::domain::providers::organisations;

/// Checks due within this many days are shown.
const DUE_SOON_DAYS: i64 = 30;

/// Listings of one state, for the "listings by state" line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListingState {
    Published,
    WaitingForCouncil,
    ChangesRequested,
    Draft,
    Suspended,
}

impl ListingState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Published => "Published",
            Self::WaitingForCouncil => "Waiting for the council",
            Self::ChangesRequested => "Changes requested",
            Self::Draft => "Draft",
            Self::Suspended => "Suspended or hidden",
        }
    }
}

pub struct OrganisationHome {
    pub org: provider_organisations::Model,
    /// Open enquiries nobody has answered yet, oldest first, with days left.
    pub unanswered: Vec<EnquiryLine>,
    /// Answered enquiries whose last word is the enquirer's.
    pub waiting_reply: Vec<EnquiryLine>,
    pub listings: Vec<(ListingState, usize)>,
    /// Published listings whose yearly check is due soon or overdue: (id, title, due).
    pub checks_due: Vec<(ListingId, String, NaiveDate)>,
    /// Published reviews of their services without a reply.
    pub reviews_to_answer: u64,
    /// Placement requests the homes have not answered, or are still assessing.
    pub placements_waiting: u64,
    /// Evidence lapsed or running out: (kind, expires on).
    pub evidence: Vec<(EvidenceKind, Expiry, Option<NaiveDate>)>,
}

fn days_left(created: DateTime<Utc>, now: DateTime<Utc>, after_days: i64) -> i64 {
    (after_days - (now - created).num_days()).max(0)
}

pub async fn home(
    db: &DatabaseConnection,
    user_id: UserId,
    now: DateTime<Utc>,
    today: NaiveDate,
    no_response_days: i64,
) -> Result<Vec<OrganisationHome>, DashboardError> {
    let mut out = Vec::new();
    for (org, _) in organisations::of_user(db, user_id).await? {
        out.push(organisation(db, org, now, today, no_response_days).await?);
    }
    Ok(out)
}

async fn organisation(
    db: &DatabaseConnection,
    org: provider_organisations::Model,
    now: DateTime<Utc>,
    today: NaiveDate,
    no_response_days: i64,
) -> Result<OrganisationHome, DashboardError> {
    let open = enquiries::Entity::find()
        .filter(enquiries::Column::OrganisationId.eq(org.id))
        .filter(enquiries::Column::Status.eq(EnquiryStatus::Open))
        .order_by_asc(enquiries::Column::CreatedAt)
        .all(db)
        .await?;
    let (mut unanswered, mut waiting_reply) = (Vec::new(), Vec::new());
    let views = listings::of_organisation(db, org.id).await?;
    let title_of = |id: ListingId| {
        views
            .iter()
            .find(|v| v.listing.id == id)
            .map_or_else(String::new, |v| v.title().to_owned())
    };
    for e in open {
        let line = EnquiryLine {
            id: e.id,
            listing_title: title_of(e.listing_id),
            with: e.contact_name.clone(),
            last_message_at: e.last_message_at,
            days_left: e
                .first_response_at
                .is_none()
                .then(|| days_left(e.created_at, now, no_response_days)),
        };
        if e.first_response_at.is_none() {
            unanswered.push(line);
        } else if awaiting_provider(db, &e).await? {
            waiting_reply.push(line);
        }
    }
    let mut states: std::collections::BTreeMap<ListingState, usize> = Default::default();
    let mut checks_due = Vec::new();
    for v in &views {
        let l = &v.listing;
        let state = match l.status {
            ListingStatus::Archived => continue,
            ListingStatus::Approved if l.suspended_at.is_some() || l.hidden_at.is_some() => {
                ListingState::Suspended
            }
            ListingStatus::Approved => ListingState::Published,
            ListingStatus::Submitted => ListingState::WaitingForCouncil,
            ListingStatus::ChangesRequested => ListingState::ChangesRequested,
            _ => ListingState::Draft,
        };
        *states.entry(state).or_default() += 1;
        if state == ListingState::Published
            && let Some(due) = l.review_due
            && (due - today).num_days() <= DUE_SOON_DAYS
        {
            checks_due.push((l.id, v.title().to_owned(), due));
        }
    }
    checks_due.sort_by_key(|(_, _, due)| *due);
    let reviews_to_answer = service_reviews::Entity::find()
        .filter(service_reviews::Column::OrganisationId.eq(org.id))
        .filter(service_reviews::Column::Status.eq(ServiceReviewStatus::Published))
        .filter(service_reviews::Column::ProviderReply.is_null())
        .count(db)
        .await?;
    let placements_waiting = entity::placement_offers::Entity::find()
        .filter(entity::placement_offers::Column::OrganisationId.eq(org.id))
        .filter(entity::placement_offers::Column::Status.is_in([
            entity::placement_offers::OfferStatus::Sent,
            entity::placement_offers::OfferStatus::Assessing,
        ]))
        .count(db)
        .await?;
    let evidence = provider_evidence::of_organisation(db, org.id)
        .await?
        .into_iter()
        .filter_map(|e| match expiry_of(&e, today) {
            Expiry::Current => None,
            other => Some((e.kind, other, e.expires_on)),
        })
        .collect();
    Ok(OrganisationHome {
        org,
        unanswered,
        waiting_reply,
        listings: states.into_iter().collect(),
        checks_due,
        reviews_to_answer,
        placements_waiting,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_count_down_to_zero() {
        let now = Utc::now();
        assert_eq!(days_left(now - chrono::Duration::days(3), now, 14), 11);
        assert_eq!(days_left(now - chrono::Duration::days(20), now, 14), 0);
    }
}
