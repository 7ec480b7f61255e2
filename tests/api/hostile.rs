//! The hostile-input sweep, generated from the router's own route table: every form route
//! (each POST, as a role allowed to use it, against the demo marketplace's records) gets a
//! set of bad bodies — empty, missing or duplicated fields, very long text, control
//! characters, markup, SQL, path traversal, impossible numbers and dates, invalid UTF-8,
//! and a multipart body with a hostile file name — and every GET route and JSON endpoint
//! gets hostile query strings. Nothing may answer 5xx; a refusal (4xx) must say why (a page
//! with a heading and, for forms, an error summary; JSON with an `error`) and must change
//! no data at all.

use std::collections::{BTreeMap, BTreeSet};

use kith::auth::access::Access;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::helpers::{Browser, spawn_app};

/// Rows per table, except the session store (a refused request still has a session), in
/// one query.
pub(crate) async fn fingerprint(db: &DatabaseConnection) -> BTreeMap<String, i64> {
    let backend = db.get_database_backend();
    let list = match backend {
        sea_orm::DbBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()"
        }
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, list))
        .await
        .expect("tables")
        .iter()
        .map(|row| row.try_get::<String>("", "t").expect("name"))
        // Sessions, the projections the indexer rebuilds in the background, and the attempts
        // rate limits count (on PostgreSQL; in memory on SQLite): a refused attempt counts.
        .filter(|t| {
            ![
                "sessions",
                "market_supply",
                "market_languages",
                "rate_limit_attempts",
            ]
            .contains(&t.as_str())
        })
        .collect();
    let counts = tables
        .iter()
        .map(|t| format!("SELECT '{t}' AS t, COUNT(*) AS n FROM \"{t}\""))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    db.query_all_raw(Statement::from_string(backend, counts))
        .await
        .expect("counts")
        .iter()
        .map(|row| {
            (
                row.try_get::<String>("", "t").expect("t"),
                row.try_get::<i64>("", "n").expect("n"),
            )
        })
        .collect()
}

/// The fingerprint once start-up work (the first jobs pass, the index build) has finished.
pub(crate) async fn settled_fingerprint(db: &DatabaseConnection) -> BTreeMap<String, i64> {
    let mut settled = fingerprint(db).await;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let now = fingerprint(db).await;
        if now == settled {
            break;
        }
        settled = now;
    }
    settled
}

/// Field names seen on the service's forms, so hostile values reach real fields.
const FIELDS: &[&str] = &[
    "title",
    "summary",
    "description",
    "name",
    "display_name",
    "email",
    "password",
    "password_confirm",
    "current_password",
    "new_password",
    "message",
    "reason",
    "body",
    "comments",
    "decision",
    "outcome",
    "amount",
    "payment",
    "pot",
    "max_award",
    "people",
    "categories",
    "client_groups",
    "delivery",
    "home_place",
    "home_radius",
    "venue_address",
    "venue_postcode",
    "price_type",
    "price_amount",
    "price_unit",
    "days",
    "time_from",
    "time_to",
    "accepting",
    "languages",
    "written_in",
    "role",
    "kind",
    "organisation",
    "postcode",
    "near",
    "support_wanted",
    "when_wanted",
    "contact_name",
    "reply_by",
    "reply_phone",
    "score",
    "evidence",
    "visit_type",
    "people_said",
    "actions",
    "rating",
    "text",
    "response",
    "slug",
    "parent",
    "position",
    "checklist",
    "listing",
    "client",
    "user",
    "due-day",
    "due-month",
    "due-year",
    "opens-day",
    "opens-month",
    "opens-year",
    "closes-day",
    "closes-month",
    "closes-year",
    "from-day",
    "from-month",
    "from-year",
    "to-day",
    "to-month",
    "to-year",
    "paid-day",
    "paid-month",
    "paid-year",
    "visit-day",
    "visit-month",
    "visit-year",
    "item_1",
    "amount_1",
    "need",
    "offer",
    "who_for",
    "place",
    "outcomes",
    "weight_1",
    "criterion_1",
    "vision",
    "intentions",
    "then",
    "format",
    "dry_run",
    "approve",
    "district",
    "districts",
    "budget",
    "weekly_amount",
    "quantity",
    "frequency",
    "conflict",
    "public",
    "photo_alt",
    "document_kind",
    "expires-day",
    "expires-month",
    "expires-year",
    "number",
    "id",
    "next",
];

