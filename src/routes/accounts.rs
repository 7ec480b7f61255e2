//! Account handlers: parse the form, call `domain::accounts`, render or redirect.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use sea_orm::EntityTrait;
use serde::Deserialize;

use super::{RequestActor, html_page, see_other};
use crate::auth::access::{ClientIp, safe_next, start_session};
use crate::auth::rate_limit::{self, Limit};
use crate::auth::roles::Role;
use crate::auth::{CurrentUser, csrf};
use crate::domain::accounts::{self, AccountError, NewAccount, Registration};
use crate::domain::display_name::DisplayName;
use crate::domain::email_address::EmailAddress;
use crate::domain::invitations::{self, InvitationError, NewStaffAccount};
use crate::domain::new_password::NewPassword;
use crate::domain::organisations;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::accounts::{
    self as view, EmailForm, NewPasswordForm, ProfileForm, RegisterForm, SignInForm,
};
use crate::views::{Page, page::set_flash};

fn limit(state: &AppState, key: String, limit: Limit) -> AppResult<()> {
    state
        .rate_limiter
        .check(&key, limit)
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        })
}

/// Checks a new password and its confirmation, recording errors against both fields.
fn new_password(errors: &mut FieldErrors, password: &str, confirm: &str) -> Option<NewPassword> {
    let parsed = errors.take("password", NewPassword::parse(password));
    if parsed.is_some() && password != confirm {
        errors.add("password_confirm", "The passwords do not match");
    }
    parsed.filter(|_| password == confirm)
}

pub async fn register_form(page: Page) -> maud::Markup {
    view::register(&page, &RegisterForm::default(), &FieldErrors::default())
}

pub async fn register(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    ClientIp(ip): ClientIp,
    form: web::Form<RegisterForm>,
) -> AppResult<HttpResponse> {
    limit(
        &state,
        format!("register:ip:{ip}"),
        rate_limit::REGISTER_PER_IP,
    )?;
    let mut errors = FieldErrors::default();
    let display_name = errors.take("display_name", DisplayName::parse(&form.display_name));
    let email = errors.take("email", EmailAddress::parse(&form.email));
    let role = form
        .role
        .parse::<Role>()
        .ok()
        .filter(|r| r.is_self_service());
    if role.is_none() {
        errors.add("role", "Select how you will use Kith");
    }
    let password = new_password(&mut errors, &form.password, &form.password_confirm);
    let (Some(display_name), Some(email), Some(role), Some(password)) =
        (display_name, email, role, password)
    else {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::register(&page, &form, &errors),
        ));
    };
    let password_hash = accounts::hash_password(password.expose().to_owned()).await?;
    let outcome = accounts::register(
        &state.db,
        &actor,
        &state.base_url,
        NewAccount {
            email: email.clone(),
            display_name,
            password_hash,
            role,
        },
    )
    .await?;
    state.wake_mail_worker();
    tracing::info!(
        created = matches!(outcome, Registration::Created(_)),
        "registration handled"
    );
    Ok(html_page(
        StatusCode::OK,
        view::check_email(&page, email.as_str()),
    ))
}

pub async fn verify_email(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    match accounts::verify_email(&state.db, &actor, &token).await {
        Ok(_) => Ok(html_page(StatusCode::OK, view::verify_result(&page, true))),
        Err(AccountError::Db(err)) => Err(err.into()),
        Err(_) => Ok(html_page(
            StatusCode::BAD_REQUEST,
            view::verify_result(&page, false),
        )),
    }
}

