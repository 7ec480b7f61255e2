//! The append-only audit log: who did what to which record, from what state to what, and why.

use chrono::Utc;
use entity::councils::CouncilId;
use entity::users::UserId;
use entity::{audit_log, audit_reasons};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// Declares every audited action with the name stored in the log. The names are the log's
/// vocabulary (the audit page filters by their prefix), so they never change once used.
macro_rules! actions {
    ($($variant:ident = $name:literal,)+) => {
        /// What an audit entry records was done.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Action {
            $($variant),+
        }

        impl Action {
            pub const ALL: [Action; [$($name),+].len()] = [$(Action::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name),+
                }
            }
        }
    };
}

actions! {
    AccountCreated = "account.created",
    AccountEmailVerified = "account.email_verified",
    AccountPasswordChanged = "account.password_changed",
    AccountPasswordReset = "account.password_reset",
    AccountPasswordResetRequested = "account.password_reset_requested",
    AccountProfileUpdated = "account.profile_updated",
    AccountReclaimedByInvitation = "account.reclaimed_by_invitation",
    AccountRecoveryCodeUsed = "account.recovery_code_used",
    AccountRecoveryCodesReplaced = "account.recovery_codes_replaced",
    AccountRegistered = "account.registered",
    AccountSignInFailed = "account.sign_in_failed",
    AccountSignedIn = "account.signed_in",
    AccountSignedOut = "account.signed_out",
    AccountStatusChanged = "account.status_changed",
    AccountTwoFactorDisabled = "account.two_factor_disabled",
    AccountTwoFactorEnabled = "account.two_factor_enabled",
    AccountTwoFactorReset = "account.two_factor_reset",

    AssignmentAccepted = "assignment.accepted",
    AssignmentCancelled = "assignment.cancelled",
    AssignmentDeclined = "assignment.declined",
    AssignmentOffered = "assignment.offered",
    AssignmentReminded = "assignment.reminded",

    CategoryCreated = "category.created",
    CategoryStatusChanged = "category.status_changed",
    CategoryUpdated = "category.updated",

    CheckerProfileSaved = "checker.profile_saved",

    ClientClosed = "client.closed",
    ClientCreated = "client.created",
    ClientHandedOver = "client.handed_over",
    ClientReopened = "client.reopened",
    ClientUpdated = "client.updated",
    ClientViewed = "client.viewed",
    ClientDataExported = "client.data_exported",
    ClientErased = "client.erased",

    CouncilChanged = "council.changed",
    CouncilCreated = "council.created",

    CqcChangeResolved = "cqc.change_resolved",
    CqcImported = "cqc.imported",

    EnquiryClosed = "enquiry.closed",
    EnquiryMessage = "enquiry.message",
    EnquirySent = "enquiry.sent",

    EvidenceFileAdded = "evidence_file.added",
    EvidenceFileDownloaded = "evidence_file.downloaded",
    EvidenceFileRemoved = "evidence_file.removed",

    FundApplicationDecided = "fund_application.decided",
    FundApplicationSaved = "fund_application.saved",
    FundApplicationStarted = "fund_application.started",
    FundApplicationSubmitted = "fund_application.submitted",
    FundApplicationWithdrawn = "fund_application.withdrawn",

    FundAwardListingLinked = "fund_award.listing_linked",
    FundAwardMilestoneAdded = "fund_award.milestone_added",
    FundAwardMilestoneMet = "fund_award.milestone_met",
    FundAwardPaymentRecorded = "fund_award.payment_recorded",

    FundReviewConflictDeclared = "fund_review.conflict_declared",
    FundReviewSaved = "fund_review.saved",
    FundReviewSubmitted = "fund_review.submitted",

    FundRoundCreated = "fund_round.created",
    FundRoundPanelAdded = "fund_round.panel_added",
    FundRoundPanelRemoved = "fund_round.panel_removed",
    FundRoundPublished = "fund_round.published",
    FundRoundUpdated = "fund_round.updated",

    InspectionPhotoAdded = "inspection.photo_added",
    InspectionPhotoRemoved = "inspection.photo_removed",
    InspectionProviderResponded = "inspection.provider_responded",
    InspectionPublished = "inspection.published",
    InspectionReturned = "inspection.returned",
    InspectionSaved = "inspection.saved",
    InspectionStarted = "inspection.started",
    InspectionSubmitted = "inspection.submitted",

    InvitationAccepted = "invitation.accepted",
    InvitationCreated = "invitation.created",

    ListingApproved = "listing.approved",
    ListingArchived = "listing.archived",
    ListingChangesRequested = "listing.changes_requested",
    ListingCreated = "listing.created",
    ListingEdited = "listing.edited",
    ListingHidden = "listing.hidden",
    ListingImported = "listing.imported",
    ListingPlacesReminderSent = "listing.places_reminder_sent",
    ListingPlacesUpdated = "listing.places_updated",
    ListingRaisedForReview = "listing.raised_for_review",
    ListingRejected = "listing.rejected",
    ListingReportResolved = "listing.report_resolved",
    ListingReported = "listing.reported",
    ListingReviewConfirmed = "listing.review_confirmed",
    ListingReviewReminderSent = "listing.review_reminder_sent",
    ListingSubmitted = "listing.submitted",
    ListingSuspended = "listing.suspended",
    ListingUnsuspended = "listing.unsuspended",

    MpsCreated = "mps.created",
    MpsPublished = "mps.published",
    MpsRefreshed = "mps.refreshed",
    MpsSaved = "mps.saved",

    OrganisationCreated = "organisation.created",
    OrganisationEvidenceReminderSent = "organisation.evidence_reminder_sent",
    OrganisationEvidenceSaved = "organisation.evidence_saved",
    OrganisationImported = "organisation.imported",
    OrganisationLogoChanged = "organisation.logo_changed",
    OrganisationMemberAdded = "organisation.member_added",
    OrganisationMemberInvited = "organisation.member_invited",
    OrganisationProfileUpdated = "organisation.profile_updated",
    OrganisationStatusChanged = "organisation.status_changed",

    PlacementAssessing = "placement.assessing",
    PlacementConfirmed = "placement.confirmed",
    PlacementDeclined = "placement.declined",
    PlacementOffered = "placement.offered",
    PlacementRequested = "placement.requested",
    PlacementWithdrawn = "placement.withdrawn",

    PlanBudgetFromRas = "plan.budget_from_ras",
    PlanBudgetSet = "plan.budget_set",
    PlanItemAdded = "plan.item_added",
    PlanItemRemoved = "plan.item_removed",

    PersonDataExported = "person.data_exported",
    PersonErased = "person.erased",
    PersonErasureDeclined = "person.erasure_declined",
    PersonErasureRequested = "person.erasure_requested",

    RasPublished = "ras.published",

    RetentionApplied = "retention.applied",

    ReviewModerated = "review.moderated",
    ReviewReplied = "review.replied",
    ReviewSubmitted = "review.submitted",

    RoleGranted = "role.granted",
    RoleRevoked = "role.revoked",

    SavedSearchChanged = "saved_search.changed",
    SavedSearchCreated = "saved_search.created",
    SavedSearchDeleted = "saved_search.deleted",

    ShortlistAdded = "shortlist.added",
    ShortlistAdopted = "shortlist.adopted",
    ShortlistNoteSaved = "shortlist.note_saved",
    ShortlistRemoved = "shortlist.removed",
}

