//! Provider handlers: organisations an account acts for, setting one up, profile, logo,
//! members; the public provider page; stored pictures.

pub mod evidence;
pub mod evidence_files;

use actix_multipart::form::{MultipartForm, bytes::Bytes as UploadBytes, text::Text};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::OrganisationStatus;
use entity::provider_organisations::ProviderKind;

use crate::auth::CurrentUser;
use crate::auth::VerifiedUser;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::providers::organisations::{self, NewOrganisation, OrganisationError};
use crate::domain::providers::profile::{ProfileForm, parse_cqc_provider_id};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::images;
use crate::paths;
use crate::routes::{PathId, RequestActor, form_status, html_page, pictures, see_other};
use crate::state::AppState;
use crate::views::providers::{self as view, ManageView, MemberForm, NewOrganisationForm};
use crate::views::{Page, page::set_flash};

const ONE_YEAR_SECS: u32 = 31_536_000;

impl From<OrganisationError> for AppError {
    fn from(err: OrganisationError) -> Self {
        match err {
            OrganisationError::NotFound => AppError::NotFound,
            OrganisationError::NotOwner => AppError::Forbidden,
            OrganisationError::TooManyInvitations { retry_after_secs } => {
                AppError::TooManyRequests { retry_after_secs }
            }
            OrganisationError::Db(db) => db.into(),
            OrganisationError::AlreadyMember => AppError::BadRequest(err.to_string()),
        }
    }
}

pub async fn dashboard(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<maud::Markup> {
    let orgs = organisations::of_user(&state.db, user.id).await?;
    Ok(view::dashboard(&page, &orgs))
}

pub async fn new_form(page: Page, _verified: VerifiedUser) -> maud::Markup {
    view::new_organisation(
        &page,
        &NewOrganisationForm::default(),
        &FieldErrors::default(),
    )
}

pub async fn create(
    page: Page,
    state: web::Data<AppState>,
    VerifiedUser(user): VerifiedUser,
    RequestActor(actor): RequestActor,
    form: web::Form<NewOrganisationForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let name = errors.take("name", organisations::parse_name(&form.name));
    let kind = ProviderKind::parse(&form.kind);
    if kind.is_none() {
        errors.add("kind", "Select what kind of provider you are");
    }
    let cqc = match (kind, form.cqc_provider_id.trim()) {
        (Some(ProviderKind::RegisteredCareProvider), "") => {
            errors.add(
                "cqc_provider_id",
                "Enter the CQC provider ID of the registered provider",
            );
            None
        }
        (_, "") => None,
        (_, raw) => errors.take("cqc_provider_id", parse_cqc_provider_id(raw)),
    };
    let (Some(name), Some(kind)) = (name, kind) else {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::new_organisation(&page, &form, &errors),
        ));
    };
    if !errors.is_empty() {
        return Ok(html_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::new_organisation(&page, &form, &errors),
        ));
    }
    let new = NewOrganisation {
        name: &name,
        kind,
        cqc_provider_id: cqc.as_deref(),
        status: OrganisationStatus::Draft,
    };
    let id = organisations::create(&state.db, &actor, new, user.id).await?;
    Ok(see_other(&paths::provider_organisation(id)))
}

fn profile_form_of(org: &entity::provider_organisations::Model) -> ProfileForm {
    ProfileForm {
        description: org.description.clone().unwrap_or_default(),
        contact_email: org.contact_email.clone().unwrap_or_default(),
        contact_phone: org.contact_phone.clone().unwrap_or_default(),
        website: org.website.clone().unwrap_or_default(),
        address: org.address.clone().unwrap_or_default(),
        postcode: org.postcode.clone().unwrap_or_default(),
        areas_served: org.areas_served.clone().unwrap_or_default(),
        cqc_provider_id: org.cqc_provider_id.clone().unwrap_or_default(),
    }
}

/// Renders the manage page, with what was sent and its errors when a form failed.
async fn manage_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    id: OrganisationId,
    profile: Option<&ProfileForm>,
    member_form: Option<&MemberForm>,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let (org, member_role) = organisations::as_member(&state.db, id, user.id).await?;
    let members = organisations::members(&state.db, id).await?;
    let stored = profile_form_of(&org);
    let empty_member_form = MemberForm::default();
    let v = ManageView {
        org: &org,
        member_role,
        members: &members,
        profile: profile.unwrap_or(&stored),
        member_form: member_form.unwrap_or(&empty_member_form),
    };
    let status = form_status(errors);
    Ok(html_page(status, view::manage(page, &v, errors)))
}

