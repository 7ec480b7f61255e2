//! The council's review of submitted inspections: return one to the checker with comments, or
//! publish it — the listing then shows a dated "quality checked" rating (which also feeds
//! search), the provider is emailed, and an inadequate rating prompts the admin to suspend.

use chrono::Utc;
use entity::checker_assignments::AssignmentStatus;
use entity::councils::CouncilId;
use entity::inspections::InspectionStatus;
use entity::listings::ListingId;
use entity::users::UserId;
use entity::{checker_assignments, inspections, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::checking::inspections::{
    InspectionError, KEY_QUESTIONS, answers_of, score_label,
};
use crate::domain::councils::Site;
use crate::domain::listings;
use crate::domain::providers::organisations;
use crate::domain::search::changes as search_changes;
use crate::mail::{self, checking_templates as templates};
use crate::paths;

/// `council`'s inspections in a state, newest first.
pub async fn in_state(
    db: &DatabaseConnection,
    council: CouncilId,
    status: InspectionStatus,
) -> Result<Vec<inspections::Model>, DbErr> {
    inspections::Entity::find()
        .filter(inspections::Column::CouncilId.eq(council))
        .filter(inspections::Column::Status.eq(status))
        .order_by_desc(inspections::Column::UpdatedAt)
        .all(db)
        .await
}

/// One of `council`'s inspections.
pub async fn find(
    db: &DatabaseConnection,
    council: CouncilId,
    id: i64,
) -> Result<inspections::Model, InspectionError> {
    inspections::Entity::find_by_id(id)
        .filter(inspections::Column::CouncilId.eq(council))
        .one(db)
        .await?
        .ok_or(InspectionError::NotFound)
}

/// The newest published inspection of a listing.
pub async fn latest_published(
    conn: &impl ConnectionTrait,
    listing_id: ListingId,
) -> Result<Option<inspections::Model>, DbErr> {
    inspections::Entity::find()
        .filter(inspections::Column::ListingId.eq(listing_id))
        .filter(inspections::Column::Status.eq(InspectionStatus::Published))
        .order_by_desc(inspections::Column::PublishedAt)
        .one(conn)
        .await
}

/// True when the overall rating or any key question is inadequate.
pub fn is_inadequate(model: &inspections::Model) -> bool {
    model.overall_score == Some(1) || answers_of(model).values().any(|a| a.score == Some(1))
}

async fn set_assignment(
    txn: &sea_orm::DatabaseTransaction,
    assignment_id: i64,
    status: AssignmentStatus,
) -> Result<(), DbErr> {
    if let Some(a) = checker_assignments::Entity::find_by_id(assignment_id)
        .one(txn)
        .await?
    {
        let mut active: checker_assignments::ActiveModel = a.into();
        active.status = Set(status);
        active.updated_at = Set(Utc::now());
        active.update(txn).await?;
    }
    Ok(())
}

/// Sends a submitted inspection back to its checker with the council's comments.
pub async fn return_to_checker(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
    comments: &str,
) -> Result<(), InspectionError> {
    let txn = db.begin_write().await?;
    let model = inspections::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|m| actor.may_reach(m.council_id))
        .ok_or(InspectionError::NotFound)?;
    if model.status != InspectionStatus::Submitted {
        return Err(InspectionError::Closed);
    }
    let mut active: inspections::ActiveModel = model.clone().into();
    active.status = Set(InspectionStatus::Returned);
    active.admin_comments = Set(Some(comments.to_owned()));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    set_assignment(&txn, model.assignment_id, AssignmentStatus::Accepted).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::InspectionReturned, "inspection", id)
            .from(InspectionStatus::Submitted)
            .to(InspectionStatus::Returned)
            .reason(comments),
    )
    .await?;
    let title = listings::load(&txn, model.listing_id)
        .await?
        .title()
        .to_owned();
    if let Some(checker) = users::Entity::find_by_id(model.checker_user_id)
        .one(&txn)
        .await?
    {
        mail::enqueue(
            &txn,
            templates::inspection_returned(
                &checker.email,
                &checker.display_name,
                &title,
                &format!("{base_url}{}", paths::checker_inspection_step(id, "check")),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Publishes a submitted inspection: the rating shows on the listing and in search, and the
/// provider's members are emailed.
pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
) -> Result<inspections::Model, InspectionError> {
    let txn = db.begin_write().await?;
    let model = inspections::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|m| actor.may_reach(m.council_id))
        .ok_or(InspectionError::NotFound)?;
    if model.status != InspectionStatus::Submitted {
        return Err(InspectionError::Closed);
    }
    let mut active: inspections::ActiveModel = model.clone().into();
    active.status = Set(InspectionStatus::Published);
    active.published_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    let published = active.update(&txn).await?;
    set_assignment(&txn, model.assignment_id, AssignmentStatus::Published).await?;
    search_changes::record(&txn, model.listing_id).await?;
    let overall = model.overall_score.map_or("not rated", score_label);
    audit::record(
        &txn,
        actor,
        Event::new(Action::InspectionPublished, "inspection", id)
            .from(InspectionStatus::Submitted)
            .to(InspectionStatus::Published)
            .detail(format!("overall {overall}")),
    )
    .await?;
    let title = listings::load(&txn, model.listing_id)
        .await?
        .title()
        .to_owned();
    let link = format!("{base_url}{}", paths::listing_quality(model.listing_id));
    for (member, _) in organisations::members(&txn, model.organisation_id).await? {
        mail::enqueue(
            &txn,
            templates::inspection_published(
                &member.email,
                &member.display_name,
                &title,
                overall,
                &link,
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(published)
}

/// The key questions of a report as (name, score, evidence shown to the public).
pub fn public_findings(
    model: &inspections::Model,
) -> Vec<(&'static str, Option<i32>, Option<String>)> {
    let answers = answers_of(model);
    KEY_QUESTIONS
        .iter()
        .map(|(key, name, _)| {
            let a = answers.get(*key).cloned().unwrap_or_default();
            (
                *name,
                a.score,
                (!a.private && !a.evidence.is_empty()).then_some(a.evidence),
            )
        })
        .collect()
}

/// The provider's response to a published check, if it gave one.
pub async fn response_to(
    conn: &impl ConnectionTrait,
    inspection_id: i64,
) -> Result<Option<entity::inspection_responses::Model>, DbErr> {
    entity::inspection_responses::Entity::find()
        .filter(entity::inspection_responses::Column::InspectionId.eq(inspection_id))
        .one(conn)
        .await
}

/// A member of the provider responds once to the latest published check of its listing (its
/// action plan); the response shows with the public report and the admins are emailed.
pub async fn respond(
    db: &DatabaseConnection,
    actor: &Actor,
    site: &Site,
    listing_id: ListingId,
    user_id: UserId,
    body: String,
) -> Result<(), InspectionError> {
    let txn = db.begin_write().await?;
    let inspection = latest_published(&txn, listing_id)
        .await?
        .ok_or(InspectionError::NotFound)?;
    if organisations::as_member(&txn, inspection.organisation_id, user_id)
        .await
        .is_err()
    {
        return Err(InspectionError::NotFound);
    }
    if response_to(&txn, inspection.id).await?.is_some() {
        return Err(InspectionError::Closed);
    }
    sea_orm::ActiveModelTrait::insert(
        entity::inspection_responses::ActiveModel {
            inspection_id: Set(inspection.id),
            organisation_id: Set(inspection.organisation_id),
            body: Set(body),
            created_by_user_id: Set(user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::InspectionProviderResponded,
            "inspection",
            inspection.id,
        ),
    )
    .await?;
    let title = listings::load(&txn, listing_id).await?.title().to_owned();
    // The admins of the council whose inspection it is.
    for admin in crate::domain::accounts::user_admin::active_with_role(
        &txn,
        inspection.council_id,
        entity::user_roles::Role::Admin,
    )
    .await?
    {
        mail::enqueue(
            &txn,
            templates::inspection_response(
                &admin.email,
                &admin.display_name,
                &title,
                &format!("{}{}", site.base_url, paths::listing_quality(listing_id)),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