/// Who is acting, carried from the request into every domain function that changes state.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub request_id: Option<String>,
    /// The council whose pages the request came through (none for the command line and
    /// background jobs): its audit log shows the change.
    pub council: Option<CouncilId>,
}

impl Actor {
    pub fn system() -> Self {
        Self::default()
    }

    /// Whether the actor may reach a record of `council`: one acting through a council's
    /// pages reaches only that council's; the command line and background jobs reach all.
    pub fn may_reach(&self, council: CouncilId) -> bool {
        self.council.is_none_or(|own| own == council)
    }

    /// The same request, credited to `user_id` when nobody is signed in (e.g. following an
    /// emailed link).
    pub fn or_user(&self, user_id: UserId) -> Self {
        Self {
            user_id: self.user_id.or(Some(user_id)),
            ..self.clone()
        }
    }
}

/// One audit entry; build with [`Event::new`] and the `from`/`to`/`detail` setters.
#[derive(Debug)]
pub struct Event {
    action: Action,
    subject_type: &'static str,
    subject_id: String,
    from_state: Option<String>,
    to_state: Option<String>,
    detail: Option<String>,
    reason: Option<String>,
}

impl Event {
    pub fn new(action: Action, subject_type: &'static str, subject_id: impl ToString) -> Self {
        Self {
            action,
            subject_type,
            subject_id: subject_id.to_string(),
            from_state: None,
            to_state: None,
            detail: None,
            reason: None,
        }
    }

    pub fn from(mut self, state: impl Into<String>) -> Self {
        self.from_state = Some(state.into());
        self
    }

    pub fn to(mut self, state: impl Into<String>) -> Self {
        self.to_state = Some(state.into());
        self
    }

    /// Facts about the change: ids, states, counts, dates, the log's own words. Never a
    /// name, an email, a file name or anything a person typed: those go in [`Event::reason`].
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The words someone wrote with the decision (a reason, a message, a note), kept beside
    /// the log in `audit_reasons` so they can be erased with the person they are about.
    /// Empty words are no reason.
    pub fn reason(mut self, reason: &str) -> Self {
        let reason = reason.trim();
        if !reason.is_empty() {
            self.reason = Some(reason.chars().take(MAX_REASON_CHARS).collect());
        }
        self
    }
}

/// Longest reason kept with an audit entry.
const MAX_REASON_CHARS: usize = 2000;

