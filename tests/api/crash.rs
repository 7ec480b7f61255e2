//! Crash consistency: a bulk import publishing 300 listings is killed with SIGKILL at
//! several points (seeded, so every run kills at the same moments), then run again to the
//! end. Every row is either wholly there or not at all: no listing without its revision,
//! source id and audit entry, none twice, and the search index rebuilt from the database
//! finds every one.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

fn kith(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kith"));
    c.env("KITH_DATA_DIR", dir)
        .env("KITH_DEMO", "false")
        .env_remove("KITH_DATABASE_URL")
        .env_remove("DATABASE_URL");
    c
}

#[tokio::test]
async fn an_import_killed_at_any_point_leaves_whole_rows_and_finishes_on_a_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let mut admin = kith(dir.path())
        .args(["admin", "create", "--email", "admin@council.example"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    admin
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long admin password\n")
        .unwrap();
    assert!(admin.wait().unwrap().success());
    let header = kith::domain::import::template::COLUMNS
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(",");
    let mut csv = format!("{header}\n");
    for i in 0..300 {
        csv.push_str(&format!(
            "row-{i},Kitchen {o},k{o},voluntary_group,,Lunch club {i},A hot lunch every week.,Fresh food and company.,Meals and food,Older people,,,\"{i} Church Road, Sale\",M33 7XX,no,free,,Wed,12:00,14:00,yes,English\n",
            o = i % 7
        ));
    }
    let file = dir.path().join("listings.csv");
    std::fs::write(&file, csv).unwrap();
    let import = |dir: &std::path::Path| {
        let mut c = kith(dir);
        c.args(["import", "csv"])
            .arg(&file)
            .args(["--approve", "--by", "admin@council.example"]);
        c
    };
    // Kill points after start-up (migrations and reading take a moment): a simple seeded
    // generator so a failure can be replayed.
    let mut state: u64 = 20_261_126;
    let mut killed = 0;
    for _ in 0..5 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let after = 150 + (state >> 33) % 400;
        let mut child = import(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(after)).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
    }
    let out = import(dir.path()).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Whatever earlier runs committed is unchanged now; nothing was half-written or doubled.
    let line = report.lines().last().unwrap();
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let (read, created, updated, unchanged, skipped) =
        (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]);
    assert_eq!((read, updated, skipped), (300, 0, 0), "{line}");
    assert_eq!(created + unchanged, 300, "{line}");
    println!("killed {killed} runs; the last run created {created} and found {unchanged} whole");

    let url = format!("sqlite://{}?mode=rw", dir.path().join("kith.db").display());
    let db = kith::db::connect(&url, None).await.unwrap();
    use sea_orm::{ConnectionTrait, Statement};
    let count = |sql: &'static str| {
        let db = &db;
        async move {
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap()
                .try_get::<i64>("", "n")
                .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) AS n FROM listings").await, 300);
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM listings WHERE status = 'approved' AND live_revision_id IS NOT NULL").await,
        300
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM listing_revisions").await,
        300
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM import_sources WHERE kind = 'service'").await,
        300
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM import_sources WHERE kind = 'organization'").await,
        7
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM provider_organisations").await,
        7
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'listing.imported'").await,
        300
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM search_index_changes").await,
        300,
        "one index change per published listing"
    );
    db.close().await.unwrap();
    // A fresh index from the database holds every listing.
    let out = kith(dir.path()).arg("reindex").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(": 300 listings searchable"), "{said}");
}
