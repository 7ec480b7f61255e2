//! The authorisation matrix: every route in the route table × signed out and every role ×
//! the council that granted the role and another council. A route added without a rule
//! cannot exist (the table registers the routes), and a rule that is wrong for some role, or
//! a role that reaches past its council, fails here.

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
        StatusCode::SEE_OTHER
            if location(&res)
                .trim_start_matches(OTHER_COUNCIL)
                .starts_with("/sign-in?next=") =>
        {
            Outcome::SentToSignIn
        }
        _ => Outcome::Allowed,
    };
    (outcome, status)
}

/// Where the other council's pages are, on the shared host.
const OTHER_COUNCIL: &str = "/c/stockport";

/// What someone holding `role` in the first council meets at another council's address: a
/// role granted in one council counts in no other, but for the roles that hold in every
/// council (a provider's, a deployment administrator's).
fn expected_elsewhere(access: Access, role: Option<Role>, path: &str) -> Outcome {
    match role {
        Some(role) if !role.is_deployment_wide() => match access {
            Access::Public | Access::SignedIn => Outcome::Allowed,
            Access::MetricsToken => Outcome::Unauthorized,
            Access::Role(_) | Access::AnyRole(_) => Outcome::Forbidden,
        },
        _ => expected(access, role, path),
    }
}

fn expected(access: Access, role: Option<Role>, path: &str) -> Outcome {
    let signed_out = if path.trim_start_matches(OTHER_COUNCIL).starts_with("/api/") {
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
async fn every_route_gives_each_role_exactly_what_its_rule_says_in_its_council_and_no_other() {
    let app = spawn_app().await;
    app.add_stockport().await;
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
        // Each role at its own council's address and at the other council's. A fresh
        // browser per cell: some POSTs (sign-out, password change) change the session.
        let cells = roles.iter().flat_map(|role| {
            [false, true].map(|elsewhere| {
                let path = if elsewhere {
                    format!("{OTHER_COUNCIL}{path}")
                } else {
                    path.clone()
                };
                let app = &app;
                let method = &method;
                async move {
                    let browser = browser_for(app, *role).await;
                    let (got, status) = outcome(&browser, method, &path).await;
                    let want = if elsewhere {
                        expected_elsewhere(rule.access, *role, &path)
                    } else {
                        expected(rule.access, *role, &path)
                    };
                    (
                        role.map_or("signed out", |r| r.as_str()),
                        path,
                        got,
                        want,
                        status,
                    )
                }
            })
        });
        for (who, path, got, want, status) in join_all(cells).await {
            if got != want {
                failures.push(format!(
                    "{} {path} as {who}: expected {want:?}, got {got:?} ({status})",
                    rule.method
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

/// A row's scope and access rule agree: a council's staff roles reach only routes about a
/// council, and routes about the deployment or about one's own account ask for no role a
/// council grants.
#[test]
fn each_route_s_scope_fits_its_access_rule() {
    use kith::routes::Scope;
    let council_granted = |access: Access| match access {
        Access::Role(role) => !role.is_deployment_wide(),
        Access::AnyRole(roles) => roles.iter().any(|r| !r.is_deployment_wide()),
        Access::Public | Access::SignedIn | Access::MetricsToken => false,
    };
    let mut misfits = Vec::new();
    for rule in kith::routes::table() {
        let fits = match rule.scope {
            Scope::Council => true,
            Scope::Own => !council_granted(rule.access) && rule.access != Access::MetricsToken,
            Scope::Deployment => !council_granted(rule.access) && rule.access != Access::SignedIn,
        };
        if !fits {
            misfits.push(format!(
                "{} {}: {:?} with {:?}",
                rule.method, rule.path, rule.scope, rule.access
            ));
        }
    }
    assert!(misfits.is_empty(), "misfits:\n{}", misfits.join("\n"));
    let scopes: Vec<Scope> = kith::routes::table().iter().map(|r| r.scope).collect();
    for scope in [Scope::Council, Scope::Own, Scope::Deployment] {
        assert!(scopes.contains(&scope), "some route is {scope:?}");
    }
}
