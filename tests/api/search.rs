//! Search through HTTP: relevance, filters and facet counts, distance from a postcode, typo
//! tolerance, hostile queries, approve → searchable and suspend → gone, the demand log, and an
//! index that was behind the database catching up (equal to a rebuild).

use kith::clock::Clock;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kith::auth::roles::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::fixtures::{
    approved_provider, as_refs, category_id, decide, listing_fields, submit,
};
use crate::helpers::{Browser, TestApp, location, spawn_app};

/// How long the test waits for the indexer; the service aims for well under a second.
const INDEX_WAIT: Duration = Duration::from_secs(3);

/// Writes, submits and approves a listing with `changes` applied to the standard fields.
pub(crate) async fn publish(
    app: &TestApp,
    provider: &Browser,
    admin: &Browser,
    org: i64,
    changes: &[(&'static str, &str)],
) -> i64 {
    let mut fields = listing_fields(
        &category_id(app, "domestic-help").await,
        "Help at home",
        "18.50",
    );
    for (name, _) in changes {
        fields.retain(|(k, _)| k != name);
    }
    fields.extend(changes.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let res = provider
        .post_form(
            &format!("/provider/organisations/{org}/listings"),
            &as_refs(&fields),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "create");
    let id: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(submit(provider, id).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        decide(admin, id, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    id
}

pub(crate) async fn api(b: &Browser, query: &str) -> Value {
    let res = b.get(&format!("/api/v1/search?{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

pub(crate) fn ids(v: &Value) -> Vec<i64> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

/// Waits until the search gives `want` (the indexer runs in the background).
pub(crate) async fn wait_for(b: &Browser, query: &str, want: impl Fn(&[i64]) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        let found = ids(&api(b, query).await);
        if want(&found) {
            return start.elapsed();
        }
        assert!(start.elapsed() < INDEX_WAIT, "{query}: still {found:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `/ready`'s answer, with its status checked against what it says.
pub(crate) async fn ready(b: &Browser) -> Value {
    let res = b.get("/ready").await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        status == StatusCode::OK,
        body["status"] == "ready",
        "{status}: {body}"
    );
    body
}

struct Market {
    app: TestApp,
    provider: Browser,
    admin: Browser,
    org: i64,
}

async fn market() -> Market {
    let app = spawn_app().await;
    let (provider, _, org) = approved_provider(&app, "micro_enterprise").await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    Market {
        app,
        provider,
        admin,
        org,
    }
}

#[tokio::test]
async fn an_approved_listing_becomes_searchable_and_a_suspended_one_leaves() {
    let m = market().await;
    let visitor = m.app.browser();
    let id = publish(
        &m.app,
        &m.provider,
        &m.admin,
        m.org,
        &[("title", "Ironing service")],
    )
    .await;
    wait_for(&visitor, "q=ironing", |found| found == [id]).await;
    let res = m
        .admin
        .post_form(
            &format!("/admin/listings/{id}/suspend"),
            &[("reason", "Failed check")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    wait_for(&visitor, "q=ironing", |found| found.is_empty()).await;
    m.admin
        .post_form(
            &format!("/admin/listings/{id}/unsuspend"),
            &[("reason", "Passed")],
        )
        .await;
    wait_for(&visitor, "q=ironing", |found| found == [id]).await;
    m.provider
        .post_form(&format!("/provider/listings/{id}/archive"), &[])
        .await;
    wait_for(&visitor, "q=ironing", |found| found.is_empty()).await;
}

#[tokio::test]
async fn relevance_typos_filters_facets_and_distance() {
    let m = market().await;
    let v = m.app.browser();
    let respite = category_id(&m.app, "respite-agency").await;
    let title = publish(
        &m.app,
        &m.provider,
        &m.admin,
        m.org,
        &[("title", "Gardening help")],
    )
    .await;
    let described = publish(
        &m.app,
        &m.provider,
        &m.admin,
        m.org,
        &[
            ("title", "Home visits"),
            ("description", "We also do some gardening."),
            ("languages", "English, Urdu"),
            ("home_place", "WA14 1"),
            ("home_radius", "2"),
        ],
    )
    .await;
    let sitting = publish(
        &m.app,
        &m.provider,
        &m.admin,
        m.org,
        &[
            ("title", "Overnight sitting"),
            ("categories", &respite),
            ("delivery", "online"),
            ("price_type", "free"),
        ],
    )
    .await;
    wait_for(&v, "", |found| found.len() == 3).await;

    assert_eq!(
        ids(&api(&v, "q=gardening").await)[..2],
        [title, described],
        "title first"
    );
    assert_eq!(
        ids(&api(&v, "q=gardning").await)[0],
        title,
        "typo tolerated"
    );
    assert_eq!(
        ids(&api(&v, "q=%22overnight+sitting%22").await),
        vec![sitting]
    );

    let all = api(&v, "").await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["facets"]["language"]["Urdu"], 1);
    assert_eq!(all["facets"]["language"]["Polish"], 2);
    assert_eq!(all["facets"]["category"]["respite"], 1);
    assert_eq!(all["facets"]["category"]["respite/respite-agency"], 1);
    assert_eq!(all["facets"]["category"]["domestic-help"], 2);
    assert_eq!(ids(&api(&v, "language=Urdu").await), vec![described]);
    assert_eq!(ids(&api(&v, "category=respite").await), vec![sitting]);
    let cheap = ids(&api(&v, "max_price=10&unit=hour").await);
    assert_eq!(cheap, vec![sitting], "free passes any price ceiling");

    // Near Sale: the Sale listing reaches; the Altrincham one (2 miles) does not; online last.
    let near = api(&v, "near=M33+7AB&sort=distance").await;
    assert_eq!(near["area"], "M33 7");
    assert_eq!(ids(&near), vec![title, sitting]);
    assert_eq!(near["results"][1]["distance_miles"], Value::Null);
    let altrincham = ids(&api(&v, "near=WA14+1AA&sort=distance").await);
    // Altrincham is about 3 miles from Sale, inside the Sale listing's 5-mile reach.
    assert_eq!(altrincham, vec![described, title, sitting]);
    let unknown = api(&v, "near=ZZ99+9ZZ").await;
    assert_eq!(unknown["notices"].as_array().unwrap().len(), 1);
    assert_eq!(
        unknown["total"], 3,
        "an unknown postcode is reported, not applied"
    );

    let (status, page) = v.get_text("/search?q=gardening&language=Urdu").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("1 service found") && page.contains("Home visits"));
    // The card shows what the provider wrote for search; the API gives the matching words.
    assert!(page.contains("We help with shopping, cleaning and cooking at home."));
    let found = api(&v, "q=gardening").await;
    assert!(
        found["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["snippet_html"]
                .as_str()
                .is_some_and(|s| s.contains("<b>gardening</b>"))),
        "highlighted snippet"
    );
    assert!(
        page.contains("href=\"/search?q=gardening\""),
        "remove-filter link"
    );
    assert!(page.contains("Urdu") && page.contains("(1)"), "facet count");
}

#[tokio::test]
async fn hostile_or_odd_queries_get_a_normal_page() {
    let m = market().await;
    publish(&m.app, &m.provider, &m.admin, m.org, &[]).await;
    let v = m.app.browser();
    let long = "care ".repeat(2000);
    for q in [
        "\"",
        "AND OR",
        "*",
        "title:(",
        "🙂 help",
        "'; DROP TABLE listings; --",
        "<script>alert(1)</script>",
        &long,
        "%",
        "a\u{0}b",
    ] {
        let res = v
            .client
            .get(v.url("/search"))
            .query(&[
                ("q", q),
                ("page", "999999"),
                ("radius", "NaN"),
                ("max_price", "-1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{q}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("found") && !body.contains("<script>alert"),
            "{q}"
        );
    }
    wait_for(&v, "", |found| found.len() == 1).await;
    let (_, past) = v.get_text("/search?page=400").await;
    assert!(past.contains("past the last result") && past.contains("1 service found"));
    let (status, _) = v.get_text("/search?%zz=%%&category=%E0%A4%A").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "malformed query strings are read leniently"
    );
}

#[tokio::test]
async fn searches_are_logged_without_people_or_full_postcodes() {
    let m = market().await;
    publish(&m.app, &m.provider, &m.admin, m.org, &[]).await;
    let v = m.app.browser();
    let (_, page) = v.get_text("/search?q=hydrotherapy+pool&near=M33+7AB").await;
    assert!(page.contains("No services match your search"));
    m.app.logged_searches().await;
    let (_, admin_view) = m.admin.get_text("/admin/searches?zero=yes").await;
    assert!(admin_view.contains("hydrotherapy pool") && admin_view.contains("M33 7"));
    assert!(!admin_view.contains("M33 7AB"), "never the full postcode");
    let (status, _) = m.provider.get_text("/admin/searches").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_index_behind_the_database_catches_up_and_equals_a_rebuild() {
    let m = market().await;
    let v = m.app.browser();
    let first = publish(&m.app, &m.provider, &m.admin, m.org, &[("title", "First")]).await;
    wait_for(&v, "", |found| found == [first]).await;

    // A second index over the same database, like another process's, built then "crashed":
    // changes committed after it stopped are not in it.
    let dir = tempfile::tempdir().unwrap();
    let other = Arc::new(search_index::SearchIndex::open(dir.path()).unwrap());
    kith::indexer::rebuild(&m.app.db, &other, Clock::system(), |_, _| {})
        .await
        .unwrap();
    drop(other);
    let second = publish(&m.app, &m.provider, &m.admin, m.org, &[("title", "Second")]).await;
    let res = m
        .admin
        .post_form(
            &format!("/admin/listings/{first}/suspend"),
            &[("reason", "Check")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // On restart it catches up from the change it last committed.
    let restarted = Arc::new(search_index::SearchIndex::open(dir.path()).unwrap());
    assert_eq!(restarted.listing_ids().unwrap(), vec![first as u64]);
    let mut tail = kith::indexer::Tail::from_index(&restarted);
    let applied = kith::indexer::catch_up(&m.app.db, &restarted, &mut tail, Clock::system())
        .await
        .unwrap();
    assert!(applied >= 2, "{applied}");
    assert_eq!(restarted.listing_ids().unwrap(), vec![second as u64]);

    // …and equals an index rebuilt from scratch, and the live process's own index.
    let fresh_dir = tempfile::tempdir().unwrap();
    let rebuilt = Arc::new(search_index::SearchIndex::open(fresh_dir.path()).unwrap());
    kith::indexer::rebuild(&m.app.db, &rebuilt, Clock::system(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        rebuilt.listing_ids().unwrap(),
        restarted.listing_ids().unwrap()
    );
    wait_for(&v, "", |found| found == [second]).await;
}

#[tokio::test]
async fn lapsed_insurance_stops_counting_as_insured_in_search() {
    use chrono::Datelike;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let m = market().await;
    let v = m.app.browser();
    let expires = chrono::Utc::now().date_naive() + chrono::Duration::days(200);
    let res = m
        .provider
        .post_form(
            &format!("/provider/organisations/{}/evidence", m.org),
            &[
                ("kind", "insurance"),
                ("details", "Acme Mutual, £5 million"),
                ("expires_on-day", &expires.day().to_string()),
                ("expires_on-month", &expires.month().to_string()),
                ("expires_on-year", &expires.year().to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = publish(&m.app, &m.provider, &m.admin, m.org, &[]).await;
    wait_for(&v, "insured=yes", |found| found == [id]).await;

    // Time passes: the insurance runs out, and the daily pass marks the listing for the index.
    let today = chrono::Utc::now().date_naive();
    let evidence = entity::provider_evidence::Entity::find()
        .all(&m.app.db)
        .await
        .unwrap()
        .remove(0);
    let mut lapsed: entity::provider_evidence::ActiveModel = evidence.into();
    lapsed.expires_on = Set(Some(today - chrono::Duration::days(1)));
    lapsed.update(&m.app.db).await.unwrap();
    let marked = kith::domain::search::changes::record_lapsed_evidence(
        &m.app.db,
        today - chrono::Duration::days(1),
        today,
    )
    .await
    .unwrap();
    assert_eq!(marked, 1);
    wait_for(&v, "insured=yes", |found| found.is_empty()).await;
    assert_eq!(
        ids(&api(&v, "").await),
        vec![id],
        "still listed, just not as insured"
    );
}

#[tokio::test]
async fn a_second_process_on_the_same_database_keeps_its_own_index_up_to_date() {
    let m = market().await;
    let other = m.app.second_process().await;
    let elsewhere = Browser {
        client: reqwest::Client::new(),
        address: other.address.clone(),
    };
    let id = publish(
        &m.app,
        &m.provider,
        &m.admin,
        m.org,
        &[("title", "Befriending calls")],
    )
    .await;
    wait_for(&elsewhere, "q=befriending", |found| found == [id]).await;
    let res = m
        .admin
        .post_form(
            &format!("/admin/listings/{id}/suspend"),
            &[("reason", "Check")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    wait_for(&elsewhere, "q=befriending", |found| found.is_empty()).await;
}

#[tokio::test]
async fn results_come_first_on_phones_and_say_what_each_service_is() {
    let m = market().await;
    let visitor = m.app.browser();
    let id = publish(
        &m.app,
        &m.provider,
        &m.admin,
        m.org,
        &[
            ("title", "Ironing at home"),
            ("summary", "We iron and fold at your home."),
        ],
    )
    .await;
    wait_for(&visitor, "q=ironing", |ids| ids == [id]).await;

    let (_, page) = visitor.get_text("/search?q=ironing&near=M33%207AB").await;
    // The filters are a panel that opens; chosen filters are chips above the results.
    assert!(page.contains("<details class=\"govuk-details kith-filters\""));
    assert!(page.contains("Filters (1 chosen)"));
    assert!(page.contains("Near M33 7AB"));
    let results_at = page.find("kith-results").unwrap();
    let filters_at = page.find("Type of support").unwrap();
    assert!(results_at > page.find("1 service found").unwrap());
    assert!(
        filters_at < results_at,
        "the closed panel comes before, taking one line"
    );
    // The card: the provider's summary, the price, where, and badges.
    assert!(page.contains("We iron and fold at your home."));
    assert!(page.contains("£18.50 per hour"));
    assert!(
        page.contains("Visits your area"),
        "a home-visit service visits"
    );
    assert!(!page.contains("0.0 miles"));
    assert!(page.contains("Taking new clients</strong>"));

    // A postcode that cannot be found, or a price that is not one, is not shown as chosen.
    let (_, page) = visitor
        .get_text("/search?q=ironing&near=ZZ99%209ZZ&max_price=abc")
        .await;
    assert!(page.contains("We could not find the postcode ZZ99 9ZZ"));
    assert!(page.contains("Enter the most you want to pay in pounds"));
    assert!(!page.contains("Near ZZ99 9ZZ"));
    assert!(!page.contains("Up to £abc"));
    assert!(
        page.contains("<details class=\"govuk-details kith-filters\" data-kith-open-wide open"),
        "open to fix them"
    );
}

/// Nothing on the search path waits for a write: with the demand log's writer held up by a
/// write lock another process keeps, and its queue full, searches still answer. Those that
/// did not fit are counted for the admins; the rest are written once the lock goes.
#[tokio::test]
async fn a_search_while_the_demand_log_is_saturated_still_answers() {
    use kith::db::BeginWrite;
    use sea_orm::ConnectionTrait;
    let app = crate::helpers::spawn_app_with(|s| s.search_log_queue = 2).await;
    let other = kith::db::connect(&app.command_database_url(), None)
        .await
        .unwrap();
    let lock = other.begin_write().await.unwrap();
    if !kith::db::is_sqlite(&other) {
        // On SQLite `begin_write` holds the database's one write lock already.
        lock.execute_unprepared("LOCK TABLE search_log IN EXCLUSIVE MODE")
            .await
            .unwrap();
    }
    let v = app.browser();
    const SEARCHES: usize = 6;
    for n in 0..SEARCHES {
        let answered = tokio::time::timeout(
            Duration::from_secs(5),
            v.get_text(&format!("/search?q=pottery+class+{n}")),
        )
        .await
        .expect("the search answers while the log cannot be written");
        assert_eq!(answered.0, StatusCode::OK);
        assert!(answered.1.contains("No services match your search"));
    }
    let (status, body) = v.get_text("/api/v1/search?q=pottery").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    lock.rollback().await.unwrap();

    let logged = app.logged_searches().await;
    assert!(
        (1..SEARCHES - 1).contains(&logged.len()),
        "the queue held two and the writer one at most: {}",
        logged.len()
    );
    assert!(
        logged
            .iter()
            .all(|r| r.query_text.starts_with("pottery class"))
    );
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (_, page) = admin.get_text("/admin/searches").await;
    let missing = SEARCHES - logged.len();
    assert!(
        page.contains(&format!(
            "{missing} searches since the service last started are not in this log"
        )),
        "{page}"
    );
}

/// While the index is rebuilt this instance is not ready: `/ready` says so, the search page
/// says when to come back instead of showing no results, and the API answers 503 with
/// Retry-After. Abandoned, the old index is intact; rebuilt, it equals the incremental one.
#[tokio::test]
async fn ready_is_503_during_a_rebuild_and_200_after() {
    let m = market().await;
    let v = m.app.browser();
    let id = publish(&m.app, &m.provider, &m.admin, m.org, &[]).await;
    wait_for(&v, "", |found| found == [id]).await;
    assert_eq!(ready(&v).await["search"], "ok");
    let incremental = m.app.search.fingerprint().unwrap();

    let rebuild = m.app.search.begin_rebuild(4).unwrap();
    let body = ready(&v).await;
    assert_eq!(body["status"], "not ready");
    assert_eq!(body["search"], "being rebuilt");
    assert_eq!(body["rebuild"]["total"], 4);
    let res = v.get("/search?q=help").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key("retry-after"));
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Search is being rebuilt") && page.contains("It should be back in about"),
        "{page}"
    );
    let res = v.get("/api/v1/search?q=help").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    let json: Value = res.json().await.unwrap();
    assert_eq!(json["error"]["status"], 503);
    drop(rebuild);

    assert_eq!(ready(&v).await["status"], "ready");
    assert_eq!(ids(&api(&v, "").await), [id], "the old index was kept");
    kith::indexer::rebuild(&m.app.db, &m.app.search, Clock::system(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(ready(&v).await["status"], "ready");
    assert_eq!(m.app.search.fingerprint().unwrap(), incremental);
}
