//! `kith bench load`: the search page and search API under load on loopback while approvals
//! stream in. A fresh database (embedded SQLite, or an empty PostgreSQL database given with
//! `--database-url`) gets the demo marketplace; then `concurrency` keep-alive clients search
//! for `seconds` while a provider's new listings are submitted and approved one after
//! another, each reaching the search index. Reports requests/s, p50/p99 latency per kind of
//! request, errors (which must be none), approvals made, and how soon the last approved
//! listing was searchable.

use entity::listings::ListingStatus;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use entity::{listings as listing_rows, provider_members};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use kith::domain::accounts::email_address::EmailAddress;
use kith::domain::audit::Actor;
use kith::domain::listings::approval::{
    self as listing_approval, CHECKLIST, Decision, DecisionInput,
};
use kith::domain::{accounts, listings};

const PATHS: [(&str, &str); 6] = [
    ("page", "/search?q=help+at+home&near=M33+7AB"),
    ("page", "/search?category=day-support&accepting=yes"),
    (
        "page",
        "/search?q=garden&near=M16+0RA&radius=5&sort=distance",
    ),
    ("api", "/api/v1/search?q=help+at+home"),
    (
        "api",
        "/api/v1/search?category=domestic-help&language=English&max_price=20",
    ),
    (
        "api",
        "/api/v1/search?q=care&near=M33+7AB&radius=10&sort=distance",
    ),
];

/// One GET on a kept-alive connection: the status and the body.
pub(crate) async fn get(
    stream: &mut tokio::net::TcpStream,
    host: &str,
    path: &str,
) -> anyhow::Result<(u16, Vec<u8>)> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut buf = Vec::with_capacity(32 * 1024);
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return Ok((status, buf[end + 4..end + 4 + length].to_vec()));
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    crate::cli::bench::percentile(sorted, p).as_secs_f64() * 1000.0
}

