//! Account handlers: registering, confirming an email address, and the account page.

pub mod invitations;
pub mod passwords;
pub mod sessions;
pub mod two_factor;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::auth::CurrentUser;
use crate::auth::access::ClientIp;
use crate::auth::rate_limit as limits;
use crate::auth::roles::Role;
use crate::domain::accounts::display_name::DisplayName;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::accounts::new_password::parse_confirmed;
use crate::domain::accounts::passwords as password_rules;
use crate::domain::accounts::{self, AccountError, NewAccount, Registration};
use crate::domain::providers::organisations;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{RequestActor, html_page, rate_limit, see_other};
use crate::state::AppState;
use crate::views::accounts::{self as view, ProfileForm, RegisterForm};
use crate::views::{Page, page::set_flash};

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
    rate_limit(&state, format!("register:ip:{ip}"), limits::REGISTER_PER_IP).await?;
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
    let password = parse_confirmed(
        &mut errors,
        Some(&form.email),
        &form.password,
        &form.password_confirm,
    );
    let (Some(display_name), Some(email), Some(role), Some(password)) =
        (display_name, email, role, password)
    else {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::register(&page, &form, &errors),
        ));
    };
    let password_hash = password_rules::hash_password(password.expose().to_owned()).await?;
    let outcome = accounts::register(
        &state.db,
        &actor,
        &state.link_base(),
        NewAccount {
            email: email.clone(),
            display_name,
            password_hash,
            role,
            council: page.council.id,
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
    accounts::resend_verification(&state.db, &state.link_base(), &user).await?;
    state.wake_mail_worker();
    if !user.email_verified {
        set_flash(
            &session,
            &format!("We have sent a new confirmation link to {}", user.email),
        );
    }
    Ok(see_other(&paths::account()))
}

async fn account_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    form: &ProfileForm,
    errors: &FieldErrors,
) -> AppResult<maud::Markup> {
    let model = accounts::find_user(&state.db, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let organisations = organisations::of_user(&state.db, user.id)
        .await?
        .into_iter()
        .map(|(org, member_role)| (org.id, org.name, org.kind, member_role))
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
    Ok(see_other(&paths::account()))
}
