//! Running Kith as a service: stopping cleanly, backing up and restoring. Through the real
//! binary, on SQLite or (with `TEST_DATABASE_URL`) PostgreSQL.

use std::process::Child;
use std::time::Duration;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::helpers::instance::{
    ADMIN, ADMIN_PASSWORD, Instance, create_admin, give_a_logo, lunch_clubs,
};
use crate::helpers::{count, wait_until_ready};

/// Sends a signal (`TERM`, `STOP`, `CONT`) to a process.
fn signal(child: &Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn terminate(child: &Child) {
    signal(child, "TERM");
}

/// Waits up to `limit` for the process to end; `None` if it is still running.
async fn exited(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

#[tokio::test]
async fn a_server_told_to_stop_writes_the_searches_it_answered_then_exits() {
    const SEARCHES: i64 = 30;
    let instance = Instance::new().await;
    let (mut server, browser) = instance
        .start(&[("KITH_SEARCH_REQUESTS_PER_MINUTE", "1000")])
        .await;
    wait_until_ready(&browser.address).await;

    // Another process holds the write lock on the demand log, so the searches answered
    // below wait in the queue instead of being written at once.
    let holder = instance.db().await;
    let lock = holder.begin().await.unwrap();
    if kith::db::is_sqlite(&holder) {
        lock.execute_unprepared("DELETE FROM search_log WHERE id < 0")
            .await
            .unwrap();
    } else {
        lock.execute_unprepared("LOCK TABLE search_log IN EXCLUSIVE MODE")
            .await
            .unwrap();
    }
    for i in 0..SEARCHES {
        let (status, page) = browser.get_text(&format!("/search?q=lunch{i}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
    }

    terminate(&server);
    assert!(
        exited(&mut server, Duration::from_millis(1500))
            .await
            .is_none(),
        "a stopping server waits for its queued searches"
    );
    assert!(
        browser
            .client
            .get(browser.url("/health"))
            .send()
            .await
            .is_err(),
        "it no longer accepts requests"
    );
    lock.commit().await.unwrap();
    let status = exited(&mut server, Duration::from_secs(15))
        .await
        .expect("the server exits once the log is written");
    assert!(status.success(), "{status}");
    assert_eq!(
        count(&holder, "SELECT COUNT(*) AS n FROM search_log").await,
        SEARCHES,
        "every search answered is in the demand log"
    );
}

#[tokio::test]
async fn a_backup_taken_while_serving_and_importing_restores_to_a_server_with_the_same_data() {
    const LISTINGS: usize = 3000;
    let instance = Instance::new().await;
    create_admin(&instance);
    let file = lunch_clubs(instance.path(), LISTINGS);
    // An organisation's logo: a file the database refers to.
    std::fs::create_dir(instance.path().join("first")).unwrap();
    let first = instance
        .kith()
        .args(["import", "csv", "--approve", "--by", ADMIN])
        .arg(lunch_clubs(&instance.path().join("first"), 20))
        .output()
        .unwrap();
    assert!(first.status.success());
    let db = instance.db().await;
    let logo = give_a_logo(&instance, &db, crate::helpers::png_bytes(1200, 800)).await;
    let logo_url = format!("/media/{}", logo.image.file_name());

    let (mut server, browser) = instance.start(&[]).await;
    wait_until_ready(&browser.address).await;
    browser.sign_in(ADMIN, ADMIN_PASSWORD).await;
    let logo_bytes = browser.get(&logo_url).await.bytes().await.unwrap();

    // The backup is taken while an import writes listings beside the running server.
    let mut import = instance
        .kith()
        .args(["import", "csv", "--approve", "--by", ADMIN])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let listings = "SELECT COUNT(*) AS n FROM listings";
    while count(&db, listings).await < 200 {
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended early"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Frozen (perhaps inside a write transaction) while the backup runs, so the backup is
    // certain to land mid-import.
    signal(&import, "STOP");
    // A backup killed earlier left its scratch copy of the database beside the backups;
    // one still running (this test's process stands in for it) must keep its own.
    let abandoned = instance.path().join(".kith-backup-4194305-x7Qa");
    let running = instance
        .path()
        .join(format!(".kith-backup-{}-k2Lm", std::process::id()));
    for dir in [&abandoned, &running] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("kith.db"), b"a copy of personal data").unwrap();
    }
    let archive = instance.path().join("nightly.zip");
    let out = instance
        .kith()
        .arg("backup")
        .arg(&archive)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(status) = import.try_wait().unwrap() {
        let mut err = String::new();
        std::io::Read::read_to_string(import.stderr.as_mut().unwrap(), &mut err).unwrap();
        panic!("the import ended before the backup did ({status}): {err}");
    }
    assert!(
        !abandoned.exists(),
        "a killed backup's scratch copy is removed"
    );
    assert!(
        running.exists(),
        "a running backup's scratch copy is left alone"
    );
    signal(&import, "CONT");
    assert!(import.wait().unwrap().success());
    assert_eq!(count(&db, listings).await, LISTINGS as i64);
    let again = instance
        .kith()
        .arg("backup")
        .arg(&archive)
        .output()
        .unwrap();
    assert!(!again.status.success(), "a backup never overwrites another");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&archive).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner can read a backup");
    }
    terminate(&server);
    exited(&mut server, Duration::from_secs(20)).await.unwrap();

    let copy = Instance::new().await;
    let out = copy.kith().arg("restore").arg(&archive).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The logo and its thumbnail.
    assert_ne!(logo.image.file_name(), logo.thumbnail.file_name());
    if !kith::db::is_sqlite(&db) {
        // PostgreSQL is backed up by its own tools: the files and the key come back.
        assert!(
            said.contains("no database (restore PostgreSQL with pg_restore or psql first), 2 uploaded files, the session key"),
            "{said}"
        );
        assert!(copy.path().join("session.key").exists());
        return;
    }
    assert!(
        said.contains("the database, 2 uploaded files, the session key"),
        "{said}"
    );

    // Every listing in the snapshot is whole, and it holds part of the import.
    let restored_db = copy.db().await;
    let snapshot = count(&restored_db, listings).await;
    assert!((200..LISTINGS as i64).contains(&snapshot), "{snapshot}");
    for (what, sql) in [
        (
            "a live version",
            "SELECT COUNT(*) AS n FROM listings WHERE live_revision_id IS NOT NULL",
        ),
        (
            "an audit entry",
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'listing.imported'",
        ),
        (
            "a source id",
            "SELECT COUNT(*) AS n FROM import_sources WHERE kind = 'service'",
        ),
    ] {
        assert_eq!(
            count(&restored_db, sql).await,
            snapshot,
            "every listing has {what}"
        );
    }
    restored_db.close().await.unwrap();

    // The restored installation serves the same listings, files and accounts.
    let (mut restored, visitor) = copy.start(&[]).await;
    wait_until_ready(&visitor.address).await;
    let (status, found) = visitor.get_text("/api/v1/search?q=lunch").await;
    assert_eq!(status, StatusCode::OK);
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(found["total"], snapshot);
    let res = visitor.get(&logo_url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap(), logo_bytes);
    // The admin's browser, kept from before, is still signed in (same key, same sessions).
    let kept = crate::helpers::Browser {
        client: browser.client.clone(),
        address: visitor.address.clone(),
    };
    assert!(kept.is_signed_in().await, "the session survives a restore");
    visitor.sign_in(ADMIN, ADMIN_PASSWORD).await;
    let check = copy.kith().args(["files", "check"]).output().unwrap();
    assert!(
        check.status.success(),
        "no file the database refers to is missing"
    );

    // A restore never overwrites a database.
    let out = copy.kith().arg("restore").arg(&archive).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds a database"));
    terminate(&restored);
    exited(&mut restored, Duration::from_secs(20))
        .await
        .unwrap();
}

/// Restores a zip holding a manifest and `entries` into a new data directory, which must be
/// refused; returns what it said. Nothing may be left behind.
async fn refused_restore(
    entries: &[(&str, &[u8])],
    before: impl FnOnce(&std::path::Path),
) -> String {
    let instance = Instance::new().await;
    let bogus = instance.path().join("backup.zip");
    let mut zip = zip_writer(&bogus);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("manifest.json", options).unwrap();
    std::io::Write::write_all(
        &mut zip,
        br#"{"format":1,"kith_version":"0.1.0","created_at":"2026-12-07T10:00:00Z","database":"sqlite","files":1}"#,
    )
    .unwrap();
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        std::io::Write::write_all(&mut zip, bytes).unwrap();
    }
    zip.finish().unwrap();
    let target = instance.path().join("restored");
    std::fs::create_dir(&target).unwrap();
    before(&target);
    // A backup of the embedded database is restored without a database URL.
    let out = instance
        .kith()
        .env("KITH_DATA_DIR", &target)
        .env_remove("KITH_DATABASE_URL")
        .arg("restore")
        .arg(&bogus)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{said}");
    for left in [
        "kith.db",
        "kith.db.restoring",
        "session.key",
        "media",
        "private",
    ] {
        assert!(
            !target.join(left).exists(),
            "{left} was left behind: {said}"
        );
    }
    said
}

