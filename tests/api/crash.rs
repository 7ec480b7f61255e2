//! Crash consistency, with the real binary killed by SIGKILL at seeded points (so a failure
//! can be replayed), then run again to the end, on SQLite or (with `TEST_DATABASE_URL`)
//! PostgreSQL:
//! - a bulk import publishing 300 listings: every row is either wholly there or not at all
//!   (no listing without its revision, source id and audit entry, none twice), and the
//!   search index rebuilt from the database finds every one;
//! - the server during a burst of approvals: every approval is whole, each provider is
//!   emailed exactly once per listing (none lost, none twice), and the live search index
//!   equals one rebuilt from scratch by `kith reindex`.

use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Statement,
};

use crate::helpers::{Browser, count};

use crate::helpers::instance::{
    ADMIN, ADMIN_PASSWORD, Instance, Server, create_admin, lunch_clubs,
};

/// An evidence document's place in the file store.
fn document(name: String) -> kith::stored_files::FileRef {
    kith::stored_files::FileRef::new(kith::stored_files::Store::Documents, name)
}

/// Kill points: a small seeded generator, so a failure can be replayed.
struct Seeded(u64);

impl Seeded {
    fn millis(&mut self, from: u64, span: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        from + (self.0 >> 33) % span
    }
}

/// A count that is 0 while the table is not there yet (migrations still running).
async fn try_count(db: &DatabaseConnection, sql: &str) -> i64 {
    match db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
    {
        Ok(Some(row)) => row.try_get::<i64>("", "n").unwrap_or(0),
        _ => 0,
    }
}

#[tokio::test]
async fn an_import_killed_at_any_point_leaves_whole_rows_and_finishes_on_a_rerun() {
    let instance = Instance::new().await;
    create_admin(&instance);
    let file = lunch_clubs(instance.path(), 300);
    let import = || {
        let mut c = instance.kith();
        c.args(["import", "csv"])
            .arg(&file)
            .args(["--approve", "--by", ADMIN]);
        c
    };
    // Each run is killed once the import has written a seeded number more listings (and a
    // few milliseconds more), so every kill lands mid-import, whatever the machine's speed.
    let mut kill_at = Seeded(20_261_126);
    let (mut killed, mut target) = (0, 0);
    let watcher = instance.db().await;
    for _ in 0..5 {
        target += kill_at.millis(15, 35) as i64;
        let extra = kill_at.millis(0, 20);
        let mut child = import()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() {
            if try_count(&watcher, "SELECT COUNT(*) AS n FROM listings").await >= target {
                tokio::time::sleep(Duration::from_millis(extra)).await;
                child.kill().unwrap(); // SIGKILL
                killed += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        child.wait().unwrap();
    }
    watcher.close().await.unwrap();
    let out = import().output().unwrap();
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
    assert_eq!(killed, 5, "every run was killed mid-import");
    println!("killed {killed} runs; the last run created {created} and found {unchanged} whole");

    let db = instance.db().await;
    let count = |sql: &'static str| count(&db, sql);
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
    let out = instance.kith().arg("reindex").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(": 300 listings searchable"), "{said}");
}

/// The server on a free port, its mail written to `.eml` files; a message caught mid-send
/// by a kill is tried again a second after it was claimed.
/// Starts the server and signs the admin in — once: later servers on the same database take
/// the same session cookie (as a browser kept open across restarts would), so the admin
/// does not need a fresh authenticator code for every restart.
async fn serve(instance: &Instance, signed_in: &mut Option<reqwest::Client>) -> (Server, Browser) {
    let (child, browser) = instance
        .start(&[("KITH_MAIL_CLAIM_SECONDS", "1"), ("RUST_LOG", "warn")])
        .await;
    if let Some(client) = signed_in.as_ref() {
        let kept = Browser {
            client: client.clone(),
            address: browser.address.clone(),
        };
        if kept.is_signed_in().await {
            return (child, kept);
        }
    }
    browser.sign_in(ADMIN, ADMIN_PASSWORD).await;
    *signed_in = Some(browser.client.clone());
    (child, browser)
}

/// Approves every listing in `queue`, `clients` at a time, until the queue is empty or the
/// server goes away, counting answers in `answered`. Returns how many said "approved".
async fn approve_all(
    admin: &Browser,
    queue: &Arc<Mutex<Vec<i64>>>,
    clients: usize,
    answered: &Arc<AtomicUsize>,
) -> usize {
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (admin, queue, answered) = (admin.clone(), queue.clone(), answered.clone());
        tasks.push(tokio::spawn(async move {
            let mut approved = 0;
            loop {
                let Some(id) = queue.lock().unwrap().pop() else {
                    return approved;
                };
                let Ok(page) = admin.client.get(admin.url("/forgot-password")).send().await else {
                    return approved;
                };
                let Ok(body) = page.text().await else {
                    return approved;
                };
                let mut fields = vec![
                    ("csrf_token".to_owned(), crate::helpers::csrf_in(&body)),
                    ("decision".to_owned(), "approve".to_owned()),
                    ("message".to_owned(), String::new()),
                ];
                for (key, _) in kith::domain::listings::approval::CHECKLIST {
                    fields.push(("checklist".to_owned(), key.to_owned()));
                }
                let url = admin.url(&format!("/admin/listings/{id}/decision"));
                let res = admin.client.post(url).form(&fields).send().await;
                answered.fetch_add(1, Ordering::SeqCst);
                match res {
                    Ok(res) if res.status() == StatusCode::SEE_OTHER => approved += 1,
                    // Decided before the server was killed (the answer was lost with it).
                    Ok(res) if res.status().is_client_error() => {}
                    Ok(res) => panic!("approving {id}: {}", res.status()),
                    Err(_) => return approved,
                }
            }
        }));
    }
    let mut approved = 0;
    for task in tasks {
        approved += task.await.unwrap();
    }
    approved
}