pub async fn resend_verification(
    user: CurrentUser,
    state: web::Data<AppState>,
    session: Session,
) -> AppResult<HttpResponse> {
    accounts::resend_verification(&state.db, &state.base_url, &user).await?;
    state.wake_mail_worker();
    if !user.email_verified {
        set_flash(
            &session,
            &format!("We have sent a new confirmation link to {}", user.email),
        );
    }
    Ok(see_other("/account"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: String,
    reset: String,
    invitation: String,
}

pub async fn sign_in_form(page: Page, query: web::Query<NextQuery>) -> maud::Markup {
    let query = query.into_inner();
    let notice = if query.reset == "done" {
        Some("Your password has been changed. Sign in with your new password.")
    } else if query.invitation == "accepted" {
        Some("Invitation accepted. Sign in to use your new role.")
    } else {
        None
    };
    let form = SignInForm {
        next: query.next,
        ..Default::default()
    };
    view::sign_in(&page, &form, &FieldErrors::default(), notice)
}

pub async fn sign_in(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    ClientIp(ip): ClientIp,
    session: Session,
    form: web::Form<SignInForm>,
) -> AppResult<HttpResponse> {
    let mut form = form.into_inner();
    let mut errors = FieldErrors::default();
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::sign_in(&page, &form, &errors, None),
        ));
    }
    // Only failed attempts count, per address and per email.
    let email_key = format!("sign-in:email:{}", form.email.trim().to_lowercase());
    let ip_key = format!("sign-in:ip:{ip}");
    let limiter = &state.rate_limiter;
    limiter
        .check_only(&ip_key, rate_limit::SIGN_IN_PER_IP)
        .and_then(|()| limiter.check_only(&email_key, rate_limit::SIGN_IN_PER_EMAIL))
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        })?;
    let password = std::mem::take(&mut form.password);
    match accounts::authenticate(&state.db, &form.email, password).await {
        Ok(user) => {
            state.rate_limiter.reset(&email_key);
            start_session(&session, user.id)?;
            csrf::rotate(&session);
            accounts::record_sign_in(&state.db, &actor, user.id).await?;
            Ok(see_other(&safe_next(
                Some(form.next.as_str()).filter(|n| !n.is_empty()),
            )))
        }
        Err(AccountError::Db(err)) => Err(err.into()),
        Err(err) => {
            tracing::info!("sign-in refused");
            limiter.record(&ip_key, rate_limit::SIGN_IN_PER_IP);
            limiter.record(&email_key, rate_limit::SIGN_IN_PER_EMAIL);
            errors.add("email", err.to_string());
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::sign_in(&page, &form, &errors, None),
            ))
        }
    }
}

pub async fn sign_out(
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
) -> AppResult<HttpResponse> {
    if let Some(user_id) = actor.user_id {
        crate::domain::audit::record(
            &state.db,
            &actor,
            crate::domain::audit::Event::new("account.signed_out", "user", user_id),
        )
        .await?;
    }
    session.purge();
    Ok(see_other("/"))
}

pub async fn forgot_password_form(page: Page) -> maud::Markup {
    view::forgot_password(&page, &EmailForm::default(), &FieldErrors::default())
}

pub async fn forgot_password(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    ClientIp(ip): ClientIp,
    form: web::Form<EmailForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let Some(email) = errors.take("email", EmailAddress::parse(&form.email)) else {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::forgot_password(&page, &form, &errors),
        ));
    };
    limit(&state, format!("reset:ip:{ip}"), rate_limit::RESET_PER_IP)?;
    limit(
        &state,
        format!("reset:email:{email}"),
        rate_limit::RESET_PER_EMAIL,
    )?;
    accounts::request_password_reset(&state.db, &actor, &state.base_url, &email).await?;
    state.wake_mail_worker();
    Ok(html_page(StatusCode::OK, view::reset_link_sent(&page)))
}

pub async fn reset_password_form(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    if accounts::reset_token_is_valid(&state.db, &token).await? {
        Ok(html_page(
            StatusCode::OK,
            view::reset_password(&page, &token, &FieldErrors::default()),
        ))
    } else {
        Ok(html_page(
            StatusCode::BAD_REQUEST,
            view::reset_link_invalid(&page),
        ))
    }
}

pub async fn reset_password(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    token: web::Path<String>,
    form: web::Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    if !accounts::reset_token_is_valid(&state.db, &token).await? {
        return Ok(html_page(
            StatusCode::BAD_REQUEST,
            view::reset_link_invalid(&page),
        ));
    }
    let mut errors = FieldErrors::default();
    let Some(password) = new_password(&mut errors, &form.password, &form.password_confirm) else {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::reset_password(&page, &token, &errors),
        ));
    };
    let hash = accounts::hash_password(password.expose().to_owned()).await?;
    match accounts::reset_password(&state.db, &actor, &state.base_url, &token, hash).await {
        Ok(_) => {
            state.wake_mail_worker();
            session.purge();
            Ok(see_other("/sign-in?reset=done"))
        }
        Err(AccountError::Db(err)) => Err(err.into()),
        Err(_) => Ok(html_page(
            StatusCode::BAD_REQUEST,
            view::reset_link_invalid(&page),
        )),
    }
}

async fn account_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    form: &ProfileForm,
    errors: &FieldErrors,
) -> AppResult<maud::Markup> {
    let model = entity::users::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let organisations = organisations::of_user(&state.db, user.id)
        .await?
        .into_iter()
        .map(|(org, member_role)| (org.name, org.kind, member_role))
        .collect();
    let account = view::AccountView {
        user,
        organisations,
        last_sign_in: model.last_sign_in_at,
        member_since: model.created_at,
    };
    Ok(view::account(page, &account, form, errors))
}