async fn user_id(db: &DatabaseConnection, email: &str) -> anyhow::Result<entity::users::UserId> {
    Ok(accounts::find_by_email(db, &EmailAddress::parse(email)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has no {email}"))?
        .id)
}

/// Submits and approves new listings one after another until `stop`; returns the titles.
async fn stream_approvals(
    db: DatabaseConnection,
    base_url: String,
    settings: kith::config::Settings,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<Vec<String>> {
    let provider = user_id(&db, "provider@kith.example").await?;
    let admin = user_id(&db, "admin@kith.example").await?;
    let org = provider_members::Entity::find()
        .filter(provider_members::Column::UserId.eq(provider))
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo provider has no organisation"))?
        .organisation_id;
    let template = listing_rows::Entity::find()
        .filter(listing_rows::Column::OrganisationId.eq(org))
        .filter(listing_rows::Column::Status.eq(ListingStatus::Approved))
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo provider has no published listing"))?;
    let mut content = listings::load(&db, template.id)
        .await?
        .live
        .ok_or_else(|| anyhow::anyhow!("no live version"))?
        .content;
    let (as_provider, as_admin) = (
        Actor {
            user_id: Some(provider),
            request_id: None,
            council: None,
        },
        Actor {
            user_id: Some(admin),
            request_id: None,
            council: None,
        },
    );
    let site = kith::domain::councils::Site {
        council: kith::domain::councils::first(&db).await?,
        base_url: base_url.clone(),
    };
    let mut titles = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        content.title = format!("Loadtest garden club {}", titles.len() + 1);
        let id = listings::create(&db, &as_provider, org, provider, &content).await?;
        listing_approval::submit(&db, &as_provider, &site, id, provider).await?;
        listing_approval::decide(
            &db,
            &as_admin,
            &base_url,
            settings.review_policy(),
            kith::clock::Clock::system().today(),
            id,
            DecisionInput {
                decision: Decision::Approve,
                message: String::new(),
                confirmed: CHECKLIST.iter().map(|(k, _)| (*k).to_owned()).collect(),
            },
        )
        .await?;
        // Another process's indexer would see it within 250 ms; this one is woken by the
        // approval's own transaction hook, or polls.
        titles.push(content.title.clone());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(titles)
}

pub async fn load(
    seconds: u64,
    concurrency: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let scratch = tempfile::Builder::new()
        .prefix("kith-bench-load-")
        .tempdir()?;
    run(scratch.path(), seconds, concurrency.max(1), database_url).await
}

async fn run(
    scratch: &std::path::Path,
    seconds: u64,
    concurrency: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let (settings, db, which) = demo_database(scratch, database_url).await?;
    let transport = kith::mail::MailTransport::from_settings(&settings)?;
    let app = kith::app::build(settings.clone(), db.clone(), transport).await?;
    let base_url = app.base_url.clone();
    app.spawn();
    let host = base_url.trim_start_matches("http://").to_owned();

    wait_until_ready(&host).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let approvals = tokio::spawn(stream_approvals(
        db.clone(),
        base_url.clone(),
        settings,
        stop.clone(),
    ));
    let paths: Vec<(&'static str, String)> =
        PATHS.iter().map(|(k, p)| (*k, (*p).to_owned())).collect();
    let loaded = hammer(&host, paths, concurrency, Duration::from_secs(seconds)).await?;
    stop.store(true, Ordering::Relaxed);
    let titles = approvals.await??;

    // How soon after the last approval it could be found.
    let last = titles.last().cloned().unwrap_or_default();
    let waited = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(&host).await?;
    let query = format!("/api/v1/search?q=%22{}%22", last.replace(' ', "+"));
    loop {
        let (_, body) = get(&mut stream, &host, &query).await?;
        if String::from_utf8_lossy(&body).contains(&last)
            || waited.elapsed() > Duration::from_secs(30)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    println!(
        "Load on loopback, {which}: {concurrency} clients for {:.1} s while listings were approved",
        loaded.took.as_secs_f64()
    );
    println!(
        "  {} listings approved ({:.1}/s); the last searchable {:.0} ms after the load stopped",
        titles.len(),
        titles.len() as f64 / loaded.took.as_secs_f64(),
        waited.elapsed().as_secs_f64() * 1000.0
    );
    loaded.report();
    anyhow::ensure!(loaded.errors == 0, "requests failed under load");
    Ok(())
}

/// A fresh database (embedded SQLite in `scratch`, or the empty PostgreSQL database given)
/// with the demo's accounts, types of support and marketplace; the settings of a service
/// on it with searches unthrottled, and which database it is.
pub(crate) async fn demo_database(
    scratch: &std::path::Path,
    database_url: Option<String>,
) -> anyhow::Result<(kith::config::Settings, DatabaseConnection, &'static str)> {
    let which = if database_url.is_some() {
        "PostgreSQL"
    } else {
        "embedded SQLite"
    };
    let settings = kith::config::Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: scratch.to_path_buf(),
        demo: Some(false),
        search_requests_per_minute: 0,
        database_url: database_url.unwrap_or_default(),
        ..Default::default()
    };
    let db = kith::app::prepare_database(&settings, None).await?;
    anyhow::ensure!(
        kith::demo::database_is_empty(&db).await?,
        "the benchmark needs an empty database"
    );
    kith::demo::seed(&db, "http://127.0.0.1").await?;
    Ok((settings, db, which))
}

/// Waits until the service at `host` says it is ready (its index built).
pub(crate) async fn wait_until_ready(host: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let mut s = tokio::net::TcpStream::connect(host).await?;
        if let Ok((200, _)) = get(&mut s, host, "/ready").await {
            return Ok(());
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the service was not ready within ten minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What `hammer` measured.
pub(crate) struct Loaded {
    pub times: Vec<(&'static str, Duration)>,
    pub errors: usize,
    pub took: Duration,
}

impl Loaded {
    pub fn per_second(&self) -> f64 {
        self.times.len() as f64 / self.took.as_secs_f64()
    }

    /// Requests/s and errors, then p50/p99 for each kind of request.
    pub fn report(&self) {
        println!(
            "  {} requests, {:.0} requests/s, {} errors",
            self.times.len(),
            self.per_second(),
            self.errors
        );
        let mut kinds: Vec<&str> = self.times.iter().map(|(k, _)| *k).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            let mut times: Vec<Duration> = self
                .times
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, t)| *t)
                .collect();
            times.sort_unstable();
            println!(
                "  {kind:<12} n={:<6} p50 {:>7.1} ms   p99 {:>7.1} ms",
                times.len(),
                percentile(&times, 0.5),
                percentile(&times, 0.99)
            );
        }
    }
}

/// `concurrency` keep-alive clients on loopback GET `paths` (each a kind and a path) in turn
/// for `duration`; anything but a 200 is an error.
pub(crate) async fn hammer(
    host: &str,
    paths: Vec<(&'static str, String)>,
    concurrency: usize,
    duration: Duration,
) -> anyhow::Result<Loaded> {
    let paths = Arc::new(paths);
    let errors = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + duration;
    let began = Instant::now();
    let mut clients = Vec::new();
    for c in 0..concurrency {
        let (host, errors, paths) = (host.to_owned(), errors.clone(), paths.clone());
        clients.push(tokio::spawn(async move {
            let mut times: Vec<(&'static str, Duration)> = Vec::new();
            let mut stream = tokio::net::TcpStream::connect(&host).await?;
            // Each client starts its own way through the paths.
            let mut i = c * paths.len() / concurrency;
            while Instant::now() < deadline {
                let (kind, path) = &paths[i % paths.len()];
                i += 1;
                let t = Instant::now();
                match get(&mut stream, &host, path).await {
                    Ok((200, _)) => times.push((*kind, t.elapsed())),
                    Ok(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        stream = tokio::net::TcpStream::connect(&host).await?;
                    }
                }
            }
            anyhow::Ok(times)
        }));
    }
    let mut times = Vec::new();
    for client in clients {
        times.extend(client.await??);
    }
    Ok(Loaded {
        times,
        errors: errors.load(Ordering::Relaxed),
        took: began.elapsed(),
    })
}
