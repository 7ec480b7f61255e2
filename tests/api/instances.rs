//! Several instances behind nginx on one PostgreSQL database and one S3 bucket, as a
//! council runs Kith: the documented proxy configuration (`deploy/nginx.conf`) in front of
//! two real `kith serve` processes. Needs PostgreSQL (`TEST_DATABASE_URL`), nginx and an
//! S3 server (see `object_storage.rs`); `.ci/run` provides all three and sets
//! `KITH_REQUIRE_NGINX=1`. Elsewhere the test says what is missing and does nothing.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::helpers::instance::{
    ADMIN, ADMIN_PASSWORD, Instance, Server, create_admin, lunch_clubs,
};
use crate::helpers::{Browser, csrf_in, free_port, png_bytes, wait_until_ready};

fn nginx_binary() -> Option<String> {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_owned)
}

/// nginx on `port` with the documented configuration, in front of `upstreams`.
async fn nginx(dir: &std::path::Path, port: u16, upstreams: [u16; 2]) -> Server {
    let documented = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf"),
    )
    .unwrap();
    let site = documented
        .replace("127.0.0.1:8081", &format!("127.0.0.1:{}", upstreams[0]))
        .replace("127.0.0.1:8082", &format!("127.0.0.1:{}", upstreams[1]))
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace(
            "/var/cache/nginx/kith",
            &dir.join("cache").display().to_string(),
        );
    assert_ne!(
        site, documented,
        "the documented file has the expected placeholders"
    );
    let temp = dir.join("temp");
    std::fs::create_dir_all(&temp).unwrap();
    let conf = format!(
        "worker_processes 1;\nerror_log {dir}/error.log;\npid {dir}/nginx.pid;\nevents {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {t};\n  proxy_temp_path {t};\n  fastcgi_temp_path {t};\n  uwsgi_temp_path {t};\n  scgi_temp_path {t};\n{site}\n}}\n",
        dir = dir.display(),
        t = temp.display(),
    );
    let file = dir.join("nginx.conf");
    std::fs::write(&file, conf).unwrap();
    let test = Command::new(nginx_binary().unwrap())
        .args(["-t", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&test.stderr)
    );
    let child = Command::new(nginx_binary().unwrap())
        .args(["-g", "daemon off;", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = Server(child);
    let proxy = Browser::at(&format!("http://127.0.0.1:{port}"));
    for _ in 0..100 {
        if proxy.client.get(proxy.url("/health")).send().await.is_ok() {
            return running;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nginx did not start");
}

/// Mail an instance wrote (its data directory's `mail/`) with `subject`.
fn mails(dir: &std::path::Path, subject: &str) -> usize {
    std::fs::read_dir(dir.join("mail"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    std::fs::read_to_string(e.path()).is_ok_and(|text| text.contains(subject))
                })
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn two_instances_behind_nginx_on_one_database_act_as_one() {
    let a = Instance::new().await;
    let missing = [
        (!a.on_postgres()).then_some("PostgreSQL (TEST_DATABASE_URL)"),
        nginx_binary().is_none().then_some("nginx"),
        std::env::var("TEST_S3_ENDPOINT")
            .is_err()
            .then_some("an S3 server (TEST_S3_ENDPOINT)"),
    ];
    let missing: Vec<&str> = missing.into_iter().flatten().collect();
    if !missing.is_empty() {
        assert!(
            std::env::var("KITH_REQUIRE_NGINX").is_err(),
            "KITH_REQUIRE_NGINX is set but this is missing: {missing:?}"
        );
        eprintln!("several instances not tested: no {}", missing.join(", no "));
        return;
    }
    let b = a.sharing_database();
    create_admin(&a);
    // One listing waiting for the council, from an organisation with an owner.
    let out = a
        .kith()
        .args(["import", "csv"])
        .arg(lunch_clubs(a.path(), 1))
        .output()
        .unwrap();
    assert!(out.status.success());
    let db = a.db().await;
    let org = entity::provider_organisations::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let owner_email = "owner@kitchen.example";
    let owner_password = "the kitchen's own passphrase";
    let owner = kith::domain::accounts::create_verified_account(
        &db,
        &kith::domain::audit::Actor::system(),
        kith::domain::councils::first(&db).await.unwrap(),
        &kith::domain::accounts::email_address::EmailAddress::parse(owner_email).unwrap(),
        &kith::domain::accounts::display_name::DisplayName::parse("Owner").unwrap(),
        kith::domain::accounts::password_hash::hash(owner_password).unwrap(),
    )
    .await
    .unwrap();
    entity::user_roles::Entity::insert(entity::user_roles::ActiveModel {
        user_id: Set(owner),
        council_id: Set(kith::domain::councils::first(&db).await.unwrap()),
        role: Set(entity::user_roles::Role::Provider),
        granted_by: Set(None),
        granted_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(&db)
    .await
    .unwrap();
    entity::provider_members::Entity::insert(entity::provider_members::ActiveModel {
        organisation_id: Set(org.id),
        user_id: Set(owner),
        member_role: Set(entity::provider_members::MemberRole::Owner),
        created_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(&db)
    .await
    .unwrap();
    let listing = entity::listings::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();

    // Both instances: one session key, one bucket, one trusted proxy.
    let key = kith::domain::tokens::sha256_hex("a") + &kith::domain::tokens::sha256_hex("b");
    let prefix = format!("several-{}", std::process::id());
    let mut env: Vec<(String, String)> = vec![
        ("KITH_SESSION_KEY".into(), key),
        ("KITH_TRUSTED_PROXIES".into(), "1".into()),
        ("KITH_FILE_STORE".into(), "s3".into()),
        ("KITH_S3_PREFIX".into(), prefix),
        ("KITH_MAIL_CLAIM_SECONDS".into(), "60".into()),
        (
            "KITH_METRICS_TOKEN".into(),
            crate::helpers::METRICS_TOKEN.into(),
        ),
    ];
    for (name, var) in [
        ("KITH_S3_ENDPOINT", "TEST_S3_ENDPOINT"),
        ("KITH_S3_BUCKET", "TEST_S3_BUCKET"),
        ("KITH_S3_ACCESS_KEY_ID", "TEST_S3_ACCESS_KEY"),
        ("KITH_S3_SECRET_ACCESS_KEY", "TEST_S3_SECRET_KEY"),
    ] {
        env.push((name.into(), std::env::var(var).unwrap()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (server_a, direct_a) = a.start(&env).await;
    let (_server_b, direct_b) = b.start(&env).await;
    wait_until_ready(&direct_a.address).await;
    wait_until_ready(&direct_b.address).await;
    let proxy_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let ports = [direct_a.address.clone(), direct_b.address.clone()]
        .map(|address| address.rsplit(':').next().unwrap().parse().unwrap());
    let _nginx = nginx(proxy_dir.path(), port, ports).await;
    let proxy = Browser::at(&format!("http://127.0.0.1:{port}"));

    // The metrics are scraped on each instance's own address, never through the proxy,
    // whatever council's prefix is put in front.
    let scrape = |address: &str, path: &str| {
        proxy
            .client
            .get(format!("{address}{path}"))
            .bearer_auth(crate::helpers::METRICS_TOKEN)
            .send()
    };
    let res = scrape(&direct_a.address, "/metrics").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "scraped on its own address");
    for path in ["/metrics", "/c/trafford/metrics"] {
        let res = scrape(&proxy.address, path).await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "{path} through the proxy"
        );
    }

    // A session made through the proxy holds on both instances.
    proxy.sign_in(ADMIN, ADMIN_PASSWORD).await;
    for direct in [&direct_a, &direct_b] {
        let same = Browser {
            client: proxy.client.clone(),
            address: direct.address.clone(),
        };
        assert!(same.is_signed_in().await, "signed in on {}", direct.address);
    }

    // A listing approved through one instance is found through the other within a second.
    let admin_on_a = Browser {
        client: proxy.client.clone(),
        address: direct_a.address.clone(),
    };
    let (_, page) = admin_on_a.get_text("/forgot-password").await;
    let mut fields = vec![
        ("csrf_token".to_owned(), csrf_in(&page)),
        ("decision".to_owned(), "approve".to_owned()),
        ("message".to_owned(), String::new()),
    ];
    for (item, _) in kith::domain::listings::approval::CHECKLIST {
        fields.push(("checklist".to_owned(), (*item).to_owned()));
    }
    let res = admin_on_a
        .client
        .post(admin_on_a.url(&format!("/admin/listings/{}/decision", listing.id)))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let approved = Instant::now();
    loop {
        let (_, found) = direct_b.get_text("/api/v1/search?q=lunch").await;
        if found.contains("\"total\":1") {
            break;
        }
        assert!(
            approved.elapsed() < Duration::from_secs(1),
            "not found through the other instance within a second: {found}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A logo uploaded through one instance is served by the other.
    let owner_on_b = Browser::at(&direct_b.address);
    owner_on_b.sign_in(owner_email, owner_password).await;
    let res = owner_on_b
        .upload_logo(org.id.0, png_bytes(900, 600), "The kitchen's logo")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let logo = entity::provider_organisations::Entity::find_by_id(org.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .logo_file
        .unwrap();
    let res = direct_a.get(&format!("/media/{logo}")).await;
    assert_eq!(res.status(), StatusCode::OK, "the other instance serves it");

    // Wrong passwords count across both instances: the eleventh guess is refused.
    let guesser = Browser::at(&proxy.address);
    let limit = kith::auth::rate_limit::SIGN_IN_PER_ACCOUNT.max_attempts;
    for i in 0..limit {
        let res = guesser.try_sign_in(owner_email, "a wrong guess").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "guess {i}");
    }
    for direct in [&direct_a, &direct_b] {
        let res = Browser::at(&direct.address)
            .try_sign_in(owner_email, "a wrong guess")
            .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    // One message, two mail senders: sent once.
    let res = Browser::at(&proxy.address)
        .post_form("/forgot-password", &[("email", ADMIN)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let subject = "Reset your Kith password";
    let sent = Instant::now();
    while mails(a.path(), subject) + mails(b.path(), subject) == 0 {
        assert!(
            sent.elapsed() < Duration::from_secs(15),
            "the reset was never sent"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both senders have passed over the outbox since (they wake every five seconds).
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(mails(a.path(), subject) + mails(b.path(), subject), 1);

    // One instance killed: the proxy goes on answering from the other.
    drop(server_a);
    for i in 0..10 {
        let res = proxy.get("/search?q=lunch").await;
        assert_eq!(res.status(), StatusCode::OK, "request {i} after the kill");
    }
    assert!(proxy.is_signed_in().await, "still signed in");
}
