//! Erasure: a person's (or a broker's client's) personal data removed in one transaction.
//! Their row stays as a tombstone ("Erased person 57") so the records the council must keep
//! still point somewhere; what they wrote about themselves goes; the audit log records that
//! an erasure happened and nothing erased.

use crate::domain::words::plural;
use chrono::Utc;
use entity::checker_assignments::AssignmentStatus;
use entity::provider_organisations::ProviderKind;
use entity::users::UserId;
use entity::{
    audit_log, audit_reasons, auth_tokens, broker_clients, checker_assignments, checker_profiles,
    enquiries, enquiry_messages, erasure_requests, fund_applications, fund_reviews, inspections,
    invitations, listing_reports, listing_revisions, mail_outbox, provider_evidence,
    provider_evidence_files, provider_members, provider_organisations, provider_reviews,
    recovery_codes, saved_search_alerts, saved_searches, service_reviews, sessions,
    shortlist_items, support_plan_items, support_plans, two_factor, user_roles, users,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
};

use super::{REMOVED_TEXT, Subject, erased_name};
use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings::content::ListingContent;
use crate::stored_files::{Released, Store};

#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    #[error("There is no such person")]
    NotFound,
    #[error("This person's data has already been erased")]
    AlreadyErased,
    #[error("{0}")]
    Blocked(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What an erasure will remove and what it will keep (and why), shown before confirming.
#[derive(Debug)]
pub struct Plan {
    pub subject: Subject,
    pub name: String,
    pub erased_at: Option<chrono::DateTime<Utc>>,
    pub removed: Vec<String>,
    pub kept: Vec<(String, String)>,
    /// Why it cannot be done yet, if it cannot.
    pub blocked: Option<String>,
}

/// The enquiries about the person themselves (not those a broker sent for clients).
fn own_enquiries(id: UserId) -> Condition {
    Condition::any()
        .add(enquiries::Column::HolderUserId.eq(id))
        .add(
            enquiries::Column::SentByUserId
                .eq(id)
                .and(enquiries::Column::ClientId.is_null()),
        )
}

pub async fn plan(conn: &impl ConnectionTrait, subject: Subject) -> Result<Plan, ErasureError> {
    match subject {
        Subject::Person(id) => person_plan(conn, id).await,
        Subject::Client(id) => client_plan(conn, id).await,
    }
}

/// Whether an evidence document is about people (so it goes with the person who uploaded
/// it) rather than the organisation itself (insurance, CQC registration).
fn about_people(kind: entity::provider_evidence::EvidenceKind) -> bool {
    use entity::provider_evidence::EvidenceKind;
    matches!(
        kind,
        EvidenceKind::Dbs
            | EvidenceKind::Identity
            | EvidenceKind::References
            | EvidenceKind::Training
    )
}

/// The organisations the person is the only member of: (personal assistants' own, others).
/// A personal assistant's organisation is the person: it goes with them. Another kind is a
/// business, which stays.
async fn sole_organisations(
    conn: &impl ConnectionTrait,
    id: UserId,
) -> Result<
    (
        Vec<provider_organisations::Model>,
        Vec<provider_organisations::Model>,
    ),
    DbErr,
> {
    let memberships = provider_members::Entity::find()
        .filter(provider_members::Column::UserId.eq(id))
        .all(conn)
        .await?;
    let (mut own, mut others) = (Vec::new(), Vec::new());
    for membership in memberships {
        let members = provider_members::Entity::find()
            .filter(provider_members::Column::OrganisationId.eq(membership.organisation_id))
            .count(conn)
            .await?;
        if members > 1 {
            continue;
        }
        if let Some(org) = provider_organisations::Entity::find_by_id(membership.organisation_id)
            .one(conn)
            .await?
        {
            if org.kind == ProviderKind::PersonalAssistant {
                own.push(org);
            } else {
                others.push(org);
            }
        }
    }
    Ok((own, others))
}

async fn person_plan(conn: &impl ConnectionTrait, id: UserId) -> Result<Plan, ErasureError> {
    let user = users::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ErasureError::NotFound)?;
    let enquiry_count = enquiries::Entity::find()
        .filter(own_enquiries(id))
        .count(conn)
        .await?;
    let reviews = service_reviews::Entity::find()
        .filter(service_reviews::Column::AuthorUserId.eq(id))
        .filter(service_reviews::Column::ClientId.is_null())
        .count(conn)
        .await?;
    let shortlist = shortlist_items::Entity::find()
        .filter(shortlist_items::Column::HolderUserId.eq(id))
        .count(conn)
        .await?;
    let roles = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(id))
        .count(conn)
        .await?;
    let memberships = provider_members::Entity::find()
        .filter(provider_members::Column::UserId.eq(id))
        .count(conn)
        .await?;
    let (own_orgs, other_sole_orgs) = sole_organisations(conn, id).await?;
    let own_org_ids: Vec<_> = own_orgs.iter().map(|o| o.id).collect();
    let uploaded_elsewhere = provider_evidence_files::Entity::find()
        .filter(provider_evidence_files::Column::UploadedBy.eq(id))
        .filter(provider_evidence_files::Column::OrganisationId.is_not_in(own_org_ids.clone()))
        .all(conn)
        .await?;
    let (personal_documents, business_documents): (Vec<_>, Vec<_>) = uploaded_elsewhere
        .iter()
        .partition(|f| about_people(f.kind));
    let (personal_documents, business_documents) = (
        personal_documents.len() as u64,
        business_documents.len() as u64,
    );
    let checker_profiles = checker_profiles::Entity::find()
        .filter(checker_profiles::Column::UserId.eq(id))
        .count(conn)
        .await?;
    let open_assignments = checker_assignments::Entity::find()
        .filter(checker_assignments::Column::CheckerUserId.eq(id))
        .filter(
            checker_assignments::Column::Status
                .is_in([AssignmentStatus::Offered, AssignmentStatus::Accepted]),
        )
        .count(conn)
        .await?;
    let mails = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(user.email.as_str()))
        .count(conn)
        .await?;
    let mut removed = vec![
        "Name and email address (replaced by \"".to_owned()
            + &erased_name(Subject::Person(id))
            + "\")",
        "Password, second factor, recovery codes, sessions and sign-in links, and invitations \
         not yet accepted"
            .to_owned(),
        plural(roles, "role", "roles"),
        plural(
            memberships,
            "organisation membership",
            "organisation memberships",
        ),
        format!(
            "{}: what was asked, contact details, and every message in them (open ones are \
             closed)",
            plural(enquiry_count, "enquiry", "enquiries")
        ),
        plural(reviews, "review", "reviews"),
        format!(
            "Support plan and shortlist ({})",
            plural(shortlist, "saved service", "saved services")
        ),
        format!(
            "{}, sent or waiting",
            plural(mails, "email to them", "emails to them")
        ),
        plural(
            checker_profiles,
            "quality checker profile",
            "quality checker profiles",
        ),
        format!(
            "{} they uploaded for an organisation (DBS checks, identity, references, \
             training: documents about people), with the files",
            plural(
                personal_documents,
                "evidence document",
                "evidence documents"
            )
        ),
        format!(
            "{} (cancelled)",
            plural(
                open_assignments,
                "open quality check assignment",
                "open quality check assignments"
            )
        ),
        "Reasons they gave for declining checks, and conflicts of interest they declared"
            .to_owned(),
        "Reasons staff wrote about the account in the audit log".to_owned(),
    ];
    for org in &own_orgs {
        removed.push(format!(
            "{}, their own personal assistant service: its listings are taken down, and its \
             name, contact details, address, description, logo, photos, evidence documents and \
             the words of every version are removed",
            org.name
        ));
    }
    removed.retain(|line| !line.starts_with("0 "));

    let mut kept: Vec<(String, String)> = Vec::new();
    let versions = listing_revisions::Entity::find()
        .filter(listing_revisions::Column::CreatedBy.eq(id))
        .filter(
            listing_revisions::Column::ListingId.is_not_in(
                entity::listings::Entity::find()
                    .select_only()
                    .column(entity::listings::Column::Id)
                    .filter(entity::listings::Column::OrganisationId.is_in(own_org_ids.clone()))
                    .into_tuple::<entity::listings::ListingId>()
                    .all(conn)
                    .await?,
            ),
        )
        .count(conn)
        .await?;
    if versions > 0 {
        kept.push((
            format!(
                "{} they wrote for an organisation",
                plural(versions, "listing version", "listing versions")
            ),
            "A listing belongs to its organisation, which still exists; it shows no account name."
                .to_owned(),
        ));
    }
    for org in &other_sole_orgs {
        kept.push((
            format!("{}, which has no other member", org.name),
            "An organisation is a business the council approved, not the person: it stays. With \
             nobody to confirm its listings, they are hidden at their next review date."
                .to_owned(),
        ));
    }
    if business_documents > 0 {
        kept.push((
            plural(
                business_documents,
                "insurance or CQC document they uploaded for an organisation",
                "insurance or CQC documents they uploaded for organisations",
            ),
            "They are the organisation's, not the person's: kept, without their name as the \
             uploader or in the file's name."
                .to_owned(),
        ));
    }
    let replies = enquiry_messages::Entity::find()
        .filter(enquiry_messages::Column::AuthorUserId.eq(id))
        .filter(enquiry_messages::Column::FromProvider.eq(true))
        .count(conn)
        .await?;
    if replies > 0 {
        kept.push((
            plural(
                replies,
                "reply they wrote for an organisation",
                "replies they wrote for an organisation",
            ),
            "The provider's side of other people's enquiries, which belong to the people who \
             asked."
                .to_owned(),
        ));
    }
    let applications = fund_applications::Entity::find()
        .filter(fund_applications::Column::CreatedByUserId.eq(id))
        .count(conn)
        .await?;
    if applications > 0 {
        kept.push((
            plural(
                applications,
                "innovation fund application",
                "innovation fund applications",
            ),
            "Fund applications and awards are the council's record of its grants (published \
             under 360Giving); they show no account name."
                .to_owned(),
        ));
    }
    let scores = fund_reviews::Entity::find()
        .filter(fund_reviews::Column::UserId.eq(id))
        .count(conn)
        .await?;
    if scores > 0 {
        kept.push((
            plural(scores, "panel review", "panel reviews"),
            "The scores are the council's record of how it decided its grants.".to_owned(),
        ));
    }
    let checked = inspections::Entity::find()
        .filter(inspections::Column::CheckerUserId.eq(id))
        .count(conn)
        .await?;
    if checked > 0 {
        kept.push((
            plural(
                checked,
                "inspection they carried out",
                "inspections they carried out",
            ),
            "Inspection reports are the council's record of quality checks.".to_owned(),
        ));
    }
    if enquiry_count > 0 {
        kept.push((
            "When each enquiry was sent and closed, its outcome, service and postcode sector"
                .to_owned(),
            "The market figures count them; nothing left identifies the person.".to_owned(),
        ));
    }
    kept.push((
        "The audit log".to_owned(),
        "It records that changes happened, by account number, with no names, emails or words."
            .to_owned(),
    ));

    let blocked = blocked(conn, id).await?;
    Ok(Plan {
        subject: Subject::Person(id),
        name: user.display_name,
        erased_at: user.erased_at,
        removed,
        kept,
        blocked,
    })
}

