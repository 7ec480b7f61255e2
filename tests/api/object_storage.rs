//! Uploaded files in S3-compatible object storage, shared by several instances. Against a
//! real S3 server: `.ci/run` starts one and sets `TEST_S3_ENDPOINT`, `TEST_S3_BUCKET`,
//! `TEST_S3_ACCESS_KEY` and `TEST_S3_SECRET_KEY` (and `KITH_REQUIRE_S3=1`, so that a missing
//! server fails instead of skipping). Without them these tests say so and do nothing.

use reqwest::StatusCode;
use sea_orm::EntityTrait;

use crate::helpers::instance::{ADMIN, Instance, create_admin, give_a_logo, lunch_clubs};
use crate::helpers::{Browser, png_bytes, spawn_app_with};
use kith::auth::roles::Role;
use kith::config::Settings;

/// The S3 server's settings, with a prefix of the test's own; `None` (after saying so) when
/// there is no server to test against.
fn s3() -> Option<[(&'static str, String); 6]> {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        assert!(
            std::env::var("KITH_REQUIRE_S3").is_err(),
            "KITH_REQUIRE_S3 is set but TEST_S3_ENDPOINT is not"
        );
        eprintln!("no S3 server (TEST_S3_ENDPOINT): object storage not tested");
        return None;
    };
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let prefix = format!(
        "test-{}",
        kith::domain::tokens::sha256_hex(&uuid::Uuid::new_v4().to_string())[..12].to_owned()
    );
    Some([
        ("FILE_STORE", "s3".to_owned()),
        ("S3_ENDPOINT", endpoint),
        ("S3_BUCKET", var("TEST_S3_BUCKET")),
        ("S3_PREFIX", prefix),
        ("S3_ACCESS_KEY_ID", var("TEST_S3_ACCESS_KEY")),
        ("S3_SECRET_ACCESS_KEY", var("TEST_S3_SECRET_KEY")),
    ])
}

fn apply(settings: &mut Settings, s3: &[(&str, String); 6]) {
    for (key, value) in s3 {
        let value = value.clone();
        match *key {
            "FILE_STORE" => settings.file_store = value,
            "S3_ENDPOINT" => settings.s3_endpoint = value,
            "S3_BUCKET" => settings.s3_bucket = value,
            "S3_PREFIX" => settings.s3_prefix = value,
            "S3_ACCESS_KEY_ID" => settings.s3_access_key_id = value,
            _ => settings.s3_secret_access_key = value,
        }
    }
}

