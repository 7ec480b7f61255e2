//! Builds the actix application and server: database, middleware, routes, background jobs.
//! `build` returns the bound port so tests can listen on port 0.

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_web::cookie::{Key, SameSite, time::Duration};
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use tracing_actix_web::TracingLogger;

use crate::auth::rate_limit::RateLimiter;
use crate::auth::{csrf, session_store::DbSessionStore};
use crate::clock::Clock;
use crate::config::Settings;
use crate::mail::MailTransport;
use crate::shutdown::Shutdown;
use crate::state::AppState;
use crate::{db, jobs, routes};

const SESSION_COOKIE: &str = "kith_session";

/// The session cookie's value, when the request carries one this service signed (a made-up
/// cookie is none: it cannot pass for a visitor of its own).
pub fn session_cookie_value(
    req: &actix_web::HttpRequest,
    key: &actix_web::cookie::Key,
) -> Option<String> {
    let cookie = req
        .cookie(SECURE_SESSION_COOKIE)
        .or_else(|| req.cookie(SESSION_COOKIE))?;
    let mut jar = actix_web::cookie::CookieJar::new();
    jar.add_original(cookie.clone());
    jar.signed(key)
        .get(cookie.name())
        .map(|c| c.value().to_owned())
}
/// Over https the cookie takes the `__Host-` prefix: browsers then accept it only if it is
/// Secure, for the whole site and from this host, so a sibling subdomain cannot plant one.
const SECURE_SESSION_COOKIE: &str = "__Host-kith_session";
const SESSION_IDLE_HOURS: i64 = 8;
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub struct Application {
    pub port: u16,
    pub base_url: String,
    pub db: DatabaseConnection,
    /// The search index this process owns (tests run its jobs against it).
    pub search: Arc<search_index::SearchIndex>,
    /// The demand log's queue (tests wait for it to be written).
    pub search_log: crate::domain::search::log_writer::SearchLogger,
    /// The councils as this process matches requests to them (tests reread them at once).
    pub councils: Arc<crate::council_scope::Councils>,
    server: Server,
    shutdown: Shutdown,
}

impl Application {
    /// Serves until SIGTERM or Ctrl-C, then finishes requests in flight and the background
    /// work that writes (see [`crate::shutdown`]).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        tracing::info!("no longer accepting requests; finishing background work");
        self.shutdown
            .finish(&self.search_log, crate::shutdown::LIMIT)
            .await;
        served
    }

    /// Runs the server in the background (tests).
    pub fn spawn(self) -> DatabaseConnection {
        tokio::spawn(self.server);
        self.db
    }
}

/// Connects to the configured database and brings its schema up to date.
pub async fn prepare_database(
    settings: &Settings,
    pg_schema: Option<&str>,
) -> anyhow::Result<DatabaseConnection> {
    crate::config::create_private_dir(&settings.data_dir)?;
    let db = db::connect(&settings.effective_database_url(), pg_schema).await?;
    db::migrate(&db, settings).await?;
    Ok(db)
}