/// A backup's entries: name and bytes.
type Entries = Vec<(String, Vec<u8>)>;

#[tokio::test]
async fn a_restore_refuses_what_is_not_a_kith_backup_and_writes_nothing() {
    let photo = format!("{}.jpg", "a".repeat(64));
    let cases: [(&str, Entries, &str); 5] = [
        (
            "a path out of the data directory",
            vec![
                ("session.key".into(), b"00".to_vec()),
                (
                    "files/media/../../../../etc/cron.d/evil".into(),
                    b"* * * * * root true".to_vec(),
                ),
            ],
            "unexpected entry in the backup",
        ),
        (
            "a photo whose bytes are not what its name says",
            vec![(format!("files/media/{photo}"), b"not that photo".to_vec())],
            "has been changed",
        ),
        (
            "a database that is not one",
            vec![(
                "kith.db".into(),
                b"SQLite format 3\0 but then nothing".to_vec(),
            )],
            "database",
        ),
        (
            "an oversized key",
            vec![("session.key".into(), vec![b'0'; 4096])],
            "larger than Kith ever writes",
        ),
        (
            "an unknown file",
            vec![("notes.txt".into(), b"hello".to_vec())],
            "unexpected entry in the backup",
        ),
    ];
    for (what, entries, says) in cases {
        let entries: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let said = refused_restore(&entries, |_| {}).await;
        assert!(said.contains(says), "{what}: {said}");
    }
    // An old database's write-ahead log would be replayed into the restored one.
    let said = refused_restore(&[("kith.db", b"x")], |dir| {
        std::fs::write(dir.join("kith.db-wal"), b"old").unwrap();
    })
    .await;
    assert!(
        said.contains("already holds a database (kith.db-wal)"),
        "{said}"
    );

    let instance = Instance::new().await;
    let text = instance.path().join("notes.txt");
    std::fs::write(&text, "not a zip").unwrap();
    let out = instance.kith().arg("restore").arg(&text).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a Kith backup"));
}

