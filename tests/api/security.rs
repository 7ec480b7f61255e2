//! CSRF, security headers, error pages, hostile input, health and static assets.

use kith::auth::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{location, spawn_app};

fn concrete(path: &str, id: impl std::fmt::Display) -> String {
    path.replace("{id}", &id.to_string())
        .replace("{token}", "no-such-token")
        .replace("{path:.*}", "css/kith.css")
}

#[tokio::test]
async fn every_form_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (admin, admin_user) = app.signed_in_as(Role::Admin).await;
    let users_before = app.user_count().await;
    let audit_before = app.audit_count().await;
    for rule in kith::routes::table()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
    {
        let plain = concrete(rule.path, admin_user.id);
        // The same route with a letter percent-encoded (`/sign-%69n`), which the router
        // decodes: the check must see the path the router sees.
        let encoded = plain
            .char_indices()
            .find(|(at, c)| *at > 0 && c.is_ascii_lowercase())
            .map(|(at, c)| format!("{}%{:02X}{}", &plain[..at], c as u8, &plain[at + 1..]))
            .unwrap_or_else(|| plain.clone());
        for path in [plain, encoded] {
            let res = admin
                .post_form_without_csrf(
                    &path,
                    &[
                        ("role", "broker"),
                        ("display_name", "Changed"),
                        ("email", "csrf@example.org"),
                        ("action", "disable"),
                        ("reason", "x"),
                    ],
                )
                .await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
            assert!(
                res.text().await.unwrap().contains("Your form has expired"),
                "{path}"
            );
            let res = admin
                .client
                .post(admin.url(&path))
                .header("x-csrf-token", "wrong")
                .form(&[("csrf_token", "wrong")])
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::FORBIDDEN,
                "{path} with a wrong token"
            );
        }
    }
    assert_eq!(app.user_count().await, users_before);
    assert_eq!(app.audit_count().await, audit_before);
    assert!(admin.is_signed_in().await, "sign-out was refused too");
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = spawn_app().await;
    let b = app.browser();
    for path in ["/", "/sign-in", "/no-such-page"] {
        let res = b.get(path).await;
        let h = res.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    }
    let page = b.get("/").await.text().await.unwrap();
    assert!(
        !page.contains("<script>") && !page.contains("style=\""),
        "no inline script or style"
    );
}

