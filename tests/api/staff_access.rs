//! Staff access as an attacker tries it (issue 18): invitation takeover, unconfirmed
//! accounts reaching other people, and the other numbered attacks, each through HTTP.

use kith::auth::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{Browser, PASSWORD, TestApp, location, spawn_app};

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

/// The invitee follows the link, finds the unconfirmed account treated as new, and
/// chooses their own name and password.
async fn accept_as_new(app: &TestApp, link: &str) -> Browser {
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
    assert_eq!(location(&res), "/account");
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

    let invitee = accept_as_new(&app, &link).await;
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
    assert_eq!(location(&res), "/account");
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

    let invitee = accept_as_new(&app, &link).await;
    assert_squatter_shut_out(&app, &attacker, victim).await;
    let path = format!("/provider/organisations/{id}");
    assert_eq!(
        attacker.get(&path).await.status(),
        StatusCode::SEE_OTHER,
        "the squatter cannot open the organisation"
    );
    assert_eq!(invitee.get(&path).await.status(), StatusCode::OK);
}