/// Why the person cannot be erased yet, if they cannot: a broker's open cases must go to
/// another broker first.
async fn blocked(conn: &impl ConnectionTrait, id: UserId) -> Result<Option<String>, DbErr> {
    let open_clients = broker_clients::Entity::find()
        .filter(broker_clients::Column::BrokerUserId.eq(id))
        .filter(broker_clients::Column::ClosedAt.is_null())
        .count(conn)
        .await?;
    Ok((open_clients > 0).then(|| {
        format!(
            "This broker has {}: hand them over to another broker first",
            plural(open_clients, "open client", "open clients")
        )
    }))
}

async fn client_plan(conn: &impl ConnectionTrait, id: i64) -> Result<Plan, ErasureError> {
    let client = broker_clients::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ErasureError::NotFound)?;
    let enquiry_count = enquiries::Entity::find()
        .filter(enquiries::Column::ClientId.eq(id))
        .count(conn)
        .await?;
    let reviews = service_reviews::Entity::find()
        .filter(service_reviews::Column::ClientId.eq(id))
        .count(conn)
        .await?;
    let mut removed = vec![
        "Name (replaced by \"".to_owned()
            + &erased_name(Subject::Client(id))
            + "\"), postcode, needs and contact details",
        format!(
            "{}: what was asked, contact details, and every message in them",
            plural(enquiry_count, "enquiry", "enquiries")
        ),
        plural(reviews, "review", "reviews"),
        "Support plan and shortlist".to_owned(),
        "Reasons staff wrote about the client in the audit log".to_owned(),
    ];
    removed.retain(|line| !line.starts_with("0 "));
    let mut kept = Vec::new();
    if enquiry_count > 0 {
        kept.push((
            "When each enquiry was sent and closed, its outcome, service and postcode sector"
                .to_owned(),
            "The market figures count them; nothing left identifies the person.".to_owned(),
        ));
    }
    kept.push((
        "The audit log".to_owned(),
        "It records that changes happened, by record number, with no names or words.".to_owned(),
    ));
    Ok(Plan {
        subject: Subject::Client(id),
        name: client.name,
        erased_at: client.erased_at,
        removed,
        kept,
        blocked: None,
    })
}

