//! Admin: accounts and roles, disabling, staff invitations, the audit log.

use entity::audit_log;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};

use crate::helpers::{PASSWORD, location, spawn_app};

#[tokio::test]
async fn admins_find_accounts_by_text_and_role() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let checker = app.create_user(&[Role::QualityChecker]).await;
    let provider = app.create_user(&[Role::Provider]).await;
    let (status, body) = admin.get_text("/admin/users?role=quality_checker").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&checker.email) && !body.contains(&provider.email));
    let (_, body) = admin
        .get_text(&format!("/admin/users?q={}", &provider.email[..8]))
        .await;
    assert!(body.contains(&provider.email) && !body.contains(&checker.email));
    let (status, _) = admin
        .get_text("/admin/users?role=nonsense&page=-4&q=%00%27%3B--")
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "odd filters are ignored, not errors"
    );
}

#[tokio::test]
async fn roles_are_granted_and_revoked_with_an_audit_trail() {
    let app = spawn_app().await;
    let (admin, admin_user) = app.signed_in_as(Role::Admin).await;
    let user = app.create_user(&[Role::BudgetHolder]).await;
    let res = admin
        .post_form(
            &format!("/admin/users/{}/roles", user.id),
            &[("role", "broker")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let b = app.browser();
    b.sign_in(&user.email, PASSWORD).await;
    let me: serde_json::Value = b.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["roles"], serde_json::json!(["budget_holder", "broker"]));

    let res = admin
        .post_form(
            &format!("/admin/users/{}/roles/revoke", user.id),
            &[("role", "budget_holder")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let me: serde_json::Value = b.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(
        me["roles"],
        serde_json::json!(["broker"]),
        "takes effect on the next request"
    );

    let (status, body) = admin
        .post_form_text(
            &format!("/admin/users/{}/roles/revoke", admin_user.id),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("You cannot remove your own administrator role"));
    let (status, _) = admin
        .post_form_text(
            &format!("/admin/users/{}/roles", user.id),
            &[("role", "superuser")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = admin
        .post_form_text("/admin/users/999999/roles", &[("role", "broker")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, body) = admin.get_text(&format!("/admin/users/{}", user.id)).await;
    assert!(
        body.contains("Role: granted") && body.contains("Role: revoked"),
        "history on the account page"
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"role.granted".to_owned())
            && actions.contains(&"role.revoked".to_owned())
    );
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_and_cannot_sign_in() {
    let app = spawn_app().await;
    let (admin, admin_user) = app.signed_in_as(Role::Admin).await;
    let (b, user) = app.signed_in_as(Role::Provider).await;
    let (status, body) = admin
        .post_form_text(
            &format!("/admin/users/{}/status", user.id),
            &[("action", "disable"), ("reason", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter a reason"));
    assert!(b.is_signed_in().await);
    let res = admin
        .post_form(
            &format!("/admin/users/{}/status", user.id),
            &[("action", "disable"), ("reason", "Left the organisation")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!b.is_signed_in().await);
    let (status, _) = app
        .browser()
        .post_form_text(
            "/sign-in",
            &[("email", &user.email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = admin
        .post_form_text(
            &format!("/admin/users/{}/status", admin_user.id),
            &[("action", "disable"), ("reason", "oops")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("You cannot disable your own account"));
    admin
        .post_form(
            &format!("/admin/users/{}/status", user.id),
            &[("action", "enable")],
        )
        .await;
    app.browser().sign_in(&user.email, PASSWORD).await;
}

#[tokio::test]
async fn staff_invitations_create_an_account_with_the_role_once() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (status, body) = admin
        .post_form_text(
            "/admin/invitations",
            &[
                ("email", "new.checker@example.org"),
                ("role", "budget_holder"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "self-service roles are not invited"
    );
    assert!(body.contains("Select the role to invite them to"));
    let res = admin
        .post_form(
            "/admin/invitations",
            &[
                ("email", "New.Checker@example.org"),
                ("role", "quality_checker"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = admin.get_text("/admin/invitations").await;
    assert!(body.contains("new.checker@example.org") && body.contains("Invitation sent"));

    let mail = app
        .wait_for_mail("new.checker@example.org", "invited to Kith")
        .await;
    let link = app.link_in(&mail, "/invitations/");
    let b = app.browser();
    let (status, body) = b.get_text(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("quality checker"));
    let (status, body) = b
        .post_form_text(
            &link,
            &[
                ("display_name", ""),
                ("password", "x"),
                ("password_confirm", "x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter your name"));
    let res = b
        .post_form(
            &link,
            &[
                ("display_name", "Nia Checker"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        "/sign-in/set-up",
        "a staff role starts with setting up the second factor"
    );
    assert_eq!(
        b.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "not signed in before it is set up"
    );
    let next = b
        .second_factor("new.checker@example.org", "/sign-in/set-up")
        .await;
    assert_eq!(next, "/", "to their home page");
    let me: serde_json::Value = b.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["roles"], serde_json::json!(["quality_checker"]));
    assert_eq!(me["email_verified"], serde_json::json!(true));
    let (status, _) = app.browser().get_text(&link).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an invitation works once");
    assert!(
        app.audit_actions()
            .await
            .contains(&"invitation.accepted".to_owned())
    );
}

#[tokio::test]
async fn an_invitation_adds_the_role_to_an_existing_account() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let existing = app.create_user(&[Role::BudgetHolder]).await;
    admin
        .post_form(
            "/admin/invitations",
            &[("email", &existing.email), ("role", "broker")],
        )
        .await;
    let mail = app.wait_for_mail(&existing.email, "invited").await;
    let link = app.link_in(&mail, "/invitations/");
    let b = app.browser();
    let (_, body) = b.get_text(&link).await;
    assert!(body.contains("already a Kith account") && body.contains("Sign in to accept"));
    let (status, _) = b.post_form_text(&link, &[]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the account itself accepts"
    );
    b.sign_in(&existing.email, PASSWORD).await;
    let me: serde_json::Value = b.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["roles"], serde_json::json!(["budget_holder"]));
    let res = b.post_form(&link, &[]).await;
    assert_eq!(location(&res), "/sign-in/set-up");
    b.second_factor(&existing.email, "/sign-in/set-up").await;
    let me: serde_json::Value = b.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["roles"], serde_json::json!(["budget_holder", "broker"]));
}

#[tokio::test]
async fn the_audit_log_is_filterable_and_cannot_be_rewritten() {
    let app = spawn_app().await;
    let (admin, admin_user) = app.signed_in_as(Role::Admin).await;
    let user = app.create_user(&[]).await;
    admin
        .post_form(
            &format!("/admin/users/{}/roles", user.id),
            &[("role", "commissioner")],
        )
        .await;
    let (status, body) = admin
        .get_text(&format!(
            "/admin/audit?action=role.&actor={}",
            admin_user.id
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    // Readable: what happened in words, who by name, the record linked.
    assert!(
        body.contains("Role: granted") && body.contains("commissioner"),
        "{body}"
    );
    assert!(!body.contains("Account: created"));
    assert!(body.contains(&format!(
        "by <a class=\"govuk-link\" href=\"/admin/users/{}\">Test Person</a>",
        admin_user.id
    )));
    assert!(body.contains(&format!(
        "<a class=\"govuk-link\" href=\"/admin/users/{}\">Test Person (account {})</a>",
        user.id, user.id
    )));
    assert!(!body.contains("– → –"));
    let (status, body) = admin.get_text("/admin/audit?actor=someone").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter an account number"));

    // Whole UK days: today finds the grant, tomorrow onwards nothing.
    let today = kith::domain::dates::uk_date(&chrono::Utc::now());
    let tomorrow = today.succ_opt().unwrap();
    let day = |d: chrono::NaiveDate, name: &str| {
        use chrono::Datelike;
        format!(
            "{name}-day={}&{name}-month={}&{name}-year={}",
            d.day(),
            d.month(),
            d.year()
        )
    };
    let (_, body) = admin
        .get_text(&format!(
            "/admin/audit?action=role.&{}&{}",
            day(today, "from"),
            day(today, "to")
        ))
        .await;
    assert!(body.contains("Role: granted"));
    let (_, body) = admin
        .get_text(&format!(
            "/admin/audit?action=role.&{}",
            day(tomorrow, "from")
        ))
        .await;
    assert!(body.contains("0 entries"), "{body}");
    let (status, body) = admin
        .get_text(&format!(
            "/admin/audit?{}&{}",
            day(tomorrow, "from"),
            day(today, "to")
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("The last day must be the same as or after the first day"));
    let (status, body) = admin
        .get_text("/admin/audit?from-day=31&from-month=2&from-year=2026")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("The first day must be a real date"));

    let backend = app.db.get_database_backend();
    let update = app
        .db
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE audit_log SET action = 'forged'",
        ))
        .await;
    assert!(update.is_err(), "UPDATE refused");
    let delete = app
        .db
        .execute_raw(Statement::from_string(backend, "DELETE FROM audit_log"))
        .await;
    assert!(delete.is_err(), "DELETE refused");
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert!(audit_log::Entity::find().count(&app.db).await.unwrap() > 0);
}

#[tokio::test]
async fn the_mail_outbox_page_lists_messages() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    admin
        .post_form(
            "/admin/invitations",
            &[("email", "someone@example.org"), ("role", "commissioner")],
        )
        .await;
    app.wait_for_mail("someone@example.org", "invited").await;
    let (status, body) = admin.get_text("/admin/mail?status=sent").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("someone@example.org") && body.contains("Sent"));
    let (_, body) = admin.get_text("/admin").await;
    assert!(body.contains("Accounts by role"));
}
