//! After an award: the conditions (recorded with the decision), payments made (never more
//! than the award), milestones agreed and met, and the listings the award produced.

use chrono::{NaiveDate, Utc};
use entity::fund_applications::FundDecision;
use entity::listings::ListingId;
use entity::users::UserId;
use entity::{fund_award_listings, fund_milestones, fund_payments};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::dates::required_date;
use crate::domain::fund::applications::{self, ApplicationView};
use crate::domain::fund::rounds::FundError;
use crate::domain::listings;
use crate::domain::listings::content::format_pounds;
use crate::domain::money::parse_amount;
use crate::domain::validation::{FieldErrors, FormFields, optional_text, required_text};

pub struct AwardView {
    pub view: ApplicationView,
    pub payments: Vec<fund_payments::Model>,
    pub milestones: Vec<fund_milestones::Model>,
    /// (listing id, title, public?)
    pub listings: Vec<(ListingId, String, bool)>,
}

impl AwardView {
    pub fn awarded(&self) -> i64 {
        self.view.application.award_pence.unwrap_or_default()
    }

    pub fn paid(&self) -> i64 {
        self.payments.iter().map(|p| p.amount_pence).sum()
    }
}

/// An awarded application with its tracking; anything else is "not found".
pub async fn load(
    conn: &impl ConnectionTrait,
    application_id: i64,
) -> Result<AwardView, FundError> {
    let view = applications::load(conn, application_id).await?;
    if view.application.decision != Some(FundDecision::Award) {
        return Err(FundError::NotFound);
    }
    let payments = fund_payments::Entity::find()
        .filter(fund_payments::Column::ApplicationId.eq(application_id))
        .order_by_asc(fund_payments::Column::PaidOn)
        .all(conn)
        .await?;
    let milestones = fund_milestones::Entity::find()
        .filter(fund_milestones::Column::ApplicationId.eq(application_id))
        .order_by_asc(fund_milestones::Column::DueOn)
        .all(conn)
        .await?;
    let links = fund_award_listings::Entity::find()
        .filter(fund_award_listings::Column::ApplicationId.eq(application_id))
        .order_by_asc(fund_award_listings::Column::Id)
        .all(conn)
        .await?;
    let mut listed = Vec::with_capacity(links.len());
    for link in links {
        if let Ok(l) = listings::load(conn, link.listing_id).await {
            listed.push((link.listing_id, l.title().to_owned(), l.is_public()));
        }
    }
    Ok(AwardView {
        view,
        payments,
        milestones,
        listings: listed,
    })
}

