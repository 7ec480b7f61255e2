//! The council's home pages: a quality checker's checks due, a commissioner's market
//! headlines, open funding rounds and statement, and the admins' queues with their counts.

use chrono::NaiveDate;
use entity::checker_assignments::AssignmentStatus;
use entity::fund_rounds::{self, RoundStatus};
use entity::inspections::{self, InspectionStatus};
use entity::listing_reports;
use entity::listing_revisions;
use entity::listings::ListingStatus;
use entity::mail_outbox::{self, MailStatus};
use entity::mps_documents::{self, MpsStatus};
use entity::provider_organisations::{self, OrganisationStatus};
use entity::service_reviews::{self, ServiceReviewStatus};
use entity::users::UserId;
use entity::{erasure_requests, fund_applications};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::DashboardError;
use crate::domain::checking::assignments::{self, AssignmentView};
use crate::domain::market::analysis::{self, Filters, Gap};

/// A checker's open work: checks offered to them to accept, and those accepted, soonest
/// due first (an inspection in progress is one of the accepted).
pub struct CheckerHome {
    pub offered: Vec<AssignmentView>,
    pub accepted: Vec<AssignmentView>,
}

pub async fn checker(
    db: &DatabaseConnection,
    user_id: UserId,
) -> Result<CheckerHome, DashboardError> {
    let (mut offered, mut accepted) = (Vec::new(), Vec::new());
    for a in assignments::for_checker(db, user_id).await? {
        match a.assignment.status {
            AssignmentStatus::Offered => offered.push(a),
            AssignmentStatus::Accepted => accepted.push(a),
            _ => {}
        }
    }
    Ok(CheckerHome { offered, accepted })
}

/// What a commissioner sees first: the market over the last 90 days, where demand is
/// highest for what is there, funding rounds open, and the statement's state.
pub struct CommissionerHome {
    pub days: i64,
    pub services: u64,
    pub providers: u64,
    pub searches: u64,
    pub searches_found_nothing: u64,
    pub enquiries: u64,
    /// The widest gaps (demand per service), with their category's name.
    pub gaps: Vec<(Gap, String)>,
    /// Rounds open to applications, with how many applications each has.
    pub open_rounds: Vec<(fund_rounds::Model, u64)>,
    /// The newest statement, published or draft.
    pub statement: Option<mps_documents::Model>,
}

pub const HEADLINE_DAYS: i64 = 90;

pub async fn commissioner(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<CommissionerHome, DashboardError> {
    let f = Filters::last_days(today, HEADLINE_DAYS);
    let supply = analysis::supply(db, &f).await?;
    let demand = analysis::demand(db, &f).await?;
    let names = analysis::top_category_names(db).await?;
    let gaps = analysis::gaps(&supply, &demand)
        .into_iter()
        .filter(|g| g.demand.searches + g.demand.enquiries > 0)
        .take(3)
        .map(|g| {
            let name = names
                .get(&g.category)
                .cloned()
                .unwrap_or_else(|| g.category.clone());
            (g, name)
        })
        .collect();
    let mut open_rounds = Vec::new();
    for round in fund_rounds::Entity::find()
        .filter(fund_rounds::Column::Status.eq(RoundStatus::Published))
        .filter(fund_rounds::Column::ClosesOn.gte(today))
        .order_by_asc(fund_rounds::Column::ClosesOn)
        .all(db)
        .await?
    {
        let applications = fund_applications::Entity::find()
            .filter(fund_applications::Column::RoundId.eq(round.id))
            .count(db)
            .await?;
        open_rounds.push((round, applications));
    }
    let statement = mps_documents::Entity::find()
        .order_by_desc(mps_documents::Column::Id)
        .one(db)
        .await?;
    let services = crate::domain::listings::review::counts(db, today)
        .await?
        .published;
    Ok(CommissionerHome {
        days: HEADLINE_DAYS,
        services,
        providers: crate::domain::providers::organisations::count_approved(db).await?,
        searches: demand.values().map(|d| d.searches).sum(),
        searches_found_nothing: demand.values().map(|d| d.zero_results).sum(),
        enquiries: demand.values().map(|d| d.enquiries).sum(),
        gaps,
        open_rounds,
        statement: statement
            .filter(|s| s.status == MpsStatus::Published || s.status == MpsStatus::Draft),
    })
}

/// The admins' queues and how many wait in each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdminQueues {
    pub listings: u64,
    pub providers: u64,
    pub reviews: u64,
    pub inspections: u64,
    pub erasure_requests: u64,
    pub reports: u64,
    pub cqc_changes: u64,
    pub failed_mail: u64,
}

impl AdminQueues {
    pub fn total(&self) -> u64 {
        self.listings
            + self.providers
            + self.reviews
            + self.inspections
            + self.erasure_requests
            + self.reports
            + self.cqc_changes
            + self.failed_mail
    }
}

/// What waits for `council`'s admins. Provider and listing approvals, CQC changes and failed
/// mail are the deployment's until approvals are per council.
pub async fn admin_queues(
    conn: &impl ConnectionTrait,
    council: entity::councils::CouncilId,
) -> Result<AdminQueues, DbErr> {
    use sea_orm::{QuerySelect, QueryTrait};
    let enquiries_here = entity::enquiries::Entity::find()
        .select_only()
        .column(entity::enquiries::Column::Id)
        .filter(entity::enquiries::Column::CouncilId.eq(council))
        .into_query();
    Ok(AdminQueues {
        listings: listing_revisions::Entity::find()
            .filter(listing_revisions::Column::Status.eq(ListingStatus::Submitted))
            .count(conn)
            .await?,
        providers: provider_organisations::Entity::find()
            .filter(provider_organisations::Column::Status.eq(OrganisationStatus::Submitted))
            .count(conn)
            .await?,
        reviews: service_reviews::Entity::find()
            .filter(service_reviews::Column::EnquiryId.in_subquery(enquiries_here))
            .filter(service_reviews::Column::Status.eq(ServiceReviewStatus::Pending))
            .count(conn)
            .await?,
        inspections: inspections::Entity::find()
            .filter(inspections::Column::CouncilId.eq(council))
            .filter(inspections::Column::Status.eq(InspectionStatus::Submitted))
            .count(conn)
            .await?,
        erasure_requests: erasure_requests::Entity::find()
            .filter(
                erasure_requests::Column::UserId
                    .in_subquery(crate::domain::accounts::user_admin::accounts_of(council)),
            )
            .filter(erasure_requests::Column::ClosedAt.is_null())
            .count(conn)
            .await?,
        reports: listing_reports::Entity::find()
            .filter(listing_reports::Column::CouncilId.eq(council))
            .filter(listing_reports::Column::ResolvedAt.is_null())
            .count(conn)
            .await?,
        cqc_changes: crate::domain::cqc::changes::open_count(conn).await?,
        failed_mail: mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Status.eq(MailStatus::Failed))
            .count(conn)
            .await?,
    })
}
