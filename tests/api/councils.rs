//! Councils as records: an installation's first council made from its settings, requests
//! matched to a council by host name or by `/c/{slug}/` on a shared host, links that keep
//! to the council, and `kith council` on the command line.

use reqwest::StatusCode;
use reqwest::header::HOST;

use crate::helpers::instance::Instance;
use crate::helpers::{PASSWORD, TestApp, csrf_in, location, spawn_app, spawn_app_with};
use kith::auth::roles::Role;
use kith::domain::councils;

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
    app.add_stockport().await;

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
    app.add_stockport().await;
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

#[tokio::test]
async fn a_role_holds_in_the_council_that_granted_it_and_its_administrators_see_only_their_people()
{
    let app = spawn_app().await;
    let stockport = app.add_stockport().await;
    let (trafford_admin, _) = app.signed_in_as(Role::Admin).await;
    let (stockport_admin, stockport_admin_user) = app.signed_in_at(stockport.id, Role::Admin).await;
    let resident = app.create_user(&[Role::BudgetHolder]).await;
    let provider = app.create_user(&[Role::Provider]).await;

    // Stockport's administrators neither see nor touch a Trafford resident's account.
    let (_, list) = stockport_admin.get_text("/c/stockport/admin/users").await;
    assert!(list.contains(&provider.email), "providers are shared");
    assert!(!list.contains(&resident.email));
    assert!(list.contains(&stockport_admin_user.email));
    let (_, list) = trafford_admin.get_text("/admin/users").await;
    assert!(list.contains(&resident.email) && !list.contains(&stockport_admin_user.email));
    let id = resident.id;
    for path in [
        format!("/c/stockport/admin/users/{id}"),
        format!("/c/stockport/admin/users/{id}/personal-data"),
        format!("/c/stockport/admin/users/{id}/personal-data/export"),
    ] {
        let (status, body) = stockport_admin.get_text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains(&resident.email), "{path}");
    }
    for (path, fields) in [
        (
            format!("/c/stockport/admin/users/{id}/roles"),
            vec![("role", "broker")],
        ),
        (
            format!("/c/stockport/admin/users/{id}/status"),
            vec![("action", "disable"), ("reason", "not ours")],
        ),
        (
            format!("/c/stockport/admin/users/{id}/two-factor/reset"),
            vec![],
        ),
        (
            format!("/c/stockport/admin/users/{id}/erase"),
            vec![("confirm", "yes")],
        ),
    ] {
        let (status, _) = stockport_admin.post_form_text(&path, &fields).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let resident_browser = app.browser();
    resident_browser.sign_in(&resident.email, PASSWORD).await;
    let me: serde_json::Value = resident_browser
        .get("/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["roles"],
        serde_json::json!(["budget_holder"]),
        "untouched"
    );

    // A role Stockport grants a provider holds at Stockport's pages only; the provider's
    // own role holds at both.
    let res = stockport_admin
        .post_form(
            &format!("/c/stockport/admin/users/{}/roles", provider.id),
            &[("role", "broker")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = stockport_admin
        .post_form_text(
            &format!("/c/stockport/admin/users/{}/roles", provider.id),
            &[("role", "super_admin")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not a council's to give");
    // Each council's audit log shows what was done through its pages.
    let about_provider = format!(
        "/admin/audit?action=role&subject_type=user&subject_id={}",
        provider.id
    );
    let (_, log) = stockport_admin
        .get_text(&format!("/c/stockport{about_provider}"))
        .await;
    assert!(
        log.contains("Role: granted") && !log.contains("No entries."),
        "{log}"
    );
    let (_, log) = trafford_admin.get_text(&about_provider).await;
    assert!(log.contains("No entries."), "{log}");
    let b = app.browser();
    b.sign_in(&provider.email, PASSWORD).await;
    let roles_at = |path: &'static str| {
        let b = &b;
        async move {
            let me: serde_json::Value = b.get(path).await.json().await.unwrap();
            me["roles"].clone()
        }
    };
    assert_eq!(
        roles_at("/c/stockport/api/v1/me").await,
        serde_json::json!(["broker", "provider"])
    );
    assert_eq!(
        roles_at("/api/v1/me").await,
        serde_json::json!(["provider"])
    );

    // An invitation from Stockport is to a role at Stockport.
    let res = stockport_admin
        .post_form(
            "/c/stockport/admin/invitations",
            &[("email", "new.broker@example.org"), ("role", "broker")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app
        .wait_for_mail("new.broker@example.org", "invited to Kith")
        .await;
    let link = app.link_in(&mail, "/c/stockport/invitations/");
    let newcomer = app.browser();
    let res = newcomer
        .post_form(
            &link,
            &[
                ("display_name", "Sam Broker"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&res), "/c/stockport/sign-in/set-up");
    newcomer
        .second_factor("new.broker@example.org", "/sign-in/set-up")
        .await;
    let me: serde_json::Value = newcomer
        .get("/c/stockport/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], serde_json::json!(["broker"]));
    let me: serde_json::Value = newcomer.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["roles"], serde_json::json!([]));

    // Someone registering on Stockport's pages belongs to Stockport.
    let visitor = app.browser();
    let (status, _) = visitor
        .post_form_text(
            "/c/stockport/register",
            &[
                ("display_name", "Pat Resident"),
                ("email", "pat@example.org"),
                ("role", "budget_holder"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    visitor.sign_in("pat@example.org", PASSWORD).await;
    let me: serde_json::Value = visitor
        .get("/c/stockport/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], serde_json::json!(["budget_holder"]));
    let (_, list) = stockport_admin.get_text("/c/stockport/admin/users").await;
    assert!(list.contains("pat@example.org"));
    let (_, list) = trafford_admin.get_text("/admin/users").await;
    assert!(!list.contains("pat@example.org"));
}

#[tokio::test]
async fn the_command_line_names_a_council_s_administrator_or_the_deployment_s() {
    let instance = Instance::new().await;
    let create = |args: &[&str]| {
        use std::io::Write;
        let mut child = instance
            .kith()
            .args(["admin", "create"])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PASSWORD}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let nowhere = create(&["--email", "a@council.example", "--council", "nowhere"]);
    assert!(!nowhere.status.success());
    assert!(String::from_utf8_lossy(&nowhere.stderr).contains("there is no council"));
    let admin = create(&["--email", "admin@council.example", "--council", "trafford"]);
    assert!(
        String::from_utf8_lossy(&admin.stdout)
            .contains("admin@council.example is an administrator of Example Council"),
        "{}",
        String::from_utf8_lossy(&admin.stderr)
    );
    let operator = create(&["--email", "operator@council.example", "--deployment"]);
    assert!(
        String::from_utf8_lossy(&operator.stdout)
            .contains("operator@council.example is a deployment administrator"),
        "{}",
        String::from_utf8_lossy(&operator.stderr)
    );
    let db = instance.db().await;
    let operator_id = kith::domain::accounts::find_by_email(
        &db,
        &kith::domain::accounts::email_address::EmailAddress::parse("operator@council.example")
            .unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    assert_eq!(
        kith::domain::accounts::roles_of(&db, operator_id)
            .await
            .unwrap(),
        vec![Role::SuperAdmin]
    );

    // The council's administrator cannot disable the deployment's, nor take its role.
    let (_server, browser) = instance.start(&[]).await;
    browser.sign_in("admin@council.example", PASSWORD).await;
    let (status, body) = browser
        .post_form_text(
            &format!("/admin/users/{operator_id}/status"),
            &[("action", "disable"), ("reason", "tidying up")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("administers the whole deployment"), "{body}");
    let (status, _) = browser
        .post_form_text(
            &format!("/admin/users/{operator_id}/roles/revoke"),
            &[("role", "super_admin")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        kith::domain::accounts::roles_of(&db, operator_id)
            .await
            .unwrap(),
        vec![Role::SuperAdmin]
    );
}

#[tokio::test]
async fn an_installation_from_before_councils_keeps_its_staff_and_their_roles() {
    use migration::MigratorTrait;
    use sea_orm::{ConnectionTrait, Statement};
    // A database as the last version without councils left it: an administrator, a
    // resident, and an invitation not yet accepted.
    let instance = Instance::new().await;
    let db = instance.new_db().await;
    let before_councils = migration::Migrator::migrations().len() as u32 - 2;
    migration::Migrator::up(&db, Some(before_councils))
        .await
        .unwrap();
    let backend = db.get_database_backend();
    let placeholders = |sql: &str| {
        if backend == sea_orm::DbBackend::Postgres {
            let mut n = 0;
            sql.chars()
                .map(|c| {
                    if c == '?' {
                        n += 1;
                        format!("${n}")
                    } else {
                        c.to_string()
                    }
                })
                .collect::<String>()
        } else {
            sql.to_owned()
        }
    };
    let now = chrono::Utc::now();
    let hash = kith::domain::accounts::password_hash::hash(PASSWORD).unwrap();
    for (id, email, role) in [
        (1_i64, "admin@council.example", "admin"),
        (2, "resident@example.org", "budget_holder"),
    ] {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                "INSERT INTO users (id, email, display_name, password_hash, email_verified_at, \
                 created_at, updated_at) VALUES (?, ?, 'Someone', ?, ?, ?, ?)",
            ),
            [
                id.into(),
                email.into(),
                hash.clone().into(),
                now.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await
        .unwrap();
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders("INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, ?, ?)"),
            [id.into(), role.into(), now.into()],
        ))
        .await
        .unwrap();
    }
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(
            "INSERT INTO invitations (email, role, token_hash, invited_by, expires_at, \
             created_at) VALUES ('new@council.example', 'broker', 'h', 1, ?, ?)",
        ),
        [(now + chrono::Duration::days(7)).into(), now.into()],
    ))
    .await
    .unwrap();

    let migrated = instance.kith().arg("migrate").output().unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    // The council made from the settings holds everything that was there.
    let first = councils::first(&db).await.unwrap();
    for table in ["user_roles", "users", "invitations"] {
        let theirs = crate::helpers::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM {table} WHERE council_id = {first}"),
        )
        .await;
        let all = crate::helpers::count(&db, &format!("SELECT COUNT(*) AS n FROM {table}")).await;
        assert!(all > 0 && theirs == all, "{table}: {theirs} of {all}");
    }
    let (_server, browser) = instance.start(&[]).await;
    browser.sign_in("admin@council.example", PASSWORD).await;
    let (status, page) = browser.get_text("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("resident@example.org"));
}

#[tokio::test]
async fn each_council_publishes_its_own_points_table_and_its_residents_are_assessed_by_it() {
    let app = spawn_app().await;
    let stockport = app.add_stockport().await;
    let (stockport_commissioner, _) = app.signed_in_at(stockport.id, Role::Commissioner).await;
    let res = stockport_commissioner
        .post_form(
            "/c/stockport/commissioner/ras",
            &[
                ("rate", "2.00"),
                ("q1_text", "How much help does Stockport ask about?"),
                ("q1_options", "0: None\n10: A lot"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, editor) = stockport_commissioner
        .get_text("/c/stockport/commissioner/ras")
        .await;
    assert!(editor.contains("How much help does Stockport ask about?"));

    // Trafford's residents and commissioners still meet Trafford's (the example).
    let (trafford_commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let (_, editor) = trafford_commissioner.get_text("/commissioner/ras").await;
    assert!(
        editor.contains("Kith is using an example table")
            && !editor.contains("Stockport ask about")
    );
    let (trafford_resident, _) = app.signed_in_as(Role::BudgetHolder).await;
    let (_, form) = trafford_resident.get_text("/plan/ras").await;
    assert!(form.contains("example points table") && !form.contains("Stockport ask about"));
    let (b, _) = app.signed_in_at(stockport.id, Role::BudgetHolder).await;
    let (_, form) = b.get_text("/c/stockport/plan/ras").await;
    assert!(form.contains("How much help does Stockport ask about?"));
    b.post_form("/c/stockport/plan/ras", &[("q1", "1")]).await;
    let (_, plan) = b.get_text("/c/stockport/plan").await;
    assert!(
        plan.contains("an indicative budget of £20 a week"),
        "{plan}"
    );
}

#[tokio::test]
async fn a_council_s_administrators_reach_neither_another_council_s_cases_nor_shared_accounts() {
    let app = spawn_app().await;
    let stockport = app.add_stockport().await;
    let (stockport_admin, stockport_admin_user) = app.signed_in_at(stockport.id, Role::Admin).await;
    let (trafford_admin, _) = app.signed_in_as(Role::Admin).await;

    // Nobody is invited to administer the deployment.
    let (status, _) = stockport_admin
        .post_form_text(
            "/c/stockport/admin/invitations",
            &[("email", "me.too@example.org"), ("role", "super_admin")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A Trafford broker's client is Trafford's case.
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let client = crate::clients::add_client(&broker, "Mr Trafford Case").await;
    let (_, list) = stockport_admin.get_text("/c/stockport/admin/clients").await;
    assert!(!list.contains("Mr Trafford Case"));
    let (_, list) = trafford_admin.get_text("/admin/clients").await;
    assert!(list.contains("Mr Trafford Case"));
    for path in [
        format!("/c/stockport/admin/clients/{client}/personal-data"),
        format!("/c/stockport/admin/clients/{client}/personal-data/export"),
    ] {
        let (status, body) = stockport_admin.get_text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("Mr Trafford Case"));
    }
    let (status, _) = stockport_admin
        .post_form_text(
            &format!("/c/stockport/admin/clients/{client}/handover"),
            &[("to_email", &stockport_admin_user.email)],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = stockport_admin
        .post_form_text(
            &format!("/c/stockport/admin/clients/{client}/erase"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor can a Trafford case go to a broker of Stockport.
    let stockport_broker = app.create_user_in(stockport.id, &[Role::Broker]).await;
    let (status, body) = trafford_admin
        .post_form_text(
            &format!("/admin/clients/{client}/handover"),
            &[("to_email", &stockport_broker.email)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Someone of Trafford who is also a broker at Stockport: each council changes its own
    // roles for them, neither the whole account.
    let both = app.create_user(&[Role::BudgetHolder]).await;
    kith::domain::accounts::grant_role_in(&app.db, both.id, stockport.id, Role::Broker, None)
        .await
        .unwrap();
    for (browser, prefix) in [(&stockport_admin, "/c/stockport"), (&trafford_admin, "")] {
        let (_, page) = browser
            .get_text(&format!("{prefix}/admin/users/{}", both.id))
            .await;
        assert!(page.contains(&both.email), "{prefix}");
        for (path, fields) in [
            (
                format!("{prefix}/admin/users/{}/status", both.id),
                vec![("action", "disable"), ("reason", "one council's view")],
            ),
            (
                format!("{prefix}/admin/users/{}/erase", both.id),
                vec![("confirm", "yes")],
            ),
        ] {
            let (status, body) = browser.post_form_text(&path, &fields).await;
            assert_eq!(status, StatusCode::CONFLICT, "{path}");
            assert!(
                body.contains("only the deployment's administrators"),
                "{path}"
            );
        }
    }
    let res = stockport_admin
        .post_form(
            &format!("/c/stockport/admin/users/{}/roles/revoke", both.id),
            &[("role", "broker")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        kith::domain::accounts::roles_of(&app.db, both.id)
            .await
            .unwrap(),
        vec![Role::BudgetHolder],
        "Stockport took only its own role"
    );
}

#[tokio::test]
async fn a_quality_check_is_the_assigning_council_s() {
    let app = spawn_app().await;
    let stockport = app.add_stockport().await;
    let (_, trafford_admin, _, listing) = crate::helpers::fixtures::published(&app).await;
    let checker = app.create_user(&[Role::QualityChecker]).await;
    let res = crate::checking::assign(&trafford_admin, listing, checker.id, 14).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app
        .wait_for_mail(&checker.email, "Quality check to do")
        .await;
    let assignment: i64 = app
        .link_in(&mail, "/checker/assignments/")
        .trim_start_matches("/checker/assignments/")
        .parse()
        .unwrap();

    let (stockport_admin, _) = app.signed_in_at(stockport.id, Role::Admin).await;
    let (_, overview) = stockport_admin
        .get_text("/c/stockport/admin/checking")
        .await;
    let (_, theirs) = trafford_admin.get_text("/admin/checking").await;
    let cancel = format!("/admin/assignments/{assignment}/cancel");
    assert!(theirs.contains(&cancel) && !overview.contains(&cancel));
    let (status, _) = stockport_admin
        .post_form_text(&format!("/c/stockport{cancel}"), &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Stockport's admins assign Stockport's checkers only.
    let res = crate::checking::assign(&stockport_admin, listing, checker.id, 14).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the address is Trafford's"
    );
    let (d, m, y) = ("1".to_owned(), "1".to_owned(), "2099".to_owned());
    let (status, body) = stockport_admin
        .post_form_text(
            &format!("/c/stockport/admin/listings/{listing}/assign"),
            &[
                ("checker", &checker.id.to_string()),
                ("due-day", &d),
                ("due-month", &m),
                ("due-year", &y),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let res = trafford_admin.post_form(&cancel, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "Trafford's own check");
}

/// Something made through Stockport's pages waits in Stockport's admin `queue` (showing
/// `text`) and is Stockport's to act on at `action`: Trafford's admins neither see it nor
/// reach it.
async fn only_stockport_handles(
    app: &TestApp,
    stockport: entity::councils::CouncilId,
    trafford_admin: &crate::helpers::Browser,
    (queue, text): (&str, &str),
    action: &str,
    fields: &[(&str, &str)],
) {
    let (stockport_admin, _) = app.signed_in_at(stockport, Role::Admin).await;
    let (_, waiting) = stockport_admin
        .get_text(&format!("/c/stockport{queue}"))
        .await;
    assert!(waiting.contains(text), "{queue}");
    let (_, waiting) = trafford_admin.get_text(queue).await;
    assert!(!waiting.contains(text), "{queue}");
    let (status, _) = trafford_admin.post_form_text(action, fields).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{action}");
    let res = stockport_admin
        .post_form(&format!("/c/stockport{action}"), fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{action}");
}

#[tokio::test]
async fn a_report_on_a_listing_goes_to_the_council_whose_pages_it_was_made_on() {
    let app = spawn_app().await;
    let stockport = app.add_stockport().await;
    let (_, trafford_admin, _, listing) = crate::helpers::fixtures::published(&app).await;
    let visitor = app.browser();
    let res = visitor
        .post_form(
            &format!("/c/stockport/listings/{listing}/report"),
            &[
                ("kind", "concern"),
                ("details", "Seen by a Stockport family"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    use sea_orm::EntityTrait;
    let report = entity::listing_reports::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    only_stockport_handles(
        &app,
        stockport.id,
        &trafford_admin,
        ("/admin/reports", "Seen by a Stockport family"),
        &format!("/admin/reports/{report}/resolve"),
        &[("resolution", "Spoke to the provider")],
    )
    .await;
}

#[tokio::test]
async fn a_resident_s_enquiry_and_review_are_their_council_s_to_moderate() {
    let app = spawn_app().await;
    let stockport = app.add_stockport().await;
    let (provider, trafford_admin, _, listing) = crate::helpers::fixtures::published(&app).await;
    let (holder, _) = app.signed_in_at(stockport.id, Role::BudgetHolder).await;
    let res = holder
        .post_form(
            &format!("/c/stockport/listings/{listing}/enquire"),
            &crate::enquiries::enquiry_fields("email", ""),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id: i64 = location(&res)
        .trim_start_matches("/c/stockport/enquiries/")
        .parse()
        .unwrap();
    assert_eq!(
        crate::enquiries::enquiry(&app, id).await.council_id,
        stockport.id,
        "the resident's council"
    );
    provider
        .post_form(
            &format!("/enquiries/{id}/close"),
            &[("outcome", "arranged")],
        )
        .await;
    let res = holder
        .post_form(
            &format!("/c/stockport/enquiries/{id}/review"),
            &[
                ("rating", "5"),
                ("review", "Stockport family, very happy."),
                ("shown_name", "Sam"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    use sea_orm::EntityTrait;
    let review = entity::service_reviews::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    only_stockport_handles(
        &app,
        stockport.id,
        &trafford_admin,
        ("/admin/reviews", "very happy"),
        &format!("/admin/reviews/{review}/decision"),
        &[("decision", "publish")],
    )
    .await;
}

#[tokio::test]
async fn emails_link_to_the_council_s_own_host_name_and_jobs_to_its_pages() {
    let app = spawn_app().await;
    let stockport = app.add_stockport().await;
    let admin = app.create_user_in(stockport.id, &[Role::Admin]).await;
    let b = crate::helpers::Browser::at_host(&app.address, "stockport.kith.example");
    b.sign_in(&admin.email, PASSWORD).await;
    let res = b
        .post_form(
            "/admin/invitations",
            &[("email", "host.broker@example.org"), ("role", "broker")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app
        .wait_for_mail("host.broker@example.org", "invited to Kith")
        .await;
    assert!(
        mail.text
            .contains("http://stockport.kith.example/invitations/"),
        "{}",
        mail.text
    );
    // Outside a request: the council's own host, else `/c/{slug}` (the first needs none).
    let bases = councils::link_bases(&app.db, "https://kith.example")
        .await
        .unwrap();
    assert_eq!(bases[&stockport.id], "https://stockport.kith.example");
    assert_eq!(
        bases[&councils::first(&app.db).await.unwrap()],
        "https://kith.example"
    );
}
