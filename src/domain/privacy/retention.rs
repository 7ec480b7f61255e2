//! The retention schedule: how long each kind of personal data is kept, and the job that
//! applies it. Everything it removes is either counted already (searches are rolled up by
//! day before their raw rows go, so the market figures for past periods do not change) or
//! no longer needed (sent mail, used links, the words of long-closed enquiries).

use crate::file_store::Files;

use chrono::{DateTime, Duration, Utc};
use entity::mail_outbox::MailStatus;
use entity::provider_evidence::EvidenceKind;
use entity::provider_organisations::{OrganisationStatus, ProviderKind};
use entity::{
    auth_tokens, broker_clients, enquiries, inspection_photos, inspections, invitations,
    listing_reports, mail_outbox, provider_evidence_files, provider_organisations, search_log,
    search_zero_words_daily,
};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::config::Settings;
use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::stored_files::{self, Released, Store};

/// How long each kind of data is kept, in days (`None`: kept until the council decides).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub search_log_days: i64,
    pub mail_days: i64,
    pub token_days: i64,
    pub enquiry_days: i64,
    pub client_days: i64,
    pub evidence_days: i64,
    pub inspection_photo_days: Option<i64>,
}

impl Policy {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            search_log_days: settings.search_log_retention_days.clamp(1, 3650),
            mail_days: settings.mail_retention_days.clamp(1, 3650),
            token_days: settings.token_retention_days.clamp(1, 3650),
            enquiry_days: settings.enquiry_retention_days.clamp(30, 36500),
            client_days: settings.client_retention_days.clamp(30, 36500),
            evidence_days: settings.evidence_retention_days.clamp(1, 36500),
            inspection_photo_days: (settings.inspection_photo_retention_days > 0)
                .then(|| Ord::min(settings.inspection_photo_retention_days, 36500)),
        }
    }

    /// The schedule in words, for the admin page and the privacy notice: (what, how long).
    pub fn schedule(&self) -> Vec<(&'static str, String)> {
        Kept::ALL
            .iter()
            .map(|k| (k.label(), self.how_long(*k)))
            .collect()
    }

    /// How long one kind of data is kept, in words.
    pub fn how_long(&self, kind: Kept) -> String {
        match kind {
            Kept::Searches => format!(
                "{}, then only counted by day (the words of searches that found nothing are \
                 kept in those counts)",
                period(self.search_log_days)
            ),
            Kept::Mail => period(self.mail_days),
            Kept::Sessions => {
                "Deleted when they end (after 8 hours unused, 12 at most, or on signing out)"
                    .to_owned()
            }
            Kept::Links => format!("{} after they are used or run out", period(self.token_days)),
            Kept::Enquiries => format!(
                "{} after the enquiry closes, then the words and contact details are removed \
                 (the date, service, area and outcome stay in the market figures)",
                period(self.enquiry_days)
            ),
            Kept::Clients => format!(
                "{} after the broker closes the case, then anonymised",
                period(self.client_days)
            ),
            Kept::Reports => format!(
                "{} after the council resolves them, then deleted",
                period(self.enquiry_days)
            ),
            Kept::Evidence => format!(
                "{} after a newer document replaces it (insurance, CQC registration, and a \
                 personal assistant's DBS certificate and proof of identity), or after the \
                 council turns the organisation down",
                period(self.evidence_days)
            ),
            Kept::InspectionPhotos => match self.inspection_photo_days {
                Some(days) => format!("{} after the inspection is published", period(days)),
                None => {
                    "Kept with the inspection report, until the council sets a period".to_owned()
                }
            },
            Kept::UntilErased => "Until the person asks for them to be erased".to_owned(),
            Kept::Records => {
                "Kept as the council's record (without the names of people who ask for erasure)"
                    .to_owned()
            }
            Kept::Audit => {
                "Kept: it records what was done, by account number, with no names or words"
                    .to_owned()
            }
        }
    }
}

/// The kinds of data the schedule covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    Searches,
    Mail,
    Sessions,
    Links,
    Enquiries,
    Clients,
    Reports,
    Evidence,
    InspectionPhotos,
    UntilErased,
    Records,
    Audit,
}