/// Erases `subject` in one transaction. Returns the uploaded files it stopped referring to:
/// delete them once it has committed (a crash in between leaves only files nothing refers
/// to, which `kith files check --fix` removes).
pub async fn erase(
    db: &DatabaseConnection,
    actor: &Actor,
    subject: Subject,
) -> Result<Released, ErasureError> {
    if let Subject::Person(id) = subject
        && actor.user_id == Some(id)
    {
        return Err(ErasureError::Blocked(
            "You cannot erase your own account: ask another administrator".into(),
        ));
    }
    let txn = db.begin_write().await?;
    // Only what decides whether it may go ahead, not the whole plan: this holds the writer.
    let (erased_at, why_not) = match subject {
        Subject::Person(id) => {
            let user = users::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ErasureError::NotFound)?;
            (user.erased_at, blocked(&txn, id).await?)
        }
        Subject::Client(id) => {
            let client = broker_clients::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ErasureError::NotFound)?;
            (client.erased_at, None)
        }
    };
    if erased_at.is_some() {
        return Err(ErasureError::AlreadyErased);
    }
    if let Some(why) = why_not {
        return Err(ErasureError::Blocked(why));
    }
    let released = match subject {
        Subject::Person(id) => erase_person(&txn, actor, id).await?,
        Subject::Client(id) => erase_client(&txn, id).await?,
    };
    let (kind, id) = subject.audit_subject();
    let action = match subject {
        Subject::Person(_) => Action::PersonErased,
        Subject::Client(_) => Action::ClientErased,
    };
    forget_reasons_about(&txn, kind, &id).await?;
    audit::record(&txn, actor, Event::new(action, kind, id)).await?;
    txn.commit().await?;
    Ok(released)
}

