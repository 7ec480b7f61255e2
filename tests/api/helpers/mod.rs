//! Spawns Kith on a random port with a temporary database (SQLite, or a fresh schema in the
//! PostgreSQL named by `TEST_DATABASE_URL`), a temporary data dir and captured mail, and
//! drives it over HTTP like a browser would.

pub mod browser;
pub mod fixtures;
pub mod instance;

pub use browser::{Browser, csrf_in, location, session_cookie};
pub use fixtures::{bomb_png, png_bytes};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use entity::{audit_log, users};
use kith::auth::roles::Role;
use kith::config::Settings;
use kith::domain::accounts::display_name::DisplayName;
use kith::domain::accounts::email_address::EmailAddress;
use kith::domain::accounts::{create_verified_account, grant_role_in};
use kith::domain::audit::Actor;
use kith::mail::worker::Sending;
use kith::mail::{CapturedMail, MailTransport};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, QueryOrder};

pub const PASSWORD: &str = "a long test password";
/// The authenticator secret of staff accounts made by `create_user` (the demo's).
pub const TOTP_SECRET: &str = kith::demo::DEMO_TOTP_SECRET;

/// The 30-second steps each account (by email, whichever server) has used, so a test that
/// signs the same account in twice waits for a fresh code instead of replaying one (which
/// Kith refuses).
static USED_STEPS: std::sync::Mutex<Vec<(String, u64)>> = std::sync::Mutex::new(Vec::new());

/// Authenticator secrets accounts chose on the set-up page (by email); others use
/// `TOTP_SECRET`.
pub(crate) static SET_UP_SECRETS: std::sync::Mutex<Vec<(String, String)>> =
    std::sync::Mutex::new(Vec::new());

fn secret_of(email: &str) -> String {
    SET_UP_SECRETS
        .lock()
        .expect("secrets")
        .iter()
        .rev()
        .find(|(e, _)| e == email)
        .map_or_else(|| TOTP_SECRET.to_owned(), |(_, s)| s.clone())
}

/// A code for `secret` that `key` has not used yet (Kith accepts one step of drift either
/// way), else wait for one.
pub async fn fresh_code(email: &str, secret: &str) -> String {
    loop {
        let now = chrono::Utc::now().timestamp().unsigned_abs();
        let step_now = now / 30;
        let used = {
            let steps = USED_STEPS.lock().expect("steps");
            steps
                .iter()
                .filter(|(e, _)| e == email)
                .map(|(_, s)| *s)
                .max()
        };
        // Kith accepts the step before, this one and the next: the oldest unused one that
        // will still be accepted in a second's time.
        let fits = |step: u64| used.is_none_or(|u| step > u) && (step + 2) * 30 > now + 1;
        let chosen = [step_now - 1, step_now, step_now + 1]
            .into_iter()
            .find(|s| fits(*s));
        if let Some(step) = chosen {
            USED_STEPS
                .lock()
                .expect("steps")
                .push((email.to_owned(), step));
            return kith::domain::accounts::two_factor::code_at(secret, step * 30);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub mail: Arc<Mutex<Vec<CapturedMail>>>,
    /// The app's search index, for running its saved-search alerts as the job would.
    pub search: Arc<search_index::SearchIndex>,
    /// The councils as the server matches requests to them.
    pub councils: Arc<kith::council_scope::Councils>,
    search_log: kith::domain::search::log_writer::SearchLogger,
    /// Kept so the temporary directory lives as long as the app.
    _data_dir: tempfile::TempDir,
    password_hash: String,
    settings: Settings,
    pg_schema: Option<String>,
}

/// Another Kith process on the same database, with its own data directory and index.
pub struct OtherProcess {
    pub address: String,
    _data_dir: tempfile::TempDir,
}

pub struct TestUser {
    pub id: entity::users::UserId,
    pub email: String,
}

fn random_suffix() -> String {
    kith::domain::tokens::new_token()
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect()
}

/// The token test servers expect on `GET /metrics`.
pub const METRICS_TOKEN: &str = "a-test-metrics-token-of-some-length";

/// A migrated, empty database of its own (SQLite in `data_dir`, or a fresh PostgreSQL
/// schema when `TEST_DATABASE_URL` is set), with the settings that point at it.
pub async fn test_database(
    data_dir: &std::path::Path,
) -> (DatabaseConnection, Settings, Option<String>) {
    test_database_with(data_dir, |_| {}).await
}

/// A fresh database prepared with some settings changed first (the first council is made
/// from them).
async fn test_database_with(
    data_dir: &std::path::Path,
    change: impl FnOnce(&mut Settings),
) -> (DatabaseConnection, Settings, Option<String>) {
    let mut settings = Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.to_path_buf(),
        session_key: hex_key(),
        demo: Some(false),
        metrics_token: METRICS_TOKEN.to_owned(),
        ..Settings::default()
    };
    let pg_schema = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let schema = format!("test_{}", random_suffix());
            let admin = kith::db::connect(&url, None)
                .await
                .expect("connect to TEST_DATABASE_URL");
            sea_orm::ConnectionTrait::execute_unprepared(
                &admin,
                &format!("CREATE SCHEMA {schema}"),
            )
            .await
            .expect("create schema");
            admin.close().await.ok();
            settings.database_url = url;
            Some(schema)
        }
        _ => None,
    };
    change(&mut settings);
    let db = kith::app::prepare_database(&settings, pg_schema.as_deref())
        .await
        .expect("database");
    (db, settings, pg_schema)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like `spawn_app`, with some settings changed first.
pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (db, settings, pg_schema) = test_database_with(data_dir.path(), change).await;
    let mail = Arc::new(Mutex::new(Vec::new()));
    let app = kith::app::build(settings.clone(), db, MailTransport::Capture(mail.clone()))
        .await
        .expect("build app");
    let address = app.base_url.clone();
    let search = app.search.clone();
    let search_log = app.search_log.clone();
    let councils = app.councils.clone();
    let db = app.spawn();
    let password_hash = kith::domain::accounts::password_hash::hash(PASSWORD).expect("hash");
    wait_until_ready(&address).await;
    TestApp {
        address,
        db,
        mail,
        search,
        councils,
        search_log,
        _data_dir: data_dir,
        password_hash,
        settings,
        pg_schema,
    }
}

/// Waits for `/ready` (the search index built), as a load balancer would before sending
/// people to a new instance.
pub async fn wait_until_ready(address: &str) {
    let client = reqwest::Client::new();
    for _ in 0..400 {
        if let Ok(res) = client.get(format!("{address}/ready")).send().await
            && res.status() == reqwest::StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{address} was not ready within 10 s");
}

/// A free loopback port (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `n` column of the one row `sql` returns (a `COUNT(*) AS n`).
pub async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql,
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get::<i64>("", "n")
    .unwrap()
}

fn hex_key() -> String {
    let mut key = String::new();
    while key.len() < 128 {
        key.push_str(&kith::domain::tokens::sha256_hex(&random_suffix()));
    }
    key
}

impl TestApp {
    /// A second council beside the installation's first, found by the server at once: its
    /// own host name `stockport.kith.example`, or `/c/stockport/` on the shared host.
    pub async fn add_stockport(&self) -> kith::domain::councils::Council {
        use kith::domain::councils::{self, CouncilDetails, CouncilSlug};
        let details = CouncilDetails {
            name: "Stockport Council".into(),
            host: Some("stockport.kith.example".into()),
            districts: vec!["SK1".into(), "SK4".into()],
            contact: "Stockport adult social care: 0161 496 0999".into(),
            funder: kith::domain::fund::export::Funder {
                identifier: "GB-LAE-SKP".into(),
                name: "Stockport Metropolitan Borough Council".into(),
                prefix: "360G-stockport".into(),
            },
            local_authority: "Stockport".into(),
        };
        let slug = CouncilSlug::parse("stockport").expect("slug");
        councils::create(&self.db, &Actor::system(), &slug, &details)
            .await
            .expect("add Stockport");
        self.councils.reload(&self.db).await.expect("reload");
        councils::all(&self.db)
            .await
            .expect("councils")
            .into_iter()
            .find(|c| c.slug == slug)
            .expect("Stockport")
    }

    /// Starts a second process sharing this app's database (as several servers behind a
    /// load balancer would), with its own data directory, search index and mail.
    pub async fn second_process(&self) -> OtherProcess {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings {
            database_url: self.settings.effective_database_url(),
            data_dir: data_dir.path().to_path_buf(),
            ..self.settings.clone()
        };
        let db = kith::app::prepare_database(&settings, self.pg_schema.as_deref())
            .await
            .expect("database");
        let mail = Arc::new(Mutex::new(Vec::new()));
        let app = kith::app::build(settings, db, MailTransport::Capture(mail))
            .await
            .expect("build second app");
        let address = app.base_url.clone();
        app.spawn();
        wait_until_ready(&address).await;
        OtherProcess {
            address,
            _data_dir: data_dir,
        }
    }