pub async fn manage(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<OrganisationId>,
) -> AppResult<HttpResponse> {
    manage_page(
        &page,
        &state,
        &user,
        id,
        None,
        None,
        &FieldErrors::default(),
    )
    .await
}

pub async fn update_profile(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<OrganisationId>,
    form: web::Form<ProfileForm>,
) -> AppResult<HttpResponse> {
    let _ = organisations::as_member(&state.db, id, user.id).await?;
    match form.parse() {
        Ok(profile) => {
            organisations::update_profile(&state.db, &actor, id, user.id, profile).await?;
            set_flash(&session, "Profile saved");
            Ok(see_other(&paths::provider_organisation(id)))
        }
        Err(errors) => manage_page(&page, &state, &user, id, Some(&form), None, &errors).await,
    }
}

#[derive(MultipartForm)]
pub struct LogoUpload {
    #[multipart(limit = "11MB")]
    logo: Option<UploadBytes>,
    logo_alt: Option<Text<String>>,
}

pub fn multipart_config() -> actix_multipart::form::MultipartFormConfig {
    actix_multipart::form::MultipartFormConfig::default()
        .total_limit(crate::auth::csrf::MAX_MULTIPART_BYTES)
        .memory_limit(crate::auth::csrf::MAX_MULTIPART_BYTES)
        .error_handler(|err, _req| match err {
            actix_multipart::MultipartError::Payload(_) => AppError::PayloadTooLarge.into(),
            _ => AppError::BadRequest(
                "We could not read the upload. Choose the file again and retry.".into(),
            )
            .into(),
        })
}

pub async fn upload_logo(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<OrganisationId>,
    form: MultipartForm<LogoUpload>,
) -> AppResult<HttpResponse> {
    organisations::as_member(&state.db, id, user.id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let alt = pictures::description(
        form.logo_alt,
        "logo_alt",
        "Describe the picture for people who cannot see it",
        &mut errors,
    );
    let bytes = form.logo.map(|f| f.data).unwrap_or_default();
    let stored = if errors.is_empty() {
        match pictures::store(&state.files, images::Area::Public, bytes).await? {
            Ok(stored) => Some(stored),
            Err(err) => {
                errors.add("logo", err.to_string());
                None
            }
        }
    } else {
        None
    };
    let Some(stored) = stored else {
        return manage_page(&page, &state, &user, id, None, None, &errors).await;
    };
    organisations::set_logo(&state.db, &actor, id, user.id, &stored, &alt)
        .await?
        .delete_unused(&state.db, &state.files)
        .await?;
    set_flash(&session, "Picture uploaded");
    Ok(see_other(&paths::provider_organisation(id)))
}

pub async fn invite_member(
    page: Page,
    state: web::Data<AppState>,
    VerifiedUser(user): VerifiedUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<OrganisationId>,
    form: web::Form<MemberForm>,
) -> AppResult<HttpResponse> {
    let site = crate::council_scope::site(&page.council, &state.base_url);
    let mut errors = FieldErrors::default();
    let Some(email) = errors.take("email", EmailAddress::parse(&form.email)) else {
        return manage_page(&page, &state, &user, id, None, Some(&form), &errors).await;
    };
    match organisations::invite_member(
        &state.db,
        &actor,
        &site,
        id,
        user.id,
        &user.display_name,
        &email,
    )
    .await
    {
        Ok(()) => {
            state.wake_mail_worker();
            set_flash(&session, &format!("Invitation sent to {email}"));
            Ok(see_other(&paths::provider_organisation(id)))
        }
        Err(OrganisationError::AlreadyMember) => {
            errors.add("email", OrganisationError::AlreadyMember.to_string());
            manage_page(&page, &state, &user, id, None, Some(&form), &errors).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn public(
    page: Page,
    state: web::Data<AppState>,
    PathId(id): PathId<OrganisationId>,
) -> AppResult<maud::Markup> {
    let profile = organisations::public_profile(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let listings = crate::domain::listings::public_of_organisation(&state.db, id).await?;
    Ok(view::public(&page, &profile, &listings))
}

/// Stored pictures. Names are content hashes, so they can be cached for a long time.
pub async fn media(state: web::Data<AppState>, name: web::Path<String>) -> AppResult<HttpResponse> {
    pictures::serve(
        &state.files,
        images::Area::Public,
        &name,
        &format!("public, max-age={ONE_YEAR_SECS}, immutable"),
    )
    .await
}