/// Binds the listener, starts the background jobs and builds the server.
pub async fn build(
    settings: Settings,
    db: DatabaseConnection,
    transport: MailTransport,
) -> anyhow::Result<Application> {
    let listener = TcpListener::bind(&settings.bind)?;
    let port = listener.local_addr()?.port();
    let base_url = settings.effective_base_url(port);
    let secure_cookies = base_url.starts_with("https://");
    let key = Key::from(&settings.session_key_bytes()?);

    let mail_wakeup = Arc::new(Notify::new());
    let files = crate::file_store::Files::from_settings(&settings)?;
    tracing::info!(files = %files.describe(), "file store ready");
    let mut shutdown = Shutdown::new();
    let metrics = Arc::new(crate::metrics::Metrics::new());
    let shared = jobs::Shared {
        db: db.clone(),
        base_url: base_url.clone(),
        transport: transport.clone(),
        mail_wakeup: mail_wakeup.clone(),
        files: files.clone(),
        metrics: metrics.clone(),
    };
    jobs::spawn(shared, &settings, &mut shutdown);
    tracing::info!(mail = %transport.describe(), "mail transport ready");

    // Before the indexer starts, so listings are placed by full postcodes when there are any.
    crate::postcode_import::load(&settings)?;
    let search = Arc::new(
        search_index::SearchIndex::open(&settings.search_index_dir()).map_err(|err| {
            anyhow::anyhow!(
                "{err} (is another Kith process using {}?)",
                settings.search_index_dir().display()
            )
        })?,
    );
    let index_wakeup = Arc::new(Notify::new());
    let clock = Clock::system();
    jobs::spawn_saved_search_alerts(
        db.clone(),
        search.clone(),
        base_url.clone(),
        key.signing().to_vec(),
        mail_wakeup.clone(),
        metrics.clone(),
    );
    let indexer = tokio::spawn(crate::indexer::run(
        db.clone(),
        search.clone(),
        index_wakeup.clone(),
        clock,
        shutdown.stopping(),
        metrics.clone(),
    ));
    shutdown.track("search indexer", indexer);
    let read = db::readers(&db, &settings.effective_database_url()).await?;
    let search_log = crate::domain::search::log_writer::SearchLogger::start(
        db.clone(),
        settings.search_log_queue,
    );
    // `prepare_database` made the first council; a database it did not prepare is refused.
    let councils = Arc::new(crate::council_scope::Councils::load(&db).await?);
    councils.clone().follow(db.clone());
    let state = web::Data::new(AppState {
        db: db.clone(),
        read: read.clone(),
        search_log: search_log.clone(),
        settings,
        base_url: base_url.clone(),
        mail_wakeup,
        // Several instances share PostgreSQL, and so their counts; the embedded database has
        // one instance.
        rate_limiter: if db::is_sqlite(&db) {
            RateLimiter::in_memory()
        } else {
            RateLimiter::shared(db.clone(), hex::encode(key.signing()))
        },
        search_buckets: Default::default(),
        cookie_key: key.clone(),
        secure_cookies,
        search: search.clone(),
        index_wakeup,
        clock,
        metrics,
        files,
        councils: councils.clone(),
    });

    let (store_db, store_read) = (db.clone(), read);
    let server = HttpServer::new(move || {
        let mut headers = DefaultHeaders::new()
            .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
            .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .add((header::REFERRER_POLICY, "same-origin"))
            .add((header::X_FRAME_OPTIONS, "DENY"))
            .add((
                "Permissions-Policy",
                "camera=(), microphone=(), geolocation=()",
            ))
            .add((header::CACHE_CONTROL, "no-store"));
        if secure_cookies {
            headers = headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"));
        }
        let sessions = SessionMiddleware::builder(
            DbSessionStore::new(store_db.clone(), store_read.clone()),
            key.clone(),
        )
        .cookie_name(
            if secure_cookies {
                SECURE_SESSION_COOKIE
            } else {
                SESSION_COOKIE
            }
            .to_owned(),
        )
        .cookie_path("/".to_owned())
        .cookie_secure(secure_cookies)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_content_security(CookieContentSecurity::Signed)
        .session_lifecycle(BrowserSession::default().state_ttl(Duration::hours(SESSION_IDLE_HOURS)))
        .build();
        App::new()
            .wrap(ErrorHandlers::new().default_handler(routes::errors::render_bare_errors))
            .wrap(from_fn(csrf::verify))
            .wrap(sessions)
            .wrap(headers)
            .wrap(Compress::default())
            .wrap(TracingLogger::default())
            .wrap(from_fn(crate::metrics::record))
            .wrap(from_fn(crate::council_scope::resolve))
            .app_data(state.clone())
            .app_data(routes::errors::form_config())
            .app_data(routes::errors::query_config())
            .app_data(routes::errors::path_config())
            .app_data(routes::errors::json_config())
            .app_data(routes::providers::multipart_config())
            .app_data(web::PayloadConfig::new(csrf::MAX_MULTIPART_BYTES))
            .configure(routes::configure)
            .default_service(web::to(routes::errors::not_found))
    })
    .listen(listener)?
    .shutdown_timeout(10)
    .run();
    Ok(Application {
        port,
        base_url,
        db,
        search,
        search_log,
        councils,
        server,
        shutdown,
    })
}