/// The log's row for an event (its reason, if any, goes beside it).
fn entry(actor: &Actor, event: Event, at: chrono::DateTime<Utc>) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        occurred_at: Set(at),
        actor_user_id: Set(actor.user_id),
        on_behalf_of: Set(None),
        action: Set(event.action.as_str().to_owned()),
        subject_type: Set(event.subject_type.to_owned()),
        subject_id: Set(event.subject_id),
        from_state: Set(event.from_state),
        to_state: Set(event.to_state),
        detail: Set(event.detail),
        request_id: Set(actor.request_id.clone()),
        // Left out when there is none: the first council is made (and audited) part-way
        // through migrating, before audit entries had a council.
        council_id: actor
            .council
            .map_or(sea_orm::ActiveValue::NotSet, |c| Set(Some(c))),
        ..Default::default()
    }
}

pub async fn record(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    mut event: Event,
) -> Result<(), DbErr> {
    let reason = event.reason.take();
    let inserted = audit_log::Entity::insert(entry(actor, event, Utc::now()))
        .exec(conn)
        .await?;
    if let Some(reason) = reason {
        audit_reasons::Entity::insert(audit_reasons::ActiveModel {
            audit_id: Set(inserted.last_insert_id),
            reason: Set(reason),
        })
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Records several events by one actor: those without a reason a few hundred to a statement.
pub async fn record_many(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    events: Vec<Event>,
) -> Result<(), DbErr> {
    let (with_reason, plain): (Vec<Event>, Vec<Event>) =
        events.into_iter().partition(|e| e.reason.is_some());
    for event in with_reason {
        record(conn, actor, event).await?;
    }
    let now = Utc::now();
    let rows: Vec<audit_log::ActiveModel> = plain
        .into_iter()
        .map(|event| entry(actor, event, now))
        .collect();
    for chunk in rows.chunks(500) {
        audit_log::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The reasons written with these entries, by entry id.
pub async fn reasons_of(
    conn: &impl ConnectionTrait,
    rows: &[audit_log::Model],
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    if rows.is_empty() {
        return Ok(Default::default());
    }
    Ok(audit_reasons::Entity::find()
        .filter(audit_reasons::Column::AuditId.is_in(rows.iter().map(|r| r.id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.audit_id, r.reason))
        .collect())
}

/// Filters for the admin's audit log page.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_user_id: Option<UserId>,
    pub subject: Option<(String, String)>,
    /// Entries at or after this time, and before `before`.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub before: Option<chrono::DateTime<chrono::Utc>>,
    /// A council's entries. The first council's log also shows the entries that name no
    /// council: from before there were councils (all its own), and the deployment's work.
    pub council: Option<CouncilId>,
}

/// An action code in words: "listing.changes_requested" → "Listing: changes requested".
pub fn describe_action(code: &str) -> String {
    let (subject, verb) = code.split_once('.').unwrap_or((code, ""));
    let words = |s: &str| s.replace('_', " ");
    let subject = match subject {
        "mps" => "Market Position Statement".to_owned(),
        "ras" | "ras_table" => "Points table".to_owned(),
        "cqc" => "CQC register".to_owned(),
        other => words(other),
    };
    let mut chars = subject.chars();
    let subject: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if verb.is_empty() {
        subject
    } else {
        format!("{subject}: {}", words(verb))
    }
}

/// The names of these accounts, by id (for the log's "who").
pub async fn names_of(
    conn: &impl ConnectionTrait,
    ids: Vec<UserId>,
) -> Result<std::collections::HashMap<UserId, String>, DbErr> {
    Ok(entity::users::Entity::find()
        .filter(entity::users::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

pub const AUDIT_PAGE_SIZE: u64 = 50;

/// An audit row with the reason written with it, if any.
#[derive(Clone, Debug)]
pub struct Entry {
    pub row: audit_log::Model,
    pub reason: Option<String>,
}

/// Newest first, one page; returns the entries and the total count.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: u64,
) -> Result<(Vec<Entry>, u64), DbErr> {
    let mut query = audit_log::Entity::find();
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::Column::Action.starts_with(action.as_str()));
    }
    if let Some(council) = filter.council {
        let mut theirs = Condition::any().add(audit_log::Column::CouncilId.eq(council));
        if crate::domain::councils::first(conn).await? == council {
            theirs = theirs.add(audit_log::Column::CouncilId.is_null());
        }
        query = query.filter(theirs);
    }
    if let Some(actor) = filter.actor_user_id {
        query = query.filter(audit_log::Column::ActorUserId.eq(actor));
    }
    if let Some((kind, id)) = &filter.subject {
        query = query
            .filter(audit_log::Column::SubjectType.eq(kind.as_str()))
            .filter(audit_log::Column::SubjectId.eq(id.as_str()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_log::Column::OccurredAt.gte(since));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_log::Column::OccurredAt.lt(before));
    }
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .offset(page.saturating_sub(1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE)
        .all(conn)
        .await?;
    let mut reasons = reasons_of(conn, &rows).await?;
    let entries = rows
        .into_iter()
        .map(|row| Entry {
            reason: reasons.remove(&row.id),
            row,
        })
        .collect();
    Ok((entries, total))
}
