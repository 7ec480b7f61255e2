//! Staff access as an attacker tries it (issue 18): invitation takeover, unconfirmed
//! accounts reaching other people, and the other numbered attacks, each through HTTP.

use kith::auth::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{Browser, PASSWORD, TestApp, free_port, location, spawn_app, spawn_app_with};

const ATTACKER_PASSWORD: &str = "attacker chose this one";

/// Registers `email` from a stranger's browser and never confirms it; the stranger stays
/// signed in.
async fn squat(app: &TestApp, email: &str, role: &str) -> Browser {
    let attacker = app.browser();
    let res = attacker
        .post_form(
            "/register",
            &[
                ("display_name", "Squatter"),
                ("email", email),
                ("role", role),
                ("password", ATTACKER_PASSWORD),
                ("password_confirm", ATTACKER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "registered");
    attacker.sign_in(email, ATTACKER_PASSWORD).await;
    attacker
}

/// The invitee follows the link, finds the unconfirmed account treated as new, chooses their
/// own name and password, and (for a staff role) sets up their authenticator.
async fn accept_as_new(app: &TestApp, link: &str, email: &str) -> Browser {
    let invitee = app.browser();
    let (status, body) = invitee.get_text(link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("never confirmed") && body.contains("Create a password"),
        "the unconfirmed account is offered as new: {body}"
    );
    let (status, _) = invitee.post_form_text(link, &[]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "accepting needs a new name and password"
    );
    let res = invitee
        .post_form(
            link,
            &[
                ("display_name", "Real Person"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(invitee.second_factor(email, &location(&res)).await, "/");
    invitee
}

/// The squatter's session is gone and their password no longer works.
async fn assert_squatter_shut_out(app: &TestApp, attacker: &Browser, email: &str) {
    assert!(
        !attacker.is_signed_in().await,
        "the squatter's session was ended"
    );
    let res = app
        .browser()
        .post_form(
            "/sign-in",
            &[("email", email), ("password", ATTACKER_PASSWORD)],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the squatter's password no longer signs in"
    );
}

#[tokio::test]
async fn attack_1_an_unconfirmed_squatter_does_not_get_the_staff_role() {
    let app = spawn_app().await;
    let victim = "future.checker@council.example";
    let attacker = squat(&app, victim, "budget_holder").await;

    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let res = admin
        .post_form(
            "/admin/invitations",
            &[("email", victim), ("role", "admin")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app.wait_for_mail(victim, "invited").await;
    let link = app.link_in(&mail, "/invitations/");

    let invitee = accept_as_new(&app, &link, victim).await;
    assert_squatter_shut_out(&app, &attacker, victim).await;
    assert_eq!(
        attacker.get("/admin").await.status(),
        StatusCode::SEE_OTHER,
        "the squatter's browser is sent to sign in"
    );
    let me: serde_json::Value = invitee.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["email_verified"], serde_json::json!(true));
    assert!(
        me["roles"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("admin"))
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"account.reclaimed_by_invitation".to_owned())
    );
}

#[tokio::test]
async fn attack_1_a_confirmed_account_accepts_only_when_signed_in_as_itself() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let existing = app.create_user(&[Role::BudgetHolder]).await;
    admin
        .post_form(
            "/admin/invitations",
            &[("email", &existing.email), ("role", "commissioner")],
        )
        .await;
    let mail = app.wait_for_mail(&existing.email, "invited").await;
    let link = app.link_in(&mail, "/invitations/");

    // A stranger holding the link (a forwarded email), signed out or signed in as themself.
    let stranger = app.browser();
    let (status, _) = stranger.post_form_text(&link, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (other, _) = app.signed_in_as(Role::BudgetHolder).await;
    let (_, body) = other.get_text(&link).await;
    assert!(body.contains("You are signed in as"), "{body}");
    let (status, _) = other.post_form_text(&link, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = other.get_text("/commissioner/market").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nobody got the role");

    let owner = app.browser();
    owner.sign_in(&existing.email, PASSWORD).await;
    let res = owner.post_form(&link, &[]).await;
    assert_eq!(
        owner.second_factor(&existing.email, &location(&res)).await,
        "/"
    );
    assert_eq!(
        owner.get("/commissioner/market").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn attack_1_an_unconfirmed_squatter_does_not_join_a_provider_organisation() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let id = owner
        .create_organisation("Team Care", "voluntary_group")
        .await;
    let victim = "colleague@team-care.example";
    let attacker = squat(&app, victim, "provider").await;
    let res = owner
        .post_form(
            &format!("/provider/organisations/{id}/members"),
            &[("email", victim)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app.wait_for_mail(victim, "invited").await;
    let link = app.link_in(&mail, "/invitations/");

    let invitee = accept_as_new(&app, &link, victim).await;
    assert_squatter_shut_out(&app, &attacker, victim).await;
    let path = format!("/provider/organisations/{id}");
    assert_eq!(
        attacker.get(&path).await.status(),
        StatusCode::SEE_OTHER,
        "the squatter cannot open the organisation"
    );
    assert_eq!(invitee.get(&path).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn attack_2_an_unconfirmed_account_reaches_nobody_until_it_confirms() {
    let app = spawn_app().await;
    let email = "new.provider@example.org";
    let provider = squat(&app, email, "provider").await;
    for path in ["/provider/organisations/new"] {
        let (status, body) = provider.get_text(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(body.contains("Confirm your email address first"), "{body}");
    }
    let before = app.audit_count().await;
    let (status, body) = provider
        .post_form_text(
            "/provider/organisations",
            &[
                ("name", "Fine Care"),
                ("kind", "micro_enterprise"),
                ("cqc_provider_id", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("send the confirmation link again"));
    assert_eq!(app.audit_count().await, before, "nothing was created");

    let seeker = squat(&app, "new.seeker@example.org", "budget_holder").await;
    let (status, _) = seeker.get_text("/listings/1/enquire").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = seeker
        .post_form_text("/listings/1/enquire", &[("message", "hello")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Confirming opens the door.
    let mail = app.wait_for_mail(email, "Confirm").await;
    let link = app.link_in(&mail, "/verify-email/");
    assert_eq!(provider.get(&link).await.status(), StatusCode::OK);
    assert_eq!(
        provider.get("/provider/organisations/new").await.status(),
        StatusCode::OK
    );
    // A name that phishes in the council's name is refused with a reason.
    let (status, body) = provider
        .post_form_text(
            "/provider/organisations",
            &[
                (
                    "name",
                    "Trafford Council: your personal budget payment is suspended - re-confirm bank details at https://pay.example",
                ),
                ("kind", "micro_enterprise"),
                ("cqc_provider_id", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("must not contain a web address"), "{body}");
    let id = provider
        .create_organisation("Fine Care", "micro_enterprise")
        .await;
    assert!(id > 0);
}

#[tokio::test]
async fn attack_2_invitations_are_capped_per_sender_and_per_address() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let id = owner
        .create_organisation("Team Care", "voluntary_group")
        .await;
    let members = format!("/provider/organisations/{id}/members");
    for n in 0..3 {
        let res = owner
            .post_form(&members, &[("email", "same.person@example.org")])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "invitation {n}");
    }
    let (status, body) = owner
        .post_form_text(&members, &[("email", "same.person@example.org")])
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "a fourth to one address"
    );
    assert!(body.contains("please wait"), "{body}");
    for n in 3..kith::domain::accounts::invitations::INVITATIONS_PER_HOUR {
        let res = owner
            .post_form(&members, &[("email", &format!("person{n}@example.org"))])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "invitation {n}");
    }
    let (status, _) = owner
        .post_form_text(&members, &[("email", "one.too.many@example.org")])
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "past the hourly cap");
}

#[tokio::test]
async fn attack_3_a_server_others_can_reach_starts_without_demo_accounts() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        return; // Demo data is only ever loaded into the embedded database.
    }
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = dir.path().join("kith.log");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
        .env("KITH_DATA_DIR", dir.path().join("data"))
        .env("KITH_BIND", format!("0.0.0.0:{port}"))
        .env_remove("KITH_DEMO")
        .env_remove("DATABASE_URL")
        .env_remove("KITH_DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let b = Browser::at(&format!("http://127.0.0.1:{port}"));
    let mut up = false;
    for _ in 0..200 {
        if b.client.get(b.url("/health")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let res = if up {
        Some(
            b.try_sign_in("admin@kith.example", kith::demo::DEMO_PASSWORD)
                .await,
        )
    } else {
        None
    };
    server.kill().ok();
    server.wait().ok();
    let res = res.expect("the server started");
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no demo admin on a server bound to 0.0.0.0"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("kith admin create"),
        "says how to make the first admin: {logged}"
    );
    assert!(!logged.contains(kith::demo::DEMO_PASSWORD));

    let settings = kith::config::Settings {
        bind: "127.0.0.1:8080".into(),
        ..Default::default()
    };
    assert!(
        settings.demo_wanted(),
        "a newcomer's loopback start has demo data"
    );
    let public_url = kith::config::Settings {
        base_url: "https://kith.council.example".into(),
        ..settings.clone()
    };
    assert!(!public_url.demo_wanted());
}

#[tokio::test]
async fn attack_3_check_deploy_refuses_demo_accounts_and_defaults() {
    let app = spawn_app().await;
    let settings = app.settings();
    let found = kith::check_deploy::findings(&settings, &app.db)
        .await
        .unwrap();
    let codes: Vec<_> = found.iter().map(|f| f.code).collect();
    for code in ["http-base-url", "default-funder", "no-smtp"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    assert!(!codes.contains(&"demo-accounts"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&settings.data_dir)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the data directory is the owner's alone");
    }
    kith::demo::seed(&app.db, &app.address).await.unwrap();
    let found = kith::check_deploy::findings(&settings, &app.db)
        .await
        .unwrap();
    assert_eq!(found[0].code, "demo-accounts");

    let ready = kith::config::Settings {
        base_url: "https://kith.council.example".into(),
        bind: "127.0.0.1:8080".into(),
        trusted_proxies: 1,
        smtp_host: "smtp.council.example".into(),
        funder_identifier: "GB-LAE-TRF".into(),
        funder_name: "Trafford Council".into(),
        grant_prefix: "360G-trafford".into(),
        ..settings
    };
    assert_eq!(kith::check_deploy::settings_findings(&ready), vec![]);
    let exposed = kith::config::Settings {
        bind: "0.0.0.0:8080".into(),
        ..ready
    };
    assert_eq!(
        kith::check_deploy::settings_findings(&exposed)[0].code,
        "proxy-bypass"
    );
}

/// Every value in every row of every table, as text.
async fn whole_database_text(app: &TestApp) -> String {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let db = &app.db;
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    assert!(tables.len() > 20, "{tables:?}");
    let mut all = String::new();
    for table in tables {
        let sql = match backend {
            DbBackend::Postgres => format!("SELECT CAST(t.* AS TEXT) AS row FROM \"{table}\" t"),
            _ => {
                let columns: Vec<String> = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name FROM pragma_table_info('{table}')"),
                    ))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.try_get::<String>("", "name").unwrap())
                    .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
                    .collect();
                format!(
                    "SELECT {} AS row FROM \"{table}\"",
                    columns.join(" || '|' || ")
                )
            }
        };
        for row in db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
        {
            all.push_str(&row.try_get::<String>("", "row").unwrap_or_default());
            all.push('\n');
        }
    }
    all
}

#[tokio::test]
async fn attack_4_no_usable_one_time_link_stays_in_the_database() {
    let app = spawn_app().await;
    let user = app.create_user(&[Role::BudgetHolder]).await;
    app.browser()
        .post_form("/forgot-password", &[("email", &user.email)])
        .await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    admin
        .post_form(
            "/admin/invitations",
            &[("email", "new.broker@example.org"), ("role", "broker")],
        )
        .await;
    let reset = app.wait_for_mail(&user.email, "password").await;
    let invitation = app.wait_for_mail("new.broker@example.org", "invited").await;
    let reset_link = app.link_in(&reset, "/reset-password/");
    let invitation_link = app.link_in(&invitation, "/invitations/");
    // The worker records "sent" just after handing the message over; let it.
    for _ in 0..200 {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let pending = entity::mail_outbox::Entity::find()
            .filter(entity::mail_outbox::Column::Status.ne("sent"))
            .count(&app.db)
            .await
            .unwrap();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let everything = whole_database_text(&app).await;
    for link in [&reset_link, &invitation_link] {
        let token = link.rsplit('/').next().unwrap();
        assert!(token.len() > 30);
        assert!(
            !everything.contains(token),
            "the token of {link} is readable in the database"
        );
    }
    assert!(everything.contains(kith::mail::outbox::REDACTED_BODY));
    // The links themselves still work for the person who got them.
    assert_eq!(
        app.browser().get(&reset_link).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.browser().get(&invitation_link).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn attack_5_wrong_passwords_from_strangers_do_not_lock_the_owner_out() {
    let app = spawn_app().await;
    let admin = app.create_user(&[Role::Admin]).await;
    let own_browser = app.browser();
    own_browser.sign_in(&admin.email, PASSWORD).await;
    own_browser.post_form("/sign-out", &[]).await;

    let stranger = app.browser();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(
            stranger
                .try_sign_in(&admin.email, "a wrong guess at it")
                .await
                .status(),
        );
    }
    assert_eq!(statuses[0], StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        statuses[10],
        StatusCode::TOO_MANY_REQUESTS,
        "the stranger is slowed down"
    );
    let res = own_browser.try_sign_in(&admin.email, PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the owner signs in from their own browser"
    );
    own_browser
        .second_factor(&admin.email, &location(&res))
        .await;
    assert_eq!(own_browser.get("/admin").await.status(), StatusCode::OK);

    // From a browser never used before (a new phone), the right password and a code pass
    // the cool-down: the password alone would get a stranger nowhere.
    let new_phone = app.browser();
    let res = new_phone.try_sign_in(&admin.email, PASSWORD).await;
    assert_eq!(location(&res), "/sign-in/code");
    assert!(
        !new_phone.is_signed_in().await,
        "not in on the password alone"
    );
    new_phone.second_factor(&admin.email, "/sign-in/code").await;
    assert_eq!(new_phone.get("/admin").await.status(), StatusCode::OK);

    let failed = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "account.sign_in_failed")
        .count();
    assert_eq!(
        failed, 11,
        "each refused guess is audited against the account, the one refused for cooling too"
    );
}

/// Signs in through a proxy that sent `forwarded` as `X-Forwarded-For`.
async fn sign_in_forwarded(
    b: &Browser,
    forwarded: &str,
    email: &str,
    password: &str,
) -> StatusCode {
    let token = b.csrf().await;
    b.client
        .post(b.url("/sign-in"))
        .header("x-forwarded-for", forwarded)
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn attack_6_forwarded_for_is_read_from_the_right() {
    let app = spawn_app_with(|s| s.trusted_proxies = 1).await;
    let user = app.create_user(&[Role::Admin]).await;
    let b = app.browser();
    let mut last = StatusCode::OK;
    for i in 0..60 {
        // The client writes what it likes on the left; the proxy appends what it saw.
        last = sign_in_forwarded(
            &b,
            &format!("10.9.{i}.1, 203.0.113.9"),
            &format!("nobody{i}@example.org"),
            "wrong wrong wrong",
        )
        .await;
    }
    assert_eq!(
        last,
        StatusCode::TOO_MANY_REQUESTS,
        "one client behind the proxy, however it signs its headers"
    );
    // Another client behind the same proxy is not affected.
    let status = sign_in_forwarded(&app.browser(), "198.51.100.4", &user.email, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn attack_7_searches_are_throttled_per_client_and_only_pages_are_logged() {
    let app = spawn_app_with(|s| s.search_requests_per_minute = 10).await;
    let b = app.browser();
    for n in 0..5 {
        assert_eq!(
            b.get(&format!("/search?q=lunch+{n}")).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            b.get(&format!("/api/v1/search?q=junk+{n}")).await.status(),
            StatusCode::OK
        );
    }
    let res = b.get("/search?q=one+more").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let body = res.text().await.unwrap();
    assert!(body.contains("please wait"), "{body}");
    let res = b.get("/api/v1/search?q=one+more").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["error"]["status"], 429);

    let logged = app.logged_searches().await;
    assert_eq!(logged.len(), 5, "the five page searches, not the API's");
    assert!(
        logged
            .iter()
            .all(|r| r.source.as_str() == "page" && r.query_text.starts_with("lunch"))
    );

    let app = spawn_app().await;
    let long = "word ".repeat(200);
    app.browser()
        .get(&format!("/search?q={}", long.replace(' ', "+")))
        .await;
    let row = app.logged_searches().await.remove(0);
    assert_eq!(
        row.query_text.chars().count(),
        kith::domain::search::log::MAX_LOGGED_QUERY_CHARS
    );
}

#[tokio::test]
async fn attack_7_a_post_without_a_form_token_is_refused_before_its_body_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    // A body of unknown length (chunked) of which only a few bytes ever come: the server must
    // answer without waiting for more.
    let head = format!(
        "POST /register HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n--x\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered without the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).to_string();
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");

    // With a token, a multipart body to a form that uploads nothing is capped like a form.
    let b = app.browser();
    let token = b.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("display_name", "x".repeat(200 * 1024));
    let res = b
        .client
        .post(b.url("/register"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn attack_7_strangers_reading_pages_write_no_session_rows() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = spawn_app().await;
    let sessions = || entity::sessions::Entity::find().count(&app.db);
    for _ in 0..5 {
        let b = app.browser();
        for path in [
            "/",
            "/register",
            "/sign-in",
            "/forgot-password",
            "/search?q=care",
        ] {
            assert_eq!(b.get(path).await.status(), StatusCode::OK, "{path}");
        }
    }
    assert_eq!(sessions().await.unwrap(), 0, "form pages cost no rows");

    // The token they were given still protects their forms, and works.
    let b = app.browser();
    let (status, _) = b
        .post_form_text("/forgot-password", &[("email", "someone@example.org")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let res = b
        .post_form_without_csrf("/forgot-password", &[("email", "someone@example.org")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Signing in is a change worth a row.
    let user = app.create_user(&[Role::BudgetHolder]).await;
    b.sign_in(&user.email, PASSWORD).await;
    assert_eq!(sessions().await.unwrap(), 1);
    assert!(b.is_signed_in().await);
}
