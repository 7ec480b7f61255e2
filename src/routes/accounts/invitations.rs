//! Accepting an invitation: a staff role, or membership of a provider organisation.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::auth::MaybeUser;
use crate::auth::access::start_session;
use crate::auth::csrf;
use crate::domain::accounts::display_name::DisplayName;
use crate::domain::accounts::invitations::{
    self, Claim, InvitationError, NewStaffAccount, OpenInvitation,
};
use crate::domain::accounts::new_password::parse_confirmed;
use crate::domain::accounts::passwords;
use crate::domain::validation::FieldErrors;
use crate::error::AppResult;
use crate::paths;
use crate::routes::{RequestActor, html_page, see_other};
use crate::state::AppState;
use crate::views::accounts::{self as view, NewPasswordForm};
use crate::views::{Page, page::set_flash};

/// What the invitation page shows: who it is for and what proof accepting needs.
fn invitation_view<'a>(
    token: &'a str,
    open: &'a OpenInvitation,
    user: Option<&'a crate::auth::CurrentUser>,
) -> view::InvitationView<'a> {
    view::InvitationView {
        token,
        email: &open.invitation.email,
        role: open.role,
        claim: open.claim(),
        signed_in_as: user.map(|u| u.email.as_str()),
        signed_in_as_invitee: user
            .is_some_and(|u| Some(u.id) == open.existing_user.as_ref().map(|e| e.id)),
    }
}

pub async fn invitation_form(
    page: Page,
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    match invitations::find_open(&state.db, &token).await {
        Ok(open) => {
            let v = invitation_view(&token, &open, user.as_ref());
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
    MaybeUser(user): MaybeUser,
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
    let claim = open.claim();
    let new_account = if claim == Claim::SignedInAccount {
        None
    } else {
        let mut errors = FieldErrors::default();
        let name = errors.take("display_name", DisplayName::parse(&form.display_name));
        let password = parse_confirmed(
            &mut errors,
            Some(&open.invitation.email),
            &form.password,
            &form.password_confirm,
        );
        let (Some(display_name), Some(password)) = (name, password) else {
            let v = invitation_view(&token, &open, user.as_ref());
            return Ok(html_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                view::invitation(&page, &v, &form, &errors),
            ));
        };
        let password_hash = passwords::hash_password(password.expose().to_owned()).await?;
        Some(NewStaffAccount {
            display_name,
            password_hash,
        })
    };
    let created = new_account.is_some();
    let user_id = match invitations::accept(&state.db, &actor, &token, new_account).await {
        Ok(id) => id,
        Err(InvitationError::Db(err)) => return Err(err.into()),
        Err(InvitationError::SignInFirst) => {
            let v = invitation_view(&token, &open, user.as_ref());
            return Ok(html_page(
                StatusCode::FORBIDDEN,
                view::invitation(
                    &page,
                    &v,
                    &NewPasswordForm::default(),
                    &FieldErrors::default(),
                ),
            ));
        }
        Err(_) => {
            return Ok(html_page(
                StatusCode::BAD_REQUEST,
                view::invitation_invalid(&page),
            ));
        }
    };
    if (created || actor.user_id == Some(user_id))
        && !open.role.is_self_service()
        && !crate::domain::accounts::two_factor::is_on(&state.db, user_id).await?
    {
        // A staff role is used only with a second factor: set it up now, then in.
        crate::auth::second_factor::begin(
            &session,
            &crate::auth::second_factor::PendingSignIn::new(user_id, paths::home(), true),
        )?;
        set_flash(
            &session,
            &format!("You now have the {} role", open.role.label().to_lowercase()),
        );
        Ok(see_other(&paths::sign_in_set_up()))
    } else if created || actor.user_id == Some(user_id) {
        start_session(&session, user_id)?;
        csrf::rotate(&session);
        set_flash(
            &session,
            &format!("You now have the {} role", open.role.label().to_lowercase()),
        );
        Ok(see_other(&paths::home()))
    } else {
        // Unreachable in practice: a confirmed account accepts only while signed in as itself.
        Ok(see_other(&format!(
            "{}?invitation=accepted",
            paths::sign_in()
        )))
    }
}
