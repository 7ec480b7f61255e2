//! Reviews: after an enquiry ends with support arranged, the budget holder (or the broker,
//! for a client) may review the service once. Admins publish or reject each review; a
//! published review shows on the listing, and the provider may reply once.

use chrono::Utc;
use entity::enquiries::EnquiryOutcome;
use entity::listings::ListingId;
use entity::provider_organisations::OrganisationId;
use entity::service_reviews::ServiceReviewStatus;
use entity::users::UserId;
use entity::{enquiries, service_reviews, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::enquiries::{Side, side_of};
use crate::domain::listings;
use crate::domain::providers::organisations;
use crate::domain::validation::{FieldErrors, FormFields, optional_text, required_text};
use crate::mail::{self, enquiry_templates as templates};
use crate::paths;

pub const MAX_BODY_CHARS: usize = 2000;
const MAX_NAME_CHARS: usize = 60;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("review not found")]
    NotFound,
    #[error("You can review a service once support has been arranged through the enquiry")]
    NotArranged,
    #[error("You have already reviewed this service for this enquiry")]
    AlreadyReviewed,
    #[error("This review has already been moderated")]
    AlreadyModerated,
    #[error("The provider has already replied to this review")]
    AlreadyReplied,
    #[error("Say why the review is not published, so the reviewer can understand")]
    NoteRequired,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Listing(#[from] listings::ListingError),
}

impl From<crate::domain::enquiries::EnquiryError> for ReviewError {
    fn from(err: crate::domain::enquiries::EnquiryError) -> Self {
        match err {
            crate::domain::enquiries::EnquiryError::Db(e) => ReviewError::Db(e),
            _ => ReviewError::NotFound,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ReviewForm {
    pub rating: String,
    pub body: String,
    pub shown_name: String,
}

#[derive(Clone, Debug)]
pub struct NewReview {
    pub rating: i32,
    pub body: String,
    pub shown_name: Option<String>,
}

impl ReviewForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            rating: f.one("rating"),
            body: f.one("review"),
            shown_name: f.one("shown_name"),
        }
    }

    pub fn parse(&self) -> Result<NewReview, FieldErrors> {
        let mut e = FieldErrors::default();
        let rating = match self.rating.trim().parse::<i32>() {
            Ok(r) if (1..=5).contains(&r) => Some(r),
            _ => {
                e.add("rating", "Choose a rating from 1 to 5 stars");
                None
            }
        };
        let body = required_text(&mut e, "review", &self.body, MAX_BODY_CHARS, "your review");
        let shown_name = optional_text(
            &mut e,
            "shown_name",
            &self.shown_name,
            MAX_NAME_CHARS,
            "The name to show",
        );
        match (rating, body) {
            (Some(rating), Some(body)) if e.is_empty() => Ok(NewReview {
                rating,
                body,
                shown_name,
            }),
            _ => Err(e),
        }
    }
}

pub async fn of_enquiry(
    conn: &impl ConnectionTrait,
    enquiry_id: i64,
) -> Result<Option<service_reviews::Model>, DbErr> {
    service_reviews::Entity::find()
        .filter(service_reviews::Column::EnquiryId.eq(enquiry_id))
        .one(conn)
        .await
}