#[tokio::test]
async fn errors_are_clear_pages_or_json_never_bare() {
    let app = spawn_app().await;
    let b = app.browser();
    let (status, body) = b.get_text("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Page not found") && body.contains("govuk-template"));
    let res = b
        .client
        .delete(b.url("/sign-in"))
        .header("x-csrf-token", "x")
        .send()
        .await
        .unwrap();
    // No route takes DELETE, so nothing can change: a plain 405 naming the methods that work.
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.headers()["allow"].to_str().unwrap().contains("POST"));
    let res = b.client.put(b.url("/register")).send().await.unwrap();
    assert!(res.status().is_client_error());
    let token = b.csrf().await;
    let res = b
        .client
        .patch(b.url("/register"))
        .header("x-csrf-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        res.headers()
            .get("allow")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("POST")
    );
    let res = b.get("/api/v1/nothing").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["status"], 404);
    let res = b.get("/api/v1/me").await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the API answers 401, not a redirect"
    );
    let (status, body) = b.get_text("/admin/users/not-a-number").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed-out people are sent to sign in first: {body}"
    );
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (status, _) = admin.get_text("/admin/users/not-a-number").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = admin.get_text("/admin/users/99999999999999999999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hostile_form_bodies_get_4xx_and_change_nothing() {
    let app = spawn_app().await;
    let b = app.browser();
    let users_before = app.user_count().await;
    let token = b.csrf().await;
    let huge = "x".repeat(1024 * 1024);
    let res = b
        .client
        .post(b.url("/register"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("display_name", huge.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("too large"));

    let bodies: Vec<Vec<u8>> = vec![
        format!("csrf_token={token}&email=a%FF%FE&display_name=%C0%AF").into_bytes(),
        format!("csrf_token={token}&email=a@x.org&email=b@x.org").into_bytes(),
        format!("csrf_token={token}&display_name=%00%01%02&email=%0d%0aBcc:x@x.org&role=provider&password=%00%00%00%00%00%00%00%00%00%00%00&password_confirm=%00%00%00%00%00%00%00%00%00%00%00").into_bytes(),
        format!("csrf_token={token}&display_name=Robert');DROP TABLE users;--&email=../../etc/passwd&role=-1").into_bytes(),
        format!("csrf_token={token}&%%%%=&&&==").into_bytes(),
    ];
    for body in bodies {
        let res = b
            .client
            .post(b.url("/register"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(
            status.is_client_error(),
            "{status} for {}",
            String::from_utf8_lossy(&body)
        );
        assert!(text.contains("govuk-template"), "a page, not a bare error");
    }
    let res = b
        .client
        .post(b.url("/sign-in"))
        .header("content-type", "application/json")
        .header("x-csrf-token", token.as_str())
        .body("{\"email\": 1}")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    assert_eq!(app.user_count().await, users_before);
}

#[tokio::test]
async fn hostile_query_strings_and_paths_are_harmless() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    for path in [
        "/admin/audit?page=99999999999999999999&action=%27%20OR%201%3D1--",
        "/admin/audit?action=%F0%9F%98%80%E2%80%AE&subject_type=user&subject_id=%3Cscript%3E",
        "/admin/mail?status=../../etc&page=0",
        "/sign-in?next=%0d%0aSet-Cookie:x=y",
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/verify-email/%00",
        "/reset-password/..%2F..%2F",
        "/invitations/' OR 1=1",
    ] {
        let res = admin.get(path).await;
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(status.as_u16() < 500, "{status} for {path}");
        assert!(!body.contains("<script>"), "{path}");
        assert!(
            !body.contains("[workspace]"),
            "no file outside static/ is served: {path}"
        );
    }
}

#[tokio::test]
async fn health_says_alive_and_ready_says_the_database_answers() {
    let app = spawn_app().await;
    let res = app.browser().get("/health").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    let body = crate::search::ready(&app.browser()).await;
    assert_eq!(body["database"], "ok");
    assert_eq!(body["search"], "ok");
}

#[tokio::test]
async fn styles_use_arial_and_never_gds_transport() {
    let app = spawn_app().await;
    let b = app.browser();
    let res = b.get("/static/govuk/govuk-frontend.min.css").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let css = res.text().await.unwrap();
    assert!(css.contains("font-family:arial,sans-serif"));
    assert!(!css.contains("GDS Transport"));
    assert_eq!(b.get("/static/js/init.js").await.status(), StatusCode::OK);
    assert_eq!(
        b.get("/static/nothing.css").await.status(),
        StatusCode::NOT_FOUND
    );
    let page = b.get("/").await.text().await.unwrap();
    assert!(
        !page.contains("govuk-header__logotype") && !page.contains("crown"),
        "no crown"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_back() {
    let app = spawn_app().await;
    let res = app.browser().get("/account").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/sign-in?next=%2Faccount");
    let (status, body) = app.browser().get_text("/sign-in?next=%2Faccount").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"next\" value=\"/account\""));
}

#[tokio::test]
async fn hostile_bodies_to_shortlist_enquiry_plan_and_review_forms_change_nothing() {
    use entity::{enquiries, service_reviews, shortlist_items, support_plan_items, support_plans};
    use sea_orm::{EntityTrait, PaginatorTrait};

    let app = spawn_app().await;
    let (_, _, _, listing) = crate::helpers::fixtures::published(&app).await;
    let (b, _) = app.signed_in_as(Role::BudgetHolder).await;
    let token = b.csrf().await;
    let paths = [
        "/shortlist".to_owned(),
        "/shortlist/remove".to_owned(),
        format!("/listings/{listing}/enquire"),
        "/plan/budget".to_owned(),
        "/plan/items".to_owned(),
        "/plan/ras".to_owned(),
        "/enquiries/1/messages".to_owned(),
        "/enquiries/1/close".to_owned(),
        "/enquiries/1/review".to_owned(),
        "/broker/clients".to_owned(),
    ];
    let bodies: Vec<String> = vec![
        format!("csrf_token={token}&listing_id=%FF%FE&support_wanted=%C0%AF&weekly_budget=%80"),
        format!("csrf_token={token}&listing_id=1&listing_id=2&client=1&client=2"),
        format!(
            "csrf_token={token}&listing_id=-1&quantity=-5&price=-3&weekly_budget=-100&rating=-1"
        ),
        format!(
            "csrf_token={token}&listing_id=99999999999999999999999&quantity=1e308&weekly_budget=1e308&q1=99999999999999999999"
        ),
        format!(
            "csrf_token={token}&support_wanted=%00%01%02&when_wanted=%1B[31m&contact_name=%0d%0aBcc:x@x.org&reply_by=email"
        ),
        format!(
            "csrf_token={token}&description=<script>alert(1)</script>&price=0000-00-00&unit=../../etc/passwd&other_quantity=NaN"
        ),
        format!("csrf_token={token}&client=1' OR '1'='1&listing_id=1;DROP TABLE listings"),
        format!("csrf_token={token}&%%%%=&&&=="),
    ];
    let count = || async {
        (
            shortlist_items::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
            enquiries::Entity::find().count(&app.db).await.unwrap(),
            support_plans::Entity::find().count(&app.db).await.unwrap(),
            support_plan_items::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
            service_reviews::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
        )
    };
    let before = count().await;
    for path in &paths {
        for body in &bodies {
            let res = b
                .client
                .post(b.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert!(status.is_client_error(), "{status} for {path} with {body}");
            let text = res.text().await.unwrap();
            assert!(
                !text.contains("<script>alert(1)</script>"),
                "{path} echoed script"
            );
        }
    }
    assert_eq!(count().await, before, "no bad request changed anything");
}