pub async fn account(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let form = ProfileForm {
        display_name: user.display_name.clone(),
    };
    account_page(&page, &state, &user, &form, &FieldErrors::default()).await
}

pub async fn update_profile(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<ProfileForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let Some(name) = errors.take("display_name", DisplayName::parse(&form.display_name)) else {
        let markup = account_page(&page, &state, &user, &form, &errors).await?;
        return Ok(html_page(StatusCode::UNPROCESSABLE_ENTITY, markup));
    };
    accounts::update_profile(&state.db, &actor, user.id, &name).await?;
    set_flash(&session, "Your details have been saved");
    Ok(see_other("/account"))
}

pub async fn change_password_form(page: Page) -> maud::Markup {
    view::change_password(&page, &FieldErrors::default())
}

pub async fn change_password(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    let mut form = form.into_inner();
    let mut errors = FieldErrors::default();
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password");
    }
    let password = new_password(&mut errors, &form.password, &form.password_confirm);
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::change_password(&page, &errors),
        ));
    };
    let hash = accounts::hash_password(password.expose().to_owned()).await?;
    let current = std::mem::take(&mut form.current_password);
    match accounts::change_password(&state.db, &actor, &state.base_url, user.id, current, hash)
        .await
    {
        Ok(()) => {
            state.wake_mail_worker();
            start_session(&session, user.id)?;
            csrf::rotate(&session);
            set_flash(&session, "Your password has been changed");
            Ok(see_other("/account"))
        }
        Err(AccountError::WrongCurrentPassword) => {
            errors.add(
                "current_password",
                AccountError::WrongCurrentPassword.to_string(),
            );
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::change_password(&page, &errors),
            ))
        }
        Err(AccountError::Db(err)) => Err(err.into()),
        Err(err) => Err(AppError::BadRequest(err.to_string())),
    }
}

pub async fn invitation_form(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    match invitations::find_open(&state.db, &token).await {
        Ok(open) => {
            let v = view::InvitationView {
                token: &token,
                email: &open.invitation.email,
                role: open.role,
                has_account: open.existing_user.is_some(),
            };
            Ok(html_page(
                StatusCode::OK,
                view::invitation(
                    &page,
                    &v,
                    &NewPasswordForm::default(),
                    &FieldErrors::default(),
                ),
            ))
        }
        Err(InvitationError::Db(err)) => Err(err.into()),
        Err(_) => Ok(html_page(
            StatusCode::BAD_REQUEST,
            view::invitation_invalid(&page),
        )),
    }
}

pub async fn accept_invitation(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    token: web::Path<String>,
    form: web::Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    let open = match invitations::find_open(&state.db, &token).await {
        Ok(open) => open,
        Err(InvitationError::Db(err)) => return Err(err.into()),
        Err(_) => {
            return Ok(html_page(
                StatusCode::BAD_REQUEST,
                view::invitation_invalid(&page),
            ));
        }
    };
    let new_account = if open.existing_user.is_some() {
        None
    } else {
        let mut errors = FieldErrors::default();
        let name = errors.take("display_name", DisplayName::parse(&form.display_name));
        let password = new_password(&mut errors, &form.password, &form.password_confirm);
        let (Some(display_name), Some(password)) = (name, password) else {
            let v = view::InvitationView {
                token: &token,
                email: &open.invitation.email,
                role: open.role,
                has_account: false,
            };
            return Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::invitation(&page, &v, &form, &errors),
            ));
        };
        let password_hash = accounts::hash_password(password.expose().to_owned()).await?;
        Some(NewStaffAccount {
            display_name,
            password_hash,
        })
    };
    let created = new_account.is_some();
    let user_id = match invitations::accept(&state.db, &actor, &token, new_account).await {
        Ok(id) => id,
        Err(InvitationError::Db(err)) => return Err(err.into()),
        Err(_) => {
            return Ok(html_page(
                StatusCode::BAD_REQUEST,
                view::invitation_invalid(&page),
            ));
        }
    };
    if created || actor.user_id == Some(user_id) {
        start_session(&session, user_id)?;
        csrf::rotate(&session);
        set_flash(
            &session,
            &format!("You now have the {} role", open.role.label().to_lowercase()),
        );
        Ok(see_other("/account"))
    } else {
        Ok(see_other("/sign-in?invitation=accepted"))
    }
}
