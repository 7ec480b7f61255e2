//! Admin handlers: accounts and roles, staff invitations, the audit log, the mail outbox.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use entity::mail_outbox::MailStatus;
use entity::users::UserId;
use serde::Deserialize;

use crate::auth::VerifiedUser;
use crate::auth::roles::Role;
use crate::auth::second_factor::RecentlyConfirmed;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::accounts::invitations::{self, InvitationError};
use crate::domain::accounts::user_admin::{self, UserAdminError, UserFilter};
use crate::domain::audit::{self, AUDIT_PAGE_SIZE, AuditFilter};
use crate::domain::councils::Site;
use crate::domain::validation::{FieldErrors, has_control_chars};
use crate::error::{AppError, AppResult};
use crate::mail::outbox::{self, OUTBOX_PAGE_SIZE};
use crate::paths;
use crate::routes::{PathId, RequestActor, form_status, html_page, page_number, see_other};
use crate::state::AppState;
use crate::views::admin::{self as view, AuditQueryView, InviteForm, Overview};
use crate::views::{Page, page::set_flash};

const MAX_FILTER_CHARS: usize = 200;

impl From<UserAdminError> for AppError {
    fn from(err: UserAdminError) -> Self {
        match err {
            UserAdminError::NotFound => AppError::NotFound,
            UserAdminError::Db(db) => db.into(),
            UserAdminError::Erased | UserAdminError::SharedAccount => {
                AppError::Conflict(err.to_string())
            }
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

fn bounded(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILTER_CHARS)
        .collect()
}

pub async fn overview(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let db = &state.db;
    let accounts = user_admin::counts(db, page.council.id).await?;
    let (mail_pending, mail_failed) = outbox::counts(db).await?;
    let o = Overview {
        users: accounts.users,
        users_by_role: accounts.by_role,
        pending_invitations: accounts.pending_invitations,
        mail_pending,
        mail_failed,
        listings: crate::domain::listings::review::counts(db, state.clock.today()).await?,
    };
    Ok(view::overview(&page, &o))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UsersQuery {
    q: String,
    role: String,
    page: String,
}

pub async fn users(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<UsersQuery>,
) -> AppResult<maud::Markup> {
    let text = bounded(&query.q);
    let role = query.role.parse::<Role>().ok();
    let page_no = page_number(&query.page);
    let filter = UserFilter {
        text: Some(text.clone()),
        role,
    };
    let (rows, total) = user_admin::list(&state.db, page.council.id, &filter, page_no).await?;
    Ok(view::users(&page, &rows, total, &text, role, page_no))
}

async fn user_detail_page(
    page: &Page,
    state: &AppState,
    id: UserId,
    errors: &FieldErrors,
) -> AppResult<maud::Markup> {
    let summary = user_admin::get(&state.db, page.council.id, id).await?;
    let filter = AuditFilter {
        subject: Some(("user".into(), id.to_string())),
        council: Some(page.council.id),
        ..Default::default()
    };
    let (history, _) = audit::list(&state.db, &filter, 1).await?;
    let names = audit::names_of(&state.db, actor_ids(&history)).await?;
    let second_factor = crate::domain::accounts::two_factor::of_user(&state.db, id).await?;
    Ok(view::user_detail(
        page,
        &summary,
        second_factor.is_some(),
        &history[..history.len().min(10)],
        &names,
        errors,
    ))
}

pub async fn user_detail(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId<UserId>,
) -> AppResult<maud::Markup> {
    user_detail_page(&page, &state, id, &FieldErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

fn parse_role(raw: &str) -> AppResult<Role> {
    raw.parse()
        .map_err(|_| AppError::BadRequest("Select a role from the list.".into()))
}

pub async fn grant_role(
    state: web::Data<AppState>,
    site: Site,
    _confirmed: RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<UserId>,
    form: web::Form<RoleForm>,
) -> AppResult<HttpResponse> {
    let role = parse_role(&form.role)?;
    user_admin::grant_role(&state.db, &actor, site.council, id, role).await?;
    set_flash(&session, &format!("{} role given", role.label()));
    Ok(see_other(&paths::admin_user(id)))
}

pub async fn revoke_role(
    page: Page,
    state: web::Data<AppState>,
    _confirmed: RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<UserId>,
    form: web::Form<RoleForm>,
) -> AppResult<HttpResponse> {
    let role = parse_role(&form.role)?;
    match user_admin::revoke_role(&state.db, &actor, page.council.id, id, role).await {
        Ok(()) => {
            set_flash(&session, &format!("{} role removed", role.label()));
            Ok(see_other(&paths::admin_user(id)))
        }
        Err(UserAdminError::OwnAdminRole) => {
            let mut errors = FieldErrors::default();
            errors.add("role", UserAdminError::OwnAdminRole.to_string());
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                user_detail_page(&page, &state, id, &errors).await?,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    action: String,
    reason: String,
}

pub async fn set_status(
    page: Page,
    state: web::Data<AppState>,
    _confirmed: RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<UserId>,
    form: web::Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let disable = match form.action.as_str() {
        "disable" => true,
        "enable" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Choose to disable or enable the account.".into(),
            ));
        }
    };
    let reason = form.reason.trim();
    let mut errors = FieldErrors::default();
    if reason.chars().count() > 500 || has_control_chars(reason) {
        errors.add(
            "reason",
            "Reason must be 500 characters or fewer, without special characters",
        );
    }
    if disable && reason.is_empty() {
        errors.add("reason", "Enter a reason for disabling the account");
    }
    if !errors.is_empty() {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            user_detail_page(&page, &state, id, &errors).await?,
        ));
    }
    match user_admin::set_disabled(&state.db, &actor, page.council.id, id, disable, reason).await {
        Ok(()) => {
            set_flash(
                &session,
                if disable {
                    "Account disabled"
                } else {
                    "Account enabled"
                },
            );
            Ok(see_other(&paths::admin_user(id)))
        }
        Err(UserAdminError::OwnAccount) => {
            errors.add("reason", UserAdminError::OwnAccount.to_string());
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                user_detail_page(&page, &state, id, &errors).await?,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn invitations(page: Page, state: web::Data<AppState>) -> AppResult<maud::Markup> {
    let pending = invitations::pending(&state.db, page.council.id).await?;
    Ok(view::invitations(
        &page,
        &pending,
        &InviteForm::default(),
        &FieldErrors::default(),
    ))
}

pub async fn invite(
    page: Page,
    state: web::Data<AppState>,
    VerifiedUser(user): VerifiedUser,
    RequestActor(actor): RequestActor,
    site: Site,
    session: Session,
    form: web::Form<InviteForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let email = errors.take("email", EmailAddress::parse(&form.email));
    let role = form
        .role
        .parse::<Role>()
        .ok()
        .filter(|r| Role::staff_roles().any(|staff| staff == *r));
    if role.is_none() {
        errors.add("role", "Select the role to invite them to");
    }
    let (Some(email), Some(role)) = (email, role) else {
        let pending = invitations::pending(&state.db, page.council.id).await?;
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::invitations(&page, &pending, &form, &errors),
        ));
    };
    match invitations::invite(&state.db, &actor, &site, &user.display_name, &email, role).await {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(&session, &format!("Invitation sent to {email}"));
            Ok(see_other(&paths::admin_invitations()))
        }
        Err(InvitationError::Db(err)) => Err(err.into()),
        Err(InvitationError::TooMany { retry_after_secs }) => {
            Err(AppError::TooManyRequests { retry_after_secs })
        }
        Err(other) => Err(AppError::BadRequest(other.to_string())),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    subject_type: String,
    subject_id: String,
    page: String,
    #[serde(rename = "from-day")]
    from_day: String,
    #[serde(rename = "from-month")]
    from_month: String,
    #[serde(rename = "from-year")]
    from_year: String,
    #[serde(rename = "to-day")]
    to_day: String,
    #[serde(rename = "to-month")]
    to_month: String,
    #[serde(rename = "to-year")]
    to_year: String,
}

pub async fn audit(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let action = bounded(query.action.trim());
    let actor = bounded(query.actor.trim());
    let subject_type = bounded(query.subject_type.trim());
    let subject_id = bounded(query.subject_id.trim());
    let mut errors = FieldErrors::default();
    let actor_id = if actor.is_empty() {
        None
    } else {
        let parsed = actor.parse::<UserId>().ok();
        if parsed.is_none() {
            errors.add("actor", "Enter an account number, like 12");
        }
        parsed
    };
    // Whole UK days, from the start of one to the end of the other.
    let mut day = |name: &'static str, label: &str, (d, m, y): (&str, &str, &str)| {
        match crate::domain::dates::parse_date(d, m, y, label) {
            Ok(date) => date,
            Err(message) => {
                errors.add(name, message);
                None
            }
        }
    };
    let from = day(
        "from",
        "The first day",
        (&query.from_day, &query.from_month, &query.from_year),
    );
    let to = day(
        "to",
        "The last day",
        (&query.to_day, &query.to_month, &query.to_year),
    );
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.add(
            "to",
            "The last day must be the same as or after the first day",
        );
    }
    let filter = AuditFilter {
        action: (!action.is_empty()).then(|| action.clone()),
        actor_user_id: actor_id,
        subject: (!subject_type.is_empty()).then(|| (subject_type.clone(), subject_id.clone())),
        since: from.map(crate::domain::dates::uk_day_start),
        before: to
            .and_then(|t| t.succ_opt())
            .map(crate::domain::dates::uk_day_start),
        council: Some(page.council.id),
    };
    let page_no = page_number(&query.page);
    let (rows, total) = if errors.is_empty() {
        audit::list(&state.db, &filter, page_no).await?
    } else {
        (Vec::new(), 0)
    };
    let names = audit::names_of(&state.db, actor_ids(&rows)).await?;
    let q = AuditQueryView {
        action: &action,
        actor: &actor,
        subject_type: &subject_type,
        subject_id: &subject_id,
        from: (&query.from_day, &query.from_month, &query.from_year),
        to: (&query.to_day, &query.to_month, &query.to_year),
    };
    let status = form_status(&errors);
    Ok(html_page(
        status,
        view::audit(
            &page,
            &rows,
            &names,
            total,
            &q,
            page_no,
            AUDIT_PAGE_SIZE,
            &errors,
        ),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MailQuery {
    status: String,
    page: String,
}

pub async fn mail(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<MailQuery>,
) -> AppResult<maud::Markup> {
    let status = MailStatus::parse(&query.status);
    let page_no = page_number(&query.page);
    let (rows, total) = outbox::list(&state.db, status, page_no).await?;
    Ok(view::mail(
        &page,
        &rows,
        total,
        status.map_or("", MailStatus::as_str),
        page_no,
        OUTBOX_PAGE_SIZE,
    ))
}

/// Everyone who acted in these entries, and every account they were about.
fn actor_ids(rows: &[audit::Entry]) -> Vec<UserId> {
    rows.iter()
        .flat_map(|e| {
            let about = (e.row.subject_type == "user")
                .then(|| e.row.subject_id.parse::<UserId>().ok())
                .flatten();
            e.row.actor_user_id.into_iter().chain(about)
        })
        .collect()
}