    /// The database URL a `kith` command run beside this app uses to reach its database
    /// (on PostgreSQL, with the test's own schema as its search path).
    pub fn command_database_url(&self) -> String {
        let url = self.settings.effective_database_url();
        match &self.pg_schema {
            Some(schema) => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}options=-c%20search_path%3D{schema}")
            }
            None => url,
        }
    }

    /// The settings this app was started with.
    pub fn settings(&self) -> Settings {
        self.settings.clone()
    }

    pub fn browser(&self) -> Browser {
        Browser::at(&self.address)
    }

    /// Creates a confirmed account holding `roles`, straight in the database.
    pub async fn create_user(&self, roles: &[Role]) -> TestUser {
        let first = kith::domain::councils::first(&self.db)
            .await
            .expect("first council");
        self.create_user_in(first, roles).await
    }

    /// Creates a confirmed account holding `roles` in `council`.
    pub async fn create_user_in(
        &self,
        council: entity::councils::CouncilId,
        roles: &[Role],
    ) -> TestUser {
        let email = format!("{}@test.example", random_suffix());
        let id = create_verified_account(
            &self.db,
            &Actor::system(),
            council,
            &EmailAddress::parse(&email).expect("email"),
            &DisplayName::parse("Test Person").expect("name"),
            self.password_hash.clone(),
        )
        .await
        .expect("create user");
        for role in roles {
            grant_role_in(&self.db, id, council, *role, None)
                .await
                .expect("grant");
        }
        if kith::domain::accounts::two_factor::required_for(roles) {
            kith::domain::accounts::two_factor::enrol_with_secret(&self.db, id, TOTP_SECRET)
                .await
                .expect("enrol");
        }
        TestUser { id, email }
    }

    /// A browser signed in as a new account holding `role` in `council`.
    pub async fn signed_in_at(
        &self,
        council: entity::councils::CouncilId,
        role: Role,
    ) -> (Browser, TestUser) {
        let user = self.create_user_in(council, &[role]).await;
        let browser = self.browser();
        browser.sign_in(&user.email, PASSWORD).await;
        (browser, user)
    }

    /// A browser signed in as a new account with `role`.
    pub async fn signed_in_as(&self, role: Role) -> (Browser, TestUser) {
        let user = self.create_user(&[role]).await;
        let browser = self.browser();
        browser.sign_in(&user.email, PASSWORD).await;
        (browser, user)
    }

    /// Runs the outbox once, here and now, as the mail worker would: every message due is
    /// sent (captured). Messages the worker is sending at this moment are left to it.
    pub async fn send_pending_mail(&self) -> usize {
        let sending = Sending::from_settings(&self.settings);
        let transport = MailTransport::Capture(self.mail.clone());
        kith::mail::worker::send_due(&self.db, &transport, &sending)
            .await
            .expect("send the outbox")
    }

    /// The message to `to` whose subject contains `subject`. The outbox is run first, so a
    /// message queued by a request that has answered arrives at once; one the worker had
    /// already claimed is waited for (up to 10 s).
    pub async fn wait_for_mail(&self, to: &str, subject: &str) -> CapturedMail {
        self.send_pending_mail().await;
        for _ in 0..200 {
            if let Some(m) = self
                .mail
                .lock()
                .expect("mail")
                .iter()
                .find(|m| m.to == to && m.subject.contains(subject))
            {
                return m.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no mail to {to} with subject containing {subject:?}; got {:?}",
            self.mail
                .lock()
                .expect("mail")
                .iter()
                .map(|m| (&m.to, &m.subject))
                .collect::<Vec<_>>()
        );
    }

    pub fn mail_count_to(&self, to: &str) -> usize {
        self.mail
            .lock()
            .expect("mail")
            .iter()
            .filter(|m| m.to == to)
            .count()
    }

    /// The link in a message that starts with `prefix` (e.g. "/verify-email/"), as a path.
    pub fn link_in(&self, mail: &CapturedMail, prefix: &str) -> String {
        let start = format!("{}{prefix}", self.address);
        let line = mail
            .text
            .lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no {prefix} link in {}", mail.text));
        line.trim_start_matches(&self.address).to_owned()
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .all(&self.db)
            .await
            .expect("audit")
            .into_iter()
            .map(|r| r.action)
            .collect()
    }

    /// Marks an organisation approved straight in the database (for tests that start there).
    pub async fn approve_organisation(&self, id: i64) {
        use sea_orm::{ColumnTrait, QueryFilter};
        entity::provider_organisations::Entity::update_many()
            .col_expr(
                entity::provider_organisations::Column::Status,
                sea_orm::sea_query::Expr::value("approved"),
            )
            .filter(entity::provider_organisations::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .expect("approve");
    }

    /// The demand log once every search made so far is written (the log is written in the
    /// background, after the search has answered), oldest first.
    pub async fn logged_searches(&self) -> Vec<entity::search_log::Model> {
        use sea_orm::{EntityTrait, QueryOrder};
        for _ in 0..200 {
            if self.search_log.unwritten() == 0 {
                return entity::search_log::Entity::find()
                    .order_by_asc(entity::search_log::Column::Id)
                    .all(&self.db)
                    .await
                    .expect("search log");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the search log was not written within 10 s");
    }

    pub async fn user_count(&self) -> u64 {
        users::Entity::find().count(&self.db).await.expect("count")
    }

    pub async fn audit_count(&self) -> u64 {
        audit_log::Entity::find()
            .count(&self.db)
            .await
            .expect("count")
    }
}