/// Records a payment; the payments may not come to more than the award.
pub async fn add_payment(
    db: &DatabaseConnection,
    actor: &Actor,
    application_id: i64,
    user_id: UserId,
    f: &FormFields,
    today: NaiveDate,
) -> Result<Result<(), FieldErrors>, FundError> {
    let award = load(db, application_id).await?;
    let mut e = FieldErrors::default();
    let paid_on = required_date(&mut e, f, "paid", "The payment date");
    if paid_on.is_some_and(|d| d > today) {
        e.add("paid", "The payment date cannot be in the future");
    }
    let amount = e.take(
        "payment",
        parse_amount(&f.one("payment"), "the amount paid"),
    );
    let note = optional_text(
        &mut e,
        "payment_note",
        &f.one("payment_note"),
        300,
        "The note",
    )
    .unwrap_or_default();
    if let Some(a) = amount
        && award.paid() + a > award.awarded()
    {
        e.add(
            "payment",
            format!(
                "Payments would come to {}, more than the award of {}",
                format_pounds(award.paid() + a),
                format_pounds(award.awarded())
            ),
        );
    }
    let (Some(paid_on), Some(amount)) = (paid_on, amount) else {
        return Ok(Err(e));
    };
    if !e.is_empty() {
        return Ok(Err(e));
    }
    let txn = db.begin_write().await?;
    fund_payments::ActiveModel {
        application_id: Set(application_id),
        paid_on: Set(paid_on),
        amount_pence: Set(amount),
        note: Set(note),
        recorded_by_user_id: Set(user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::FundAwardPaymentRecorded,
            "fund_application",
            application_id,
        )
        .detail(format!("{} on {paid_on}", format_pounds(amount))),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

pub async fn add_milestone(
    db: &DatabaseConnection,
    actor: &Actor,
    application_id: i64,
    f: &FormFields,
) -> Result<Result<(), FieldErrors>, FundError> {
    load(db, application_id).await?;
    let mut e = FieldErrors::default();
    let title = required_text(
        &mut e,
        "milestone",
        &f.one("milestone"),
        200,
        "the milestone",
    );
    let due_on = required_date(&mut e, f, "due", "The due date");
    let (Some(title), Some(due_on)) = (title, due_on) else {
        return Ok(Err(e));
    };
    let txn = db.begin_write().await?;
    let row = fund_milestones::ActiveModel {
        application_id: Set(application_id),
        title: Set(title),
        due_on: Set(due_on),
        done_on: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::FundAwardMilestoneAdded,
            "fund_application",
            application_id,
        )
        .detail(format!("milestone {}", row.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

pub async fn milestone_met(
    db: &DatabaseConnection,
    actor: &Actor,
    application_id: i64,
    milestone_id: i64,
    today: NaiveDate,
) -> Result<(), FundError> {
    load(db, application_id).await?;
    let milestone = fund_milestones::Entity::find_by_id(milestone_id)
        .filter(fund_milestones::Column::ApplicationId.eq(application_id))
        .one(db)
        .await?
        .ok_or(FundError::NotFound)?;
    if milestone.done_on.is_some() {
        return Err(FundError::refused(
            "This milestone is already marked as met",
        ));
    }
    let txn = db.begin_write().await?;
    let mut active: fund_milestones::ActiveModel = milestone.into();
    active.done_on = Set(Some(today));
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::FundAwardMilestoneMet,
            "fund_application",
            application_id,
        )
        .detail(format!("milestone {milestone_id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Links one of the recipient's listings to the award.
pub async fn link_listing(
    db: &DatabaseConnection,
    actor: &Actor,
    application_id: i64,
    listing_id: ListingId,
) -> Result<Result<(), FieldErrors>, FundError> {
    let award = load(db, application_id).await?;
    let mut e = FieldErrors::default();
    let belongs = listings::load(db, listing_id)
        .await
        .is_ok_and(|l| l.listing.organisation_id == award.view.organisation.id);
    if !belongs {
        e.add("listing", "Choose one of the recipient’s listings");
        return Ok(Err(e));
    }
    if award.listings.iter().any(|(id, _, _)| *id == listing_id) {
        e.add("listing", "That listing is already linked");
        return Ok(Err(e));
    }
    let txn = db.begin_write().await?;
    fund_award_listings::ActiveModel {
        application_id: Set(application_id),
        listing_id: Set(listing_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::FundAwardListingLinked,
            "fund_application",
            application_id,
        )
        .detail(format!("listing {listing_id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Every award of a round with its tracking, in decision order.
pub async fn of_round(db: &DatabaseConnection, round_id: i64) -> Result<Vec<AwardView>, FundError> {
    let mut out = Vec::new();
    for app in applications::submitted_in(db, round_id).await? {
        if app.decision == Some(FundDecision::Award) {
            out.push(load(db, app.id).await?);
        }
    }
    out.sort_by_key(|a| a.view.application.decided_at);
    Ok(out)
}

/// Every award in every round (for the open-data export), oldest first.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<AwardView>, FundError> {
    let ids: Vec<i64> = entity::fund_applications::Entity::find()
        .filter(entity::fund_applications::Column::Decision.eq(FundDecision::Award))
        .order_by_asc(entity::fund_applications::Column::DecidedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(load(db, id).await?);
    }
    Ok(out)
}
