//! Signing in and out.

use crate::domain::audit::Action;
use crate::paths;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use entity::users::UserId;
use serde::Deserialize;

use crate::auth::access::{ClientIp, safe_next, start_session};
use crate::auth::rate_limit as limits;
use crate::auth::second_factor::{self, PendingSignIn};
use crate::auth::{csrf, devices};
use crate::domain::accounts;
use crate::domain::accounts::passwords::{self, SignInError};
use crate::domain::accounts::two_factor;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::routes::{RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::Page;
use crate::views::accounts::{self as view, SignInForm};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: String,
    reset: String,
    invitation: String,
    code: String,
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
    let mut errors = FieldErrors::default();
    if query.code == "restart" {
        errors.add(
            "email",
            "Too many wrong codes. Sign in again with your password, then enter the newest code from your app",
        );
    }
    view::sign_in(&page, &form, &errors, notice)
}

pub async fn sign_in(
    page: Page,
    req: HttpRequest,
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
    // Only failed attempts count: per address, and per account — but a browser the account
    // has signed in from before keeps a count of its own, so strangers guessing at an
    // account slow down only strangers and never lock its owner out.
    let device = devices::recognise(&req, &state.cookie_key, state.secure_cookies);
    let account = passwords::account_named(&state.db, &form.email).await?;
    let recognised = device
        .as_ref()
        .filter(|d| account.as_ref().is_some_and(|a| a.id == d.user_id))
        .is_some();
    let account_key = match device.as_ref().filter(|_| recognised) {
        Some(d) => format!("sign-in:device:{}", d.id),
        None => format!("sign-in:email:{}", form.email.trim().to_lowercase()),
    };
    let ip_key = format!("sign-in:ip:{ip}");
    let limiter = &state.rate_limiter;
    limiter.check_only(&ip_key, limits::SIGN_IN_PER_IP).await?;
    // An account cooling down after many failures still lets in the right password when a
    // second factor must follow: strangers cannot keep staff out, and a password alone
    // gets them nothing.
    let with_second_factor = match &account {
        Some(a) => two_factor::is_on(&state.db, a.id).await?,
        None => false,
    };
    let cooling = limiter
        .check_only(&account_key, limits::SIGN_IN_PER_ACCOUNT)
        .await;
    if let Err(too_many) = cooling
        && !with_second_factor
    {
        return Err(too_many.into());
    }
    let password = std::mem::take(&mut form.password);
    match passwords::authenticate(account, password).await {
        Ok(user) => {
            state.rate_limiter.reset(&account_key).await;
            let next = safe_next(Some(form.next.as_str()).filter(|n| !n.is_empty()));
            let roles = accounts::roles_of(&state.db, user.id).await?;
            let remembered = cooling.is_ok()
                && second_factor::browser_remembered(
                    &req,
                    &state.cookie_key,
                    state.secure_cookies,
                    user.id,
                );
            if with_second_factor && !remembered {
                second_factor::begin(&session, &PendingSignIn::new(user.id, next, false))?;
                return Ok(see_other(&paths::sign_in_code()));
            }
            if !with_second_factor && two_factor::required_for(&roles) {
                second_factor::begin(&session, &PendingSignIn::new(user.id, next, true))?;
                return Ok(see_other(&paths::sign_in_set_up()));
            }
            // Here either a remembered browser stands for the code, or none was needed.
            finish_sign_in(
                &state,
                &req,
                &session,
                &actor,
                user.id,
                &next,
                with_second_factor,
            )
            .await
        }
        Err(SignInError::Db(err)) => Err(err.into()),
        Err(err @ SignInError::Refused { account_id }) => {
            tracing::info!("sign-in refused");
            limiter.record(&ip_key, limits::SIGN_IN_PER_IP).await;
            limiter
                .record(&account_key, limits::SIGN_IN_PER_ACCOUNT)
                .await;
            if let Some(account_id) = account_id {
                passwords::record_failed_sign_in(&state.db, &actor, account_id, recognised).await?;
            }
            if let Err(too_many) = cooling {
                return Err(too_many.into());
            }
            errors.add("email", err.to_string());
            Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::sign_in(&page, &form, &errors, None),
            ))
        }
    }
}

/// Signs the account in on this session once every factor is given: a fresh session key,
/// a new form token, the audit entry, the visitor's shortlist kept, this browser recognised
/// from now on, and the sign-in counting as a recent confirmation.
pub(crate) async fn finish_sign_in(
    state: &AppState,
    req: &HttpRequest,
    session: &Session,
    actor: &crate::domain::audit::Actor,
    user_id: UserId,
    next: &str,
    with_second_factor: bool,
) -> AppResult<HttpResponse> {
    second_factor::clear_pending(session);
    start_session(session, user_id)?;
    second_factor::mark_confirmed(session)?;
    second_factor::mark_second_factor(session, with_second_factor)?;
    csrf::rotate(session);
    accounts::record_sign_in(&state.db, actor, user_id).await?;
    crate::routes::plans::shortlists::adopt_visitor_shortlist(state, session, actor, user_id)
        .await?;
    let mut res = see_other(next);
    let device = devices::recognise(req, &state.cookie_key, state.secure_cookies);
    let cookie = devices::remember(
        &state.cookie_key,
        state.secure_cookies,
        user_id,
        device.as_ref(),
    );
    res.add_cookie(&cookie)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(res)
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
            crate::domain::audit::Event::new(Action::AccountSignedOut, "user", user_id),
        )
        .await?;
    }
    session.purge();
    Ok(see_other(&paths::home()))
}