impl Kept {
    pub const ALL: [Kept; 12] = [
        Kept::Searches,
        Kept::Mail,
        Kept::Sessions,
        Kept::Links,
        Kept::Enquiries,
        Kept::Clients,
        Kept::Reports,
        Kept::Evidence,
        Kept::InspectionPhotos,
        Kept::UntilErased,
        Kept::Records,
        Kept::Audit,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kept::Searches => "What people typed into search",
            Kept::Mail => "Emails Kith has sent",
            Kept::Sessions => "Sessions (being signed in)",
            Kept::Links => "Sign-in, email and password links, and invitations",
            Kept::Enquiries => "Enquiries and their messages",
            Kept::Clients => "Brokers' client records",
            Kept::Reports => "Problems reported with listings",
            Kept::Evidence => "Evidence documents (DBS, insurance, training)",
            Kept::InspectionPhotos => "Inspection photos",
            Kept::UntilErased => "Accounts, support plans, shortlists, saved searches and reviews",
            Kept::Records => "Listings, inspection reports and innovation fund applications",
            Kept::Audit => "The audit log",
        }
    }
}

/// "90 days", "2 years", "18 months".
pub fn period(days: i64) -> String {
    match days {
        1 => "1 day".to_owned(),
        d if d >= 365 && d % 365 == 0 => match d / 365 {
            1 => "1 year".to_owned(),
            y => format!("{y} years"),
        },
        d if d >= 30 && d % 30 == 0 && d < 365 => match d / 30 {
            1 => "1 month".to_owned(),
            m => format!("{m} months"),
        },
        d => format!("{d} days"),
    }
}

/// What one run removed (or, for a dry run, would remove).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub searches: u64,
    pub mail: u64,
    pub tokens: u64,
    pub invitations: u64,
    pub enquiries: u64,
    pub placements: u64,
    pub clients: u64,
    pub reports: u64,
    pub evidence: u64,
    pub inspection_photos: u64,
    pub orphan_files: u64,
}

impl Report {
    pub fn lines(&self) -> Vec<(&'static str, u64)> {
        vec![
            (
                "searches rolled up into daily counts and deleted",
                self.searches,
            ),
            ("emails deleted", self.mail),
            ("used or expired links deleted", self.tokens),
            ("used or expired invitations deleted", self.invitations),
            ("closed enquiries anonymised", self.enquiries),
            ("closed placement requests anonymised", self.placements),
            ("closed client records anonymised", self.clients),
            ("resolved problem reports deleted", self.reports),
            ("evidence documents deleted", self.evidence),
            ("inspection photos deleted", self.inspection_photos),
            ("files nothing referred to deleted", self.orphan_files),
        ]
    }

    pub fn total(&self) -> u64 {
        self.lines().iter().map(|(_, n)| n).sum()
    }