#[tokio::test]
async fn a_file_uploaded_through_one_instance_is_served_by_the_other() {
    let Some(s3) = s3() else { return };
    let app = spawn_app_with(|s| apply(s, &s3)).await;
    let other = app.second_process().await;
    let elsewhere = Browser::at(&other.address);

    let (provider, _) = app.signed_in_as(Role::Provider).await;
    let id = provider
        .create_organisation("Shared Pictures", "micro_enterprise")
        .await;
    let res = provider
        .upload_logo(id, png_bytes(900, 600), "Our logo")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let org = entity::provider_organisations::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let logo = org.logo_file.unwrap();
    let here = app.browser().get(&format!("/media/{logo}")).await;
    assert_eq!(here.status(), StatusCode::OK);
    let here = here.bytes().await.unwrap();
    let there = elsewhere.get(&format!("/media/{logo}")).await;
    assert_eq!(
        there.status(),
        StatusCode::OK,
        "served by the other instance"
    );
    assert_eq!(there.bytes().await.unwrap(), here);
    // Neither instance keeps it on its own disk.
    let local = kith::file_store::local_path(
        &app.settings().data_dir,
        &kith::stored_files::FileRef::new(kith::stored_files::Store::Media, &logo),
    )
    .unwrap();
    assert!(
        !local.exists(),
        "the file is in the bucket, not the data directory"
    );

    // An evidence document: private, read through the other instance by the owner.
    let res = provider
        .post_file(
            &format!("/provider/organisations/{id}/evidence/files"),
            "document",
            ("dbs.pdf", b"%PDF-1.7 a DBS certificate".to_vec()),
            &[("document_kind", "dbs")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let file = entity::provider_evidence_files::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let owner_elsewhere = Browser {
        client: provider.client.clone(),
        address: other.address.clone(),
    };
    let res = owner_elsewhere
        .get(&format!("/evidence-files/{}", file.id))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        b"%PDF-1.7 a DBS certificate"
    );
    // The bucket itself answers nobody without the keys.
    let bucket_url = format!(
        "{}/{}/{}/private/{}/{}",
        s3[1].1.trim_end_matches('/'),
        s3[2].1,
        s3[3].1,
        &file.stored_name[..2],
        file.stored_name
    );
    let res = reqwest::get(&bucket_url).await.unwrap();
    assert!(
        res.status().is_client_error(),
        "{bucket_url}: {}",
        res.status()
    );

    // The store's check sees the bucket: every file there, nothing missing.
    let files = kith::file_store::Files::from_settings(&app.settings()).unwrap();
    let report = kith::stored_files::check(&app.db, &files, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert!(report.missing.is_empty(), "{:?}", report.missing);
    assert_eq!(report.kept, 3, "logo, thumbnail and document");
}

#[tokio::test]
async fn files_migrate_copies_the_data_directory_into_the_bucket() {
    let Some(s3) = s3() else { return };
    let instance = Instance::new().await;
    create_admin(&instance);
    let out = instance
        .kith()
        .args(["import", "csv", "--approve", "--by", ADMIN])
        .arg(lunch_clubs(instance.path(), 3))
        .output()
        .unwrap();
    assert!(out.status.success());
    let db = instance.db().await;
    let logo = give_a_logo(&instance, &db, png_bytes(900, 600)).await;

    let with_s3 = |command: &mut std::process::Command| {
        for (key, value) in &s3[1..] {
            command.env(format!("KITH_{key}"), value);
        }
    };
    let mut migrate = instance.kith();
    migrate.args(["files", "migrate", "--to", "s3"]);
    with_s3(&mut migrate);
    let out = migrate.output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("2 files copied"), "{said}");
    // Again: nothing to copy.
    let mut again = instance.kith();
    again.args(["files", "migrate", "--to", "s3"]);
    with_s3(&mut again);
    let said = String::from_utf8_lossy(&again.output().unwrap().stdout).into_owned();
    assert!(
        said.contains("0 files copied") && said.contains("2 there already"),
        "{said}"
    );

    // A server on the bucket, with the data directory's copies gone, serves the logo.
    std::fs::remove_dir_all(instance.path().join("media")).unwrap();
    let env: Vec<(String, String)> = s3
        .iter()
        .map(|(k, v)| (format!("KITH_{k}"), v.clone()))
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (mut server, browser) = instance.start(&env).await;
    let res = browser
        .get(&format!("/media/{}", logo.image.file_name()))
        .await;
    let status = res.status();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_instance_whose_bucket_refuses_it_is_not_ready() {
    let Some(mut s3) = s3() else { return };
    let app = spawn_app_with(|s| apply(s, &s3)).await;
    let (status, said) = app.browser().get_text("/ready").await;
    assert_eq!(status, StatusCode::OK, "{said}");
    assert!(said.contains(r#""files":"ok""#), "{said}");

    // A wrong secret (a mistyped setting, a rotated key): the proxy must not send people
    // here to upload photos that cannot be kept.
    s3[5].1 = "not-the-secret".to_owned();
    let env: Vec<(String, String)> = s3
        .iter()
        .map(|(k, v)| (format!("KITH_{k}"), v.clone()))
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let instance = Instance::new().await;
    let (_server, wrong) = instance.start(&env).await;
    let (status, said) = wrong.get_text("/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{said}");
    assert!(said.contains(r#""files":"unreachable""#), "{said}");
}
