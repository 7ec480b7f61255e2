//! Two-factor sign-in: the code step of signing in, setting up an authenticator (forced at a
//! staff member's first sign-in, or chosen from the account page), recovery codes, "confirm
//! it is you" before sensitive changes, and an administrator's reset.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use entity::users::UserId;

use crate::auth::CurrentUser;
use crate::auth::access::safe_next;
use crate::auth::rate_limit as limits;
use crate::auth::second_factor::{self, PendingSignIn, RecentlyConfirmed};
use crate::domain::accounts::two_factor::{self, Proof, TwoFactorError};
use crate::domain::validation::FieldErrors;
use crate::domain::{accounts, accounts::passwords};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::accounts::sessions::finish_sign_in;
use crate::routes::{PathId, RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::accounts::two_factor::{self as view, AccountTwoFactor, CodeForm};
use crate::views::{Page, page::set_flash};

impl From<TwoFactorError> for AppError {
    fn from(err: TwoFactorError) -> Self {
        match err {
            TwoFactorError::Db(err) => err.into(),
            TwoFactorError::WrongCode
            | TwoFactorError::AlreadyOn
            | TwoFactorError::NotSetUp
            | TwoFactorError::RequiredForStaff => AppError::Conflict(err.to_string()),
        }
    }
}

/// The sign-in waiting for this step, or where to go instead (back to the password).
fn pending_or_restart(session: &Session, set_up: bool) -> Result<PendingSignIn, String> {
    match second_factor::pending(session) {
        Some(p) if p.set_up == set_up => Ok(p),
        Some(_) if set_up => Err(paths::sign_in_code()),
        Some(_) => Err(paths::sign_in_set_up()),
        None => Err(paths::sign_in()),
    }
}

/// What a wrong first code during set-up is told.
const WRONG_SET_UP_CODE: &str = "The code is not right. Enter the 6-digit code the app shows now";

/// Counts a wrong code against the account, across sessions.
async fn record_wrong_code(state: &AppState, user_id: UserId) {
    state
        .rate_limiter
        .record(
            &format!("second-factor:user:{user_id}"),
            limits::SECOND_FACTOR_PER_ACCOUNT,
        )
        .await;
}

/// Counts a wrong code against the account (across sessions) and the pending sign-in; the
/// page to show next.
async fn wrong_code(
    state: &AppState,
    session: &Session,
    pending: PendingSignIn,
    errors: &mut FieldErrors,
    message: &str,
) -> Option<HttpResponse> {
    record_wrong_code(state, pending.user_id).await;
    if second_factor::record_wrong_code(session, pending) {
        errors.add("code", message);
        None
    } else {
        Some(see_other(&format!("{}?code=restart", paths::sign_in())))
    }
}

async fn check_code_allowance(state: &AppState, user_id: UserId) -> Result<(), AppError> {
    Ok(state
        .rate_limiter
        .check_only(
            &format!("second-factor:user:{user_id}"),
            limits::SECOND_FACTOR_PER_ACCOUNT,
        )
        .await?)
}

pub async fn challenge_form(page: Page, session: Session) -> HttpResponse {
    match pending_or_restart(&session, false) {
        Ok(_) => html_page(
            StatusCode::OK,
            view::challenge(&page, &FieldErrors::default()),
        ),
        Err(elsewhere) => see_other(&elsewhere),
    }
}

pub async fn challenge(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let pending = match pending_or_restart(&session, false) {
        Ok(p) => p,
        Err(elsewhere) => return Ok(see_other(&elsewhere)),
    };
    check_code_allowance(&state, pending.user_id).await?;
    let mut errors = FieldErrors::default();
    if form.code.trim().is_empty() {
        errors.add("code", "Enter the code from your authenticator app");
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::challenge(&page, &errors),
        ));
    }
    let actor = actor.or_user(pending.user_id);
    match two_factor::verify(&state.db, &actor, pending.user_id, &form.code).await {
        Ok(proof) => {
            let mut res = finish_sign_in(
                &state,
                &req,
                &session,
                &actor,
                pending.user_id,
                &pending.next,
                true,
            )
            .await?;
            if let Proof::RecoveryCode { left } = proof {
                set_flash(
                    &session,
                    &format!(
                        "You signed in with a recovery code: {left} left. Get new ones from your account's two-factor page if you are running low."
                    ),
                );
            }
            if form.remember == "yes" {
                let cookie = second_factor::remember_browser(
                    &state.cookie_key,
                    state.secure_cookies,
                    pending.user_id,
                );
                res.add_cookie(&cookie)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            }
            Ok(res)
        }
        Err(TwoFactorError::WrongCode) => {
            let message = TwoFactorError::WrongCode.to_string();
            match wrong_code(&state, &session, pending, &mut errors, &message).await {
                Some(restart) => Ok(restart),
                None => Ok(html_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    view::challenge(&page, &errors),
                )),
            }
        }
        Err(other) => Err(other.into()),
    }
}

