//! The authorisation matrix: every route in the route table × signed out and every role. A
//! route added without a rule cannot exist (the table registers the routes), and a rule that
//! is wrong for some role fails here.

use futures_util::future::join_all;
use kith::auth::Access;
use kith::auth::roles::Role;
use reqwest::{Method, StatusCode};

use crate::helpers::{Browser, TestApp, location, spawn_app};

#[derive(Debug, PartialEq)]
enum Outcome {
    Allowed,
    SentToSignIn,
    Unauthorized,
    Forbidden,
}

async fn outcome(browser: &Browser, method: &Method, path: &str) -> (Outcome, StatusCode) {
    let res = if *method == Method::GET {
        browser.get(path).await
    } else {
        browser.post_form(path, &[]).await
    };
    let status = res.status();
    assert!(status.as_u16() < 500, "{method} {path} gave {status}");
    let outcome = match status {
        StatusCode::UNAUTHORIZED => Outcome::Unauthorized,
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        StatusCode::SEE_OTHER if location(&res).starts_with("/sign-in?next=") => {
            Outcome::SentToSignIn
        }
        _ => Outcome::Allowed,
    };
    (outcome, status)
}

fn expected(access: Access, role: Option<Role>, path: &str) -> Outcome {
    let signed_out = if path.starts_with("/api/") {
        Outcome::Unauthorized
    } else {
        Outcome::SentToSignIn
    };
    match (access, role) {
        (Access::Public, _) => Outcome::Allowed,
        // Only the operator's token opens it; no session does.
        (Access::MetricsToken, _) => Outcome::Unauthorized,
        (_, None) => signed_out,
        (Access::SignedIn, Some(_)) => Outcome::Allowed,
        (Access::Role(needed), Some(role)) if needed == role => Outcome::Allowed,
        (Access::Role(_), Some(_)) => Outcome::Forbidden,
        (Access::AnyRole(roles), Some(role)) if roles.contains(&role) => Outcome::Allowed,
        (Access::AnyRole(_), Some(_)) => Outcome::Forbidden,
    }
}

async fn browser_for(app: &TestApp, role: Option<Role>) -> Browser {
    match role {
        None => app.browser(),
        Some(role) => app.signed_in_as(role).await.0,
    }
}

#[tokio::test]
async fn every_route_gives_each_role_exactly_what_its_rule_says() {
    let app = spawn_app().await;
    let target = app.create_user(&[Role::BudgetHolder]).await;
    let roles: Vec<Option<Role>> = std::iter::once(None)
        .chain(Role::ALL.into_iter().map(Some))
        .collect();
    let table = kith::routes::table();
    assert!(table.len() >= 30, "the table lists every route");
    // The CSRF check guards POST: a route with another state-changing method would escape it.
    assert!(
        table
            .iter()
            .all(|r| matches!(r.method.as_str(), "GET" | "POST")),
        "only GET and POST routes"
    );
    let mut failures = Vec::new();
    for rule in &table {
        let method = Method::from_bytes(rule.method.as_str().as_bytes()).expect("method");
        let path = rule
            .path
            .replace("{id}", &target.id.to_string())
            .replace("{token}", "no-such-token")
            .replace("{path:.*}", "css/kith.css");
        // A fresh browser per cell: some POSTs (sign-out, password change) change the session.
        let cells = roles.iter().map(|role| {
            let path = path.clone();
            let app = &app;
            let method = &method;
            async move {
                let browser = browser_for(app, *role).await;
                let (got, status) = outcome(&browser, method, &path).await;
                let want = expected(rule.access, *role, &path);
                (role.map_or("signed out", |r| r.as_str()), got, want, status)
            }
        });
        for (who, got, want, status) in join_all(cells).await {
            if got != want {
                failures.push(format!(
                    "{} {} as {who}: expected {want:?}, got {got:?} ({status})",
                    rule.method, path
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorisation mismatches:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_api_never_shows_another_account() {
    let app = spawn_app().await;
    let (a, user_a) = app.signed_in_as(Role::Provider).await;
    let user_b = app.create_user(&[Role::Provider]).await;
    let body = a.get("/api/v1/me").await.text().await.unwrap();
    assert!(body.contains(&user_a.email) && !body.contains(&user_b.email));
    let (status, body) = a.get_text(&format!("/admin/users/{}", user_b.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains(&user_b.email));
}
