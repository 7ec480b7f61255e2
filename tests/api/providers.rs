//! Provider organisations: setting one up, the profile, members, the logo, the public page,
//! and that no provider touches another's organisation.

use entity::provider_organisations;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sea_orm::EntityTrait;

use crate::helpers::{PASSWORD, bomb_png, png_bytes, spawn_app};

#[tokio::test]
async fn a_provider_sets_up_an_organisation_and_fills_in_its_profile() {
    let app = spawn_app().await;
    let (b, _) = app.signed_in_as(Role::Provider).await;
    let (status, body) = b
        .post_form_text(
            "/provider/organisations",
            &[("name", " "), ("kind", "pirate")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Enter the name people will know you by")
            && body.contains("Select what kind of provider you are")
    );
    let (status, body) = b
        .post_form_text(
            "/provider/organisations",
            &[("name", "Care Co"), ("kind", "registered_care_provider")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter the CQC provider ID"));

    let id = b
        .create_organisation("Sale Moor Helpers", "micro_enterprise")
        .await;
    let (status, body) = b.get_text("/provider").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Sale Moor Helpers") && body.contains("Not yet submitted"));
    let (_, account) = b.get_text("/account").await;
    assert!(
        account.contains(&format!("href=\"/provider/organisations/{id}\"")),
        "the account page links the organisation"
    );

    let path = format!("/provider/organisations/{id}");
    let (status, body) = b
        .post_form_text(
            &path,
            &[
                ("contact_email", "nope"),
                ("website", "javascript:alert(1)"),
                ("areas_served", "Trafford"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Enter an email address in the correct format")
            && body.contains("Enter a website address")
            && body.contains("Enter postcode districts")
    );
    assert!(
        body.contains("value=\"javascript:alert(1)\""),
        "what was typed is shown again"
    );

    let res = b
        .post_form(
            &path,
            &[
                (
                    "description",
                    "We help with shopping,\ncleaning and getting out.",
                ),
                ("contact_phone", "0161 496 0000"),
                ("website", "https://helpers.example.org"),
                ("address", "1 High Street"),
                ("postcode", "m33 7aa"),
                ("areas_served", "m33, m32"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let org = provider_organisations::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.postcode.as_deref(), Some("M33 7AA"));
    assert_eq!(org.areas_served.as_deref(), Some("M33, M32"));
    assert!(
        app.audit_actions()
            .await
            .contains(&"organisation.profile_updated".to_owned())
    );

    assert_eq!(
        app.browser()
            .get(&format!("/providers/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "not public until approved"
    );
    app.approve_organisation(id).await;
    let (status, body) = app.browser().get_text(&format!("/providers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Sale Moor Helpers")
            && body.contains("0161 496 0000")
            && body.contains("1 High Street")
            && body.contains("M33, M32")
    );
}

#[tokio::test]
async fn a_personal_assistants_home_address_is_never_public() {
    let app = spawn_app().await;
    let (b, _) = app.signed_in_as(Role::Provider).await;
    let id = b
        .create_organisation("Kasia Nowak", "personal_assistant")
        .await;
    let res = b
        .post_form(
            &format!("/provider/organisations/{id}"),
            &[
                ("contact_email", "kasia@example.org"),
                ("address", "12 Private Road"),
                ("postcode", "M16 0RA"),
                ("areas_served", "M16"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.approve_organisation(id).await;
    let (_, own) = b.get_text(&format!("/provider/organisations/{id}")).await;
    assert!(
        own.contains("12 Private Road"),
        "the PA sees it on their own page"
    );
    for path in [format!("/providers/{id}"), "/".to_owned()] {
        let (status, body) = app.browser().get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !body.contains("12 Private Road") && !body.contains("M16 0RA"),
            "{path} leaks the home address"
        );
    }
    let (_, body) = app.browser().get_text(&format!("/providers/{id}")).await;
    assert!(body.contains("kasia@example.org") && body.contains("M16"));
}

#[tokio::test]
async fn no_provider_sees_or_changes_another_providers_organisation() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let id = owner
        .create_organisation("Mine Ltd", "social_enterprise")
        .await;
    let (other, _) = app.signed_in_as(Role::Provider).await;
    let audit_before = app.audit_count().await;
    let path = format!("/provider/organisations/{id}");
    let (status, body) = other.get_text(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Mine Ltd"));
    assert_eq!(
        other
            .post_form(&path, &[("contact_email", "x@example.org")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post_form(
                &format!("{path}/members"),
                &[("email", "friend@example.org")]
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        owner.upload_logo(id, png_bytes(10, 10), "x").await.status(),
        StatusCode::SEE_OTHER,
        "the owner may"
    );
    let audit_after_owner = app.audit_count().await;
    let token = other.csrf().await;
    let form = Form::new()
        .text("csrf_token", token)
        .part("logo", Part::bytes(png_bytes(10, 10)).file_name("x.png"))
        .text("logo_alt", "x");
    let res = other
        .client
        .post(other.url(&format!("{path}/logo")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count().await, audit_after_owner);
    assert!(audit_after_owner > audit_before);
    let org = provider_organisations::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.contact_email, None);
    let (status, _) = other.get_text("/provider/organisations/not-a-number").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_owner_invites_members_who_can_edit_but_not_invite() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let id = owner
        .create_organisation("Team Care", "voluntary_group")
        .await;
    let path = format!("/provider/organisations/{id}");
    let (status, body) = owner
        .post_form_text(&format!("{path}/members"), &[("email", "bad")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter an email address in the correct format"));
    let res = owner
        .post_form(
            &format!("{path}/members"),
            &[("email", "colleague@example.org")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app.wait_for_mail("colleague@example.org", "invited").await;
    assert!(mail.text.contains("Team Care"));
    let link = app.link_in(&mail, "/invitations/");
    let colleague = app.browser();
    let res = colleague
        .post_form(
            &link,
            &[
                ("display_name", "Col League"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, body) = colleague.get_text("/provider").await;
    assert_eq!(status, StatusCode::OK, "the member is a provider now");
    assert!(body.contains("Team Care") && body.contains("Member"));
    let res = colleague
        .post_form(&path, &[("contact_phone", "0161 496 0001")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "members edit the profile"
    );
    let res = colleague
        .post_form(
            &format!("{path}/members"),
            &[("email", "third@example.org")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "only the owner invites"
    );
    let (status, body) = owner
        .post_form_text(
            &format!("{path}/members"),
            &[("email", "colleague@example.org")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("already a member"));
    let (_, body) = owner.get_text(&path).await;
    assert!(body.contains("Col League"));
}

#[tokio::test]
async fn logos_are_checked_cleaned_and_served() {
    let app = spawn_app().await;
    let (b, _) = app.signed_in_as(Role::Provider).await;
    let id = b
        .create_organisation("Picture Perfect", "micro_enterprise")
        .await;

    let res = b.upload_logo(id, png_bytes(800, 600), "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Describe the picture"));
    let res = b
        .upload_logo(
            id,
            b"%PDF-1.7 definitely not a picture".to_vec(),
            "A document",
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("must be a JPEG, PNG or WebP file")
    );
    let res = b.upload_logo(id, bomb_png(), "A bomb").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("The picture is too big"));
    let mut truncated = png_bytes(100, 100);
    truncated.truncate(80);
    let res = b.upload_logo(id, truncated, "Broken").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("could not be read"));
    let res = b.upload_logo(id, vec![0u8; 13 * 1024 * 1024], "Huge").await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let org = provider_organisations::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.logo_file, None, "nothing stored by refused uploads");

    let res = b
        .upload_logo(id, png_bytes(3000, 1500), "Our team at the summer fair")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let org = provider_organisations::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let file = org.logo_file.unwrap();
    let res = app.browser().get(&format!("/media/{file}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("content-type").unwrap(), "image/jpeg");
    assert!(
        res.headers()
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let stored = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(
        (stored.width(), stored.height()),
        (1600, 800),
        "scaled to fit"
    );
    let (_, page) = b.get_text(&format!("/provider/organisations/{id}")).await;
    assert!(page.contains("alt=\"Our team at the summer fair\""));
    for bad in [
        "/media/..%2F..%2Fkith.db",
        "/media/abc.jpg",
        "/media/session.key",
    ] {
        assert_eq!(
            app.browser().get(bad).await.status(),
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
}
