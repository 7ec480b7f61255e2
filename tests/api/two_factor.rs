//! Two-factor sign-in through HTTP: staff cannot get in on a password alone, codes work once,
//! recovery codes, "do not ask on this browser", confirming before sensitive changes, and an
//! administrator's reset.

use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{Browser, PASSWORD, TOTP_SECRET, TestApp, fresh_code, location, spawn_app};

/// Makes the last confirmation of every session of `user_id` 11 minutes old.
async fn age_confirmation(app: &TestApp, user_id: entity::users::UserId) {
    let old = chrono::Utc::now().timestamp() - 11 * 60;
    for row in entity::sessions::Entity::find()
        .filter(entity::sessions::Column::UserId.eq(user_id))
        .all(&app.db)
        .await
        .unwrap()
    {
        let mut state: std::collections::HashMap<String, String> =
            serde_json::from_str(&row.state).unwrap();
        state.insert("confirmed_at".into(), old.to_string());
        entity::sessions::Entity::update_many()
            .col_expr(
                entity::sessions::Column::State,
                sea_orm::sea_query::Expr::value(serde_json::to_string(&state).unwrap()),
            )
            .filter(entity::sessions::Column::KeyHash.eq(row.key_hash))
            .exec(&app.db)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn staff_reach_no_staff_page_on_a_password_alone() {
    let app = spawn_app().await;
    let admin = app.create_user(&[Role::Admin]).await;
    let b = app.browser();
    let res = b.try_sign_in(&admin.email, PASSWORD).await;
    assert_eq!(location(&res), "/sign-in/code");
    for path in ["/admin", "/admin/users", "/account"] {
        assert_eq!(b.get(path).await.status(), StatusCode::SEE_OTHER, "{path}");
    }
    assert_eq!(b.get("/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
    let (status, page) = b.get_text("/sign-in/code").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Enter the code from your authenticator app"));
    assert!(page.contains("autocomplete=\"one-time-code\""));

    let (status, page) = b.post_form_text("/sign-in/code", &[("code", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Enter the code from your authenticator app"));
    for n in 1..5 {
        let (status, page) = b
            .post_form_text("/sign-in/code", &[("code", "000000")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "try {n}");
        assert!(page.contains("The code is not right"));
    }
    let res = b.post_form("/sign-in/code", &[("code", "000000")]).await;
    assert_eq!(
        location(&res),
        "/sign-in?code=restart",
        "five wrong codes start again from the password"
    );
    assert_eq!(b.get("/sign-in/code").await.status(), StatusCode::SEE_OTHER);
    assert!(!b.is_signed_in().await);

    b.sign_in(&admin.email, PASSWORD).await;
    assert_eq!(b.get("/admin").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_code_is_accepted_once() {
    let app = spawn_app().await;
    let broker = app.create_user(&[Role::Broker]).await;
    let first = app.browser();
    first.try_sign_in(&broker.email, PASSWORD).await;
    let code = fresh_code(&broker.email, TOTP_SECRET).await;
    let res = first.post_form("/sign-in/code", &[("code", &code)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(first.is_signed_in().await);

    let replay = app.browser();
    replay.try_sign_in(&broker.email, PASSWORD).await;
    let (status, page) = replay
        .post_form_text("/sign-in/code", &[("code", &code)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "replayed");
    assert!(page.contains("already been used"));
}

/// A budget holder turns two-factor sign-in on from their account; returns the recovery
/// codes shown.
async fn turn_on(b: &Browser, email: &str) -> Vec<String> {
    let (status, page) = b.get_text("/account/two-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Two-factor sign-in is off"));
    let (status, page) = b.get_text("/account/two-factor/set-up").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg"), "a QR code drawn on the page");
    let key: String = page
        .split("kith-key\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .split_whitespace()
        .collect();
    let (status, page) = b
        .post_form_text("/account/two-factor/set-up", &[("code", "123")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("The code is not right"), "{page}");
    let code = fresh_code(email, &key).await;
    let (status, page) = b
        .post_form_text("/account/two-factor/set-up", &[("code", &code)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Save your recovery codes"));
    let codes: Vec<String> = page
        .split("<code>")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10);
    codes
}

#[tokio::test]
async fn anyone_may_turn_it_on_and_a_recovery_code_works_once() {
    let app = spawn_app().await;
    let holder = app.create_user(&[Role::BudgetHolder]).await;
    let b = app.browser();
    b.sign_in(&holder.email, PASSWORD).await;
    let codes = turn_on(&b, &holder.email).await;
    b.post_form("/sign-out", &[]).await;

    let res = b.try_sign_in(&holder.email, PASSWORD).await;
    assert_eq!(location(&res), "/sign-in/code", "now asked for a code");
    let res = b
        .post_form("/sign-in/code", &[("code", &codes[0].to_uppercase())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, account) = b.get_text("/account").await;
    assert!(account.contains("9 left"), "told how many are left");
    b.post_form("/sign-out", &[]).await;
    b.try_sign_in(&holder.email, PASSWORD).await;
    let (status, _) = b
        .post_form_text("/sign-in/code", &[("code", &codes[0])])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "used once only");
    let stored = entity::recovery_codes::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|r| !codes
            .iter()
            .any(|c| r.code_hash.contains(&c.replace('-', ""))))
            && stored.iter().all(|r| r.code_hash.len() == 64),
        "only hashes are kept"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"account.recovery_code_used".to_owned())
    );
}

#[tokio::test]
async fn a_browser_can_be_told_not_to_ask_and_others_still_are() {
    let app = spawn_app().await;
    let checker = app.create_user(&[Role::QualityChecker]).await;
    let mine = app.browser();
    mine.try_sign_in(&checker.email, PASSWORD).await;
    let code = fresh_code(&checker.email, TOTP_SECRET).await;
    let res = mine
        .post_form("/sign-in/code", &[("code", &code), ("remember", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    mine.post_form("/sign-out", &[]).await;
    let res = mine.try_sign_in(&checker.email, PASSWORD).await;
    assert_eq!(location(&res), "/", "not asked again here");
    assert_eq!(mine.get("/checker").await.status(), StatusCode::OK);

    let other = app.browser();
    let res = other.try_sign_in(&checker.email, PASSWORD).await;
    assert_eq!(location(&res), "/sign-in/code", "off by default elsewhere");
}

#[tokio::test]
async fn sensitive_changes_need_a_confirmation_within_ten_minutes() {
    let app = spawn_app().await;
    let (admin, admin_user) = app.signed_in_as(Role::Admin).await;
    let person = app.create_user(&[Role::BudgetHolder]).await;
    let grant = format!("/admin/users/{}/roles", person.id);
    let res = admin.post_form(&grant, &[("role", "broker")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "just signed in counts");

    age_confirmation(&app, admin_user.id).await;
    let detail = format!("/admin/users/{}", person.id);
    let token = admin.csrf().await;
    let res = admin
        .client
        .post(admin.url(&grant))
        .header("referer", admin.url(&detail))
        .form(&[("csrf_token", token.as_str()), ("role", "commissioner")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("Confirm it is you"), "{page}");
    let confirm = format!(
        "/account/confirm?next={}",
        kith::auth::access::url_encode(&detail)
    );
    assert!(page.contains(&confirm.replace('&', "&amp;")), "{page}");
    for path in [
        format!("/admin/users/{}/status", person.id),
        format!("/admin/users/{}/roles/revoke", person.id),
        "/account/password".to_owned(),
    ] {
        let (status, _) = admin.post_form_text(&path, &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }

    let (status, page) = admin.get_text(&confirm).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("authenticator app"));
    let (status, _) = admin
        .post_form_text(
            "/account/confirm",
            &[
                ("password", "not my password"),
                ("code", "000000"),
                ("next", &detail),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = fresh_code(&admin_user.email, TOTP_SECRET).await;
    let res = admin
        .post_form(
            "/account/confirm",
            &[("password", PASSWORD), ("code", &code), ("next", &detail)],
        )
        .await;
    assert_eq!(location(&res), detail);
    let res = admin.post_form(&grant, &[("role", "commissioner")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_admin_resets_a_lost_phone_and_the_person_sets_up_again() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (broker, broker_user) = app.signed_in_as(Role::Broker).await;
    let (status, page) = broker.get_text("/account/two-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Staff accounts must keep two-factor sign-in on"));
    let (status, _) = broker
        .post_form_text("/account/two-factor/turn-off", &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "staff cannot turn it off");

    let (_, detail) = admin
        .get_text(&format!("/admin/users/{}", broker_user.id))
        .await;
    assert!(detail.contains("Reset two-factor sign-in"), "{detail}");
    let res = admin
        .post_form(
            &format!("/admin/users/{}/two-factor/reset", broker_user.id),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!broker.is_signed_in().await, "their sessions ended");
    app.wait_for_mail(&broker_user.email, "two-factor sign-in was reset")
        .await;
    assert!(
        app.audit_actions()
            .await
            .contains(&"account.two_factor_reset".to_owned())
    );
    let again = app.browser();
    let res = again.try_sign_in(&broker_user.email, PASSWORD).await;
    assert_eq!(location(&res), "/sign-in/set-up", "set up again at sign-in");
    again
        .second_factor(&broker_user.email, "/sign-in/set-up")
        .await;
    assert_eq!(again.get("/broker/clients").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_signed_in_person_given_a_staff_role_must_sign_in_again_with_a_code() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (holder, holder_user) = app.signed_in_as(Role::BudgetHolder).await;
    let res = admin
        .post_form(
            &format!("/admin/users/{}/roles", holder_user.id),
            &[("role", "commissioner")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        !holder.is_signed_in().await,
        "a password-only session does not carry a staff role"
    );
    let res = holder.try_sign_in(&holder_user.email, PASSWORD).await;
    assert_eq!(location(&res), "/sign-in/set-up");
}