/// (what it is, the value every field gets).
fn hostile_values() -> Vec<(&'static str, String)> {
    vec![
        ("empty", String::new()),
        ("control characters", "a\u{0}b\u{7}c\u{1b}[31m\r\n".into()),
        (
            "markup",
            "<script>alert(1)</script><img src=x onerror=alert(1)>".into(),
        ),
        ("SQL", "'; DROP TABLE users; -- \" OR 1=1".into()),
        ("path traversal", "../../../../etc/passwd".into()),
        ("negative", "-1".into()),
        ("huge number", "99999999999999999999999999".into()),
        ("impossible date", "0000-00-00".into()),
        ("not a number", "NaN".into()),
        ("unicode", "\u{202e}\u{fffd}\u{1F600}ẞ".into()),
    ]
}

fn concrete(path: &str) -> String {
    path.replace("{id}", "1")
        .replace("{step}", "visit")
        .replace("{user}", "1")
        .replace("{milestone}", "1")
        .replace("{photo}", "1")
        .replace("{token}", "no-such-token")
        .replace("{name}", "../../etc/passwd")
        .replace("{path:.*}", "../../Cargo.toml")
}

/// A refusal that explains itself.
fn assert_explained(what: &str, status: StatusCode, content_type: &str, body: &str) {
    if content_type.contains("json") {
        assert!(
            body.contains("\"error\""),
            "{what}: {status} without a JSON error: {body:.300}"
        );
    } else if content_type.contains("html") {
        assert!(
            body.contains("<h1"),
            "{what}: {status} page without a heading: {body:.300}"
        );
    }
}

struct Sender {
    browser: Browser,
    token: String,
}

impl Sender {
    async fn new(browser: Browser) -> Self {
        let token = browser.csrf().await;
        Self { browser, token }
    }