/// The listings still waiting for the council (read while the server is down).
async fn still_submitted(instance: &Instance) -> Vec<i64> {
    let db = instance.db().await;
    let ids = entity::listings::Entity::find()
        .filter(entity::listings::Column::Status.eq("submitted"))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.id.0)
        .collect();
    db.close().await.unwrap();
    ids
}

fn mail_files(dir: &std::path::Path) -> Vec<(String, String)> {
    std::fs::read_dir(dir.join("mail"))
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

#[tokio::test]
async fn approvals_killed_mid_burst_email_each_provider_once_and_index_as_a_rebuild_would() {
    const LISTINGS: usize = 120;
    let instance = Instance::new().await;
    create_admin(&instance);
    let file = lunch_clubs(instance.path(), LISTINGS);
    // Imported without --approve: every listing waits for the council.
    let out = instance
        .kith()
        .args(["import", "csv"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    // Each organisation gets an owner to email.
    let db = instance.db().await;
    let hash = kith::domain::accounts::password_hash::hash("an owner's password").unwrap();
    let organisations = entity::provider_organisations::Entity::find()
        .all(&db)
        .await
        .unwrap();
    for org in &organisations {
        let user = kith::domain::accounts::create_verified_account(
            &db,
            &kith::domain::audit::Actor::system(),
            kith::domain::councils::first(&db).await.unwrap(),
            &kith::domain::accounts::email_address::EmailAddress::parse(&format!(
                "owner{}@kitchens.example",
                org.id
            ))
            .unwrap(),
            &kith::domain::accounts::display_name::DisplayName::parse("Owner").unwrap(),
            hash.clone(),
        )
        .await
        .unwrap();
        entity::provider_members::Entity::insert(entity::provider_members::ActiveModel {
            organisation_id: Set(org.id),
            user_id: Set(user),
            member_role: Set(entity::provider_members::MemberRole::Owner),
            created_at: Set(chrono::Utc::now()),
        })
        .exec_without_returning(&db)
        .await
        .unwrap();
    }
    db.close().await.unwrap();
    assert_eq!(still_submitted(&instance).await.len(), LISTINGS);

    // Each kill lands a seeded number of answers into a burst, plus a few milliseconds, so
    // other clients' approvals are in flight (and their mail being sent) when it does.
    let mut kill_at = Seeded(26_112_026);
    let mut before_kills = 0;
    let mut signed_in = None;
    for _ in 0..5 {
        let waiting = still_submitted(&instance).await;
        let (mut server, admin) = serve(&instance, &mut signed_in).await;
        let queue = Arc::new(Mutex::new(waiting));
        let answered = Arc::new(AtomicUsize::new(0));
        let counter = answered.clone();
        let burst = tokio::spawn(async move { approve_all(&admin, &queue, 6, &counter).await });
        let (after, extra) = (kill_at.millis(4, 16) as usize, kill_at.millis(0, 30));
        while answered.load(Ordering::SeqCst) < after && !burst.is_finished() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_millis(extra)).await;
        server.kill().unwrap(); // SIGKILL, mid-burst
        server.wait().unwrap();
        before_kills += burst.await.unwrap();
    }
    // Run to the end: the rest are approved, the outbox drains and the index catches up.
    let waiting = still_submitted(&instance).await;
    let (mut server, admin) = serve(&instance, &mut signed_in).await;
    let queue = Arc::new(Mutex::new(waiting));
    let last = approve_all(&admin, &queue, 6, &Arc::new(AtomicUsize::new(0))).await;
    println!("{before_kills} approvals answered before the five kills, {last} after");
    assert!(before_kills > 0 && last > 0, "the kills landed mid-burst");
    let db = instance.db().await;
    let mut settled = false;
    for _ in 0..300 {
        let unsent = count(
            &db,
            "SELECT COUNT(*) AS n FROM mail_outbox WHERE status <> 'sent'",
        )
        .await;
        let found: serde_json::Value = admin
            .client
            .get(admin.url("/api/v1/search?q=lunch"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if unsent == 0 && found["total"] == LISTINGS {
            settled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        settled,
        "the outbox drained and every approval is searchable"
    );
    server.kill().unwrap();
    server.wait().unwrap();

    // The database: every approval whole, and exactly once.
    for (sql, expected) in [
        (
            "SELECT COUNT(*) AS n FROM listings WHERE status = 'approved' AND live_revision_id IS NOT NULL",
            LISTINGS,
        ),
        (
            "SELECT COUNT(*) AS n FROM listing_revisions WHERE status = 'approved'",
            LISTINGS,
        ),
        ("SELECT COUNT(*) AS n FROM listing_revisions", LISTINGS),
        (
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'listing.approved'",
            LISTINGS,
        ),
        (
            "SELECT COUNT(*) AS n FROM mail_outbox WHERE subject LIKE '% is published on Kith'",
            LISTINGS,
        ),
    ] {
        assert_eq!(count(&db, sql).await, expected as i64, "{sql}");
    }
    let retried = count(
        &db,
        "SELECT COUNT(*) AS n FROM mail_outbox WHERE attempts > 1",
    )
    .await;
    println!("{retried} messages were caught mid-send by a kill and sent again");
    db.close().await.unwrap();

    // The mail: one message per approval, to the listing's provider, none twice.
    let files = mail_files(instance.path());
    for i in 0..LISTINGS {
        let subject = format!("Subject: Lunch club {i} is published on Kith\r\n");
        let sent: Vec<_> = files
            .iter()
            .filter(|(name, text)| name.ends_with(".eml") && text.contains(&subject))
            .collect();
        assert_eq!(sent.len(), 1, "{subject}");
        assert!(sent[0].1.contains("To: owner"), "{}", sent[0].1);
    }
    // A file caught half-written by a kill (".{name}.tmp-…") was written whole on the retry.
    for (name, _) in files.iter().filter(|(n, _)| n.contains(".eml.tmp-")) {
        let whole = &name[1..name.find(".tmp-").unwrap()];
        assert!(
            files.iter().any(|(n, _)| n == whole),
            "{name} was never sent"
        );
    }

    // The live index, caught up across five kills, equals a rebuild from the database.
    let index_dir = instance.path().join("search-index");
    let live = search_index::SearchIndex::open(&index_dir).unwrap();
    let (live_ids, live_print) = (live.listing_ids().unwrap(), live.fingerprint().unwrap());
    drop(live);
    let out = instance.kith().arg("reindex").output().unwrap();
    assert!(out.status.success());
    let rebuilt = search_index::SearchIndex::open(&index_dir).unwrap();
    assert_eq!(live_ids.len(), LISTINGS);
    assert_eq!(rebuilt.listing_ids().unwrap(), live_ids);
    let rebuilt_print = rebuilt.fingerprint().unwrap();
    assert_eq!(rebuilt_print.len(), live_print.len());
    assert!(
        rebuilt_print == live_print,
        "the live index differs from a rebuild"
    );
}

/// One person for the erasure crash test: an account with enquiries, messages and an
/// evidence document, all in their words.
async fn person_with_records(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    n: usize,
    listing: &entity::listings::Model,
) -> entity::users::UserId {
    use kith::domain::accounts::{display_name::DisplayName, email_address::EmailAddress};
    let hash = kith::domain::accounts::password_hash::hash("a person's password").unwrap();
    let user = kith::domain::accounts::create_verified_account(
        db,
        &kith::domain::audit::Actor::system(),
        kith::domain::councils::first(db).await.unwrap(),
        &EmailAddress::parse(&format!("person{n}@people.example")).unwrap(),
        &DisplayName::parse(&format!("Person Number{n}")).unwrap(),
        hash,
    )
    .await
    .unwrap();
    let now = chrono::Utc::now();
    for e in 0..40 {
        let enquiry = entity::enquiries::Entity::insert(entity::enquiries::ActiveModel {
            council_id: Set(kith::domain::councils::first(db).await.unwrap()),
            listing_id: Set(listing.id),
            organisation_id: Set(listing.organisation_id),
            holder_user_id: Set(Some(user)),
            client_id: Set(None),
            sent_by_user_id: Set(user),
            contact_name: Set(format!("Person Number{n}")),
            support_wanted: Set(format!("Secret need {n}-{e}")),
            when_wanted: Set("Mornings".into()),
            postcode_sector: Set(Some("M33 7".into())),
            reply_by: Set(entity::enquiries::ReplyBy::Phone),
            reply_phone: Set(Some(format!("0161 496 {n:04}"))),
            status: Set(entity::enquiries::EnquiryStatus::Open),
            outcome: Set(None),
            closed_by_user_id: Set(None),
            closed_at: Set(None),
            first_response_at: Set(None),
            first_response_minutes: Set(None),
            last_message_at: Set(now),
            created_at: Set(now),
            anonymised_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap()
        .last_insert_id;
        entity::enquiry_messages::Entity::insert(entity::enquiry_messages::ActiveModel {
            enquiry_id: Set(enquiry),
            author_user_id: Set(user),
            from_provider: Set(false),
            body: Set(format!("Secret message {n}-{e}")),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await
        .unwrap();
    }
    let files = kith::file_store::Files::local(data_dir).unwrap();
    let stored = kith::documents::store(&files, format!("%PDF-1.4\n% person {n}\n").into_bytes())
        .await
        .unwrap();
    entity::provider_evidence_files::Entity::insert(entity::provider_evidence_files::ActiveModel {
        organisation_id: Set(listing.organisation_id),
        kind: Set(entity::provider_evidence::EvidenceKind::Dbs),
        stored_name: Set(stored.stored_name),
        original_name: Set(format!("person{n}.pdf")),
        content_type: Set("application/pdf".into()),
        size_bytes: Set(20),
        uploaded_by: Set(Some(user)),
        uploaded_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    user
}

/// Whether person `n` is erased whole (true) or untouched (false); panics on anything
/// in between.
async fn erased_whole_or_not_at_all(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    n: usize,
    id: entity::users::UserId,
) -> bool {
    let user = entity::users::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let erased = user.erased_at.is_some();
    let words = count(
        db,
        &format!("SELECT COUNT(*) AS n FROM enquiries WHERE holder_user_id = {id} AND support_wanted LIKE 'Secret need {n}-%'"),
    )
    .await;
    let messages = count(
        db,
        &format!("SELECT COUNT(*) AS n FROM enquiry_messages WHERE author_user_id = {id} AND body LIKE 'Secret message {n}-%'"),
    )
    .await;
    let documents = count(
        db,
        &format!("SELECT COUNT(*) AS n FROM provider_evidence_files WHERE uploaded_by = {id} AND original_name = 'person{n}.pdf'"),
    )
    .await;
    let logged = count(
        db,
        &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'person.erased' AND subject_id = '{id}'"),
    )
    .await;
    let state = (
        user.email.ends_with("@erased.invalid"),
        words,
        messages,
        documents,
        logged,
    );
    if erased {
        assert_eq!(state, (true, 0, 0, 0, 1), "person {n} erased whole");
    } else {
        assert_eq!(state, (false, 40, 40, 1, 0), "person {n} untouched");
        let stored = kith::file_store::local_path(
            data_dir,
            &document(format!(
                "{}.pdf",
                kith::domain::tokens::sha256_bytes_hex(
                    format!("%PDF-1.4\n% person {n}\n").as_bytes()
                )
            )),
        )
        .unwrap();
        assert!(stored.exists(), "person {n}'s document is still on disk");
    }
    erased
}

#[tokio::test]
async fn erasures_killed_part_way_happen_whole_or_not_at_all() {
    const PEOPLE: usize = 24;
    let instance = Instance::new().await;
    create_admin(&instance);
    let file = lunch_clubs(instance.path(), 7);
    let out = instance
        .kith()
        .args(["import", "csv"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = instance.db().await;
    let listing = entity::listings::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut people = Vec::new();
    for n in 0..PEOPLE {
        people.push(person_with_records(&db, instance.path(), n, &listing).await);
    }
    db.close().await.unwrap();

    let mut kill_at = Seeded(28_112_026);
    let mut signed_in = None;
    let mut next = 0;
    for _ in 0..4 {
        let (mut server, admin) = serve(&instance, &mut signed_in).await;
        let (_, page) = admin.get_text("/forgot-password").await;
        let token = crate::helpers::csrf_in(&page);
        // Erasures one after another; the kill lands a seeded time into the run, mid-way
        // through one of them.
        let ids: Vec<_> = people[next..].to_vec();
        let client = admin.client.clone();
        let base = admin.address.clone();
        let run = tokio::spawn(async move {
            for id in ids {
                let res = client
                    .post(format!("{base}/admin/users/{id}/erase"))
                    .form(&[("csrf_token", token.as_str()), ("confirm", "yes")])
                    .send()
                    .await;
                if res.is_err() {
                    return;
                }
            }
        });
        tokio::time::sleep(Duration::from_millis(kill_at.millis(20, 120))).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        let _ = run.await;
        let db = instance.db().await;
        let mut erased = 0;
        for (n, id) in people.iter().enumerate() {
            if erased_whole_or_not_at_all(&db, instance.path(), n, *id).await {
                erased += 1;
            }
        }
        db.close().await.unwrap();
        println!("killed with {erased} of {PEOPLE} erased");
        next = erased.min(PEOPLE - 1);
    }
    // To the end: everyone erased, and no file of theirs left once orphans are cleared.
    let (mut server, admin) = serve(&instance, &mut signed_in).await;
    let (_, page) = admin.get_text("/forgot-password").await;
    let token = crate::helpers::csrf_in(&page);
    for id in &people {
        let res = admin
            .client
            .post(admin.url(&format!("/admin/users/{id}/erase")))
            .form(&[("csrf_token", token.as_str()), ("confirm", "yes")])
            .send()
            .await
            .unwrap();
        assert!(
            res.status() == StatusCode::SEE_OTHER || res.status() == StatusCode::CONFLICT,
            "{}",
            res.status()
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let db = instance.db().await;
    for (n, id) in people.iter().enumerate() {
        assert!(erased_whole_or_not_at_all(&db, instance.path(), n, *id).await);
    }
    db.close().await.unwrap();
    let out = instance
        .kith()
        .args(["files", "check", "--fix", "--include-recent"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Their DBS certificates went with them: a kill between the commit and the file's
    // deletion left the file for `files check`, which has now removed it.
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!said.contains("missing"), "{said}");
    for n in 0..PEOPLE {
        let hash =
            kith::domain::tokens::sha256_bytes_hex(format!("%PDF-1.4\n% person {n}\n").as_bytes());
        let stored =
            kith::file_store::local_path(instance.path(), &document(format!("{hash}.pdf")))
                .unwrap();
        assert!(!stored.exists(), "person {n}'s document was left behind");
    }
}
