//! Listing handlers for providers (write, edit, photos, submit, confirm, archive) and the
//! public listing page.

pub mod admin;
pub mod reports;

use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::provider_organisations::OrganisationId;
use std::collections::HashMap;

use actix_multipart::form::{MultipartForm, bytes::Bytes as UploadBytes, text::Text};
use actix_session::Session;
use actix_web::{HttpResponse, web};

use crate::auth::{CurrentUser, Role};
use crate::domain::categories;
use crate::domain::councils::Site;
use crate::domain::listings::approval as listing_approval;
use crate::domain::listings::content::Photo;
use crate::domain::listings::form::ListingForm;
use crate::domain::listings::review as listing_review;
use crate::domain::listings::{self, ListingError};
use crate::domain::plans::clients::Acting;
use crate::domain::providers::organisations;
use crate::domain::validation::{FieldErrors, FormFields};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{PathId, RequestActor, form_status, html_page, pictures, see_other};
use crate::state::AppState;
use crate::views::listings::page::{self as listing_page, ListingPage};
use crate::views::listings::{self as view, FormView, ManageView};
use crate::views::{Page, page::set_flash};

impl From<ListingError> for AppError {
    fn from(err: ListingError) -> Self {
        match err {
            ListingError::NotFound => AppError::NotFound,
            ListingError::Db(db) => db.into(),
            ListingError::Corrupt(e) => AppError::Internal(e.into()),
            ListingError::ChecklistIncomplete
            | ListingError::MessageRequired
            | ListingError::ReasonRequired
            | ListingError::TooManyPhotos => AppError::BadRequest(err.to_string()),
            // The listing is not in a state that allows this step.
            ListingError::UnderReview
            | ListingError::Archived
            | ListingError::NothingToSubmit
            | ListingError::ProviderNotApproved
            | ListingError::NotSubmitted
            | ListingError::NotLive
            | ListingError::AlreadySuspended
            | ListingError::NotSuspended
            | ListingError::Unstated => AppError::Conflict(err.to_string()),
        }
    }
}

/// Category names by id, for showing a listing's categories.
pub(crate) async fn category_names(state: &AppState) -> AppResult<HashMap<i64, String>> {
    Ok(categories::names(&state.db).await?)
}

pub(crate) fn name_of(names: &HashMap<i64, String>) -> impl Fn(i64) -> String + '_ {
    |id| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "Other".to_owned())
    }
}

pub async fn organisation_listings(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<OrganisationId>,
) -> AppResult<maud::Markup> {
    let (org, _) = organisations::as_member(&state.db, id, user.id).await?;
    let views = listings::of_organisation(&state.db, id).await?;
    Ok(view::organisation_listings(
        &page,
        &org,
        &views,
        state.settings.review_policy(),
        state.clock.today(),
    ))
}

async fn form_page(
    page: &Page,
    state: &AppState,
    heading: &str,
    action: String,
    org_name: &str,
    form: &ListingForm,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let tree = categories::tree(&state.db, false).await?;
    let choosable = categories::choosable(&tree);
    let v = FormView {
        heading,
        back: action.clone(),
        action,
        org_name,
        form,
        categories: &choosable,
    };
    Ok(html_page(
        form_status(errors),
        view::listing_form(page, &v, errors),
    ))
}