/// Writes the one review an arranged enquiry allows; it waits for an admin.
pub async fn write(
    db: &DatabaseConnection,
    actor: &Actor,
    enquiry_id: i64,
    user_id: UserId,
    new: NewReview,
) -> Result<i64, ReviewError> {
    let txn = db.begin_write().await?;
    let enquiry = enquiries::Entity::find_by_id(enquiry_id)
        .one(&txn)
        .await?
        .ok_or(ReviewError::NotFound)?;
    if side_of(&txn, &enquiry, user_id).await? != Side::Enquirer {
        return Err(ReviewError::NotFound);
    }
    if enquiry.outcome != Some(EnquiryOutcome::Arranged) {
        return Err(ReviewError::NotArranged);
    }
    if of_enquiry(&txn, enquiry_id).await?.is_some() {
        return Err(ReviewError::AlreadyReviewed);
    }
    let row = service_reviews::ActiveModel {
        enquiry_id: Set(enquiry_id),
        listing_id: Set(enquiry.listing_id),
        organisation_id: Set(enquiry.organisation_id),
        author_user_id: Set(user_id),
        client_id: Set(enquiry.client_id),
        rating: Set(new.rating),
        body: Set(new.body),
        shown_name: Set(new.shown_name),
        status: Set(ServiceReviewStatus::Pending),
        moderated_by_user_id: Set(None),
        moderated_at: Set(None),
        moderation_note: Set(None),
        provider_reply: Set(None),
        provider_reply_at: Set(None),
        provider_reply_by_user_id: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::ReviewSubmitted, "review", row.id)
            .to(ServiceReviewStatus::Pending)
            .detail(format!("enquiry {enquiry_id}, {} stars", row.rating)),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Reviews waiting for `council`'s admins (written after its residents' enquiries), oldest
/// first, with their listing titles.
pub async fn pending(
    db: &DatabaseConnection,
    council: entity::councils::CouncilId,
) -> Result<Vec<(service_reviews::Model, String)>, ReviewError> {
    let rows = service_reviews::Entity::find()
        .filter(service_reviews::Column::EnquiryId.in_subquery(enquiries_of(council)))
        .filter(service_reviews::Column::Status.eq(ServiceReviewStatus::Pending))
        .order_by_asc(service_reviews::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let title = listings::load(db, row.listing_id).await?.title().to_owned();
        out.push((row, title));
    }
    Ok(out)
}

/// `SELECT id FROM enquiries WHERE council_id = …`, for `IN (…)` filters.
fn enquiries_of(council: entity::councils::CouncilId) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::{QuerySelect, QueryTrait};
    entity::enquiries::Entity::find()
        .select_only()
        .column(entity::enquiries::Column::Id)
        .filter(entity::enquiries::Column::CouncilId.eq(council))
        .into_query()
}