    /// "3 emails deleted, 1 closed enquiry anonymised" (only what happened).
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .lines()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(what, n)| format!("{n} {what}"))
            .collect();
        if parts.is_empty() {
            "nothing was due".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// The moments before which each kind of data is due.
struct Cutoffs {
    searches: DateTime<Utc>,
    mail: DateTime<Utc>,
    tokens: DateTime<Utc>,
    enquiries: DateTime<Utc>,
    clients: DateTime<Utc>,
    evidence: DateTime<Utc>,
    photos: Option<DateTime<Utc>>,
}

impl Cutoffs {
    fn at(policy: &Policy, now: DateTime<Utc>) -> Self {
        // Searches go by whole days, so a day's roll-up is never split between a run that
        // rolled up its morning and one that rolls up its evening.
        let today = now.date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
        Self {
            searches: today - Duration::days(policy.search_log_days),
            mail: now - Duration::days(policy.mail_days),
            tokens: now - Duration::days(policy.token_days),
            enquiries: now - Duration::days(policy.enquiry_days),
            clients: now - Duration::days(policy.client_days),
            evidence: now - Duration::days(policy.evidence_days),
            photos: policy
                .inspection_photo_days
                .map(|d| now - Duration::days(d)),
        }
    }
}

fn old_searches(c: &Cutoffs) -> sea_orm::Select<search_log::Entity> {
    search_log::Entity::find().filter(search_log::Column::CreatedAt.lt(c.searches))
}

fn old_mail(c: &Cutoffs) -> Condition {
    Condition::all()
        .add(mail_outbox::Column::Status.is_in([MailStatus::Sent, MailStatus::Failed]))
        .add(mail_outbox::Column::CreatedAt.lt(c.mail))
}

fn old_tokens(c: &Cutoffs) -> Condition {
    Condition::any()
        .add(auth_tokens::Column::UsedAt.lt(c.tokens))
        .add(auth_tokens::Column::ExpiresAt.lt(c.tokens))
}

fn old_invitations(c: &Cutoffs) -> Condition {
    Condition::any()
        .add(invitations::Column::AcceptedAt.lt(c.tokens))
        .add(
            invitations::Column::AcceptedAt
                .is_null()
                .and(invitations::Column::ExpiresAt.lt(c.tokens)),
        )
}

/// Placement requests closed longer ago than enquiries are kept, not yet anonymised.
fn old_placements(c: &Cutoffs) -> sea_orm::Select<entity::placement_requests::Entity> {
    use entity::placement_requests;
    placement_requests::Entity::find()
        .filter(placement_requests::Column::ClosedAt.lt(c.enquiries))
        .filter(placement_requests::Column::AnonymisedAt.is_null())
}

fn old_enquiries(c: &Cutoffs) -> sea_orm::Select<enquiries::Entity> {
    enquiries::Entity::find()
        .filter(enquiries::Column::ClosedAt.lt(c.enquiries))
        .filter(enquiries::Column::AnonymisedAt.is_null())
}

/// Problem reports resolved longer ago than enquiries are kept after closing.
fn old_reports(c: &Cutoffs) -> Condition {
    Condition::all().add(listing_reports::Column::ResolvedAt.lt(c.enquiries))
}

fn old_clients(c: &Cutoffs) -> sea_orm::Select<broker_clients::Entity> {
    broker_clients::Entity::find()
        .filter(broker_clients::Column::ClosedAt.lt(c.clients))
        .filter(broker_clients::Column::ErasedAt.is_null())
}

/// Evidence documents past their time: replaced by a newer document of the same kind long
/// enough ago, or belonging to an organisation the council turned down long enough ago.
async fn old_evidence(
    conn: &impl ConnectionTrait,
    c: &Cutoffs,
) -> Result<Vec<provider_evidence_files::Model>, DbErr> {
    let files = provider_evidence_files::Entity::find()
        .order_by_asc(provider_evidence_files::Column::OrganisationId)
        .order_by_asc(provider_evidence_files::Column::Kind)
        .order_by_asc(provider_evidence_files::Column::UploadedAt)
        .order_by_asc(provider_evidence_files::Column::Id)
        .all(conn)
        .await?;
    let kinds: std::collections::HashMap<_, _> = provider_organisations::Entity::find()
        .select_only()
        .columns([
            provider_organisations::Column::Id,
            provider_organisations::Column::Kind,
        ])
        .into_tuple::<(entity::provider_organisations::OrganisationId, ProviderKind)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let turned_down: std::collections::HashSet<_> = provider_organisations::Entity::find()
        .select_only()
        .column(provider_organisations::Column::Id)
        .filter(provider_organisations::Column::Status.eq(OrganisationStatus::Rejected))
        .filter(provider_organisations::Column::UpdatedAt.lt(c.evidence))
        .into_tuple::<entity::provider_organisations::OrganisationId>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut due = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let one_of_its_kind = kinds
            .get(&file.organisation_id)
            .is_some_and(|org_kind| holds_one(file.kind, *org_kind));
        let replaced_long_ago = one_of_its_kind
            && files.get(i + 1).is_some_and(|next| {
                next.organisation_id == file.organisation_id
                    && next.kind == file.kind
                    && next.uploaded_at < c.evidence
            });
        if replaced_long_ago || turned_down.contains(&file.organisation_id) {
            due.push(file.clone());
        }
    }
    Ok(due)
}

/// Whether an organisation holds one document of this kind at a time, so a newer one
/// replaces the older: one insurance policy, one CQC registration; a personal assistant is
/// one person, with one DBS certificate and one proof of identity. References, training,
/// and a company's staff DBS checks accumulate: a newer one replaces nothing.
fn holds_one(kind: EvidenceKind, org: ProviderKind) -> bool {
    match kind {
        EvidenceKind::Insurance | EvidenceKind::Cqc => true,
        EvidenceKind::Dbs | EvidenceKind::Identity => org == ProviderKind::PersonalAssistant,
        EvidenceKind::References | EvidenceKind::Training => false,
    }
}

async fn old_photos(
    conn: &impl ConnectionTrait,
    c: &Cutoffs,
) -> Result<Vec<inspection_photos::Model>, DbErr> {
    let Some(cutoff) = c.photos else {
        return Ok(Vec::new());
    };
    let published: Vec<i64> = inspections::Entity::find()
        .select_only()
        .column(inspections::Column::Id)
        .filter(inspections::Column::PublishedAt.lt(cutoff))
        .into_tuple()
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for chunk in published.chunks(500) {
        out.extend(
            inspection_photos::Entity::find()
                .filter(inspection_photos::Column::InspectionId.is_in(chunk.iter().copied()))
                .all(conn)
                .await?,
        );
    }
    Ok(out)
}