async fn choosable_ids(state: &AppState) -> AppResult<Vec<i64>> {
    let tree = categories::tree(&state.db, false).await?;
    Ok(categories::choosable(&tree)
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

pub async fn new_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<OrganisationId>,
) -> AppResult<HttpResponse> {
    let (org, _) = organisations::as_member(&state.db, id, user.id).await?;
    form_page(
        &page,
        &state,
        "Add a listing",
        paths::provider_organisation_listings(id),
        &org.name,
        &ListingForm::new_listing(),
        &FieldErrors::default(),
    )
    .await
}

pub async fn create(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId<OrganisationId>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (org, _) = organisations::as_member(&state.db, id, user.id).await?;
    let form = ListingForm::from_fields(&FormFields(form.into_inner()));
    match form.parse(&choosable_ids(&state).await?, Vec::new()) {
        Ok(content) => {
            let listing_id = listings::create(&state.db, &actor, id, user.id, &content).await?;
            Ok(see_other(&paths::provider_listing(listing_id)))
        }
        Err(errors) => {
            form_page(
                &page,
                &state,
                "Add a listing",
                paths::provider_organisation_listings(id),
                &org.name,
                &form,
                &errors,
            )
            .await
        }
    }
}

async fn manage_page(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
    id: ListingId,
    photo_alt: &str,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let view = listings::as_member(&state.db, id, user.id).await?;
    let revisions = listings::revisions(&state.db, id).await?;
    let names = category_names(state).await?;
    let name = name_of(&names);
    let reports = crate::domain::listings::reports::open_for_provider(&state.db, id).await?;
    let places = match view.latest() {
        Some(latest)
            if crate::domain::vacancies::listing_offers_places(&state.db, &latest.content)
                .await? =>
        {
            Some(crate::domain::vacancies::of_listing(&state.db, id).await?)
        }
        _ => None,
    };
    let m = ManageView {
        places: places.as_deref(),
        now: state.clock.now(),
        view: &view,
        revisions: &revisions,
        policy: state.settings.review_policy(),
        today: state.clock.today(),
        category_name: &name,
        photo_alt,
        reports: &reports,
    };
    Ok(html_page(
        form_status(errors),
        view::manage(page, &m, errors),
    ))
}

pub async fn manage(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    manage_page(&page, &state, &user, id, "", &FieldErrors::default()).await
}

fn edit_heading(view: &listings::ListingView) -> &'static str {
    if view.listing.status == ListingStatus::Approved {
        "Change the listing"
    } else {
        "Edit the listing"
    }
}

pub async fn edit_form(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    let view = listings::as_member(&state.db, id, user.id).await?;
    let latest = view.latest().ok_or(AppError::NotFound)?;
    form_page(
        &page,
        &state,
        edit_heading(&view),
        paths::provider_listing(id),
        &view.org.name,
        &ListingForm::of(&latest.content),
        &FieldErrors::default(),
    )
    .await
}

pub async fn save(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let view = listings::as_member(&state.db, id, user.id).await?;
    let form = ListingForm::from_fields(&FormFields(form.into_inner()));
    match form.parse(&choosable_ids(&state).await?, Vec::new()) {
        Ok(content) => {
            listings::save(&state.db, &actor, id, user.id, content).await?;
            set_flash(&session, "Listing saved");
            Ok(see_other(&paths::provider_listing(id)))
        }
        Err(errors) => {
            form_page(
                &page,
                &state,
                edit_heading(&view),
                paths::provider_listing(id),
                &view.org.name,
                &form,
                &errors,
            )
            .await
        }
    }
}

pub async fn preview(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    PathId(id): PathId<ListingId>,
) -> AppResult<maud::Markup> {
    let view = listings::as_member(&state.db, id, user.id).await?;
    let latest = view.latest().ok_or(AppError::NotFound)?;
    let names = category_names(&state).await?;
    let name = name_of(&names);
    let cqc = cqc_of(&state, &latest.content, view.org.cqc_provider_id.as_deref()).await?;
    Ok(listing_page::listing(
        &page,
        &ListingPage {
            listing_id: id,
            content: &latest.content,
            provider: &organisations::PublicProfile::from(view.org.clone()),
            category_name: &name,
            approved_on: None,
            base_url: &state.link_base(),
            preview: true,
            actions: None,
            reviews: None,
            quality: None,
            cqc: cqc.as_ref(),
            places: None,
        },
    ))
}

#[derive(MultipartForm)]
pub struct PhotoUpload {
    #[multipart(limit = "11MB")]
    photo: Option<UploadBytes>,
    photo_alt: Option<Text<String>>,
}