/// Publishes or rejects a pending review (a rejection needs a note for the reviewer), and
/// tells the reviewer — and, when published, the provider.
pub async fn moderate(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
    publish: bool,
    note: &str,
) -> Result<(), ReviewError> {
    let note = note.trim();
    if !publish && note.is_empty() {
        return Err(ReviewError::NoteRequired);
    }
    let txn = db.begin_write().await?;
    let review = find(&txn, id).await?.ok_or(ReviewError::NotFound)?;
    let council = entity::enquiries::Entity::find_by_id(review.enquiry_id)
        .one(&txn)
        .await?
        .map(|e| e.council_id);
    if !council.is_some_and(|c| actor.may_reach(c)) {
        return Err(ReviewError::NotFound);
    }
    if review.status != ServiceReviewStatus::Pending {
        return Err(ReviewError::AlreadyModerated);
    }
    let status = if publish {
        ServiceReviewStatus::Published
    } else {
        ServiceReviewStatus::Rejected
    };
    let mut active: service_reviews::ActiveModel = review.clone().into();
    active.status = Set(status.to_owned());
    active.moderated_by_user_id = Set(actor.user_id);
    active.moderated_at = Set(Some(Utc::now()));
    active.moderation_note = Set((!note.is_empty()).then(|| note.chars().take(2000).collect()));
    active.update(&txn).await?;
    let mut event = Event::new(Action::ReviewModerated, "review", id)
        .from(ServiceReviewStatus::Pending)
        .to(status);
    event = event.reason(note);
    audit::record(&txn, actor, event).await?;
    let title = listings::load(&txn, review.listing_id)
        .await?
        .title()
        .to_owned();
    let listing_link = format!("{base_url}{}", paths::listing(review.listing_id));
    if let Some(author) = users::Entity::find_by_id(review.author_user_id)
        .one(&txn)
        .await?
    {
        mail::enqueue(
            &txn,
            templates::review_decision(
                &author.email,
                &author.display_name,
                &title,
                publish,
                note,
                &listing_link,
            ),
        )
        .await?;
    }
    if publish {
        let link = format!(
            "{base_url}{}",
            paths::provider_organisation_reviews(review.organisation_id)
        );
        for (member, _) in organisations::members(&txn, review.organisation_id).await? {
            mail::enqueue(
                &txn,
                templates::review_published(&member.email, &member.display_name, &title, &link),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Published reviews of a listing, newest first.
pub async fn published_for_listing(
    conn: &impl ConnectionTrait,
    listing_id: ListingId,
) -> Result<Vec<service_reviews::Model>, DbErr> {
    service_reviews::Entity::find()
        .filter(service_reviews::Column::ListingId.eq(listing_id))
        .filter(service_reviews::Column::Status.eq(ServiceReviewStatus::Published))
        .order_by_desc(service_reviews::Column::CreatedAt)
        .all(conn)
        .await
}

/// Published reviews of an organisation's services, newest first, with listing titles.
pub async fn find(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<service_reviews::Model>, DbErr> {
    service_reviews::Entity::find_by_id(id).one(conn).await
}

pub async fn published_for_organisation(
    db: &DatabaseConnection,
    organisation_id: OrganisationId,
) -> Result<Vec<(service_reviews::Model, String)>, ReviewError> {
    let rows = service_reviews::Entity::find()
        .filter(service_reviews::Column::OrganisationId.eq(organisation_id))
        .filter(service_reviews::Column::Status.eq(ServiceReviewStatus::Published))
        .order_by_desc(service_reviews::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let title = listings::load(db, row.listing_id).await?.title().to_owned();
        out.push((row, title));
    }
    Ok(out)
}

/// The mean rating to one decimal place, and how many reviews.
pub fn average(reviews: &[service_reviews::Model]) -> Option<(f64, usize)> {
    if reviews.is_empty() {
        return None;
    }
    let sum: i32 = reviews.iter().map(|r| r.rating).sum();
    let mean = f64::from(sum) / reviews.len() as f64;
    Some(((mean * 10.0).round() / 10.0, reviews.len()))
}

/// The provider's one reply to a published review of its service.
pub async fn reply(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    user_id: UserId,
    text: String,
) -> Result<OrganisationId, ReviewError> {
    let txn = db.begin_write().await?;
    let review = find(&txn, id)
        .await?
        .filter(|r| r.status == ServiceReviewStatus::Published)
        .ok_or(ReviewError::NotFound)?;
    if organisations::as_member(&txn, review.organisation_id, user_id)
        .await
        .is_err()
    {
        return Err(ReviewError::NotFound);
    }
    if review.provider_reply.is_some() {
        return Err(ReviewError::AlreadyReplied);
    }
    let organisation_id = review.organisation_id;
    let mut active: service_reviews::ActiveModel = review.into();
    active.provider_reply = Set(Some(text));
    active.provider_reply_at = Set(Some(Utc::now()));
    active.provider_reply_by_user_id = Set(Some(user_id));
    active.update(&txn).await?;
    audit::record(&txn, actor, Event::new(Action::ReviewReplied, "review", id)).await?;
    txn.commit().await?;
    Ok(organisation_id)
}

/// The provider's reply: required, at most 2,000 characters.
pub fn parse_reply(raw: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    match required_text(&mut e, "reply", raw, MAX_BODY_CHARS, "your reply") {
        Some(text) => Ok(text),
        None => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_and_text_are_checked() {
        let form = ReviewForm {
            rating: "6".into(),
            body: " ".into(),
            shown_name: "x".repeat(61),
        };
        let e = form.parse().unwrap_err();
        assert!(
            e.get("rating").is_some() && e.get("review").is_some() && e.get("shown_name").is_some()
        );
        let ok = ReviewForm {
            rating: "4".into(),
            body: "Kind and on time".into(),
            shown_name: String::new(),
        }
        .parse()
        .unwrap();
        assert_eq!((ok.rating, ok.shown_name), (4, None));
    }
}