/// What a run at `now` would remove, removing nothing.
pub async fn due(
    conn: &impl ConnectionTrait,
    files: &Files,
    policy: &Policy,
    now: DateTime<Utc>,
) -> anyhow::Result<Report> {
    let c = Cutoffs::at(policy, now);
    Ok(Report {
        searches: old_searches(&c).count(conn).await?,
        mail: mail_outbox::Entity::find()
            .filter(old_mail(&c))
            .count(conn)
            .await?,
        tokens: auth_tokens::Entity::find()
            .filter(old_tokens(&c))
            .count(conn)
            .await?,
        invitations: invitations::Entity::find()
            .filter(old_invitations(&c))
            .count(conn)
            .await?,
        enquiries: old_enquiries(&c).count(conn).await?,
        placements: old_placements(&c).count(conn).await?,
        clients: old_clients(&c).count(conn).await?,
        reports: listing_reports::Entity::find()
            .filter(old_reports(&c))
            .count(conn)
            .await?,
        evidence: old_evidence(conn, &c).await?.len() as u64,
        inspection_photos: old_photos(conn, &c).await?.len() as u64,
        orphan_files: stored_files::check(conn, files, stored_files::GRACE)
            .await?
            .orphans
            .len() as u64,
    })
}

/// Rows handled per transaction, so a long backlog never holds the one writer for long.
const BATCH: u64 = 500;

