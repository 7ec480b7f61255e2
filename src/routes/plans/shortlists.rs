//! Shortlist handlers. Signed-in people's shortlists are kept in the database (a broker's
//! for the client they act for); a visitor's in the session until they sign in.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use entity::listings::ListingId;
use entity::users::UserId;

use crate::auth::access::{MaybeUser, safe_next};
use crate::auth::roles::Role;
use crate::domain::audit::Actor;
use crate::domain::plans::clients::Acting;
use crate::domain::plans::shortlists::{self, MAX_ITEMS, ShortlistError};
use crate::error::{AppError, AppResult};
use crate::paths;
use crate::routes::{RequestActor, acting, see_other};
use crate::state::AppState;
use crate::views::page::set_flash;
use crate::views::{Page, plans::shortlists as view};

const VISITOR_KEY: &str = "shortlist";

impl From<ShortlistError> for AppError {
    fn from(err: ShortlistError) -> Self {
        match err {
            ShortlistError::NotAvailable => AppError::NotFound,
            ShortlistError::NoteTooLong(_) | ShortlistError::NoteUnreadable => {
                AppError::BadRequest(err.to_string())
            }
            ShortlistError::Full => AppError::Conflict(err.to_string()),
            ShortlistError::Listing(e) => e.into(),
            ShortlistError::Db(e) => e.into(),
        }
    }
}

#[derive(serde::Deserialize)]
pub struct ShortlistForm {
    listing_id: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    return_to: String,
}

pub fn visitor_ids(session: &Session) -> Vec<ListingId> {
    session
        .get::<Vec<ListingId>>(VISITOR_KEY)
        .unwrap_or(None)
        .unwrap_or_default()
}

