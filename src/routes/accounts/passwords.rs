//! Forgotten passwords (the emailed reset link) and changing a password.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::auth::access::{ClientIp, start_session};
use crate::auth::csrf;
use crate::auth::rate_limit as limits;
use crate::auth::second_factor::RecentlyConfirmed;
use crate::domain::accounts::AccountError;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::accounts::link_tokens as account_tokens;
use crate::domain::accounts::new_password::parse_confirmed;
use crate::domain::accounts::passwords;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{RequestActor, html_page, rate_limit, see_other};
use crate::state::AppState;
use crate::views::accounts::{self as view, EmailForm, NewPasswordForm};
use crate::views::{Page, page::set_flash};

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
    rate_limit(&state, format!("reset:ip:{ip}"), limits::RESET_PER_IP).await?;
    rate_limit(
        &state,
        format!("reset:email:{email}"),
        limits::RESET_PER_EMAIL,
    )
    .await?;
    passwords::request_password_reset(&state.db, &actor, &state.link_base(), &email).await?;
    state.wake_mail_worker();
    Ok(html_page(StatusCode::OK, view::reset_link_sent(&page)))
}

pub async fn reset_password_form(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    if account_tokens::reset_token_is_valid(&state.db, &token).await? {
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
    if !account_tokens::reset_token_is_valid(&state.db, &token).await? {
        return Ok(html_page(
            StatusCode::BAD_REQUEST,
            view::reset_link_invalid(&page),
        ));
    }
    let mut errors = FieldErrors::default();
    let Some(password) = parse_confirmed(&mut errors, None, &form.password, &form.password_confirm)
    else {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::reset_password(&page, &token, &errors),
        ));
    };
    let hash = passwords::hash_password(password.expose().to_owned()).await?;
    match passwords::reset_password(&state.db, &actor, &state.link_base(), &token, hash).await {
        Ok(_) => {
            state.wake_mail_worker();
            session.purge();
            Ok(see_other(&format!("{}?reset=done", paths::sign_in())))
        }
        Err(AccountError::Db(err)) => Err(err.into()),
        Err(_) => Ok(html_page(
            StatusCode::BAD_REQUEST,
            view::reset_link_invalid(&page),
        )),
    }
}

pub async fn change_password_form(page: Page) -> maud::Markup {
    view::change_password(&page, &FieldErrors::default())
}

pub async fn change_password(
    page: Page,
    state: web::Data<AppState>,
    RecentlyConfirmed(user): RecentlyConfirmed,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<NewPasswordForm>,
) -> AppResult<HttpResponse> {
    // Wrong current passwords are throttled like sign-ins: this form must not become a way
    // to guess the password of a session left open.
    let throttle = format!("confirm:user:{}", user.id);
    state
        .rate_limiter
        .check_only(&throttle, limits::CONFIRM_PER_ACCOUNT)
        .await?;
    let mut form = form.into_inner();
    let mut errors = FieldErrors::default();
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password");
    }
    let password = parse_confirmed(
        &mut errors,
        Some(&user.email),
        &form.password,
        &form.password_confirm,
    );
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::change_password(&page, &errors),
        ));
    };
    let hash = passwords::hash_password(password.expose().to_owned()).await?;
    let current = std::mem::take(&mut form.current_password);
    match passwords::change_password(
        &state.db,
        &actor,
        &state.link_base(),
        user.id,
        current,
        hash,
    )
    .await
    {
        Ok(()) => {
            state.wake_mail_worker();
            start_session(&session, user.id)?;
            csrf::rotate(&session);
            set_flash(&session, "Your password has been changed");
            Ok(see_other(&paths::account()))
        }
        Err(AccountError::WrongCurrentPassword) => {
            state
                .rate_limiter
                .record(&throttle, limits::CONFIRM_PER_ACCOUNT)
                .await;
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