pub async fn add_photo(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
    form: MultipartForm<PhotoUpload>,
) -> AppResult<HttpResponse> {
    let view = listings::as_member(&state.db, id, user.id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let alt = pictures::description(
        form.photo_alt,
        "photo_alt",
        "Describe the photo for people who cannot see it",
        &mut errors,
    );
    let bytes = form.photo.map(|f| f.data).unwrap_or_default();
    if let Err(full) = listings::has_room_for_a_photo(&view) {
        // Counted before the picture is decoded: a full listing costs no image work.
        errors.add("photo", full.to_string());
    } else if bytes.is_empty() {
        errors.add("photo", "Choose a photo to upload");
    }
    if !errors.is_empty() {
        return manage_page(&page, &state, &user, id, &alt, &errors).await;
    }
    let stored = match pictures::store(&state.files, crate::images::Area::Public, bytes).await? {
        Ok(stored) => stored,
        Err(err) => {
            errors.add("photo", err.to_string());
            return manage_page(&page, &state, &user, id, &alt, &errors).await;
        }
    };
    let photo = Photo {
        file: stored.image.file_name(),
        thumbnail: stored.thumbnail.file_name(),
        alt: alt.clone(),
    };
    match listings::add_photo(&state.db, &actor, id, user.id, photo).await {
        Ok(()) => {
            set_flash(&session, "Photo added");
            Ok(see_other(&paths::provider_listing(id)))
        }
        Err(ListingError::TooManyPhotos) => {
            errors.add("photo", ListingError::TooManyPhotos.to_string());
            manage_page(&page, &state, &user, id, &alt, &errors).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct RemovePhoto {
    file: String,
}

pub async fn remove_photo(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
    form: web::Form<RemovePhoto>,
) -> AppResult<HttpResponse> {
    listings::remove_photo(&state.db, &actor, id, user.id, &form.file)
        .await?
        .delete_unused(&state.db, &state.files)
        .await?;
    set_flash(&session, "Photo removed");
    Ok(see_other(&paths::provider_listing(id)))
}

pub async fn submit(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    site: Site,
    session: Session,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    listing_approval::submit(&state.db, &actor, &site, id, user.id).await?;
    state.wake_mail_worker();
    set_flash(
        &session,
        "Sent to the council. You will get an email when they decide.",
    );
    Ok(see_other(&paths::provider_listing(id)))
}

pub async fn confirm_review(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    let due = listing_review::confirm(
        &state.db,
        &actor,
        state.settings.review_policy(),
        state.clock.today(),
        id,
        user.id,
    )
    .await?;
    state.wake_indexer();
    set_flash(
        &session,
        &format!(
            "Thank you. The next check is due by {}",
            crate::domain::dates::format_date(&due)
        ),
    );
    Ok(see_other(&paths::provider_listing(id)))
}

pub async fn archive(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<ListingId>,
) -> AppResult<HttpResponse> {
    listing_approval::archive(&state.db, &actor, id, Some(user.id)).await?;
    state.wake_indexer();
    set_flash(&session, "Listing archived");
    Ok(see_other(&paths::provider_listing(id)))
}

/// What CQC's register says of the location a listing names.
async fn cqc_of(
    state: &AppState,
    content: &crate::domain::listings::content::ListingContent,
    organisation_provider_id: Option<&str>,
) -> AppResult<Option<crate::domain::cqc::CqcSummary>> {
    Ok(match &content.cqc_location_id {
        Some(id) => crate::domain::cqc::summary(&state.db, id, organisation_provider_id).await?,
        None => None,
    })
}

pub async fn public(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
    PathId(id): PathId<ListingId>,
) -> AppResult<maud::Markup> {
    let listing = listings::public_listing(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = category_names(&state).await?;
    let name = name_of(&names);
    let acting =
        crate::routes::acting::current_if_signed_in(&state, &session, page.user.as_ref()).await?;
    let saved =
        crate::routes::plans::shortlists::is_saved(&state, &session, acting.as_ref(), id).await?;
    let reviews = crate::domain::service_reviews::published_for_listing(&state.db, id).await?;
    let quality = crate::domain::checking::review::latest_published(&state.db, id).await?;
    let places =
        if crate::domain::vacancies::listing_offers_places(&state.db, &listing.content).await? {
            Some(crate::domain::vacancies::of_listing(&state.db, id).await?)
        } else {
            None
        };
    let actions = listing_page::actions(
        &page,
        &listing_page::ListingActions {
            listing_id: id,
            saved,
            client: acting.as_ref().and_then(Acting::client_id_name),
            can_enquire: page
                .user
                .as_ref()
                .is_some_and(|u| u.has_role(Role::BudgetHolder) || u.has_role(Role::Broker)),
            signed_in: page.user.is_some(),
        },
    );
    Ok(listing_page::listing(
        &page,
        &ListingPage {
            listing_id: id,
            content: &listing.content,
            provider: &listing.provider,
            category_name: &name,
            approved_on: listing.approved_on,
            base_url: &state.link_base(),
            preview: false,
            actions: Some(actions),
            reviews: Some(crate::views::reviews::on_listing(
                &reviews,
                &listing.provider.name,
            )),
            quality: quality.map(|m| crate::views::checking::review::badge(id, &m)),
            cqc: listing.cqc.as_ref(),
            places: places.map(|rows| {
                crate::views::places::on_listing(
                    &rows,
                    state.clock.today(),
                    state.clock.now(),
                    page.user
                        .as_ref()
                        .filter(|u| u.has_role(Role::Broker))
                        .map(|_| id),
                )
            }),
        },
    ))
}