async fn setup_page(
    state: &AppState,
    user_id: UserId,
    errors: &FieldErrors,
    render: impl FnOnce(&str, &str, &FieldErrors) -> maud::Markup,
) -> AppResult<HttpResponse> {
    let secret = two_factor::begin_setup(&state.db, user_id).await?;
    let email = accounts::email_of(&state.db, user_id).await?;
    let qr = two_factor::qr_svg(&two_factor::otpauth_url(&secret, &email));
    let status = crate::routes::form_status(errors);
    Ok(html_page(
        status,
        render(&qr, &two_factor::grouped(&secret), errors),
    ))
}

pub async fn set_up_at_sign_in_form(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
) -> AppResult<HttpResponse> {
    let pending = match pending_or_restart(&session, true) {
        Ok(p) => p,
        Err(elsewhere) => return Ok(see_other(&elsewhere)),
    };
    setup_page(
        &state,
        pending.user_id,
        &FieldErrors::default(),
        |qr, key, e| view::set_up_at_sign_in(&page, qr, key, e),
    )
    .await
}

pub async fn set_up_at_sign_in(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let pending = match pending_or_restart(&session, true) {
        Ok(p) => p,
        Err(elsewhere) => return Ok(see_other(&elsewhere)),
    };
    check_code_allowance(&state, pending.user_id).await?;
    let actor = actor.or_user(pending.user_id);
    match two_factor::confirm_setup(&state.db, &actor, pending.user_id, &form.code).await {
        Ok(codes) => {
            let signed_in = finish_sign_in(
                &state,
                &req,
                &session,
                &actor,
                pending.user_id,
                &pending.next,
                true,
            )
            .await?;
            let mut res = html_page(
                StatusCode::OK,
                view::recovery_codes(&page, &codes, &pending.next),
            );
            for cookie in signed_in.cookies() {
                res.add_cookie(&cookie.into_owned())
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            }
            Ok(res)
        }
        Err(TwoFactorError::WrongCode) => {
            let mut errors = FieldErrors::default();
            match wrong_code(
                &state,
                &session,
                pending.clone(),
                &mut errors,
                WRONG_SET_UP_CODE,
            )
            .await
            {
                Some(restart) => Ok(restart),
                None => {
                    setup_page(&state, pending.user_id, &errors, |qr, key, e| {
                        view::set_up_at_sign_in(&page, qr, key, e)
                    })
                    .await
                }
            }
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn account_page(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let on = two_factor::is_on(&state.db, user.id).await?;
    let left = two_factor::recovery_codes_left(&state.db, user.id).await?;
    Ok(view::account(
        &page,
        &AccountTwoFactor {
            on,
            required: two_factor::required_for(&user.roles),
            recovery_codes_left: left,
        },
    ))
}

pub async fn set_up_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    if two_factor::is_on(&state.db, user.id).await? {
        return Ok(see_other(&paths::account_two_factor()));
    }
    setup_page(&state, user.id, &FieldErrors::default(), |qr, key, e| {
        view::set_up_from_account(&page, qr, key, e)
    })
    .await
}

pub async fn set_up(
    page: Page,
    state: web::Data<AppState>,
    RecentlyConfirmed(user): RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    form: web::Form<CodeForm>,
) -> AppResult<HttpResponse> {
    check_code_allowance(&state, user.id).await?;
    match two_factor::confirm_setup(&state.db, &actor, user.id, &form.code).await {
        Ok(codes) => Ok(html_page(
            StatusCode::OK,
            view::recovery_codes(&page, &codes, &paths::account_two_factor()),
        )),
        Err(TwoFactorError::WrongCode) => {
            record_wrong_code(&state, user.id).await;
            let mut errors = FieldErrors::default();
            errors.add("code", WRONG_SET_UP_CODE);
            setup_page(&state, user.id, &errors, |qr, key, e| {
                view::set_up_from_account(&page, qr, key, e)
            })
            .await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn new_recovery_codes(
    page: Page,
    state: web::Data<AppState>,
    RecentlyConfirmed(user): RecentlyConfirmed,
    RequestActor(actor): RequestActor,
) -> AppResult<HttpResponse> {
    let codes = two_factor::regenerate_recovery_codes(&state.db, &actor, user.id).await?;
    Ok(html_page(
        StatusCode::OK,
        view::recovery_codes(&page, &codes, &paths::account_two_factor()),
    ))
}

pub async fn turn_off(
    state: web::Data<AppState>,
    RecentlyConfirmed(user): RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    session: Session,
) -> AppResult<HttpResponse> {
    two_factor::turn_off(&state.db, &actor, user.id, &user.roles).await?;
    set_flash(&session, "Two-factor sign-in is off");
    Ok(see_other(&paths::account_two_factor()))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn confirm_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<NextQuery>,
) -> AppResult<maud::Markup> {
    let needs_code = two_factor::is_on(&state.db, user.id).await?;
    Ok(view::confirm(
        &page,
        &safe_next(Some(&query.next)),
        needs_code,
        &FieldErrors::default(),
    ))
}

pub async fn confirm(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let mut form = form.into_inner();
    let key = format!("confirm:user:{}", user.id);
    state
        .rate_limiter
        .check_only(&key, limits::CONFIRM_PER_ACCOUNT)
        .await?;
    let next = safe_next(Some(&form.next));
    let needs_code = two_factor::is_on(&state.db, user.id).await?;
    let account = passwords::account_named(&state.db, &user.email).await?;
    let password_ok = passwords::authenticate(account, std::mem::take(&mut form.password))
        .await
        .is_ok();
    let mut errors = FieldErrors::default();
    if !password_ok {
        errors.add("password", "Your password is not correct");
    } else if needs_code {
        match two_factor::verify(&state.db, &actor, user.id, &form.code).await {
            Ok(_) => {}
            Err(TwoFactorError::WrongCode) => {
                errors.add("code", TwoFactorError::WrongCode.to_string());
            }
            Err(other) => return Err(other.into()),
        }
    }
    if !errors.is_empty() {
        state
            .rate_limiter
            .record(&key, limits::CONFIRM_PER_ACCOUNT)
            .await;
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::confirm(&page, &next, needs_code, &errors),
        ));
    }
    second_factor::mark_confirmed(&session)?;
    Ok(see_other(&next))
}

/// An administrator resets someone's second factor (a lost phone).
pub async fn admin_reset(
    state: web::Data<AppState>,
    RecentlyConfirmed(admin): RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<UserId>,
) -> AppResult<HttpResponse> {
    // Only an account wholly of the administrator's council.
    if !accounts::user_admin::belongs_to(&state.db, admin.council, id).await? {
        return Err(AppError::NotFound);
    }
    if !accounts::user_admin::wholly_of(&state.db, admin.council, id).await? {
        return Err(AppError::Conflict(
            accounts::user_admin::UserAdminError::SharedAccount.to_string(),
        ));
    }
    let user = accounts::find_user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    two_factor::reset_by_admin(&state.db, &actor, &state.link_base(), &user).await?;
    state.wake_mail_worker();
    set_flash(
        &session,
        &format!(
            "Two-factor sign-in reset for {}: they have been emailed",
            user.email
        ),
    );
    Ok(see_other(&paths::admin_user(id)))
}