/// Applies the schedule at `now`: removes what is due, in batches, each batch whole or not
/// at all; deletes the files nothing refers to any more; records one audit entry with the
/// counts when anything was removed.
pub async fn apply(
    db: &DatabaseConnection,
    files: &Files,
    policy: &Policy,
    now: DateTime<Utc>,
) -> anyhow::Result<Report> {
    let c = Cutoffs::at(policy, now);
    let mut report = Report {
        searches: roll_up_searches(db, &c).await?,
        mail: mail_outbox::Entity::delete_many()
            .filter(old_mail(&c))
            .exec(db)
            .await?
            .rows_affected,
        tokens: auth_tokens::Entity::delete_many()
            .filter(old_tokens(&c))
            .exec(db)
            .await?
            .rows_affected,
        invitations: invitations::Entity::delete_many()
            .filter(old_invitations(&c))
            .exec(db)
            .await?
            .rows_affected,
        reports: listing_reports::Entity::delete_many()
            .filter(old_reports(&c))
            .exec(db)
            .await?
            .rows_affected,
        ..Report::default()
    };
    loop {
        let txn = db.begin_write().await?;
        let ids: Vec<i64> = old_enquiries(&c)
            .select_only()
            .column(enquiries::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&txn)
            .await?;
        if ids.is_empty() {
            break;
        }
        super::erasure::scrub_enquiries(&txn, &ids, None).await?;
        txn.commit().await?;
        report.enquiries += ids.len() as u64;
    }
    loop {
        let txn = db.begin_write().await?;
        let ids: Vec<i64> = old_placements(&c)
            .select_only()
            .column(entity::placement_requests::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&txn)
            .await?;
        if ids.is_empty() {
            break;
        }
        super::erasure::scrub_placements(&txn, &ids).await?;
        txn.commit().await?;
        report.placements += ids.len() as u64;
    }
    loop {
        let txn = db.begin_write().await?;
        let ids: Vec<i64> = old_clients(&c)
            .select_only()
            .column(broker_clients::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&txn)
            .await?;
        if ids.is_empty() {
            break;
        }
        for id in &ids {
            let _ = super::erasure::erase_client(&txn, *id).await?;
        }
        txn.commit().await?;
        report.clients += ids.len() as u64;
    }
    let mut released = Released::none();
    {
        let txn = db.begin_write().await?;
        let files = old_evidence(&txn, &c).await?;
        for file in &files {
            released.add(Store::Documents, file.stored_name.clone());
        }
        for chunk in files.chunks(500) {
            provider_evidence_files::Entity::delete_many()
                .filter(provider_evidence_files::Column::Id.is_in(chunk.iter().map(|f| f.id)))
                .exec(&txn)
                .await?;
        }
        let photos = old_photos(&txn, &c).await?;
        for photo in &photos {
            released.add(Store::InspectionMedia, photo.file.clone());
            released.add(Store::InspectionMedia, photo.thumbnail.clone());
        }
        for chunk in photos.chunks(500) {
            inspection_photos::Entity::delete_many()
                .filter(inspection_photos::Column::Id.is_in(chunk.iter().map(|p| p.id)))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        report.evidence = files.len() as u64;
        report.inspection_photos = photos.len() as u64;
    }
    released.delete_unused(db, files).await?;
    let orphans = stored_files::check(db, files, stored_files::GRACE).await?;
    report.orphan_files = stored_files::fix(db, files, &orphans).await? as u64;
    if report.total() > 0 {
        audit::record(
            db,
            &Actor::system(),
            Event::new(Action::RetentionApplied, "retention", now.date_naive())
                .detail(report.summary()),
        )
        .await?;
        crate::db::forget_old_versions(db).await;
    }
    Ok(report)
}

/// Rolls the searches before the cutoff into the daily counts of words that found nothing,
/// then deletes them: a batch at a time, each in one transaction, so a row is either still
/// in the log or counted in the roll-up, never both and never neither. (Every search's count
/// by type of support and district was added to the daily demand when it was made.)
async fn roll_up_searches(db: &DatabaseConnection, c: &Cutoffs) -> Result<u64, DbErr> {
    let mut removed = 0;
    let postgres = !crate::db::is_sqlite(db);
    loop {
        let txn = db.begin_write().await?;
        let mut batch = old_searches(c)
            .order_by_asc(search_log::Column::Id)
            .limit(BATCH);
        if postgres {
            // Two instances (or the command beside a server) never take the same rows: each
            // locks its batch and skips rows another run holds. (SQLite has one writer.)
            batch = batch.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let rows = batch.all(&txn).await?;
        if rows.is_empty() {
            break;
        }
        for row in rows
            .iter()
            .filter(|r| r.counted && r.result_count == 0 && worth_keeping(&r.query_text))
        {
            count_zero_words(
                &txn,
                row.created_at.date_naive(),
                &row.query_text,
                row.category.as_deref().unwrap_or_default(),
                row.district.as_deref().unwrap_or_default(),
            )
            .await?;
        }
        search_log::Entity::delete_many()
            .filter(search_log::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        removed += rows.len() as u64;
    }
    Ok(removed)
}

/// Whether the words of a search that found nothing are kept in the roll-up, which has no
/// end date: not what looks like an email address or a phone number (people type their
/// own details into search boxes), nor what the market page would leave out anyway.
fn worth_keeping(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    !text.contains('@') && digits < 5 && crate::domain::market::analysis::looks_like_words(text)
}

async fn count_zero_words(
    conn: &impl ConnectionTrait,
    day: chrono::NaiveDate,
    text: &str,
    category: &str,
    district: &str,
) -> Result<(), DbErr> {
    search_zero_words_daily::Entity::insert(search_zero_words_daily::ActiveModel {
        day: Set(day),
        query_text: Set(text.chars().take(100).collect()),
        category: Set(category.chars().take(100).collect()),
        district: Set(district.chars().take(8).collect()),
        searches: Set(1),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            search_zero_words_daily::Column::Day,
            search_zero_words_daily::Column::QueryText,
            search_zero_words_daily::Column::Category,
            search_zero_words_daily::Column::District,
        ])
        .value(
            search_zero_words_daily::Column::Searches,
            Expr::col((
                search_zero_words_daily::Entity,
                search_zero_words_daily::Column::Searches,
            ))
            .add(1),
        )
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_as_people_say_them() {
        assert_eq!(period(90), "3 months");
        assert_eq!(period(30), "1 month");
        assert_eq!(period(7), "7 days");
        assert_eq!(period(365), "1 year");
        assert_eq!(period(730), "2 years");
        assert_eq!(period(2190), "6 years");
        assert_eq!(period(1), "1 day");
        assert_eq!(period(400), "400 days");
    }

    #[test]
    fn contact_details_typed_into_search_are_not_kept() {
        assert!(worth_keeping("welsh speaking carer"));
        assert!(worth_keeping("24 hour care"));
        assert!(!worth_keeping("jane.smith@example.org"));
        assert!(!worth_keeping("call me 07700 900123"));
        assert!(!worth_keeping("https://example.org"));
    }

    #[test]
    fn a_report_names_only_what_happened() {
        let report = Report {
            mail: 3,
            enquiries: 1,
            ..Report::default()
        };
        assert_eq!(
            report.summary(),
            "3 emails deleted, 1 closed enquiries anonymised"
        );
        assert_eq!(Report::default().summary(), "nothing was due");
    }
}