fn set_visitor_ids(session: &Session, ids: &[ListingId]) -> AppResult<()> {
    session
        .insert(VISITOR_KEY, ids)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

/// After signing in: keeps what the visitor saved, then forgets the session copy.
pub async fn adopt_visitor_shortlist(
    state: &AppState,
    session: &Session,
    actor: &Actor,
    user_id: UserId,
) -> AppResult<()> {
    let ids = visitor_ids(session);
    if !ids.is_empty() {
        shortlists::adopt(&state.db, &actor.or_user(user_id), user_id, &ids).await?;
        session.remove(VISITOR_KEY);
    }
    Ok(())
}

/// The listings on the shortlist of whoever this page is for: the signed-in holder (or the
/// client a broker acts for), or the visitor's session.
pub async fn saved_ids(
    state: &AppState,
    session: &Session,
    acting: Option<&Acting>,
) -> AppResult<Vec<ListingId>> {
    Ok(match acting {
        Some(a) => shortlists::listing_ids(&state.db, a.holder).await?,
        None => visitor_ids(session),
    })
}

/// Whether a listing is on the shortlist of whoever this page is for.
pub async fn is_saved(
    state: &AppState,
    session: &Session,
    acting: Option<&Acting>,
    listing_id: ListingId,
) -> AppResult<bool> {
    Ok(saved_ids(state, session, acting)
        .await?
        .contains(&listing_id))
}

/// The listing a form names: a positive whole number, or the page does not exist.
fn listing_id_of(form: &ShortlistForm) -> AppResult<ListingId> {
    form.listing_id
        .trim()
        .parse()
        .ok()
        .filter(|id: &ListingId| id.0 > 0)
        .ok_or(AppError::NotFound)
}

fn back(form: &ShortlistForm) -> String {
    if form.return_to.is_empty() {
        paths::shortlist()
    } else {
        safe_next(Some(&form.return_to))
    }
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
) -> AppResult<maud::Markup> {
    shortlist_page(&page, &state, &session, None).await
}

/// The shortlist, with a note that could not be kept (its listing, what was typed, why).
async fn shortlist_page(
    page: &Page,
    state: &AppState,
    session: &Session,
    note_error: Option<(ListingId, &str, String)>,
) -> AppResult<maud::Markup> {
    let (entries, acting) = match &page.user {
        Some(user) => {
            let acting = acting::current(state, session, user).await?;
            (
                shortlists::entries(&state.db, acting.holder).await?,
                Some(acting),
            )
        }
        None => (
            shortlists::visitor_entries(&state.db, &visitor_ids(session)).await?,
            None,
        ),
    };
    let client = acting.as_ref().and_then(Acting::client_id_name);
    let can_enquire = page
        .user
        .as_ref()
        .is_some_and(|u| u.has_role(Role::BudgetHolder) || u.has_role(Role::Broker));
    Ok(view::shortlist(
        page,
        &view::ShortlistPage {
            entries: &entries,
            client,
            signed_in: page.user.is_some(),
            can_enquire,
            note_error,
        },
    ))
}

#[derive(serde::Deserialize)]
pub struct NoteForm {
    listing_id: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    note: String,
}

pub async fn save_note(
    page: Page,
    state: web::Data<AppState>,
    user: crate::auth::CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<NoteForm>,
) -> AppResult<HttpResponse> {
    let listing_id: ListingId = form
        .listing_id
        .trim()
        .parse()
        .ok()
        .filter(|id: &ListingId| id.0 > 0)
        .ok_or(AppError::NotFound)?;
    let acting = acting::from_form(&state, &user, &form.client).await?;
    match shortlists::set_note(&state.db, &actor, &acting, listing_id, &form.note).await {
        Ok(true) => {
            set_flash(&session, "Note saved");
            Ok(see_other(&format!(
                "{}#saved-{listing_id}",
                paths::shortlist()
            )))
        }
        Ok(false) => Err(AppError::NotFound),
        Err(err @ (ShortlistError::NoteTooLong(_) | ShortlistError::NoteUnreadable)) => {
            let markup = shortlist_page(
                &page,
                &state,
                &session,
                Some((listing_id, &form.note, err.to_string())),
            )
            .await?;
            Ok(crate::routes::html_page(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                markup,
            ))
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn print(
    page: Page,
    state: web::Data<AppState>,
    session: Session,
) -> AppResult<maud::Markup> {
    let (entries, acting) = match &page.user {
        Some(user) => {
            let acting = acting::current(&state, &session, user).await?;
            (
                shortlists::entries(&state.db, acting.holder).await?,
                Some(acting),
            )
        }
        None => (
            shortlists::visitor_entries(&state.db, &visitor_ids(&session)).await?,
            None,
        ),
    };
    let client = acting.as_ref().and_then(Acting::client_id_name);
    Ok(view::printable(&entries, client, state.clock.today()))
}

pub async fn add(
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<ShortlistForm>,
) -> AppResult<HttpResponse> {
    let listing_id = listing_id_of(&form)?;
    match &user {
        Some(user) => {
            let acting = acting::from_form(&state, user, &form.client).await?;
            shortlists::add(&state.db, &actor, &acting, listing_id).await?;
        }
        None => {
            shortlists::ensure_available(&state.db, listing_id).await?;
            let mut ids = visitor_ids(&session);
            if !ids.contains(&listing_id) {
                if ids.len() >= MAX_ITEMS {
                    return Err(ShortlistError::Full.into());
                }
                ids.push(listing_id);
                set_visitor_ids(&session, &ids)?;
            }
        }
    }
    set_flash(&session, "Saved to the shortlist");
    Ok(see_other(&back(&form)))
}

pub async fn remove(
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    RequestActor(actor): RequestActor,
    session: Session,
    form: web::Form<ShortlistForm>,
) -> AppResult<HttpResponse> {
    let listing_id = listing_id_of(&form)?;
    let removed;
    match &user {
        Some(user) => {
            let acting = acting::from_form(&state, user, &form.client).await?;
            removed = shortlists::remove(&state.db, &actor, &acting, listing_id).await?;
        }
        None => {
            let mut ids = visitor_ids(&session);
            removed = ids.contains(&listing_id);
            ids.retain(|id| *id != listing_id);
            set_visitor_ids(&session, &ids)?;
        }
    }
    // Removing twice (a double click) is not an error, but says what happened.
    set_flash(
        &session,
        if removed {
            "Removed from the shortlist"
        } else {
            "That service was not on the shortlist"
        },
    );
    Ok(see_other(&back(&form)))
}
