//! Evidence documents: a provider uploads them, only their organisation and admins can open
//! them, anything but a PDF, JPEG or PNG is refused, and removals are audited.

use kith::auth::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{Browser, location, png_bytes, spawn_app};

const PDF: &[u8] = b"%PDF-1.4\n% a DBS certificate\n";

async fn upload(
    b: &Browser,
    org: i64,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    b.post_file(
        &format!("/provider/organisations/{org}/evidence/files"),
        "document",
        (name, bytes),
        &[("document_kind", kind)],
    )
    .await
}

fn file_id_in(page: &str) -> i64 {
    page.split("href=\"/evidence-files/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|id| id.parse().ok())
        .expect("a document link")
}

#[tokio::test]
async fn evidence_documents_are_private_to_the_provider_and_admins() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let org = owner
        .create_organisation("Kasia Nowak", "personal_assistant")
        .await;
    let res = upload(&owner, org, "dbs", "../DBS certificate.pdf", PDF.to_vec()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).ends_with("/evidence#documents"));
    let (_, page) = owner
        .get_text(&format!("/provider/organisations/{org}/evidence"))
        .await;
    assert!(page.contains("DBS certificate.pdf"));
    let id = file_id_in(&page);

    let res = owner.get(&format!("/evidence-files/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"DBS_certificate.pdf\"")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    let (admin, _) = app.signed_in_as(Role::Admin).await;
    assert_eq!(
        admin.get(&format!("/evidence-files/{id}")).await.status(),
        StatusCode::OK
    );
    let (_, review) = admin.get_text(&format!("/admin/providers/{org}")).await;
    assert!(review.contains(&format!("/evidence-files/{id}")));

    for role in [
        Role::Provider,
        Role::BudgetHolder,
        Role::Broker,
        Role::QualityChecker,
    ] {
        let (other, _) = app.signed_in_as(role).await;
        let (status, body) = other.get_text(&format!("/evidence-files/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{role:?}");
        assert!(!body.contains("DBS certificate"));
    }
    let res = app.browser().get(&format!("/evidence-files/{id}")).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "signed out: sign in first"
    );
    assert!(location(&res).starts_with("/sign-in"));

    // Only members remove documents.
    let (stranger, _) = app.signed_in_as(Role::Provider).await;
    let res = stranger
        .post_form(&format!("/evidence-files/{id}/remove"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = owner
        .post_form(&format!("/evidence-files/{id}/remove"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        owner.get(&format!("/evidence-files/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"evidence_file.added".to_owned()));
    assert!(actions.contains(&"evidence_file.removed".to_owned()));
}

#[tokio::test]
async fn only_pdf_jpeg_and_png_documents_are_accepted() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let org = owner
        .create_organisation("Helpers", "micro_enterprise")
        .await;
    for (kind, name, bytes, message) in [
        (
            "insurance",
            "policy.exe",
            b"MZ\x90\x00rest".to_vec(),
            "must be a PDF, JPEG or PNG",
        ),
        ("insurance", "policy.pdf", Vec::new(), "Choose a file"),
        (
            "nonsense",
            "policy.pdf",
            PDF.to_vec(),
            "Select what the document is for",
        ),
    ] {
        let res = upload(&owner, org, kind, name, bytes).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(res.text().await.unwrap().contains(message), "{message}");
    }
    let res = upload(
        &owner,
        org,
        "insurance",
        "huge.pdf",
        vec![b'%'; 12 * 1024 * 1024],
    )
    .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let res = upload(
        &owner,
        org,
        "training",
        "certificate.png",
        png_bytes(20, 20),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = owner
        .get_text(&format!("/provider/organisations/{org}/evidence"))
        .await;
    assert!(page.contains("certificate.png"));
}

#[tokio::test]
async fn every_download_of_an_evidence_document_is_audited() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let org = owner
        .create_organisation("Kasia Nowak", "personal_assistant")
        .await;
    upload(&owner, org, "dbs", "dbs.pdf", PDF.to_vec()).await;
    let (_, page) = owner
        .get_text(&format!("/provider/organisations/{org}/evidence"))
        .await;
    let id = file_id_in(&page);
    let downloads = || async {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::audit_log::Entity::find()
            .filter(entity::audit_log::Column::Action.eq("evidence_file.downloaded"))
            .all(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(
        owner.get(&format!("/evidence-files/{id}")).await.status(),
        StatusCode::OK
    );
    let (admin, admin_user) = app.signed_in_as(Role::Admin).await;
    assert_eq!(
        admin.get(&format!("/evidence-files/{id}")).await.status(),
        StatusCode::OK
    );
    let (stranger, _) = app.signed_in_as(Role::Provider).await;
    assert_ne!(
        stranger
            .get(&format!("/evidence-files/{id}"))
            .await
            .status(),
        StatusCode::OK
    );
    let rows = downloads().await;
    assert_eq!(
        rows.len(),
        2,
        "the owner's and the admin's, not the refused one"
    );
    assert_eq!(rows[1].actor_user_id, Some(admin_user.id));
    assert_eq!(rows[1].subject_id, id.to_string());
}
