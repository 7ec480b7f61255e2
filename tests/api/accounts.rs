//! Registering, confirming email, signing in and out, passwords and the profile.

use entity::{auth_tokens, users};
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{PASSWORD, location, session_cookie, spawn_app};

#[tokio::test]
async fn registering_emails_a_link_that_confirms_the_address_once() {
    let app = spawn_app().await;
    let b = app.browser();
    let (status, body) = b
        .post_form_text(
            "/register",
            &[
                ("display_name", "Ann Example"),
                ("email", "Ann@Example.org"),
                ("role", "budget_holder"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Check your email"), "{body}");
    let user = users::Entity::find()
        .filter(users::Column::Email.eq("ann@example.org"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("user saved with lower-cased email");
    assert!(user.email_verified_at.is_none());
    assert!(user.password_hash.starts_with("$argon2id$"));

    let mail = app
        .wait_for_mail("ann@example.org", "Confirm your email")
        .await;
    assert!(
        mail.html.contains("/verify-email/"),
        "HTML alternative carries the link"
    );
    let link = app.link_in(&mail, "/verify-email/");
    let (status, body) = b.get_text(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Email address confirmed"));
    let user = users::Entity::find_by_id(user.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(user.email_verified_at.is_some());

    let (status, body) = b.get_text(&link).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a link works once");
    assert!(body.contains("not valid or has expired"));
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"account.registered".to_owned())
            && actions.contains(&"account.email_verified".to_owned()),
        "{actions:?}"
    );

    // The new account can sign in and holds the role it chose.
    b.sign_in("ann@example.org", PASSWORD).await;
    let me: serde_json::Value = b.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["roles"], serde_json::json!(["budget_holder"]));
}

#[tokio::test]
async fn registration_errors_are_listed_and_nothing_is_saved() {
    let app = spawn_app().await;
    let b = app.browser();
    let before = app.user_count().await;
    let (status, body) = b
        .post_form_text(
            "/register",
            &[
                ("display_name", ""),
                ("email", "not-an-email"),
                ("role", "admin"),
                ("password", "short"),
                ("password_confirm", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("There is a problem"));
    for message in [
        "Enter your name",
        "Enter an email address in the correct format",
        "Select how you will use Kith",
        "Password must be 12 characters or more",
    ] {
        assert!(body.contains(message), "missing {message:?}");
    }
    assert!(body.contains("<title>Error: Create an account"));
    assert!(
        body.contains("href=\"#email\""),
        "error summary links to the field"
    );

    let (status, body) = b
        .post_form_text(
            "/register",
            &[
                ("display_name", "<script>alert(1)</script>"),
                ("email", "x@example.org"),
                ("role", "provider"),
                ("password", PASSWORD),
                ("password_confirm", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("The passwords do not match"));
    assert!(
        !body.contains("<script>alert(1)</script>"),
        "names are escaped"
    );
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(app.user_count().await, before);
}

#[tokio::test]
async fn registering_a_taken_email_reveals_nothing_and_tells_the_owner() {
    let app = spawn_app().await;
    let existing = app.create_user(&[Role::BudgetHolder]).await;
    let before = app.user_count().await;
    let (status, body) = app
        .browser()
        .post_form_text(
            "/register",
            &[
                ("display_name", "Someone"),
                ("email", &existing.email),
                ("role", "provider"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Check your email"),
        "same page as a new registration"
    );
    assert_eq!(app.user_count().await, before);
    app.wait_for_mail(&existing.email, "You already have a Kith account")
        .await;
}

#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let app = spawn_app().await;
    let user = app.create_user(&[Role::BudgetHolder]).await;
    let b = app.browser();
    let form_page = b.get("/sign-in").await;
    let before = session_cookie(&form_page).expect("a form page starts a session");
    let token = crate::helpers::csrf_in(&form_page.text().await.unwrap());
    let res = b
        .client
        .post(b.url("/sign-in"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", user.email.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/", "each role lands on its home page");
    let after = session_cookie(&res).expect("sign-in sets a new cookie");
    assert_ne!(before, after, "session id rotated on sign-in");
    assert!(
        after.contains("HttpOnly") && after.contains("SameSite=Lax"),
        "{after}"
    );
    assert!(b.is_signed_in().await);

    // The pre-sign-in cookie does not carry the sign-in.
    let old_value = before.split(';').next().unwrap().to_owned();
    let replay = app
        .browser()
        .client
        .get(b.url("/account"))
        .header("cookie", old_value)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);

    let cookie_value = after.split(';').next().unwrap().to_owned();
    let res = b.post_form("/sign-out", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!b.is_signed_in().await);
    let replay = app
        .browser()
        .client
        .get(b.url("/account"))
        .header("cookie", cookie_value)
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status(),
        StatusCode::SEE_OTHER,
        "a signed-out cookie cannot be replayed"
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"account.signed_in".to_owned())
            && actions.contains(&"account.signed_out".to_owned())
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let user = app.create_user(&[Role::Provider]).await;
    let b = app.browser();
    let (s1, wrong) = b
        .post_form_text(
            "/sign-in",
            &[
                ("email", &user.email),
                ("password", "not the password at all"),
            ],
        )
        .await;
    let (s2, unknown) = b
        .post_form_text(
            "/sign-in",
            &[
                ("email", "nobody@example.org"),
                ("password", "not the password at all"),
            ],
        )
        .await;
    assert_eq!(s1, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s1, s2);
    assert!(wrong.contains("Enter a correct email address and password"));
    assert!(unknown.contains("Enter a correct email address and password"));
    let (status, body) = b
        .post_form_text("/sign-in", &[("email", ""), ("password", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter your email address") && body.contains("Enter your password"));
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_slowed_down() {
    let app = spawn_app().await;
    let user = app.create_user(&[Role::Provider]).await;
    let b = app.browser();
    for _ in 0..10 {
        let (status, _) = b
            .post_form_text(
                "/sign-in",
                &[("email", &user.email), ("password", "wrong password here")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = b
        .post_form(
            "/sign-in",
            &[("email", &user.email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(res.headers().contains_key("retry-after"));
    assert!(res.text().await.unwrap().contains("please wait"));
}

#[tokio::test]
async fn after_sign_in_people_return_only_to_local_pages() {
    let app = spawn_app().await;
    let admin = app.create_user(&[Role::Admin]).await;
    let b = app.browser();
    let res = b.get("/admin/users?q=x").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/sign-in?next=%2Fadmin%2Fusers%3Fq%3Dx");
    let res = b
        .post_form(
            "/sign-in",
            &[
                ("email", &admin.email),
                ("password", PASSWORD),
                ("next", "/admin/users?q=x"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/sign-in/code", "staff give a code first");
    assert_eq!(
        b.second_factor(&admin.email, "/sign-in/code").await,
        "/admin/users?q=x"
    );
    // (A budget holder, whose sign-in ends at the password, so the loop waits for no code.)
    let holder = app.create_user(&[Role::BudgetHolder]).await;
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let b = app.browser();
        let res = b
            .post_form(
                "/sign-in",
                &[
                    ("email", &holder.email),
                    ("password", PASSWORD),
                    ("next", evil),
                ],
            )
            .await;
        assert_eq!(location(&res), "/", "{evil}");
    }
}

#[tokio::test]
async fn forgotten_password_resets_once_and_ends_other_sessions() {
    let app = spawn_app().await;
    let user = app.create_user(&[Role::BudgetHolder]).await;
    let elsewhere = app.browser();
    elsewhere.sign_in(&user.email, PASSWORD).await;

    let b = app.browser();
    let (status, unknown) = b
        .post_form_text("/forgot-password", &[("email", "nobody@example.org")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, known) = b
        .post_form_text("/forgot-password", &[("email", &user.email)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        unknown.replace(&user.email, ""),
        known.replace(&user.email, ""),
        "same page either way"
    );
    let (status, _) = b
        .post_form_text("/forgot-password", &[("email", "not an email")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let mail = app
        .wait_for_mail(&user.email, "Reset your Kith password")
        .await;
    let link = app.link_in(&mail, "/reset-password/");
    let (status, body) = b.get_text(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Choose a new password"));
    let (status, body) = b
        .post_form_text(
            &link,
            &[("password", "short"), ("password_confirm", "short")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Password must be 12 characters or more"));

    let res = b
        .post_form(
            &link,
            &[
                ("password", "a brand new passphrase"),
                ("password_confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, sign_in_page) = b.get_text(&location(&res)).await;
    assert!(sign_in_page.contains("Your password has been changed"));
    assert!(!elsewhere.is_signed_in().await, "other sessions ended");
    app.wait_for_mail(&user.email, "password has been changed")
        .await;
    let (status, _) = b.get_text(&link).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "link works once");
    let (status, _) = b
        .post_form_text(
            "/sign-in",
            &[("email", &user.email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "old password no longer works"
    );
    b.sign_in(&user.email, "a brand new passphrase").await;
    assert!(
        app.audit_actions()
            .await
            .contains(&"account.password_reset".to_owned())
    );
}

#[tokio::test]
async fn expired_reset_links_are_refused() {
    let app = spawn_app().await;
    let user = app.create_user(&[Role::BudgetHolder]).await;
    let b = app.browser();
    b.post_form("/forgot-password", &[("email", &user.email)])
        .await;
    let mail = app
        .wait_for_mail(&user.email, "Reset your Kith password")
        .await;
    let link = app.link_in(&mail, "/reset-password/");
    auth_tokens::Entity::update_many()
        .col_expr(
            auth_tokens::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let (status, body) = b
        .post_form_text(
            &link,
            &[
                ("password", "a brand new passphrase"),
                ("password_confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("not valid or has expired"));
    b.sign_in(&user.email, PASSWORD).await;
}

#[tokio::test]
async fn changing_password_needs_the_current_one_and_signs_out_elsewhere() {
    let app = spawn_app().await;
    let (b, user) = app.signed_in_as(Role::Provider).await;
    let elsewhere = app.browser();
    elsewhere.sign_in(&user.email, PASSWORD).await;

    let (status, body) = b
        .post_form_text(
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("password", "another good passphrase"),
                ("password_confirm", "another good passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Your current password is not correct"));
    assert!(elsewhere.is_signed_in().await);

    let res = b
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "another good passphrase"),
                ("password_confirm", "another good passphrase"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, body) = b.get_text("/account").await;
    assert_eq!(status, StatusCode::OK, "still signed in here");
    assert!(body.contains("Your password has been changed"));
    assert!(!elsewhere.is_signed_in().await, "signed out elsewhere");
    app.wait_for_mail(&user.email, "password has been changed")
        .await;
}

#[tokio::test]
async fn the_profile_name_can_be_changed_and_is_validated() {
    let app = spawn_app().await;
    let (b, user) = app.signed_in_as(Role::BudgetHolder).await;
    let (status, body) = b
        .post_form_text("/account", &[("display_name", "   ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter your name"));
    let long = "é".repeat(101);
    let (status, body) = b
        .post_form_text("/account", &[("display_name", &long)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("100 characters or fewer"));
    let res = b
        .post_form("/account", &[("display_name", "Zoë  O'Brien-Łukasz")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = b.get_text("/account").await;
    assert!(body.contains("Your details have been saved"));
    assert!(
        body.contains("value=\"Zoë O&#39;Brien-Łukasz\"")
            || body.contains("value=\"Zoë O'Brien-Łukasz\""),
        "{body}"
    );
    let row = users::Entity::find_by_id(user.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.display_name, "Zoë O'Brien-Łukasz");
    assert!(
        app.audit_actions()
            .await
            .contains(&"account.profile_updated".to_owned())
    );
}

#[tokio::test]
async fn unconfirmed_accounts_can_ask_for_a_new_link() {
    let app = spawn_app().await;
    let b = app.browser();
    b.post_form(
        "/register",
        &[
            ("display_name", "Bo"),
            ("email", "bo@example.org"),
            ("role", "provider"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await;
    let first = app.wait_for_mail("bo@example.org", "Confirm").await;
    b.sign_in("bo@example.org", PASSWORD).await;
    let (_, body) = b.get_text("/account").await;
    assert!(body.contains("Confirm your email address"));
    let res = b.post_form("/verify-email/resend", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for _ in 0..100 {
        if app.mail_count_to("bo@example.org") >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.mail_count_to("bo@example.org"), 2);
    let (status, _) = b.get_text(&app.link_in(&first, "/verify-email/")).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "only the newest link works"
    );
}
