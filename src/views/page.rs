//! `Page`: what every page needs from the request — the signed-in account for navigation, the
//! CSRF token for forms, a one-off success message, and the current path.

use actix_session::{Session, SessionExt};
use actix_web::HttpMessage;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::auth::access::{CurrentUser, load_user};
use crate::auth::csrf;
use crate::error::AppError;

const FLASH_KEY: &str = "flash";

pub struct Page {
    pub user: Option<CurrentUser>,
    pub path: String,
    /// A success message set by the previous request (post, redirect, get).
    pub flash: Option<String>,
    /// The client a broker is acting for, shown in a banner on every page.
    pub acting_for: Option<ActingFor>,
    /// The counts beside menu items (zero when signed out).
    pub menu: crate::domain::dashboard::MenuCounts,
    /// The council whose pages these are.
    pub council: std::sync::Arc<crate::domain::councils::Council>,
    session: Session,
}

/// The client a broker is acting for, as the banner names them.
#[derive(Clone, Debug)]
pub struct ActingFor {
    pub id: i64,
    pub name: String,
}

/// What the session keeps of the client a broker chose: the id only, so no client's name
/// sits in the sessions table (and an erased client's name cannot linger there). Sessions
/// made before kept the name too; it is ignored.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ChosenClient {
    pub id: i64,
}

pub const ACTING_FOR_KEY: &str = "acting_for";

impl Page {
    /// The session's CSRF token, for the hidden field of every form.
    pub fn csrf(&self) -> String {
        csrf::token(&self.session)
    }
}

/// Shows `message` in a success banner on the next page this browser loads.
pub fn set_flash(session: &Session, message: &str) {
    let _ = session.insert(FLASH_KEY, message);
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = load_user(&req).await?;
            let council = req
                .extensions()
                .get::<crate::council_scope::ThisCouncil>()
                .map(|this| this.council.clone())
                .ok_or_else(|| anyhow::anyhow!("no council for the request"))?;
            let session = req.get_session();
            let flash = session.remove_as::<String>(FLASH_KEY).and_then(Result::ok);
            let state = req
                .app_data::<actix_web::web::Data<crate::state::AppState>>()
                .ok_or_else(|| anyhow::anyhow!("AppState missing"))?;
            // The counts help; a page without them still works.
            let menu = match &user {
                Some(u) => crate::domain::dashboard::MenuCounts::of(&state.read, u)
                    .await
                    .unwrap_or_else(|err| {
                        tracing::warn!(error = %err, "menu counts failed");
                        Default::default()
                    }),
                None => Default::default(),
            };
            let acting_for = match &user {
                Some(u) if u.has_role(crate::auth::roles::Role::Broker) => {
                    match session.get::<ChosenClient>(ACTING_FOR_KEY).unwrap_or(None) {
                        Some(chosen) => {
                            crate::domain::plans::clients::open_name(&state.read, u.id, chosen.id)
                                .await?
                                .map(|name| ActingFor {
                                    id: chosen.id,
                                    name,
                                })
                        }
                        None => None,
                    }
                }
                _ => None,
            };
            Ok(Page {
                user,
                // As the address bar shows it, to compare with links (which carry the
                // council's `/c/{slug}` when the address named it).
                path: crate::council_scope::link_prefix() + req.path(),
                flash,
                acting_for,
                menu,
                council,
                session,
            })
        })
    }
}
