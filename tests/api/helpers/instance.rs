//! One Kith installation driven through the real binary (crash, shutdown and backup tests).

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::Browser;

pub const ADMIN: &str = "admin@council.example";
pub const ADMIN_PASSWORD: &str = "a long council passphrase";

/// A process the test started, killed when dropped: a failing test leaves nothing running.
pub struct Server(pub Child);

impl std::ops::Deref for Server {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One Kith installation: a data directory, and a database of its own — SQLite in the data
/// directory, or a fresh PostgreSQL schema when `TEST_DATABASE_URL` is set.
pub struct Instance {
    dir: tempfile::TempDir,
    database_url: Option<String>,
}

impl Instance {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if url.starts_with("postgres") => {
                let schema = format!("crash_{}", std::process::id())
                    + &chrono::Utc::now().timestamp_micros().to_string();
                let admin = kith::db::connect(&url, None).await.unwrap();
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let sep = if url.contains('?') { '&' } else { '?' };
                Some(format!("{url}{sep}options=-c%20search_path%3D{schema}"))
            }
            _ => None,
        };
        Self { dir, database_url }
    }

    /// Another installation on the same database (a second server behind the proxy), with
    /// a data directory of its own.
    pub fn sharing_database(&self) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            database_url: self.database_url.clone(),
        }
    }

    /// Whether the database is PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        self.database_url.is_some()
    }

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn kith(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kith"));
        c.env("KITH_DATA_DIR", self.path())
            .env("KITH_DEMO", "false")
            .env_remove("DATABASE_URL");
        match &self.database_url {
            Some(url) => c.env("KITH_DATABASE_URL", url),
            None => c.env_remove("KITH_DATABASE_URL"),
        };
        c
    }

    /// `kith serve` on a free port (its output discarded unless `RUST_LOG` is given), once it
    /// answers; the browser has no session yet.
    pub async fn start(&self, env: &[(&str, &str)]) -> (Server, Browser) {
        let port = super::free_port();
        let mut command = self.kith();
        command
            .arg("serve")
            .env("KITH_BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        let child = Server(command.spawn().unwrap());
        let browser = Browser::at(&format!("http://127.0.0.1:{port}"));
        for _ in 0..300 {
            if browser
                .client
                .get(browser.url("/health"))
                .send()
                .await
                .is_ok()
            {
                return (child, browser);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not start");
    }

    pub async fn db(&self) -> DatabaseConnection {
        self.db_in_mode("rw").await
    }

    /// The database, made empty if there is none yet (to set up an older version's).
    pub async fn new_db(&self) -> DatabaseConnection {
        self.db_in_mode("rwc").await
    }

    async fn db_in_mode(&self, mode: &str) -> DatabaseConnection {
        let url = self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode={mode}",
                self.path().join("kith.db").display()
            )
        });
        kith::db::connect(&url, None).await.unwrap()
    }
}

pub fn create_admin(instance: &Instance) {
    let mut admin = instance
        .kith()
        .args(["admin", "create", "--email", ADMIN])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    admin
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(admin.wait().unwrap().success());
}

/// `n` lunch clubs from seven organisations, in Kith's CSV template.
pub fn lunch_clubs(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let header = kith::domain::import::template::COLUMNS
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(",");
    let mut csv = format!("{header}\n");
    for i in 0..n {
        csv.push_str(&format!(
            "row-{i},Kitchen {o},k{o},voluntary_group,,Lunch club {i},A hot lunch every week.,Fresh food and company.,Meals and food,Older people,,,\"{i} Church Road, Sale\",M33 7XX,no,free,,Wed,12:00,14:00,yes,English\n",
            o = i % 7
        ));
    }
    let file = dir.join("listings.csv");
    std::fs::write(&file, csv).unwrap();
    file
}

/// Stores `png` as the first organisation's logo in the data directory (as an upload would
/// have): a file the database refers to.
pub async fn give_a_logo(
    instance: &Instance,
    db: &DatabaseConnection,
    png: Vec<u8>,
) -> kith::images::StoredImage {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let logo = kith::images::process_and_store(
        &kith::file_store::Files::local(instance.path()).unwrap(),
        kith::images::Area::Public,
        png,
    )
    .await
    .unwrap();
    let org = entity::provider_organisations::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut change: entity::provider_organisations::ActiveModel = org.into();
    change.logo_file = Set(Some(logo.image.file_name()));
    change.logo_thumbnail = Set(Some(logo.thumbnail.file_name()));
    change.update(db).await.unwrap();
    logo
}