fn zip_writer(path: &std::path::Path) -> zip::ZipWriter<std::fs::File> {
    zip::ZipWriter::new(std::fs::File::create(path).unwrap())
}

/// A metric's value in OpenMetrics text: the line starting `series ` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
}

#[tokio::test]
async fn metrics_are_for_the_operators_token_and_say_how_the_instance_is_doing() {
    use crate::helpers::{METRICS_TOKEN, spawn_app, spawn_app_with};
    let app = spawn_app().await;
    let visitor = app.browser();
    for path in [
        "/search?q=lunch",
        "/search?q=garden",
        "/listings/999999",
        "/no/such/page/77",
    ] {
        visitor.get(path).await;
    }
    let (status, _) = visitor.get_text("/api/v1/search?q=lunch").await;
    assert_eq!(status, StatusCode::OK);
    // A made-up method is answered and counted, never named.
    let odd = reqwest::Method::from_bytes(b"RANDOMVERB").unwrap();
    let res = visitor
        .client
        .request(odd, visitor.url("/search"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());

    // Nobody without the token: not a visitor, not an admin, not a wrong token.
    let res = visitor.get("/metrics").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let (admin, _) = app.signed_in_as(kith::auth::roles::Role::Admin).await;
    assert_eq!(
        admin.get("/metrics").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let wrong = visitor
        .client
        .get(visitor.url("/metrics"))
        .bearer_auth("a-test-metrics-token-of-some-lengtX")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    let scrape = || async {
        let res = visitor
            .client
            .get(visitor.url("/metrics"))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/openmetrics-text")
        );
        res.text().await.unwrap()
    };
    let text = scrape().await;
    assert!(text.ends_with("# EOF\n"), "{text}");
    let has = |series: &str| sample(&text, series).unwrap_or_else(|| panic!("{series}\n{text}"));
    assert_eq!(
        has(r#"kith_http_requests_total{method="GET",route="/search",status="2xx"}"#),
        2.0
    );
    assert_eq!(
        has(r#"kith_http_requests_total{method="GET",route="/listings/{id}",status="4xx"}"#),
        1.0
    );
    // A made-up address is counted, never named.
    assert!(has(r#"kith_http_requests_total{method="GET",route="unmatched",status="4xx"}"#) >= 1.0);
    assert!(!text.contains("/no/such/page"));
    assert!(has(r#"kith_http_requests_total{method="other",route="/search",status="4xx"}"#) >= 1.0);
    assert!(!text.contains("RANDOMVERB"));
    assert!(
        has(r#"kith_http_request_duration_seconds_count{method="GET",route="/search"}"#) >= 2.0
    );
    assert_eq!(
        has(r#"kith_search_duration_seconds_count{source="page"}"#),
        2.0
    );
    assert_eq!(
        has(r#"kith_search_duration_seconds_count{source="api"}"#),
        1.0
    );
    assert_eq!(has("kith_search_index_changes_behind"), 0.0);
    assert_eq!(has("kith_search_index_rebuilding"), 0.0);
    assert!(has("kith_search_index_seconds_since_caught_up") >= 0.0);
    assert_eq!(has("kith_search_log_not_logged"), 0.0);
    assert!(has(r#"kith_database_pool_connections{pool="writer",state="idle"}"#) >= 0.0);
    assert!(has(r#"kith_database_pool_connections{pool="readers",state="in_use"}"#) >= 0.0);

    // The outbox: a message queued is soon sent, and counted.
    assert_eq!(has(r#"kith_mail_outbox_messages{status="pending"}"#), 0.0);
    let sent_before = has("kith_mail_sent_total");
    let email = admin_email(&app).await;
    let res = visitor
        .post_form("/forgot-password", &[("email", &email)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The server's own mail sender sends it (woken by the commit).
    let mut text = scrape().await;
    for _ in 0..100 {
        let pending = sample(&text, r#"kith_mail_outbox_messages{status="pending"}"#);
        let indexed = sample(
            &text,
            r#"kith_background_job_runs_total{job="search_index_update",outcome="ok"}"#,
        );
        if sample(&text, "kith_mail_sent_total") == Some(sent_before + 1.0)
            && pending == Some(0.0)
            && indexed.is_some()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        text = scrape().await;
    }
    assert_eq!(
        sample(&text, "kith_mail_sent_total"),
        Some(sent_before + 1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"kith_mail_outbox_messages{status="pending"}"#),
        Some(0.0)
    );
    assert_eq!(
        sample(&text, r#"kith_mail_outbox_messages{status="failed"}"#),
        Some(0.0)
    );
    for job in ["mail_sender", "search_index_update"] {
        let series = format!(r#"kith_background_job_runs_total{{job="{job}",outcome="ok"}}"#);
        assert!(sample(&text, &series).is_some_and(|n| n >= 1.0), "{text}");
    }

    // Off unless a token is set.
    let quiet = spawn_app_with(|s| s.metrics_token = String::new()).await;
    let res = quiet.browser().get("/metrics").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn admin_email(app: &crate::helpers::TestApp) -> String {
    app.create_user(&[kith::auth::roles::Role::BudgetHolder])
        .await
        .email
}

#[tokio::test]
async fn wrong_passwords_count_on_every_instance_of_a_shared_database() {
    use crate::helpers::{Browser, spawn_app};
    let app = spawn_app().await;
    let user = app
        .create_user(&[kith::auth::roles::Role::BudgetHolder])
        .await;
    let other = app.second_process().await;
    let (here, there) = (app.browser(), Browser::at(&other.address));
    let limit = kith::auth::rate_limit::SIGN_IN_PER_ACCOUNT.max_attempts;
    // A guesser alternates between the instances behind the proxy.
    for i in 0..limit {
        let instance = if i % 2 == 0 { &here } else { &there };
        let res = instance.try_sign_in(&user.email, "not the password").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "guess {i}");
    }
    let (a, b) = (
        here.try_sign_in(&user.email, "not the password").await,
        there.try_sign_in(&user.email, "not the password").await,
    );
    if kith::db::is_sqlite(&app.db) {
        // The embedded database runs one instance: each process counts for itself.
        assert_eq!(a.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(b.status(), StatusCode::UNPROCESSABLE_ENTITY);
        return;
    }
    assert_eq!(a.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(b.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(a.headers().contains_key("retry-after"));
    // Only salted hashes are kept: no email address in the table.
    let stored = count(
        &app.db,
        &format!(
            "SELECT COUNT(*) AS n FROM rate_limit_attempts WHERE key_hash LIKE '%{}%'",
            user.email.split('@').next().unwrap()
        ),
    )
    .await;
    assert_eq!(stored, 0);
    assert!(count(&app.db, "SELECT COUNT(*) AS n FROM rate_limit_attempts").await >= limit as i64);
    // The right password from a fresh browser still waits: the account is cooling down.
    let fresh = Browser::at(&other.address);
    let res = fresh
        .try_sign_in(&user.email, crate::helpers::PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn instances_starting_together_on_a_new_database_all_bring_it_up_to_date() {
    // A council's instances (or `compose up`) start at the same moment on an empty database;
    // each migrates it on the way up, and none may fail because another got there first.
    let instance = Instance::new().await;
    let runs: Vec<_> = (0..4)
        .map(|_| {
            instance
                .kith()
                .arg("migrate")
                .env("RUST_LOG", "warn")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a migration failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let db = instance.db().await;
    let applied = count(&db, "SELECT COUNT(*) AS n FROM seaql_migrations").await;
    use migration::MigratorTrait;
    assert_eq!(applied as usize, migration::Migrator::migrations().len());
}

#[tokio::test]
async fn the_probe_says_whether_the_server_on_this_machine_is_ready() {
    // A container's health check runs `kith probe`: the image has no curl.
    let instance = Instance::new().await;
    let probe = |bind: &str| {
        instance
            .kith()
            .args(["probe"])
            .env("KITH_BIND", bind)
            .output()
            .unwrap()
    };
    let (mut server, browser) = instance.start(&[]).await;
    wait_until_ready(&browser.address).await;
    let bind = browser.address.trim_start_matches("http://").to_owned();
    let port = bind.rsplit_once(':').unwrap().1.to_owned();

    // Listening on every address, as in a container, it asks on loopback.
    let out = probe(&format!("0.0.0.0:{port}"));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(
        said.starts_with("200 ") && said.contains("\"ready\""),
        "{said}"
    );

    terminate(&server);
    exited(&mut server, Duration::from_secs(30)).await.unwrap();
    let out = probe(&bind);
    assert!(!out.status.success(), "a stopped server is not ready");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(&bind), "it says where it asked: {said}");
}
