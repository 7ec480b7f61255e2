//! Keeping published listings accurate: each has a review date; owners confirm or update it,
//! are reminded before it falls due, are flagged to admins once it passes, and the listing is
//! hidden from the public when the grace period ends too.

use chrono::{Duration, NaiveDate, Utc};
use entity::listings as listing_rows;
use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::users::UserId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::dates::format_date;
use crate::domain::listings::approval::ReviewPolicy;
use crate::domain::listings::{self, ListingError};
use crate::domain::providers::organisations;
use crate::mail::{self, templates};
use crate::paths;

/// Owners are reminded this long before a listing's review date.
pub const REVIEW_REMINDER_DAYS: i64 = 30;

/// Where a published listing stands against its review date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewState {
    Current,
    DueSoon,
    /// Past the review date: flagged to admins, still public until the grace period ends.
    Overdue,
    Hidden,
}

pub fn review_state(
    listing: &listing_rows::Model,
    policy: ReviewPolicy,
    today: NaiveDate,
) -> ReviewState {
    if listing.hidden_at.is_some() {
        return ReviewState::Hidden;
    }
    match listing.review_due {
        Some(due) if today > due + Duration::days(policy.grace_days) => ReviewState::Hidden,
        Some(due) if today > due => ReviewState::Overdue,
        Some(due) if (due - today).num_days() <= REVIEW_REMINDER_DAYS => ReviewState::DueSoon,
        _ => ReviewState::Current,
    }
}

/// The owner says the published listing is still right: the review date moves on a cycle,
/// and a listing hidden for being overdue comes back.
pub async fn confirm(
    db: &DatabaseConnection,
    actor: &Actor,
    policy: ReviewPolicy,
    today: NaiveDate,
    id: ListingId,
    user_id: UserId,
) -> Result<NaiveDate, ListingError> {
    let txn = db.begin_write().await?;
    let view = listings::as_member(&txn, id, user_id).await?;
    if view.listing.status != ListingStatus::Approved {
        return Err(ListingError::NotLive);
    }
    if view.latest().is_some_and(|v| v.content.leaves_unstated()) {
        return Err(ListingError::Unstated);
    }
    let due = today + Duration::days(policy.cycle_days);
    let was_hidden = view.listing.hidden_at.is_some();
    let mut active: listing_rows::ActiveModel = view.listing.into();
    active.review_due = Set(Some(due));
    active.review_reminder_sent_at = Set(None);
    active.hidden_at = Set(None);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let mut event = Event::new(Action::ListingReviewConfirmed, "listing", id)
        .detail(format!("next review {}", format_date(&due)));
    if was_hidden {
        event = event.from("hidden").to("published");
        crate::domain::search::changes::record(&txn, id).await?;
    }
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(due)
}

/// What one pass of the review job did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReviewPass {
    pub reminded: usize,
    pub hidden: usize,
}

/// Reminds owners of listings falling due and hides those past the grace period, each
/// listing once. Run by the jobs; `today` is a parameter so tests can move time.
pub async fn run_review_pass(
    db: &DatabaseConnection,
    base_url: &str,
    policy: ReviewPolicy,
    today: NaiveDate,
) -> Result<ReviewPass, ListingError> {
    let mut pass = ReviewPass::default();
    let due = listing_rows::Entity::find()
        .filter(listing_rows::Column::Status.eq(ListingStatus::Approved))
        .filter(listing_rows::Column::HiddenAt.is_null())
        .filter(listing_rows::Column::ReviewDue.lte(today + Duration::days(REVIEW_REMINDER_DAYS)))
        .order_by_asc(listing_rows::Column::Id)
        .all(db)
        .await?;
    for listing in due {
        let state = review_state(&listing, policy, today);
        let remind = listing.review_reminder_sent_at.is_none()
            && matches!(state, ReviewState::DueSoon | ReviewState::Overdue);
        if state != ReviewState::Hidden && !remind {
            continue;
        }
        let txn = db.begin_write().await?;
        let view = listings::load(&txn, listing.id).await?;
        let due_on = format_date(&listing.review_due.unwrap_or(today));
        let link = format!("{base_url}{}", paths::provider_listing(listing.id));
        let hide = state == ReviewState::Hidden;
        for (member, _) in organisations::members(&txn, view.org.id).await? {
            mail::enqueue(
                &txn,
                templates::listing_review_due(
                    &member.email,
                    &member.display_name,
                    view.title(),
                    &due_on,
                    hide,
                    &link,
                ),
            )
            .await?;
        }
        let mut active: listing_rows::ActiveModel = listing.clone().into();
        if hide {
            crate::domain::search::changes::record(&txn, listing.id).await?;
            active.hidden_at = Set(Some(Utc::now()));
            pass.hidden += 1;
        } else {
            pass.reminded += 1;
        }
        active.review_reminder_sent_at = Set(Some(Utc::now()));
        active.update(&txn).await?;
        let event = if hide {
            Event::new(Action::ListingHidden, "listing", listing.id)
                .from("published")
                .to("hidden")
                .detail(format!("review was due {due_on}"))
        } else {
            Event::new(Action::ListingReviewReminderSent, "listing", listing.id)
                .detail(format!("review due {due_on}"))
        };
        audit::record(&txn, &Actor::system(), event).await?;
        txn.commit().await?;
    }
    Ok(pass)
}

/// Published listings past their review date (hidden or not), oldest first: the admins' flag.
pub async fn overdue(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<Vec<listings::ListingView>, ListingError> {
    let rows = listing_rows::Entity::find()
        .filter(listing_rows::Column::Status.eq(ListingStatus::Approved))
        .filter(listing_rows::Column::ReviewDue.lt(today))
        .order_by_asc(listing_rows::Column::ReviewDue)
        .all(db)
        .await?;
    listings::views_of(db, rows).await
}

/// Numbers for the admin overview.
#[derive(Debug, Default)]
pub struct ListingCounts {
    pub waiting: u64,
    pub published: u64,
    pub overdue: u64,
    pub suspended: u64,
}

pub async fn counts(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<ListingCounts, ListingError> {
    use sea_orm::PaginatorTrait;
    let live = || {
        listing_rows::Entity::find()
            .filter(listing_rows::Column::Status.eq(ListingStatus::Approved))
    };
    Ok(ListingCounts {
        waiting: entity::listing_revisions::Entity::find()
            .filter(entity::listing_revisions::Column::Status.eq(ListingStatus::Submitted))
            .count(db)
            .await?,
        published: live()
            .filter(listing_rows::Column::SuspendedAt.is_null())
            .filter(listing_rows::Column::HiddenAt.is_null())
            .count(db)
            .await?,
        overdue: live()
            .filter(listing_rows::Column::ReviewDue.lt(today))
            .count(db)
            .await?,
        suspended: live()
            .filter(listing_rows::Column::SuspendedAt.is_not_null())
            .count(db)
            .await?,
    })
}