    async fn form(&self, path: &str, body: Vec<u8>) -> reqwest::Response {
        self.browser
            .client
            .post(self.browser.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    fn encoded(&self, pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut all = vec![("csrf_token", self.token.as_str())];
        all.extend_from_slice(pairs);
        serde_urlencoded::to_string(&all).unwrap().into_bytes()
    }
}

#[tokio::test]
async fn hostile_input_to_every_route_never_fails_and_refusals_change_nothing() {
    let app = spawn_app().await;
    kith::demo::seed(&app.db, &app.address).await.expect("demo");
    let mut senders: BTreeMap<&str, Sender> = BTreeMap::new();
    senders.insert("visitor", Sender::new(app.browser()).await);
    for (role, email) in [
        ("budget_holder", "budget.holder@kith.example"),
        ("broker", "broker@kith.example"),
        ("provider", "provider@kith.example"),
        ("quality_checker", "checker@kith.example"),
        ("commissioner", "commissioner@kith.example"),
        ("admin", "admin@kith.example"),
    ] {
        let b = app.browser();
        b.sign_in(email, kith::demo::DEMO_PASSWORD).await;
        senders.insert(role, Sender::new(b).await);
    }
    settled_fingerprint(&app.db).await;
    let who = |access: Access| -> &'static str {
        match access {
            // Only GET routes need the token; this sweep posts.
            Access::Public | Access::MetricsToken => "visitor",
            Access::SignedIn => "budget_holder",
            Access::Role(r) | Access::AnyRole(&[r, ..]) => r.as_str(),
            Access::AnyRole(_) => "admin",
        }
    };
    // Signing out or stopping acting for a client would end the sweep's own sessions.
    let skip: BTreeSet<&str> = ["/sign-out", "/broker/acting/stop"].into_iter().collect();
    let (mut tried, mut refused, mut failures) = (0usize, 0usize, Vec::new());
    let mut per_route: BTreeMap<String, usize> = BTreeMap::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();

    for rule in kith::routes::table() {
        let path = concrete(rule.path);
        if rule.method.as_str() != "POST" || skip.contains(rule.path) {
            continue;
        }
        let sender = &senders[who(rule.access)];
        let mut bodies: Vec<(String, Vec<u8>)> = vec![
            ("nothing at all".into(), sender.encoded(&[])),
            ("no token".into(), b"title=x".to_vec()),
            (
                "invalid UTF-8".into(),
                [
                    sender.encoded(&[]),
                    b"&title=%FF%FE%00&name=\xff\xfe".to_vec(),
                ]
                .concat(),
            ),
        ];
        for (what, value) in hostile_values() {
            let pairs: Vec<(&str, &str)> = FIELDS.iter().map(|f| (*f, value.as_str())).collect();
            bodies.push((what.into(), sender.encoded(&pairs)));
        }
        // Long text in the free-text fields (the whole body stays under the 64 KB form limit;
        // a bigger body is refused as too large before any handler runs).
        let long = "Lorem ipsum dolor sit amet. ".repeat(300);
        let long_pairs: Vec<(&str, &str)> = FIELDS
            .iter()
            .map(|f| {
                let text = [
                    "title",
                    "summary",
                    "description",
                    "message",
                    "body",
                    "reason",
                ];
                (*f, if text.contains(f) { long.as_str() } else { "1" })
            })
            .collect();
        bodies.push(("long text".into(), sender.encoded(&long_pairs)));
        bodies.push((
            "too large".into(),
            sender.encoded(&[("description", &"x".repeat(70_000))]),
        ));
        let twice: Vec<(&str, &str)> = FIELDS
            .iter()
            .flat_map(|f| [(*f, "1"), (*f, "<b>2</b>")])
            .collect();
        bodies.push(("every field twice".into(), sender.encoded(&twice)));
        for (what, body) in bodies {
            let before = fingerprint(&app.db).await;
            let res = sender.form(&path, body).await;
            let status = res.status();
            let content_type = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let text = res.text().await.unwrap_or_default();
            tried += 1;
            *per_route.entry(rule.path.to_owned()).or_default() += 1;
            *statuses.entry(status.as_u16()).or_default() += 1;
            let label = format!("POST {path} ({what})");
            if status.is_server_error() {
                failures.push(format!("{label}: {status}"));
                continue;
            }
            if status.is_client_error() {
                refused += 1;
                assert_explained(&label, status, &content_type, &text);
                let after = fingerprint(&app.db).await;
                if after != before {
                    let changed: Vec<String> = after
                        .iter()
                        .filter(|(t, n)| before.get(*t) != Some(n))
                        .map(|(t, n)| format!("{t}: {} → {n}", before.get(t).copied().unwrap_or(0)))
                        .collect();
                    failures.push(format!(
                        "{label}: refused with {status} but changed {changed:?}"
                    ));
                }
            }
        }
        // A file upload with a traversing name and bytes that are not what they claim.
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", sender.token.clone())
            .text("title", "x")
            .part(
                "description",
                reqwest::multipart::Part::bytes(vec![0xff, 0xfe, 0x00]),
            )
            .part(
                "file",
                reqwest::multipart::Part::bytes(b"\xff\xd8not really a jpeg".to_vec())
                    .file_name("../../../etc/passwd"),
            )
            .part(
                "photo",
                reqwest::multipart::Part::bytes(vec![0u8; 1024]).file_name("..\\..\\boot.ini"),
            );
        let before = fingerprint(&app.db).await;
        let res = sender
            .browser
            .client
            .post(sender.browser.url(&path))
            .multipart(form)
            .send()
            .await
            .expect("multipart");
        let status = res.status();
        tried += 1;
        if status.is_server_error() {
            failures.push(format!("POST {path} (multipart): {status}"));
        } else if status.is_client_error() {
            refused += 1;
            let after = fingerprint(&app.db).await;
            if after != before {
                let changed: Vec<&String> = after
                    .keys()
                    .filter(|t| before.get(*t) != after.get(*t))
                    .collect();
                failures.push(format!(
                    "POST {path} (multipart): refused but changed {changed:?}"
                ));
            }
        }
    }

    // Query strings: every GET route, as its role, and the JSON endpoints.
    let queries = [
        "page=-1&per_page=999999999",
        "q=%FF%FE&near=%00%00&category=../../etc&page=99999999999999999999",
        "q=<script>alert(1)</script>&sort=';DROP TABLE users;--&days=NaN",
        "modified_after=0000-00-00&day=someday&start_time=99:99&postcode=ZZ99ZZZ&proximity=-5",
        "district=%3Cb%3E&category=x&client_group=y&min_rating=99&radius=1e308&max_price=-1",
    ];
    for rule in kith::routes::table() {
        if rule.method.as_str() != "GET" {
            continue;
        }
        let sender = &senders[who(rule.access)];
        for query in queries {
            let path = format!("{}?{query}", concrete(rule.path));
            let res = sender.browser.get(&path).await;
            tried += 1;
            *per_route.entry(rule.path.to_owned()).or_default() += 1;
            if res.status().is_server_error() {
                failures.push(format!("GET {path}: {}", res.status()));
            }
        }
    }

    println!(
        "hostile sweep: {tried} requests over {} routes ({} to {} each), {refused} refused, {} failures",
        per_route.len(),
        per_route.values().min().unwrap_or(&0),
        per_route.values().max().unwrap_or(&0),
        failures.len()
    );
    println!("form responses by status: {statuses:?}");
    // Not a sweep that only ever met the CSRF check: most bodies reached the form handlers.
    assert!(
        statuses.get(&422).copied().unwrap_or(0) > 300,
        "too few form errors: {statuses:?}"
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
