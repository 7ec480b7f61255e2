//! "Report a problem with this listing": anyone, signed in or not, says a listing is out of
//! date, closed, has wrong contact details, or raises a concern about the service. Concerns
//! go to the council's admins only (with the safeguarding routes beside the form); the rest
//! to the provider's members too. Admins resolve each with a note. Open reports from
//! several different people (concerns left out, so a provider cannot learn of one from it)
//! bring the listing's yearly check forward to today, so the provider must confirm it.

use chrono::{NaiveDate, Utc};
use entity::listing_reports::{self, ReportKind};
use entity::listings::{self as listing_rows, ListingId};
use entity::users::UserId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings::{self, ListingError};
use crate::domain::providers::organisations;
use crate::domain::validation::{FieldErrors, required_text_named};
use crate::mail::{outbox, search_templates};

pub const MAX_DETAILS_CHARS: usize = 1000;
pub const MAX_RESOLUTION_CHARS: usize = 1000;
/// Open reports from this many different people bring a listing's check forward.
pub const RAISE_AFTER: u64 = 3;

pub const KINDS: [(ReportKind, &str, &str); 4] = [
    (
        ReportKind::OutOfDate,
        "Something on it is out of date",
        "For example, the price, the days or who it is for",
    ),
    (ReportKind::Closed, "The service has closed or stopped", ""),
    (
        ReportKind::WrongContact,
        "The phone number, email or website is wrong",
        "",
    ),
    (
        ReportKind::Concern,
        "I am worried about how the service treats people",
        "Only the council sees this, not the provider",
    ),
];

