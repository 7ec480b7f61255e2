//! Writes imported rows: a few hundred rows to a transaction, each row whole (its
//! organisation, listing and revision, source ids, search change and audit entry), so a row
//! is either all there or not at all, and a file of a hundred thousand rows is not a hundred
//! thousand commits. A row the checks refuse writes nothing and is reported. A dry run
//! checks and matches every row the same way and writes nothing.

use entity::import_sources::ImportKind;
use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::provider_organisations::{OrganisationId, OrganisationStatus, ProviderKind};
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, Utc};
use entity::{import_sources, listing_revisions, listings as listing_rows, provider_organisations};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use super::batch::Batch;
use super::rows::{ImportRow, OrganisationIn, Read, Vocabulary};
use crate::db::BeginWrite;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::audit::{Action, Actor, Event};
use crate::domain::listings::approval::ReviewPolicy;
use crate::domain::listings::content::ListingContent;
use crate::domain::listings::{self, ListingView};
use crate::domain::providers::profile::{parse_cqc_provider_id, parse_website};

#[derive(Clone, Debug)]
pub struct Options {
    pub dry_run: bool,
    /// Publish at once (an admin's choice) rather than leave each listing for approval.
    pub approve: bool,
    /// The file's name, for the audit log.
    pub source: String,
    pub policy: ReviewPolicy,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(Option<ListingId>),
    Updated(ListingId),
    Unchanged(ListingId),
    Skipped(String),
}

#[derive(Clone, Debug)]
pub struct RowReport {
    pub label: String,
    pub outcome: Outcome,
    /// What the source gave that was left out (see `ImportRow::left_out`).
    pub left_out: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    pub rows: Vec<RowReport>,
}

impl Report {
    pub fn read(&self) -> usize {
        self.rows.len()
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.outcome)).count()
    }

    pub fn created(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Created(_)))
    }

    pub fn updated(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Updated(_)))
    }

    pub fn unchanged(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Unchanged(_)))
    }

    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped(_)))
    }

    /// One line, as the command line and the page both say it.
    pub fn summary(&self) -> String {
        let (would, dry) = if self.dry_run {
            ("would be ", "Dry run: ")
        } else {
            ("", "")
        };
        format!(
            "{dry}{} rows read: {} {would}created, {} {would}updated, {} unchanged, {} skipped",
            self.read(),
            self.created(),
            self.updated(),
            self.unchanged(),
            self.skipped()
        )
    }
}

