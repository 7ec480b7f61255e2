//! Subject access: everything Kith holds about one person, as a ZIP of one JSON file per kind
//! of record, a readable HTML summary, and the files they uploaded.
//!
//! Only records about the person are included. Where a record is about someone else too
//! (a message the person wrote as a provider in another person's enquiry), only its date
//! and id are given: the words are about the other person.

use std::io::Write;

use chrono::{DateTime, Utc};
use entity::{
    audit_log, audit_reasons, broker_clients, checker_assignments, checker_profiles, enquiries,
    enquiry_messages, erasure_requests, fund_applications, fund_reviews, inspections, invitations,
    listing_reports, mail_outbox, provider_evidence, provider_evidence_files, provider_members,
    provider_organisations, recovery_codes, saved_searches, service_reviews, sessions,
    shortlist_items, support_plan_items, support_plans, two_factor, user_roles, users,
};
use maud::{DOCTYPE, Markup, html};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::ExprTrait,
};
use serde_json::Value;

use super::Subject;
use crate::documents;
use crate::file_store::Files;
use crate::stored_files::{FileRef, Store};

/// How much of the record: an admin's export for a subject access request has everything;
/// the one people download themselves from their account page has what they gave Kith and
/// what it did with it (not the council's notes or the log of staff actions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Full,
    Own,
}

/// One kind of record in the export.
#[derive(Debug)]
pub struct Kind {
    /// The JSON file's name in the ZIP, without `.json`.
    pub file: &'static str,
    pub title: &'static str,
    /// What the records are, in plain words.
    pub about: &'static str,
    pub records: Vec<Value>,
}

/// Everything collected about one subject.
#[derive(Debug)]
pub struct Export {
    pub subject: Subject,
    pub name: String,
    pub generated_at: DateTime<Utc>,
    pub kinds: Vec<Kind>,
    /// Uploaded files: (name inside the ZIP, stored file).
    /// Files that are the person's, with their names in the ZIP.
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("There is no such person")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbErr),
    /// The file store could not be read.
    #[error("uploaded files could not be read: {0}")]
    Files(anyhow::Error),
}

/// Fields that are secrets or Kith's own plumbing, never personal data worth giving back.
const HIDDEN_FIELDS: &[&str] = &[
    "password_hash",
    "token_hash",
    "key_hash",
    "secret",
    "code_hash",
    "state",
    "stored_name",
    "last_used_step",
];

fn cleaned(mut records: Vec<Value>) -> Vec<Value> {
    for record in &mut records {
        if let Some(map) = record.as_object_mut() {
            for field in HIDDEN_FIELDS {
                map.remove(*field);
            }
            // Listing content and answers are JSON kept as text: give them back as JSON.
            for value in map.values_mut() {
                if let Some(text) = value.as_str()
                    && (text.starts_with('{') || text.starts_with('['))
                    && let Ok(parsed) = serde_json::from_str::<Value>(text)
                {
                    *value = parsed;
                }
            }
        }
    }
    records
}

fn kind(file: &'static str, title: &'static str, about: &'static str, records: Vec<Value>) -> Kind {
    Kind {
        file,
        title,
        about,
        records: cleaned(records),
    }
}

/// Collects everything about `subject`.
pub async fn collect(
    conn: &impl ConnectionTrait,
    subject: Subject,
    scope: Scope,
    stored: &Files,
) -> Result<Export, ExportError> {
    match subject {
        Subject::Person(id) => person(conn, id, scope, stored).await,
        Subject::Client(id) => client(conn, id).await,
    }
}

