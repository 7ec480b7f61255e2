//! Spawns Kith on a random port with a temporary database (SQLite, or a fresh schema in the
//! PostgreSQL named by `TEST_DATABASE_URL`), a temporary data dir and captured mail, and
//! drives it over HTTP like a browser would.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use entity::{audit_log, users};
use kith::auth::roles::Role;
use kith::config::Settings;
use kith::domain::accounts::display_name::DisplayName;
use kith::domain::accounts::email_address::EmailAddress;
use kith::domain::accounts::{create_verified_account, grant_role_in};
use kith::domain::audit::Actor;
use kith::mail::{CapturedMail, MailTransport};
use reqwest::StatusCode;
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
static SET_UP_SECRETS: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

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

/// One browser: its own cookie jar, no automatic redirects (tests assert them).
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
}

pub struct TestUser {
    pub id: i64,
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

/// A migrated, empty database of its own (SQLite in `data_dir`, or a fresh PostgreSQL
/// schema when `TEST_DATABASE_URL` is set), with the settings that point at it.
pub async fn test_database(
    data_dir: &std::path::Path,
) -> (DatabaseConnection, Settings, Option<String>) {
    let mut settings = Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.to_path_buf(),
        session_key: hex_key(),
        demo: Some(false),
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
    let (db, mut settings, pg_schema) = test_database(data_dir.path()).await;
    change(&mut settings);
    let mail = Arc::new(Mutex::new(Vec::new()));
    let app = kith::app::build(settings.clone(), db, MailTransport::Capture(mail.clone()))
        .await
        .expect("build app");
    let address = app.base_url.clone();
    let db = app.spawn();
    let password_hash = kith::domain::accounts::password_hash::hash(PASSWORD).expect("hash");
    TestApp {
        address,
        db,
        mail,
        _data_dir: data_dir,
        password_hash,
        settings,
        pg_schema,
    }
}

fn hex_key() -> String {
    let mut key = String::new();
    while key.len() < 128 {
        key.push_str(&kith::domain::tokens::sha256_hex(&random_suffix()));
    }
    key
}

impl TestApp {
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
        OtherProcess {
            address,
            _data_dir: data_dir,
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
        let email = format!("{}@test.example", random_suffix());
        let id = create_verified_account(
            &self.db,
            &Actor::system(),
            &EmailAddress::parse(&email).expect("email"),
            &DisplayName::parse("Test Person").expect("name"),
            self.password_hash.clone(),
        )
        .await
        .expect("create user");
        for role in roles {
            grant_role_in(&self.db, id, *role, None)
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

    /// A browser signed in as a new account with `role`.
    pub async fn signed_in_as(&self, role: Role) -> (Browser, TestUser) {
        let user = self.create_user(&[role]).await;
        let browser = self.browser();
        browser.sign_in(&user.email, PASSWORD).await;
        (browser, user)
    }

    /// Waits for the mail worker to send a message to `to` whose subject contains `subject`.
    pub async fn wait_for_mail(&self, to: &str, subject: &str) -> CapturedMail {
        // The worker polls every 5 s when nothing wakes it, so allow 10 s.
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

impl Browser {
    /// A browser of its own (cookies, no redirects followed) for a server at `address`.
    pub fn at(address: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            client,
            address: address.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let res = self.get(path).await;
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    /// The session's CSRF token, read from a page with a form.
    pub async fn csrf(&self) -> String {
        let (_, body) = self.get_text("/forgot-password").await;
        csrf_in(&body)
    }

    /// Posts a file upload form as the browser would: the CSRF token, one file and some text
    /// fields.
    pub async fn post_file(
        &self,
        path: &str,
        file_field: &str,
        (file_name, bytes): (&str, Vec<u8>),
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new()
            .text("csrf_token", self.csrf().await)
            .part(
                file_field.to_owned(),
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            );
        for (name, value) in fields {
            form = form.text((*name).to_owned(), (*value).to_owned());
        }
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// Posts a form as the browser would, with the CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    pub async fn post_form_text(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let res = self.post_form(path, fields).await;
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    /// Posts a form without the CSRF token.
    pub async fn post_form_without_csrf(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Posts the sign-in form and returns the response.
    pub async fn try_sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/sign-in", &[("email", email), ("password", password)])
            .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) {
        let res = self.try_sign_in(email, password).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "sign-in as {email} failed"
        );
        self.second_factor(email, &location(&res)).await;
    }

    /// After the password: gives the code (staff accounts made by `create_user` and the demo
    /// use `TOTP_SECRET`), or sets up an authenticator as a person would, reading the key
    /// from the page. Anything else is left as it is. Returns where the person goes next.
    pub async fn second_factor(&self, email: &str, location: &str) -> String {
        match location {
            "/sign-in/code" => {
                // A step this helper does not know was used (by an earlier server on the same
                // database) is refused once; the next one is fresh.
                let mut status = StatusCode::OK;
                for _ in 0..4 {
                    let code = fresh_code(email, &secret_of(email)).await;
                    let res = self.post_form("/sign-in/code", &[("code", &code)]).await;
                    status = res.status();
                    if status == StatusCode::SEE_OTHER {
                        return crate::helpers::location(&res);
                    }
                }
                panic!("the code for {email} was refused: {status}");
            }
            "/sign-in/set-up" => {
                let (_, page) = self.get_text("/sign-in/set-up").await;
                let key: String = page
                    .split("kith-key\">")
                    .nth(1)
                    .and_then(|s| s.split('<').next())
                    .expect("the key on the set-up page")
                    .split_whitespace()
                    .collect();
                let code = fresh_code(email, &key).await;
                let (status, page) = self
                    .post_form_text("/sign-in/set-up", &[("code", &code)])
                    .await;
                assert_eq!(status, StatusCode::OK, "{page}");
                assert!(page.contains("Save your recovery codes"));
                SET_UP_SECRETS
                    .lock()
                    .expect("secrets")
                    .push((email.to_owned(), key));
                page.split("kith-continue\" href=\"")
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .unwrap_or("/account")
                    .to_owned()
            }
            other => other.to_owned(),
        }
    }

    /// Sets up an organisation as a provider would and returns its id.
    pub async fn create_organisation(&self, name: &str, kind: &str) -> i64 {
        let res = self
            .post_form(
                "/provider/organisations",
                &[("name", name), ("kind", kind), ("cqc_location_id", "")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "create {name}");
        location(&res)
            .rsplit('/')
            .next()
            .and_then(|id| id.parse().ok())
            .expect("organisation id in the redirect")
    }

    pub async fn is_signed_in(&self) -> bool {
        self.get("/account").await.status() == StatusCode::OK
    }
}

pub fn csrf_in(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field in {body}"))
        + marker.len();
    body[start..].split('"').next().expect("token").to_owned()
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kith_session="))
        .map(str::to_owned)
}

/// A plain PNG picture.
pub fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([20, 100, 180]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A 1×1 PNG whose header claims 100,000 × 100,000 pixels.
pub fn bomb_png() -> Vec<u8> {
    let mut bytes = png_bytes(1, 1);
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}
