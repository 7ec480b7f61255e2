//! Councils as records: an installation's first council made from its settings, requests
//! matched to a council by host name or by `/c/{slug}/` on a shared host, links that keep
//! to the council, and `kith council` on the command line.

use reqwest::StatusCode;
use reqwest::header::HOST;

use crate::helpers::instance::Instance;
use crate::helpers::{PASSWORD, TestApp, csrf_in, location, spawn_app, spawn_app_with};
use kith::auth::roles::Role;
use kith::domain::audit::Actor;
use kith::domain::councils::{self, CouncilDetails, CouncilSlug};
use kith::domain::fund::export::Funder;

/// A second council beside the installation's first, found by the server at once.
async fn add_stockport(app: &TestApp) {
    let details = CouncilDetails {
        name: "Stockport Council".into(),
        host: Some("stockport.kith.example".into()),
        districts: vec!["SK1".into(), "SK4".into()],
        contact: "Stockport adult social care: 0161 496 0999".into(),
        funder: Funder {
            identifier: "GB-LAE-SKP".into(),
            name: "Stockport Metropolitan Borough Council".into(),
            prefix: "360G-stockport".into(),
        },
        local_authority: "Stockport".into(),
    };
    let slug = CouncilSlug::parse("stockport").unwrap();
    councils::create(&app.db, &Actor::system(), &slug, &details)
        .await
        .unwrap();
    app.councils.reload(&app.db).await.unwrap();
}

async fn get_at_host(app: &TestApp, host: &str, path: &str) -> (StatusCode, String) {
    let res = reqwest::Client::new()
        .get(format!("{}{path}", app.address))
        .header(HOST, host)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Every internal link on a page (`href` and `action`), static files and pictures aside.
fn links(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"/", "action=\"/"] {
        for (at, _) in page.match_indices(attribute) {
            let rest = &page[at + attribute.len() - 1..];
            let link = rest.split('"').next().unwrap_or_default();
            if !link.starts_with("/static/") && !link.starts_with("/media/") {
                found.push(link.to_owned());
            }
        }
    }
    found
}

#[tokio::test]
async fn an_installation_starts_with_one_council_from_its_settings_and_no_address_names_it() {
    let app = spawn_app_with(|s| {
        s.funder_name = "Trafford Council".into();
        s.funder_identifier = "GB-LAE-TRF".into();
        s.grant_prefix = "360G-trafford".into();
        s.council_local_authority = "Trafford".into();
    })
    .await;
    let all = councils::all(&app.db).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].slug.as_str(), "trafford");
    assert_eq!(all[0].funder.identifier, "GB-LAE-TRF");

    let (status, page) = app.browser().get_text("/search?q=lunch").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Kith is run by Trafford Council’s adult social care team."));
    let links = links(&page);
    assert!(!links.is_empty());
    assert!(
        links.iter().all(|l| !l.starts_with("/c/")),
        "a council in an address: {links:?}"
    );
    // With one council, an address that names it is not one of Kith's.
    let (status, _) = app.browser().get_text("/c/trafford/search").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_council_is_found_by_its_host_name() {
    let app = spawn_app().await;
    add_stockport(&app).await;

    let (status, page) = get_at_host(&app, "Stockport.kith.example:443", "/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Kith is run by Stockport Council’s"),
        "{page}"
    );
    assert!(page.contains("Stockport adult social care: 0161 496 0999"));
    assert!(
        links(&page).iter().all(|l| !l.starts_with("/c/")),
        "its own host name needs no council in its links"
    );

    // Any other host name is the first council's.
    let (_, page) = get_at_host(&app, "kith.example", "/search").await;
    assert!(!page.contains("Stockport"), "the first council's page");
}

#[tokio::test]
async fn on_a_shared_host_a_council_is_found_by_its_path_and_its_links_keep_to_it() {
    let app = spawn_app().await;
    add_stockport(&app).await;
    let browser = app.browser();

    let (status, page) = browser.get_text("/c/stockport/search?q=lunch").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Kith is run by Stockport Council’s"));
    let links = links(&page);
    assert!(
        links.iter().all(|l| l.starts_with("/c/stockport/")),
        "every link keeps to the council: {links:?}"
    );
    assert!(page.contains("href=\"/static/"), "static files are shared");
    // The current page is marked in the menu, prefix and all.
    assert!(page.contains("aria-current=\"page\""), "{page}");

    let (status, _) = browser.get_text("/c/nowhere/search").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Sent to sign in, and back, without losing the council.
    let res = browser.get("/c/stockport/account").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        "/c/stockport/sign-in?next=%2Fc%2Fstockport%2Faccount"
    );
    let (status, form) = browser
        .get_text("/c/stockport/sign-in?next=%2Fc%2Fstockport%2Faccount")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("action=\"/c/stockport/sign-in"), "{form}");
    let user = app.create_user(&[Role::BudgetHolder]).await;
    let res = browser
        .client
        .post(browser.url("/c/stockport/sign-in"))
        .form(&[
            ("csrf_token", csrf_in(&form).as_str()),
            ("email", user.email.as_str()),
            ("password", PASSWORD),
            ("next", "/c/stockport/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the form's token is good here"
    );
    assert_eq!(location(&res), "/c/stockport/account");
    let (status, page) = browser.get_text("/c/stockport/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Stockport Council"));

    // A form posted without its token is refused here as anywhere.
    let res = browser
        .post_form_without_csrf("/c/stockport/sign-out", &[])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_command_line_changes_a_council_and_refuses_what_is_not_a_host_or_a_district() {
    let instance = Instance::new().await;
    let run = |args: &[&str]| instance.kith().args(args).output().unwrap();
    let list = run(&["council", "list"]);
    let said = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success(), "{said}");
    assert!(said.contains("trafford — Example Council"), "{said}");

    let bad = run(&[
        "council",
        "set",
        "trafford",
        "--host",
        "trafford kith/example",
    ]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("is not a host name"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let bad = run(&["council", "set", "trafford", "--districts", "M33, ZZ99"]);
    assert!(!bad.status.success());
    let long = "x".repeat(301);
    let bad = run(&["council", "set", "trafford", "--contact", &long]);
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("contact line is longer than 300"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let bad = run(&["council", "set", "nowhere", "--name", "X"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no council called"));

    let good = run(&[
        "council",
        "set",
        "trafford",
        "--name",
        "Trafford Council",
        "--host",
        "Trafford.Kith.Example",
        "--districts",
        "m33 wa14",
        "--funder-identifier",
        "GB-LAE-TRF",
    ]);
    let said = String::from_utf8_lossy(&good.stdout);
    assert!(
        good.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(
        said.contains("host name:       trafford.kith.example"),
        "{said}"
    );
    assert!(said.contains("districts:       M33, WA14"), "{said}");

    let db = instance.db().await;
    let council = &councils::all(&db).await.unwrap()[0];
    assert_eq!(council.name, "Trafford Council");
    assert_eq!(council.funder.identifier, "GB-LAE-TRF");
    assert_eq!(
        council.funder.name, "Example Council",
        "what was not given is kept"
    );
    let audited = crate::helpers::count(
        &db,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'council.changed' \
         AND detail = 'name, host, districts, funder'",
    )
    .await;
    assert_eq!(audited, 1);

    // A server reads the change (here on its start).
    let (_server, browser) = instance.start(&[]).await;
    let (_, page) = browser.get_text("/search").await;
    assert!(page.contains("Kith is run by Trafford Council’s"));
}
