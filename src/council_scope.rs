//! The council each request is for, found before routing (see
//! [`crate::domain::councils::directory`]). A path that names a council (`/c/stockport/…`)
//! is routed without that part, and every link built while answering it (`crate::paths`)
//! gets it back, so people stay with the council whose pages they came to. Handlers that
//! need the council take [`ThisCouncil`]; the page layout reads [`current`].

use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::http::uri::PathAndQuery;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use sea_orm::DatabaseConnection;

use crate::domain::councils::{self, Council, Directory, Site};
use crate::state::AppState;

/// How often each instance rereads the councils (changed with `kith council set`).
const RELOAD_INTERVAL: Duration = Duration::from_secs(30);

/// The councils as this instance last read them.
#[derive(Debug)]
pub struct Councils(RwLock<Arc<Directory>>);

impl Councils {
    pub async fn load(db: &DatabaseConnection) -> anyhow::Result<Self> {
        Ok(Self(RwLock::new(Arc::new(read(db).await?))))
    }

    pub fn directory(&self) -> Arc<Directory> {
        self.0
            .read()
            .map_or_else(|p| p.into_inner().clone(), |d| d.clone())
    }

    /// Rereads the councils now (and every [`RELOAD_INTERVAL`] from [`Councils::follow`]).
    pub async fn reload(&self, db: &DatabaseConnection) -> anyhow::Result<()> {
        let directory = Arc::new(read(db).await?);
        match self.0.write() {
            Ok(mut current) => *current = directory,
            Err(poisoned) => *poisoned.into_inner() = directory,
        }
        Ok(())
    }

    /// Keeps rereading the councils, so a change made on the command line (or through
    /// another instance) reaches this one.
    pub fn follow(self: Arc<Self>, db: DatabaseConnection) {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RELOAD_INTERVAL).await;
                if let Err(err) = self.reload(&db).await {
                    tracing::warn!(error = %err, "could not reread the councils");
                }
            }
        });
    }
}

async fn read(db: &DatabaseConnection) -> anyhow::Result<Directory> {
    Directory::new(councils::all(db).await?)
        .ok_or_else(|| anyhow::anyhow!("there is no council: the database was not prepared"))
}

/// The council a request is for, and the part its addresses start with.
#[derive(Clone, Debug)]
pub struct ThisCouncil {
    pub council: Arc<Council>,
    /// `/c/{slug}` when the address named the council, else empty.
    pub prefix: String,
}

tokio::task_local! {
    static SCOPE: ThisCouncil;
}

/// What links built now start with: the current request's `/c/{slug}`, or nothing.
pub fn link_prefix() -> String {
    SCOPE
        .try_with(|scope| scope.prefix.clone())
        .unwrap_or_default()
}

/// The council the current request is for (`None` outside a request).
pub fn current() -> Option<Arc<Council>> {
    SCOPE.try_with(|scope| scope.council.clone()).ok()
}

/// Finds the request's council and routes the rest of its path (outermost middleware, so
/// everything further in sees the path the route table knows).
pub async fn resolve(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(actix_web::error::ErrorInternalServerError(
            "AppState missing",
        ));
    };
    let directory = state.councils.directory();
    let host = req
        .headers()
        .get(actix_web::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().host())
        .unwrap_or_default()
        .to_owned();
    let path = req.path().to_owned();
    let resolved = directory.resolve(&host, &path);
    let mut scope = ThisCouncil {
        council: resolved.council.clone(),
        prefix: String::new(),
    };
    if let Some(prefix) = resolved.prefix {
        let rest = match req.uri().query() {
            Some(query) => format!("{}?{query}", resolved.path),
            None => resolved.path.to_owned(),
        };
        let mut parts = req.head().uri.clone().into_parts();
        parts.path_and_query = PathAndQuery::from_str(&rest).ok();
        // The rest of a valid address is valid; were it not, the path is routed whole (and
        // not found), with no prefix put on its links.
        if let Ok(uri) = Uri::from_parts(parts) {
            // Nothing else holds this request yet, so it can be changed in place.
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
            scope.prefix = prefix;
        }
    }
    req.extensions_mut().insert(scope.clone());
    SCOPE.scope(scope, next.call(req)).await
}

impl FromRequest for ThisCouncil {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<ThisCouncil>()
                .cloned()
                .ok_or_else(|| actix_web::error::ErrorInternalServerError("no council")),
        )
    }
}

/// The current request's council as what is done for it needs it: emails link to the
/// council's own host name when that is how its pages were asked for, else to the
/// deployment's address (and the links then carry `/c/{slug}`).
pub fn site(council: &Council, deployment: &str) -> Site {
    site_for(council, !link_prefix().is_empty(), deployment)
}

/// What links in the current request's emails start with: the council's own host name
/// when that is how its pages were asked for, else the deployment's address (`deployment`).
pub fn base_url(deployment: &str) -> String {
    SCOPE
        .try_with(|this| site_for(&this.council, !this.prefix.is_empty(), deployment).base_url)
        .unwrap_or_else(|_| deployment.to_owned())
}

/// `council`'s `Site`, its pages asked for through `/c/{slug}` on the shared host
/// (`via_path`) or not.
fn site_for(council: &Council, via_path: bool, deployment: &str) -> Site {
    let own = (!via_path)
        .then(|| council.own_address(deployment))
        .flatten();
    Site {
        council: council.id,
        base_url: own.unwrap_or_else(|| deployment.to_owned()),
    }
}

/// The request's council as what is done for it needs it: its id, and the address the
/// emails it causes link back to.
impl FromRequest for Site {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let site = req.extensions().get::<ThisCouncil>().and_then(|this| {
            let state = req.app_data::<web::Data<AppState>>()?;
            Some(site_for(
                &this.council,
                !this.prefix.is_empty(),
                &state.base_url,
            ))
        });
        std::future::ready(
            site.ok_or_else(|| actix_web::error::ErrorInternalServerError("no council")),
        )
    }
}