async fn erase_person(
    txn: &DatabaseTransaction,
    actor: &Actor,
    id: UserId,
) -> Result<Released, ErasureError> {
    let user = users::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(ErasureError::NotFound)?;
    let (own_orgs, _) = sole_organisations(txn, id).await?;
    let mut released = Released::none();
    for org in &own_orgs {
        released.extend(erase_own_organisation(txn, actor, org).await?);
    }
    let enquiry_ids: Vec<i64> = enquiries::Entity::find()
        .select_only()
        .column(enquiries::Column::Id)
        .filter(own_enquiries(id))
        .into_tuple()
        .all(txn)
        .await?;
    scrub_enquiries(txn, &enquiry_ids, Some(Subject::Person(id))).await?;
    delete_reviews(
        txn,
        service_reviews::Column::AuthorUserId
            .eq(id)
            .and(service_reviews::Column::ClientId.is_null()),
    )
    .await?;
    delete_plans(
        txn,
        support_plans::Column::HolderUserId.eq(id),
        shortlist_items::Column::HolderUserId.eq(id),
    )
    .await?;
    delete_saved_searches(txn, saved_searches::Column::UserId.eq(id)).await?;
    // Problems they reported stay (the listing may still need putting right), unnamed.
    listing_reports::Entity::update_many()
        .col_expr(
            listing_reports::Column::ReporterUserId,
            Expr::value(None::<i64>),
        )
        .filter(listing_reports::Column::ReporterUserId.eq(id))
        .exec(txn)
        .await?;

    user_roles::Entity::delete_many()
        .filter(user_roles::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    auth_tokens::Entity::delete_many()
        .filter(auth_tokens::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    two_factor::Entity::delete_many()
        .filter(two_factor::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    checker_profiles::Entity::delete_many()
        .filter(checker_profiles::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    provider_members::Entity::delete_many()
        .filter(provider_members::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::ToAddress.eq(user.email.as_str()))
        .exec(txn)
        .await?;
    // An organisation whose contact email was the person's own keeps no way to reach them.
    provider_organisations::Entity::update_many()
        .col_expr(
            provider_organisations::Column::ContactEmail,
            Expr::value(None::<String>),
        )
        .filter(provider_organisations::Column::ContactEmail.eq(user.email.as_str()))
        .exec(txn)
        .await?;
    // Invitations not yet accepted go (an old link must never bring the account back);
    // accepted ones are the record of who was invited, without the address.
    let erased_email = format!("erased-{id}@erased.invalid");
    invitations::Entity::delete_many()
        .filter(invitations::Column::Email.eq(user.email.as_str()))
        .filter(invitations::Column::AcceptedAt.is_null())
        .exec(txn)
        .await?;
    invitations::Entity::update_many()
        .col_expr(
            invitations::Column::Email,
            Expr::value(erased_email.clone()),
        )
        .filter(invitations::Column::Email.eq(user.email.as_str()))
        .exec(txn)
        .await?;
    // Documents they uploaded that are about people (DBS checks, identity, references,
    // training) go with their files; an organisation's own (insurance, CQC registration)
    // stay, without their name as the uploader or in the file's name.
    for file in provider_evidence_files::Entity::find()
        .filter(provider_evidence_files::Column::UploadedBy.eq(id))
        .all(txn)
        .await?
    {
        if about_people(file.kind) {
            released.add(Store::Documents, file.stored_name.clone());
            provider_evidence_files::Entity::delete_by_id(file.id)
                .exec(txn)
                .await?;
            continue;
        }
        let extension = file.stored_name.rsplit('.').next().unwrap_or("pdf");
        provider_evidence_files::Entity::update_many()
            .col_expr(
                provider_evidence_files::Column::UploadedBy,
                Expr::value(None::<i64>),
            )
            .col_expr(
                provider_evidence_files::Column::OriginalName,
                Expr::value(format!("{}-{}.{extension}", file.kind.as_str(), file.id)),
            )
            .filter(provider_evidence_files::Column::Id.eq(file.id))
            .exec(txn)
            .await?;
    }
    // Checks they were offered are cancelled; what they wrote when declining, and conflicts
    // of interest they declared as a panel member, go.
    checker_assignments::Entity::update_many()
        .col_expr(
            checker_assignments::Column::Status,
            Expr::value(AssignmentStatus::Cancelled.as_str()),
        )
        .col_expr(
            checker_assignments::Column::UpdatedAt,
            Expr::value(Utc::now()),
        )
        .filter(checker_assignments::Column::CheckerUserId.eq(id))
        .filter(
            checker_assignments::Column::Status
                .is_in([AssignmentStatus::Offered, AssignmentStatus::Accepted]),
        )
        .exec(txn)
        .await?;
    checker_assignments::Entity::update_many()
        .col_expr(
            checker_assignments::Column::DeclineReason,
            Expr::value(None::<String>),
        )
        .filter(checker_assignments::Column::CheckerUserId.eq(id))
        .exec(txn)
        .await?;
    fund_reviews::Entity::update_many()
        .col_expr(
            fund_reviews::Column::ConflictNote,
            Expr::value(None::<String>),
        )
        .filter(fund_reviews::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    forget_reasons(
        txn,
        audit_log::Column::ActorUserId
            .eq(id)
            .and(audit_log::Column::SubjectType.is_in(["assignment", "fund_review"])),
    )
    .await?;

    let now = Utc::now();
    erasure_requests::Entity::update_many()
        .col_expr(erasure_requests::Column::Note, Expr::value(None::<String>))
        .filter(erasure_requests::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    erasure_requests::Entity::update_many()
        .col_expr(erasure_requests::Column::ClosedAt, Expr::value(now))
        .col_expr(
            erasure_requests::Column::Outcome,
            Expr::value(entity::erasure_requests::ErasureOutcome::Erased.as_str()),
        )
        .filter(erasure_requests::Column::UserId.eq(id))
        .filter(erasure_requests::Column::ClosedAt.is_null())
        .exec(txn)
        .await?;
    users::Entity::update_many()
        .col_expr(users::Column::Email, Expr::value(erased_email))
        .col_expr(
            users::Column::DisplayName,
            Expr::value(erased_name(Subject::Person(id))),
        )
        .col_expr(users::Column::PasswordHash, Expr::value(""))
        .col_expr(
            users::Column::EmailVerifiedAt,
            Expr::value(None::<chrono::DateTime<Utc>>),
        )
        .col_expr(
            users::Column::DisabledAt,
            Expr::value(user.disabled_at.unwrap_or(now)),
        )
        .col_expr(users::Column::ErasedAt, Expr::value(now))
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(released)
}

/// A personal assistant's own organisation goes with them: its listings are archived (out
/// of search), every version's words, contact details and photos are removed, and the
/// organisation keeps only its kind, status and dates. Returns the files it stopped
/// referring to.
async fn erase_own_organisation(
    txn: &DatabaseTransaction,
    actor: &Actor,
    org: &provider_organisations::Model,
) -> Result<Released, ErasureError> {
    use entity::listings::{self as listing_rows, ListingStatus};
    let mut released = Released::none();
    let listing_ids: Vec<listing_rows::ListingId> = listing_rows::Entity::find()
        .select_only()
        .column(listing_rows::Column::Id)
        .filter(listing_rows::Column::OrganisationId.eq(org.id))
        .into_tuple()
        .all(txn)
        .await?;
    for listing in &listing_ids {
        let view = crate::domain::listings::load(txn, *listing)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        if view.listing.status != ListingStatus::Archived {
            crate::domain::listings::approval::archive_in(txn, actor, &view)
                .await
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
    }
    for revision in listing_revisions::Entity::find()
        .filter(listing_revisions::Column::ListingId.is_in(listing_ids.iter().copied()))
        .all(txn)
        .await?
    {
        let Ok(mut content) = ListingContent::from_json(&revision.content) else {
            continue;
        };
        for photo in &content.photos {
            released.add(Store::Media, photo.file.clone());
            released.add(Store::Media, photo.thumbnail.clone());
        }
        let title = format!("Erased listing {}", revision.listing_id);
        content.title = title.clone();
        content.summary = String::new();
        content.description = String::new();
        content.at_home = None;
        content.venue = None;
        content.price_notes = None;
        content.cultural_competence = None;
        content.photos = Vec::new();
        content.reach = Default::default();
        content.areas = Vec::new();
        content.accreditations = None;
        listing_revisions::Entity::update_many()
            .col_expr(listing_revisions::Column::Title, Expr::value(title))
            .col_expr(
                listing_revisions::Column::Content,
                Expr::value(content.to_json()),
            )
            .col_expr(
                listing_revisions::Column::DecisionMessage,
                Expr::value(None::<String>),
            )
            .filter(listing_revisions::Column::Id.eq(revision.id))
            .exec(txn)
            .await?;
    }
    for name in [&org.logo_file, &org.logo_thumbnail].into_iter().flatten() {
        released.add(Store::Media, name.clone());
    }
    for file in provider_evidence_files::Entity::find()
        .filter(provider_evidence_files::Column::OrganisationId.eq(org.id))
        .all(txn)
        .await?
    {
        released.add(Store::Documents, file.stored_name);
    }
    provider_evidence_files::Entity::delete_many()
        .filter(provider_evidence_files::Column::OrganisationId.eq(org.id))
        .exec(txn)
        .await?;
    provider_evidence::Entity::delete_many()
        .filter(provider_evidence::Column::OrganisationId.eq(org.id))
        .exec(txn)
        .await?;
    provider_reviews::Entity::update_many()
        .col_expr(
            provider_reviews::Column::Message,
            Expr::value(None::<String>),
        )
        .filter(provider_reviews::Column::OrganisationId.eq(org.id))
        .exec(txn)
        .await?;
    let mut scrubbed: provider_organisations::ActiveModel = org.clone().into();
    scrubbed.name = Set(format!("Erased personal assistant {}", org.id));
    scrubbed.description = Set(None);
    scrubbed.contact_email = Set(None);
    scrubbed.contact_phone = Set(None);
    scrubbed.website = Set(None);
    scrubbed.address = Set(None);
    scrubbed.postcode = Set(None);
    scrubbed.logo_file = Set(None);
    scrubbed.logo_thumbnail = Set(None);
    scrubbed.logo_alt = Set(None);
    scrubbed.updated_at = Set(Utc::now());
    scrubbed.update(txn).await?;
    forget_reasons_about(txn, "provider_organisation", &org.id.to_string()).await?;
    let listing_subjects: Vec<String> = listing_ids.iter().map(|l| l.to_string()).collect();
    forget_reasons(
        txn,
        audit_log::Column::SubjectType
            .eq("listing")
            .and(audit_log::Column::SubjectId.is_in(listing_subjects)),
    )
    .await?;
    crate::domain::search::changes::record_organisation(txn, org.id).await?;
    Ok(released)
}

pub(super) async fn erase_client(txn: &DatabaseTransaction, id: i64) -> Result<Released, DbErr> {
    let enquiry_ids: Vec<i64> = enquiries::Entity::find()
        .select_only()
        .column(enquiries::Column::Id)
        .filter(enquiries::Column::ClientId.eq(id))
        .into_tuple()
        .all(txn)
        .await?;
    scrub_enquiries(txn, &enquiry_ids, Some(Subject::Client(id))).await?;
    delete_reviews(txn, service_reviews::Column::ClientId.eq(id)).await?;
    delete_plans(
        txn,
        support_plans::Column::ClientId.eq(id),
        shortlist_items::Column::ClientId.eq(id),
    )
    .await?;
    delete_saved_searches(txn, saved_searches::Column::ClientId.eq(id)).await?;
    let placements: Vec<i64> = entity::placement_requests::Entity::find()
        .select_only()
        .column(entity::placement_requests::Column::Id)
        .filter(entity::placement_requests::Column::ClientId.eq(id))
        .into_tuple()
        .all(txn)
        .await?;
    scrub_placements(txn, &placements).await?;
    let now = Utc::now();
    let client = broker_clients::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("client {id}")))?;
    broker_clients::Entity::update_many()
        .col_expr(
            broker_clients::Column::Name,
            Expr::value(erased_name(Subject::Client(id))),
        )
        .col_expr(
            broker_clients::Column::PostcodeSector,
            Expr::value(None::<String>),
        )
        .col_expr(broker_clients::Column::Needs, Expr::value(""))
        .col_expr(broker_clients::Column::ContactPreference, Expr::value(""))
        .col_expr(broker_clients::Column::ContactDetails, Expr::value(""))
        .col_expr(
            broker_clients::Column::ClosedAt,
            Expr::value(client.closed_at.unwrap_or(now)),
        )
        .col_expr(broker_clients::Column::ErasedAt, Expr::value(now))
        .col_expr(broker_clients::Column::UpdatedAt, Expr::value(now))
        .filter(broker_clients::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(Released::none())
}

/// The words of these placement requests (the person's needs) and the homes' answers go;
/// an open one is withdrawn. When, what kind of place, the district and the outcome stay
/// for the market figures.
pub(super) async fn scrub_placements(txn: &DatabaseTransaction, ids: &[i64]) -> Result<(), DbErr> {
    use crate::domain::placements;
    use entity::placement_offers;
    use entity::placement_requests::{self, PlacementStatus};
    if ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    placement_requests::Entity::update_many()
        .col_expr(placement_requests::Column::Needs, Expr::value(REMOVED_TEXT))
        .col_expr(placement_requests::Column::AnonymisedAt, Expr::value(now))
        .filter(placement_requests::Column::Id.is_in(ids.iter().copied()))
        .exec(txn)
        .await?;
    placements::close_open_requests(txn, ids, PlacementStatus::Withdrawn, now).await?;
    for column in [
        placement_offers::Column::DeclineReason,
        placement_offers::Column::OfferDetails,
    ] {
        placement_offers::Entity::update_many()
            .col_expr(column, Expr::value(REMOVED_TEXT))
            .filter(placement_offers::Column::RequestId.is_in(ids.iter().copied()))
            .filter(column.is_not_null())
            .exec(txn)
            .await?;
    }
    // The homes' words were kept with the audit entries too.
    let offers: Vec<i64> = placement_offers::Entity::find()
        .select_only()
        .column(placement_offers::Column::Id)
        .filter(placement_offers::Column::RequestId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(txn)
        .await?;
    for chunk in offers.chunks(500) {
        forget_reasons(
            txn,
            audit_log::Column::SubjectType
                .eq("placement_offer")
                .and(audit_log::Column::SubjectId.is_in(chunk.iter().map(|id| id.to_string()))),
        )
        .await?;
    }
    placements::close_open_offers(txn, ids, now).await?;
    Ok(())
}

/// The words of these enquiries and every message in them go; when, what service, the
/// outcome and the postcode sector (which the market figures count) stay.
pub(super) async fn scrub_enquiries(
    txn: &DatabaseTransaction,
    ids: &[i64],
    subject: Option<Subject>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let name = subject.map_or_else(|| "Anonymised".to_owned(), erased_name);
    enquiries::Entity::update_many()
        .col_expr(enquiries::Column::ContactName, Expr::value(name))
        .col_expr(enquiries::Column::SupportWanted, Expr::value(REMOVED_TEXT))
        .col_expr(enquiries::Column::WhenWanted, Expr::value(""))
        .col_expr(enquiries::Column::ReplyPhone, Expr::value(None::<String>))
        .col_expr(enquiries::Column::AnonymisedAt, Expr::value(Utc::now()))
        .filter(enquiries::Column::Id.is_in(ids.iter().copied()))
        .exec(txn)
        .await?;
    // An open one closes: nobody is left to answer, and nothing more may be written in it.
    enquiries::Entity::update_many()
        .col_expr(
            enquiries::Column::Status,
            Expr::value(enquiries::EnquiryStatus::Closed.as_str()),
        )
        .col_expr(enquiries::Column::ClosedAt, Expr::value(Utc::now()))
        .filter(enquiries::Column::Id.is_in(ids.iter().copied()))
        .filter(enquiries::Column::Status.eq(enquiries::EnquiryStatus::Open))
        .exec(txn)
        .await?;
    enquiry_messages::Entity::update_many()
        .col_expr(enquiry_messages::Column::Body, Expr::value(REMOVED_TEXT))
        .filter(enquiry_messages::Column::EnquiryId.is_in(ids.iter().copied()))
        .exec(txn)
        .await?;
    let subject_ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    forget_reasons(
        txn,
        audit_log::Column::SubjectType
            .eq("enquiry")
            .and(audit_log::Column::SubjectId.is_in(subject_ids)),
    )
    .await
}

async fn delete_reviews(
    txn: &DatabaseTransaction,
    which: sea_orm::sea_query::SimpleExpr,
) -> Result<(), DbErr> {
    let ids: Vec<String> = service_reviews::Entity::find()
        .select_only()
        .column(service_reviews::Column::Id)
        .filter(which.clone())
        .into_tuple::<i64>()
        .all(txn)
        .await?
        .iter()
        .map(i64::to_string)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    forget_reasons(
        txn,
        audit_log::Column::SubjectType
            .eq("review")
            .and(audit_log::Column::SubjectId.is_in(ids)),
    )
    .await?;
    service_reviews::Entity::delete_many()
        .filter(which)
        .exec(txn)
        .await?;
    Ok(())
}

async fn delete_saved_searches(
    txn: &DatabaseTransaction,
    whose: sea_orm::sea_query::SimpleExpr,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = saved_searches::Entity::find()
        .select_only()
        .column(saved_searches::Column::Id)
        .filter(whose)
        .into_tuple()
        .all(txn)
        .await?;
    saved_search_alerts::Entity::delete_many()
        .filter(saved_search_alerts::Column::SavedSearchId.is_in(ids.clone()))
        .exec(txn)
        .await?;
    saved_searches::Entity::delete_many()
        .filter(saved_searches::Column::Id.is_in(ids))
        .exec(txn)
        .await?;
    Ok(())
}

async fn delete_plans(
    txn: &DatabaseTransaction,
    plans: sea_orm::sea_query::SimpleExpr,
    shortlist: sea_orm::sea_query::SimpleExpr,
) -> Result<(), DbErr> {
    let plan_ids: Vec<i64> = support_plans::Entity::find()
        .select_only()
        .column(support_plans::Column::Id)
        .filter(plans.clone())
        .into_tuple()
        .all(txn)
        .await?;
    support_plan_items::Entity::delete_many()
        .filter(support_plan_items::Column::PlanId.is_in(plan_ids))
        .exec(txn)
        .await?;
    support_plans::Entity::delete_many()
        .filter(plans)
        .exec(txn)
        .await?;
    shortlist_items::Entity::delete_many()
        .filter(shortlist)
        .exec(txn)
        .await?;
    Ok(())
}

async fn forget_reasons_about(
    txn: &DatabaseTransaction,
    kind: &str,
    id: &str,
) -> Result<(), DbErr> {
    forget_reasons(
        txn,
        audit_log::Column::SubjectType
            .eq(kind)
            .and(audit_log::Column::SubjectId.eq(id)),
    )
    .await
}

/// Deletes the reasons written with the audit entries `which` matches (the entries stay).
async fn forget_reasons(
    txn: &DatabaseTransaction,
    which: sea_orm::sea_query::SimpleExpr,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Id)
        .filter(which)
        .into_tuple()
        .all(txn)
        .await?;
    for chunk in ids.chunks(500) {
        audit_reasons::Entity::delete_many()
            .filter(audit_reasons::Column::AuditId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    Ok(())
}