async fn person(
    conn: &impl ConnectionTrait,
    id: entity::users::UserId,
    scope: Scope,
    stored: &Files,
) -> Result<Export, ExportError> {
    let user = users::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ExportError::NotFound)?;
    let mut kinds = Vec::new();
    kinds.push(kind(
        "account",
        "Your account",
        "The account: name, email address, when it was made, verified and last used.",
        users::Entity::find_by_id(id).into_json().all(conn).await?,
    ));
    kinds.push(kind(
        "roles",
        "Roles",
        "What the account may do in Kith, and when each role was given.",
        user_roles::Entity::find()
            .filter(user_roles::Column::UserId.eq(id))
            .into_json()
            .all(conn)
            .await?,
    ));
    let memberships = provider_members::Entity::find()
        .filter(provider_members::Column::UserId.eq(id))
        .all(conn)
        .await?;
    let org_ids: Vec<_> = memberships.iter().map(|m| m.organisation_id).collect();
    kinds.push(kind(
        "organisations",
        "Organisations",
        "The provider organisations the account is a member of.",
        provider_organisations::Entity::find()
            .filter(provider_organisations::Column::Id.is_in(org_ids.clone()))
            .order_by_asc(provider_organisations::Column::Id)
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "listing-versions",
        "Listing versions written",
        "Every version of a listing the account wrote, with what it said.",
        entity::listing_revisions::Entity::find()
            .filter(entity::listing_revisions::Column::CreatedBy.eq(id))
            .order_by_asc(entity::listing_revisions::Column::Id)
            .into_json()
            .all(conn)
            .await?,
    ));

    let own_enquiries = Condition::any()
        .add(enquiries::Column::HolderUserId.eq(id))
        .add(
            enquiries::Column::SentByUserId
                .eq(id)
                .and(enquiries::Column::ClientId.is_null()),
        );
    let enquiry_ids: Vec<i64> = enquiries::Entity::find()
        .select_only()
        .column(enquiries::Column::Id)
        .filter(own_enquiries.clone())
        .into_tuple()
        .all(conn)
        .await?;
    kinds.push(kind(
        "enquiries",
        "Enquiries",
        "Enquiries sent to providers about the person's own support.",
        enquiries::Entity::find()
            .filter(own_enquiries)
            .order_by_asc(enquiries::Column::Id)
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "enquiry-messages",
        "Messages in those enquiries",
        "Every message in the person's enquiries, from either side.",
        messages_of(conn, &enquiry_ids).await?,
    ));
    kinds.push(kind(
        "messages-written-for-an-organisation",
        "Messages written for an organisation",
        "Replies the account wrote as a provider in other people's enquiries: only when, not \
         what (the words are about the person who asked).",
        enquiry_messages::Entity::find()
            .select_only()
            .columns([
                enquiry_messages::Column::Id,
                enquiry_messages::Column::EnquiryId,
                enquiry_messages::Column::CreatedAt,
            ])
            .filter(enquiry_messages::Column::AuthorUserId.eq(id))
            .filter(enquiry_messages::Column::EnquiryId.is_not_in(enquiry_ids.clone()))
            .order_by_asc(enquiry_messages::Column::Id)
            .into_json()
            .all(conn)
            .await?,
    ));
    let review_ids: Vec<i64> = service_reviews::Entity::find()
        .select_only()
        .column(service_reviews::Column::Id)
        .filter(service_reviews::Column::AuthorUserId.eq(id))
        .filter(service_reviews::Column::ClientId.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    kinds.push(kind(
        "reviews",
        "Reviews",
        "Reviews the person wrote of services they used.",
        service_reviews::Entity::find()
            .filter(service_reviews::Column::AuthorUserId.eq(id))
            .filter(service_reviews::Column::ClientId.is_null())
            .into_json()
            .all(conn)
            .await?,
    ));
    let plans = support_plans::Entity::find().filter(support_plans::Column::HolderUserId.eq(id));
    let plan_ids: Vec<i64> = plans
        .clone()
        .select_only()
        .column(support_plans::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    kinds.extend(plan_kinds(conn, plans).await?);
    kinds.push(kind(
        "shortlist",
        "Shortlist",
        "Services saved to the shortlist.",
        shortlist_items::Entity::find()
            .filter(shortlist_items::Column::HolderUserId.eq(id))
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "saved-searches",
        "Saved searches",
        "Searches saved to be emailed about new services (their own and their clients').",
        saved_searches::Entity::find()
            .filter(saved_searches::Column::UserId.eq(id))
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "problem-reports",
        "Problems reported with listings",
        "Reports they made, signed in, about listings.",
        listing_reports::Entity::find()
            .filter(listing_reports::Column::ReporterUserId.eq(id))
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "erasure-requests",
        "Requests to erase",
        "Requests the person made for their data to be erased, and what became of them.",
        erasure_requests::Entity::find()
            .filter(erasure_requests::Column::UserId.eq(id))
            .into_json()
            .all(conn)
            .await?,
    ));
    let mut files = Vec::new();
    if scope == Scope::Full {
        kinds.push(kind(
            "fund-applications",
            "Innovation fund applications",
            "Applications the account started for an organisation.",
            fund_applications::Entity::find()
                .filter(fund_applications::Column::CreatedByUserId.eq(id))
                .into_json()
                .all(conn)
                .await?,
        ));
        kinds.push(kind(
            "checker-profile",
            "Quality checker profile",
            "Areas, availability and training, for quality checkers.",
            checker_profiles::Entity::find()
                .filter(checker_profiles::Column::UserId.eq(id))
                .into_json()
                .all(conn)
                .await?,
        ));
        kinds.push(kind(
            "sign-in",
            "Sign-in",
            "Sessions, second factor and recovery codes: when each was made and used (never the \
             secrets themselves).",
            [
                sessions::Entity::find()
                    .filter(sessions::Column::UserId.eq(id))
                    .into_json()
                    .all(conn)
                    .await?,
                two_factor::Entity::find()
                    .filter(two_factor::Column::UserId.eq(id))
                    .into_json()
                    .all(conn)
                    .await?,
                recovery_codes::Entity::find()
                    .filter(recovery_codes::Column::UserId.eq(id))
                    .into_json()
                    .all(conn)
                    .await?,
            ]
            .concat(),
        ));
        kinds.push(kind(
            "emails",
            "Emails sent",
            "Emails Kith sent (or is sending) to the account's address: when and about what (their \
             links may still work, so their text is left out).",
            mail_outbox::Entity::find()
                .select_only()
                .columns([
                    mail_outbox::Column::Id,
                    mail_outbox::Column::ToAddress,
                    mail_outbox::Column::Subject,
                    mail_outbox::Column::Status,
                    mail_outbox::Column::CreatedAt,
                    mail_outbox::Column::SentAt,
                ])
                .filter(mail_outbox::Column::ToAddress.eq(user.email.as_str()))
                .into_json()
                .all(conn)
                .await?,
        ));
        let mut about = vec![("user".to_owned(), id.to_string())];
        about.extend(
            enquiry_ids
                .iter()
                .map(|e| ("enquiry".to_owned(), e.to_string())),
        );
        about.extend(
            review_ids
                .iter()
                .map(|r| ("review".to_owned(), r.to_string())),
        );
        about.extend(
            plan_ids
                .iter()
                .map(|p| ("support_plan".to_owned(), p.to_string())),
        );
        kinds.push(kind(
            "audit",
            "The audit log",
            "Entries about the account and its enquiries, reviews and plan, with any reason \
             staff wrote; and what the account did (without reasons, which are about others).",
            audit_entries(conn, &about, Some(audit_log::Column::ActorUserId.eq(id))).await?,
        ));
        kinds.push(kind(
            "invitations",
            "Invitations",
            "Invitations sent to the account's email address.",
            invitations::Entity::find()
                .filter(invitations::Column::Email.eq(user.email.as_str()))
                .into_json()
                .all(conn)
                .await?,
        ));
        kinds.push(kind(
            "quality-check-assignments",
            "Quality checks assigned",
            "Checks the account was asked to carry out, and any reason given for declining.",
            checker_assignments::Entity::find()
                .filter(checker_assignments::Column::CheckerUserId.eq(id))
                .into_json()
                .all(conn)
                .await?,
        ));
        kinds.push(kind(
            "inspections",
            "Inspections carried out",
            "Inspection reports the account wrote as a quality checker.",
            inspections::Entity::find()
                .filter(inspections::Column::CheckerUserId.eq(id))
                .into_json()
                .all(conn)
                .await?,
        ));
        kinds.push(kind(
            "panel-reviews",
            "Innovation fund panel reviews",
            "Scores and conflicts of interest the account gave as a panel member.",
            fund_reviews::Entity::find()
                .filter(fund_reviews::Column::UserId.eq(id))
                .into_json()
                .all(conn)
                .await?,
        ));
        let own_pa: Vec<_> = provider_organisations::Entity::find()
            .select_only()
            .column(provider_organisations::Column::Id)
            .filter(provider_organisations::Column::Id.is_in(org_ids.clone()))
            .filter(
                provider_organisations::Column::Kind
                    .eq(provider_organisations::ProviderKind::PersonalAssistant),
            )
            .into_tuple::<entity::provider_organisations::OrganisationId>()
            .all(conn)
            .await?;
        kinds.push(kind(
            "evidence",
            "Evidence given as a personal assistant",
            "What the person told the council about their own checks (DBS, insurance, \
             training) as a personal assistant.",
            provider_evidence::Entity::find()
                .filter(provider_evidence::Column::OrganisationId.is_in(own_pa))
                .into_json()
                .all(conn)
                .await?,
        ));
        let uploaded = provider_evidence_files::Entity::find()
            .filter(provider_evidence_files::Column::UploadedBy.eq(id))
            .order_by_asc(provider_evidence_files::Column::Id)
            .all(conn)
            .await?;
        for file in &uploaded {
            let kept = FileRef::new(Store::Documents, &file.stored_name);
            if let Some(bytes) = stored.get(&kept).await.map_err(ExportError::Files)? {
                let name = format!(
                    "files/{}-{}",
                    file.id,
                    documents::safe_download_name(&file.original_name)
                );
                files.push((name, bytes));
            }
        }
        kinds.push(kind(
            "evidence-files",
            "Evidence documents uploaded",
            "Documents the account uploaded as evidence for an organisation; the files \
             themselves are in the files folder.",
            provider_evidence_files::Entity::find()
                .filter(provider_evidence_files::Column::UploadedBy.eq(id))
                .order_by_asc(provider_evidence_files::Column::Id)
                .into_json()
                .all(conn)
                .await?,
        ));
    }
    Ok(Export {
        subject: Subject::Person(id),
        name: user.display_name,
        generated_at: Utc::now(),
        kinds,
        files,
    })
}

async fn client(conn: &impl ConnectionTrait, id: i64) -> Result<Export, ExportError> {
    let row = broker_clients::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ExportError::NotFound)?;
    let mut kinds = vec![kind(
        "client",
        "The client record",
        "What the broker recorded: name, area, needs, how to get in touch.",
        broker_clients::Entity::find_by_id(id)
            .into_json()
            .all(conn)
            .await?,
    )];
    let enquiry_ids: Vec<i64> = enquiries::Entity::find()
        .select_only()
        .column(enquiries::Column::Id)
        .filter(enquiries::Column::ClientId.eq(id))
        .into_tuple()
        .all(conn)
        .await?;
    kinds.push(kind(
        "enquiries",
        "Enquiries",
        "Enquiries the broker sent for the client.",
        enquiries::Entity::find()
            .filter(enquiries::Column::ClientId.eq(id))
            .order_by_asc(enquiries::Column::Id)
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "enquiry-messages",
        "Messages in those enquiries",
        "Every message in the client's enquiries, from either side.",
        messages_of(conn, &enquiry_ids).await?,
    ));
    let placement_ids: Vec<i64> = entity::placement_requests::Entity::find()
        .select_only()
        .column(entity::placement_requests::Column::Id)
        .filter(entity::placement_requests::Column::ClientId.eq(id))
        .into_tuple()
        .all(conn)
        .await?;
    kinds.push(kind(
        "placement-requests",
        "Placement requests",
        "Requests the broker sent to care homes for a place for the client.",
        entity::placement_requests::Entity::find()
            .filter(entity::placement_requests::Column::ClientId.eq(id))
            .order_by_asc(entity::placement_requests::Column::Id)
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "placement-answers",
        "The homes' answers",
        "What each home asked answered: assessing, an offer, or why it declined.",
        entity::placement_offers::Entity::find()
            .filter(entity::placement_offers::Column::RequestId.is_in(placement_ids))
            .order_by_asc(entity::placement_offers::Column::Id)
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "reviews",
        "Reviews",
        "Reviews written for the client.",
        service_reviews::Entity::find()
            .filter(service_reviews::Column::ClientId.eq(id))
            .into_json()
            .all(conn)
            .await?,
    ));
    let plans = support_plans::Entity::find().filter(support_plans::Column::ClientId.eq(id));
    let plan_ids: Vec<i64> = plans
        .clone()
        .select_only()
        .column(support_plans::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    kinds.extend(plan_kinds(conn, plans).await?);
    kinds.push(kind(
        "shortlist",
        "Shortlist",
        "Services saved to the client's shortlist.",
        shortlist_items::Entity::find()
            .filter(shortlist_items::Column::ClientId.eq(id))
            .into_json()
            .all(conn)
            .await?,
    ));
    kinds.push(kind(
        "saved-searches",
        "Saved searches",
        "Searches the broker saved for the client, to be emailed about new services.",
        saved_searches::Entity::find()
            .filter(saved_searches::Column::ClientId.eq(id))
            .into_json()
            .all(conn)
            .await?,
    ));
    let on_behalf = format!("on behalf of client {id}");
    let mut about = vec![("client".to_owned(), id.to_string())];
    about.extend(
        enquiry_ids
            .iter()
            .map(|e| ("enquiry".to_owned(), e.to_string())),
    );
    about.extend(
        plan_ids
            .iter()
            .map(|p| ("support_plan".to_owned(), p.to_string())),
    );
    kinds.push(kind(
        "audit",
        "The audit log",
        "Entries about the client record, its enquiries and plan, and what was done on the \
         client's behalf.",
        audit_entries(
            conn,
            &about,
            Some(
                audit_log::Column::Detail
                    .eq(on_behalf.as_str())
                    .or(audit_log::Column::Detail.ends_with(format!(", {on_behalf}"))),
            ),
        )
        .await?,
    ));
    Ok(Export {
        subject: Subject::Client(id),
        name: row.name,
        generated_at: Utc::now(),
        kinds,
        files: Vec::new(),
    })
}

async fn messages_of(
    conn: &impl ConnectionTrait,
    enquiry_ids: &[i64],
) -> Result<Vec<Value>, DbErr> {
    enquiry_messages::Entity::find()
        .filter(enquiry_messages::Column::EnquiryId.is_in(enquiry_ids.iter().copied()))
        .order_by_asc(enquiry_messages::Column::Id)
        .into_json()
        .all(conn)
        .await
}

async fn plan_kinds(
    conn: &impl ConnectionTrait,
    plans: sea_orm::Select<support_plans::Entity>,
) -> Result<Vec<Kind>, DbErr> {
    let plan_ids: Vec<i64> = plans
        .clone()
        .select_only()
        .column(support_plans::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(vec![
        kind(
            "support-plan",
            "Support plan",
            "The weekly budget and how it was worked out.",
            plans.into_json().all(conn).await?,
        ),
        kind(
            "support-plan-items",
            "Support plan items",
            "What the plan spends the budget on.",
            support_plan_items::Entity::find()
                .filter(support_plan_items::Column::PlanId.is_in(plan_ids))
                .order_by_asc(support_plan_items::Column::Id)
                .into_json()
                .all(conn)
                .await?,
        ),
    ])
}

/// Audit entries about the subject's records (`about`: (subject type, id) pairs), each with
/// the reason written with it, and entries matching `also` (what the person did), without
/// reasons: those are words about someone else.
async fn audit_entries(
    conn: &impl ConnectionTrait,
    about: &[(String, String)],
    also: Option<sea_orm::sea_query::SimpleExpr>,
) -> Result<Vec<Value>, DbErr> {
    let about_set: std::collections::HashSet<(String, String)> = about.iter().cloned().collect();
    let mut condition = Condition::any();
    let mut by_type: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (kind, id) in about {
        by_type.entry(kind.as_str()).or_default().push(id.as_str());
    }
    for (kind, ids) in by_type {
        for chunk in ids.chunks(500) {
            condition = condition.add(
                audit_log::Column::SubjectType
                    .eq(kind)
                    .and(audit_log::Column::SubjectId.is_in(chunk.iter().copied())),
            );
        }
    }
    if let Some(also) = also {
        condition = condition.add(also);
    }
    let mut rows = audit_log::Entity::find()
        .filter(condition)
        .order_by_asc(audit_log::Column::Id)
        .into_json()
        .all(conn)
        .await?;
    let about_ids: Vec<i64> = rows
        .iter()
        .filter(|r| {
            let kind = r
                .get("subject_type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let id = r
                .get("subject_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            about_set.contains(&(kind.to_owned(), id.to_owned()))
        })
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect();
    let mut reasons: std::collections::HashMap<i64, String> = Default::default();
    for chunk in about_ids.chunks(500) {
        for r in audit_reasons::Entity::find()
            .filter(audit_reasons::Column::AuditId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            reasons.insert(r.audit_id, r.reason);
        }
    }
    for row in &mut rows {
        let id = row.get("id").and_then(Value::as_i64);
        if let (Some(map), Some(reason)) = (row.as_object_mut(), id.and_then(|i| reasons.get(&i))) {
            map.insert("reason".into(), Value::String(reason.clone()));
        }
    }
    Ok(rows)
}

impl Export {
    pub fn file_name(&self) -> String {
        format!(
            "kith-personal-data-{}-{}.zip",
            self.subject.slug(),
            self.generated_at.format("%Y-%m-%d")
        )
    }

    /// The ZIP: `summary.html`, one `<kind>.json` per kind, and `files/`.
    pub fn to_zip(&self) -> anyhow::Result<Vec<u8>> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("summary.html", options)?;
        zip.write_all(self.summary().into_string().as_bytes())?;
        for kind in &self.kinds {
            zip.start_file(format!("{}.json", kind.file), options)?;
            zip.write_all(&serde_json::to_vec_pretty(&kind.records)?)?;
        }
        for (name, bytes) in &self.files {
            zip.start_file(name.as_str(), options)?;
            zip.write_all(bytes)?;
        }
        Ok(zip.finish()?.into_inner())
    }

    /// A page anyone can read: each kind of record, what it is, and every record's fields.
    pub fn summary(&self) -> Markup {
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { "Personal data held by Kith: " (self.name) }
                    style { (SUMMARY_CSS) }
                }
                body {
                    main {
                        h1 { "Personal data held by Kith" }
                        p { "About: " strong { (self.name) } }
                        p { "Made on " (crate::domain::dates::format_time(&self.generated_at)) " (UK time)." }
                        p { "Each section below is also in this folder as a JSON file, for \
                             other systems. Uploaded documents are in the files folder." }
                        h2 { "Contents" }
                        ul {
                            @for kind in &self.kinds {
                                li { a href={ "#" (kind.file) } { (kind.title) } " (" (kind.records.len()) ")" }
                            }
                        }
                        @for kind in &self.kinds {
                            section id=(kind.file) {
                                h2 { (kind.title) }
                                p { (kind.about) }
                                @if kind.records.is_empty() {
                                    p { "None." }
                                }
                                @for record in &kind.records {
                                    (record_list(record))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

const SUMMARY_CSS: &str = "body{font-family:Arial,sans-serif;margin:0 auto;max-width:50rem;\
padding:1rem;line-height:1.4;color:#0b0c0c}dl{border-top:1px solid #b1b4b6;margin:0 0 1rem;\
padding-top:.5rem;display:grid;grid-template-columns:minmax(8rem,30%) 1fr;gap:.25rem 1rem}\
dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}";

fn record_list(record: &Value) -> Markup {
    html! {
        @if let Some(map) = record.as_object() {
            dl {
                @for (key, value) in map {
                    dt { (key.replace('_', " ")) }
                    dd { (plain(value)) }
                }
            }
        } @else {
            p { (plain(record)) }
        }
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::Null => "–".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        other => other.to_string(),
    }
}