/// Everything about a row that can be checked without the database: its id, its
/// organisation and its listing by the provider's form's own rules. The importer writes
/// nothing for a row this refuses, and says why.
pub fn check(row: &ImportRow, vocabulary: &Vocabulary) -> Result<ListingContent, String> {
    if row.source_id.chars().count() > 200 {
        return Err("the id is longer than 200 characters".into());
    }
    check_organisation(&row.organisation)?;
    row.form
        .parse(&vocabulary.choosable, Vec::new())
        .map_err(|errors| {
            errors
                .iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
}

/// What is wrong with the organisation's details, if anything.
fn check_organisation(o: &OrganisationIn) -> Result<(), String> {
    if o.name.trim().is_empty() || o.name.chars().count() > 200 {
        return Err("the organisation needs a name of up to 200 characters".into());
    }
    if ProviderKind::parse(&o.kind).is_none() {
        return Err(format!("“{}” is not a kind of provider Kith knows", o.kind));
    }
    if o.source_id.trim().is_empty() || o.source_id.chars().count() > 200 {
        return Err("the organisation needs an id of up to 200 characters".into());
    }
    if let Some(email) = &o.email
        && EmailAddress::parse(email).is_err()
    {
        return Err(format!("“{email}” is not an email address"));
    }
    if let Some(id) = &o.cqc_provider_id
        && parse_cqc_provider_id(id).is_err()
    {
        return Err(format!(
            "“{id}” is not a CQC provider ID (they look like 1-101234567)"
        ));
    }
    Ok(())
}

/// The organisation for a row, created (approved: the council is importing it) or updated
/// where the row says something new.
async fn organisation(
    txn: &impl ConnectionTrait,
    batch: &mut Batch,
    o: &OrganisationIn,
) -> Result<OrganisationId, DbErr> {
    let now = Utc::now();
    // A website the provider's own profile form would accept, or none.
    let website = o.website.as_deref().and_then(|w| parse_website(w).ok());
    if let Some(id) = batch.local_id(ImportKind::Organisation, &o.source_id)
        && let Some(existing) = batch.orgs.get(&OrganisationId(id))
    {
        let mut active: provider_organisations::ActiveModel = existing.clone().into();
        active.name.set_if_not_equals(o.name.trim().to_owned());
        active.description.set_if_not_equals(o.description.clone());
        active.contact_email.set_if_not_equals(o.email.clone());
        active.website.set_if_not_equals(website);
        if o.phone.is_some() {
            active.contact_phone.set_if_not_equals(o.phone.clone());
        }
        if o.cqc_provider_id.is_some() {
            active
                .cqc_provider_id
                .set_if_not_equals(o.cqc_provider_id.clone());
        }
        if active.is_changed() {
            active.updated_at = Set(now);
            let updated = active.update(txn).await?;
            batch.orgs.insert(updated.id, updated);
        }
        return Ok(OrganisationId(id));
    }
    let created = provider_organisations::ActiveModel {
        name: Set(o.name.trim().to_owned()),
        // Checked by `check_organisation` before any row is applied.
        kind: Set(ProviderKind::parse(&o.kind).unwrap_or(ProviderKind::VoluntaryGroup)),
        cqc_provider_id: Set(o
            .cqc_provider_id
            .as_deref()
            .and_then(|id| parse_cqc_provider_id(id).ok())),
        status: Set(OrganisationStatus::Approved),
        description: Set(o.description.clone()),
        contact_email: Set(o.email.clone()),
        contact_phone: Set(o.phone.clone()),
        website: Set(website),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    batch.remember(ImportKind::Organisation, &o.source_id, created.id.0);
    batch.audit(
        Event::new(
            Action::OrganisationImported,
            "provider_organisation",
            created.id,
        )
        .to(OrganisationStatus::Approved)
        .detail(format!("source id {}", o.source_id)),
    );
    let id = created.id;
    batch.orgs.insert(id, created);
    Ok(id)
}

async fn load(conn: &impl ConnectionTrait, id: ListingId) -> Result<Option<ListingView>, DbErr> {
    match listings::load(conn, id).await {
        Ok(view) => Ok(Some(view)),
        Err(listings::ListingError::Db(e)) => Err(e),
        Err(_) => Ok(None),
    }
}

/// The listing a row matched, and its latest content: the one imported before from the
/// same source id, or else the one listing at the same CQC location (another directory's
/// record of the same place). Where several listings share the location (a home's stay and
/// its day service), the one with the same title; none if that does not settle it. A listing
/// an earlier row of this file wrote or matched (`claimed`) is that row's, not this one's.
async fn matched(
    conn: &impl ConnectionTrait,
    batch: &Batch,
    source_id: &str,
    content: &ListingContent,
    claimed: &BTreeSet<ListingId>,
) -> Result<Option<ListingView>, DbErr> {
    if let Some(id) = batch.local_id(ImportKind::Service, source_id) {
        return load(conn, ListingId(id)).await;
    }
    let Some(cqc) = &content.cqc_location_id else {
        return Ok(None);
    };
    // Content is stored as compact JSON; the id was checked to be "1-" and digits.
    // (Only the listing ids: the revisions' content is read once, by `load`, for the few.)
    let ids: Vec<ListingId> = listing_revisions::Entity::find()
        .select_only()
        .column(listing_revisions::Column::ListingId)
        .filter(
            listing_revisions::Column::Content.contains(format!("\"cqc_location_id\":\"{cqc}\"")),
        )
        .into_tuple::<ListingId>()
        .all(conn)
        .await?
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|id| !claimed.contains(id))
        .collect();
    // Only listings an import wrote: a provider's own listing is theirs to keep up to date.
    let imported: BTreeSet<i64> = import_sources::Entity::find()
        .filter(import_sources::Column::Kind.eq(ImportKind::Service))
        .filter(import_sources::Column::LocalId.is_in(ids.iter().map(|id| id.0)))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.local_id)
        .collect();
    let ids: Vec<ListingId> = ids
        .into_iter()
        .filter(|id| imported.contains(&id.0))
        .collect();
    let mut at_location = Vec::new();
    for id in ids {
        if let Some(view) = load(conn, id).await?
            && view.listing.status != ListingStatus::Archived
            && view
                .latest()
                .is_some_and(|l| l.content.cqc_location_id.as_ref() == Some(cqc))
        {
            at_location.push(view);
        }
    }
    if at_location.len() > 1 {
        at_location.retain(|v| {
            v.latest()
                .is_some_and(|l| l.content.title.eq_ignore_ascii_case(&content.title))
        });
    }
    Ok(if at_location.len() == 1 {
        at_location.pop()
    } else {
        None
    })
}

fn same(a: &ListingContent, b: &ListingContent) -> bool {
    let mut a = a.clone();
    a.photos.clone_from(&b.photos);
    a == *b
}

/// The outcome when a matched listing needs no write: archived (left alone) or already
/// saying exactly this.
fn nothing_to_write(existing: Option<&ListingView>, content: &ListingContent) -> Option<Outcome> {
    let view = existing?;
    if view.listing.status == ListingStatus::Archived {
        return Some(Outcome::Skipped(
            "its listing was archived in Kith, so it is not changed".into(),
        ));
    }
    view.latest()
        .filter(|latest| same(content, &latest.content))
        .map(|_| Outcome::Unchanged(view.listing.id))
}

/// What the row would write over a matched listing: where the directory says nothing (no
/// price, days or intake) and the listing already does (a provider answered), the
/// listing's answer stays. The dry run and the write both judge this content.
fn with_what_was_said(existing: Option<&ListingView>, content: &mut ListingContent) {
    if let Some(latest) = existing.and_then(ListingView::latest) {
        keep_what_was_said(content, &latest.content);
    }
}

fn keep_what_was_said(content: &mut ListingContent, latest: &ListingContent) {
    if content.price == crate::domain::listings::content::Price::NotGiven {
        content.price = latest.price.clone();
        content.price_notes.clone_from(&latest.price_notes);
    }
    if content.availability.days.is_empty() {
        content.availability = latest.availability.clone();
    }
    if content.accepting_new_clients.is_none() {
        content.accepting_new_clients = latest.accepting_new_clients;
    }
    if content.languages.is_empty() {
        content.languages.clone_from(&latest.languages);
    }
    // Each contact detail on its own: a directory that gives a phone does not take away
    // the website a provider added.
    let (reach, said) = (&mut content.reach, &latest.reach);
    if reach.phones.is_empty() {
        reach.phones.clone_from(&said.phones);
    }
    if reach.email.is_none() {
        reach.email.clone_from(&said.email);
    }
    if reach.website.is_none() {
        reach.website.clone_from(&said.website);
    }
    if reach.people.is_empty() {
        reach.people.clone_from(&said.people);
    }
    if content.areas.is_empty() {
        content.areas.clone_from(&latest.areas);
    }
    if content.accreditations.is_none() {
        content.accreditations.clone_from(&latest.accreditations);
    }
    if content.cqc_location_id.is_none() {
        content.cqc_location_id.clone_from(&latest.cqc_location_id);
    }
}

/// Rows written in one transaction at most: enough that commits are not most of the work.
const ROWS_PER_TRANSACTION: usize = 200;
/// A transaction is committed early after this long, so the server's own writes (on SQLite,
/// waiting for the one write lock) wait a fraction of a second at most.
const TRANSACTION_TIME: std::time::Duration = std::time::Duration::from_millis(250);

async fn write(
    txn: &DatabaseTransaction,
    batch: &mut Batch,
    actor: &Actor,
    row: &ImportRow,
    mut content: ListingContent,
    options: &Options,
    claimed: &BTreeSet<ListingId>,
) -> Result<Outcome, DbErr> {
    let existing = matched(txn, batch, &row.source_id, &content, claimed).await?;
    with_what_was_said(existing.as_ref(), &mut content);
    if let Some(settled) = nothing_to_write(existing.as_ref(), &content) {
        return Ok(settled);
    }
    if let Some(latest) = existing.as_ref().and_then(|v| v.latest()) {
        content.photos.clone_from(&latest.content.photos);
    }
    // A listing this source has not written before (matched by its CQC location) keeps its
    // organisation as it is: this source's record of the organisation is not that one's.
    let organisation_id = match &existing {
        Some(view)
            if batch
                .local_id(ImportKind::Organisation, &row.organisation.source_id)
                .is_none() =>
        {
            view.listing.organisation_id
        }
        _ => organisation(txn, batch, &row.organisation).await?,
    };
    let now = Utc::now();
    let (listing, number, from) = match &existing {
        Some(view) => {
            let number = listings::next_revision_number(txn, view.listing.id).await?;
            // A version still waiting is replaced by the imported one.
            if let Some(w) = &view.working {
                let mut old: listing_revisions::ActiveModel = w.revision.clone().into();
                old.status = Set(ListingStatus::Withdrawn);
                old.update(txn).await?;
            }
            // Matched by its CQC location: this source's id now finds it directly.
            if batch
                .local_id(ImportKind::Service, &row.source_id)
                .is_none()
            {
                batch.remember(ImportKind::Service, &row.source_id, view.listing.id.0);
            }
            (view.listing.clone(), number, Some(view.listing.status))
        }
        None => {
            return create(txn, batch, actor, row, &content, options, organisation_id).await;
        }
    };
    let revision = revision_of(listing.id, number, &content, actor, options)
        .insert(txn)
        .await?;
    let was_live = listing.status == ListingStatus::Approved;
    let mut active: listing_rows::ActiveModel = listing.clone().into();
    active.updated_at = Set(now);
    active.submitted_at = Set(Some(now));
    if options.approve {
        if let Some(live) = existing.as_ref().and_then(|v| v.live.as_ref()) {
            let mut old: listing_revisions::ActiveModel = live.revision.clone().into();
            old.status = Set(ListingStatus::Superseded);
            old.update(txn).await?;
        }
        active.status = Set(ListingStatus::Approved);
        active.live_revision_id = Set(Some(revision.id));
        active.working_revision_id = Set(None);
        active.review_due = Set(Some(
            options.today + Duration::days(options.policy.cycle_days),
        ));
        active.review_reminder_sent_at = Set(None);
        if listing.published_at.is_none() {
            active.published_at = Set(Some(now));
        }
    } else {
        active.working_revision_id = Set(Some(revision.id));
        if !was_live {
            active.status = Set(ListingStatus::Submitted);
        }
    }
    let listing = active.update(txn).await?;
    if options.approve {
        batch.changed(listing.id);
    }
    let mut event = Event::new(Action::ListingImported, "listing", listing.id)
        .detail(format!(
            "revision {number} from {} ({})",
            options.source, row.source_id
        ))
        .to(listing.status);
    if let Some(from) = from {
        event = event.from(from);
    }
    batch.audit(event);
    Ok(match existing {
        Some(_) => Outcome::Updated(listing.id),
        None => Outcome::Created(Some(listing.id)),
    })
}

/// The status an imported version takes: published at once, or waiting for review.
fn status_of(options: &Options) -> ListingStatus {
    if options.approve {
        ListingStatus::Approved
    } else {
        ListingStatus::Submitted
    }
}

/// The version of a listing a row brings.
fn revision_of(
    listing_id: ListingId,
    number: i32,
    content: &ListingContent,
    actor: &Actor,
    options: &Options,
) -> listing_revisions::ActiveModel {
    let now = Utc::now();
    listing_revisions::ActiveModel {
        listing_id: Set(listing_id),
        number: Set(number),
        status: Set(status_of(options)),
        title: Set(content.title.clone()),
        content: Set(content.to_json()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(Some(now)),
        decided_at: Set(options.approve.then_some(now)),
        decided_by: Set(if options.approve { actor.user_id } else { None }),
        decision_message: Set(options
            .approve
            .then(|| format!("Imported from {}", options.source))),
        checklist: Set(if options.approve {
            "imported".to_owned()
        } else {
            String::new()
        }),
        ..Default::default()
    }
}

/// A listing new to Kith: the listing row now, its first version with the batch (one
/// statement for all of them, then one to link each listing to it).
async fn create(
    txn: &DatabaseTransaction,
    batch: &mut Batch,
    actor: &Actor,
    row: &ImportRow,
    content: &ListingContent,
    options: &Options,
    organisation_id: OrganisationId,
) -> Result<Outcome, DbErr> {
    let now = Utc::now();
    let status = status_of(options);
    let id = listing_rows::Entity::insert(listing_rows::ActiveModel {
        organisation_id: Set(organisation_id),
        status: Set(status),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(Some(now)),
        published_at: Set(options.approve.then_some(now)),
        review_due: Set(options
            .approve
            .then(|| options.today + Duration::days(options.policy.cycle_days))),
        ..Default::default()
    })
    .exec(txn)
    .await?
    .last_insert_id;
    batch.remember(ImportKind::Service, &row.source_id, id.0);
    batch.first_version(revision_of(id, 1, content, actor, options), options.approve);
    if options.approve {
        batch.changed(id);
    }
    batch.audit(
        Event::new(Action::ListingImported, "listing", id)
            .detail(format!(
                "revision 1 from {} ({})",
                options.source, row.source_id
            ))
            .to(status),
    );
    Ok(Outcome::Created(Some(id)))
}

/// Checks, matches and (unless a dry run) writes every row, a transaction for up to
/// `ROWS_PER_TRANSACTION` rows or `TRANSACTION_TIME`; `progress` is told how many rows are
/// settled (written, or refused) after each transaction.
pub async fn run(
    db: &DatabaseConnection,
    actor: &Actor,
    read: Read,
    vocabulary: &Vocabulary,
    options: &Options,
    mut progress: impl FnMut(usize),
) -> Result<Report, DbErr> {
    let mut report = Report {
        dry_run: options.dry_run,
        rows: Vec::new(),
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut claimed: BTreeSet<ListingId> = BTreeSet::new();
    let mut items = std::collections::VecDeque::from(read.items);
    while !items.is_empty() {
        let ahead: Vec<_> = items
            .drain(..ROWS_PER_TRANSACTION.min(items.len()))
            .collect();
        let rows: Vec<&ImportRow> = ahead.iter().filter_map(|i| i.as_ref().ok()).collect();
        let txn = if options.dry_run {
            None
        } else {
            Some(db.begin_write().await?)
        };
        let mut batch = match &txn {
            Some(txn) => Batch::load(txn, &rows).await?,
            None => Batch::load(db, &rows).await?,
        };
        // From when the write lock is held, not from when it was asked for.
        let started = std::time::Instant::now();
        let mut ahead = ahead.into_iter();
        for item in ahead.by_ref() {
            let row = match item {
                Ok(row) => row,
                Err(bad) => {
                    report.rows.push(RowReport {
                        label: bad.label,
                        outcome: Outcome::Skipped(bad.reason),
                        left_out: Vec::new(),
                    });
                    continue;
                }
            };
            let outcome = if let Some(first) = seen.get(&row.source_id) {
                Outcome::Skipped(format!("the same id was used earlier, by {first}"))
            } else {
                match (check(&row, vocabulary), &txn) {
                    (Err(reason), _) => Outcome::Skipped(reason),
                    (Ok(mut content), None) => {
                        let existing =
                            matched(db, &batch, &row.source_id, &content, &claimed).await?;
                        with_what_was_said(existing.as_ref(), &mut content);
                        nothing_to_write(existing.as_ref(), &content).unwrap_or(match existing {
                            Some(view) => Outcome::Updated(view.listing.id),
                            None => Outcome::Created(None),
                        })
                    }
                    (Ok(content), Some(txn)) => {
                        write(txn, &mut batch, actor, &row, content, options, &claimed).await?
                    }
                }
            };
            if let Outcome::Created(Some(id)) | Outcome::Updated(id) | Outcome::Unchanged(id) =
                &outcome
            {
                claimed.insert(*id);
            }
            seen.entry(row.source_id.clone())
                .or_insert_with(|| row.label.clone());
            report.rows.push(RowReport {
                label: row.label,
                outcome,
                left_out: row.left_out,
            });
            if started.elapsed() > TRANSACTION_TIME {
                break;
            }
        }
        if let Some(txn) = txn {
            batch.write(&txn, actor).await?;
            txn.commit().await?;
        }
        // Rows looked up for this transaction but not reached go first into the next.
        for item in ahead.rev() {
            items.push_front(item);
        }
        progress(report.rows.len());
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::listings::content::{Price, tests::sample};

    #[test]
    fn a_directory_that_says_nothing_keeps_what_the_provider_said() {
        let said = sample();
        let mut imported = sample();
        imported.price = Price::NotGiven;
        imported.price_notes = None;
        imported.availability.days.clear();
        imported.accepting_new_clients = None;
        imported.title = "A new title from the directory".into();
        keep_what_was_said(&mut imported, &said);
        assert_eq!(imported.price, said.price);
        assert_eq!(imported.availability, said.availability);
        assert_eq!(imported.accepting_new_clients, said.accepting_new_clients);
        assert_eq!(
            imported.title, "A new title from the directory",
            "the rest is the directory's"
        );
    }
}