pub fn kind_label(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::OutOfDate => "out of date",
        ReportKind::Closed => "closed or stopped",
        ReportKind::WrongContact => "wrong contact details",
        ReportKind::Concern => "a concern about the service",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("report not found")]
    NotFound,
    #[error("This report is already resolved")]
    AlreadyResolved,
    #[error(transparent)]
    Listing(#[from] ListingError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A report as typed, checked, with who sent it (a salted hash: see `reporter_key`).
pub struct NewReport {
    pub kind: ReportKind,
    pub details: String,
    pub reporter_key: String,
}

pub fn parse(kind: &str, details: &str, reporter_key: String) -> Result<NewReport, FieldErrors> {
    let mut e = FieldErrors::default();
    let kind = ReportKind::parse(kind.trim());
    if kind.is_none() {
        e.add("kind", "Select what is wrong with the listing");
    }
    let details = required_text_named(
        &mut e,
        "details",
        details,
        MAX_DETAILS_CHARS,
        "What is wrong",
        "Enter what is wrong, so the provider or the council can put it right",
    );
    match (kind, details) {
        (Some(kind), Some(details)) if e.is_empty() => Ok(NewReport {
            kind,
            details,
            reporter_key,
        }),
        _ => Err(e),
    }
}

/// Records a report on a public listing and tells who should know. Returns the report's id.
pub async fn report(
    db: &DatabaseConnection,
    actor: &Actor,
    site: &crate::domain::councils::Site,
    listing_id: ListingId,
    new: NewReport,
    today: NaiveDate,
) -> Result<i64, ReportError> {
    let txn = db.begin_write().await?;
    let view = listings::load(&txn, listing_id).await?;
    if !view.is_public() {
        return Err(ReportError::Listing(ListingError::NotFound));
    }
    let now = Utc::now();
    let saved = listing_reports::ActiveModel {
        council_id: Set(site.council),
        listing_id: Set(listing_id),
        kind: Set(new.kind),
        details: Set(new.details.clone()),
        reporter_user_id: Set(actor.user_id),
        reporter_key: Set(new.reporter_key.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::ListingReported, "listing", listing_id).detail(format!(
            "report {}: {}",
            saved.id,
            kind_label(new.kind)
        )),
    )
    .await?;
    let title = view.title().to_owned();
    let what = kind_label(new.kind);
    if new.kind == ReportKind::Concern {
        // The administrators of the council whose pages it was reported on.
        for admin in crate::domain::accounts::user_admin::active_with_role(
            &txn,
            site.council,
            entity::user_roles::Role::Admin,
        )
        .await?
        {
            outbox::enqueue(
                &txn,
                search_templates::listing_reported(
                    &admin.email,
                    &admin.display_name,
                    &title,
                    what,
                    &format!("{}{}", site.base_url, crate::paths::admin_reports()),
                ),
            )
            .await?;
        }
    } else {
        let link = format!(
            "{}{}",
            site.base_url,
            crate::paths::provider_listing(listing_id)
        );
        organisations::email_members(&txn, view.org.id, |email, name| {
            search_templates::listing_reported(email, name, &title, what, &link)
        })
        .await?;
    }
    let open = reporters_of_open(&txn, listing_id).await?;
    if open >= RAISE_AFTER && view.listing.review_due.is_none_or(|due| due > today) {
        let mut active: listing_rows::ActiveModel = view.listing.clone().into();
        active.review_due = Set(Some(today));
        active.review_reminder_sent_at = Set(None);
        active.update(&txn).await?;
        audit::record(
            &txn,
            &Actor::system(),
            Event::new(Action::ListingRaisedForReview, "listing", listing_id)
                .detail(format!("open problem reports from {open} people")),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(saved.id)
}

/// How many different people have open reports on a listing, concerns left out.
async fn reporters_of_open(
    conn: &impl ConnectionTrait,
    listing_id: ListingId,
) -> Result<u64, DbErr> {
    let keys: Vec<String> = listing_reports::Entity::find()
        .select_only()
        .column(listing_reports::Column::ReporterKey)
        .distinct()
        .filter(listing_reports::Column::ListingId.eq(listing_id))
        .filter(listing_reports::Column::ResolvedAt.is_null())
        .filter(listing_reports::Column::Kind.ne(ReportKind::Concern))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(keys.len() as u64)
}

async fn open_count(conn: &impl ConnectionTrait, listing_id: ListingId) -> Result<u64, DbErr> {
    listing_reports::Entity::find()
        .filter(listing_reports::Column::ListingId.eq(listing_id))
        .filter(listing_reports::Column::ResolvedAt.is_null())
        .count(conn)
        .await
}

/// A report with its listing's title, for the admins' queue and a provider's listing page.
pub struct ReportView {
    pub report: listing_reports::Model,
    pub listing_title: String,
    pub provider_name: String,
    /// Open reports on the same listing (this one included).
    pub open_on_listing: u64,
}

/// `council`'s open reports (oldest first), or its latest resolved ones.
pub async fn queue(
    db: &DatabaseConnection,
    council: entity::councils::CouncilId,
    resolved: bool,
) -> Result<Vec<ReportView>, ReportError> {
    let mut q =
        listing_reports::Entity::find().filter(listing_reports::Column::CouncilId.eq(council));
    q = if resolved {
        q.filter(listing_reports::Column::ResolvedAt.is_not_null())
            .order_by_desc(listing_reports::Column::ResolvedAt)
    } else {
        q.filter(listing_reports::Column::ResolvedAt.is_null())
            .order_by_asc(listing_reports::Column::CreatedAt)
    };
    let rows = q.limit(200).all(db).await?;
    views(db, rows).await
}

/// The open reports a listing's provider may read: everything but concerns.
pub async fn open_for_provider(
    db: &DatabaseConnection,
    listing_id: ListingId,
) -> Result<Vec<listing_reports::Model>, DbErr> {
    listing_reports::Entity::find()
        .filter(listing_reports::Column::ListingId.eq(listing_id))
        .filter(listing_reports::Column::ResolvedAt.is_null())
        .filter(listing_reports::Column::Kind.ne(ReportKind::Concern))
        .order_by_asc(listing_reports::Column::CreatedAt)
        .all(db)
        .await
}

async fn views(
    db: &DatabaseConnection,
    rows: Vec<listing_reports::Model>,
) -> Result<Vec<ReportView>, ReportError> {
    let mut out = Vec::with_capacity(rows.len());
    for report in rows {
        let view = listings::load(db, report.listing_id).await?;
        out.push(ReportView {
            listing_title: view.title().to_owned(),
            provider_name: view.org.name.clone(),
            open_on_listing: open_count(db, report.listing_id).await?,
            report,
        });
    }
    Ok(out)
}

/// Resolves a report with a note saying what was done.
pub async fn resolve(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    resolved_by: UserId,
    note: &str,
) -> Result<(), ReportError> {
    let txn = db.begin_write().await?;
    let report = listing_reports::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|r| actor.may_reach(r.council_id))
        .ok_or(ReportError::NotFound)?;
    if report.resolved_at.is_some() {
        return Err(ReportError::AlreadyResolved);
    }
    let listing_id = report.listing_id;
    let mut active: listing_reports::ActiveModel = report.into();
    active.resolved_at = Set(Some(Utc::now()));
    active.resolved_by_user_id = Set(Some(resolved_by));
    active.resolution = Set(Some(note.trim().to_owned()));
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::ListingReportResolved, "listing", listing_id)
            .detail(format!("report {id}"))
            .reason(note.trim()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The resolution note as typed, checked.
pub fn parse_resolution(note: &str) -> Result<String, FieldErrors> {
    crate::domain::validation::one_required_text(
        "resolution",
        note,
        MAX_RESOLUTION_CHARS,
        "What was done",
        "Enter what was done about the report",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_name_their_fields_and_limits() {
        let key = || "k".to_owned();
        let e = parse("", "", key()).err().unwrap();
        assert_eq!(e.get("kind"), Some("Select what is wrong with the listing"));
        let e = parse("closed", &"x".repeat(1001), key()).err().unwrap();
        assert_eq!(
            e.get("details"),
            Some("What is wrong must be 1000 characters or fewer – you have 1001")
        );
        assert!(parse("wrong_contact", "The number rings out", key()).is_ok());
    }
}
