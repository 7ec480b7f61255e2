//! Another owner's records, through every route that takes an id. For each kind of account
//! that owns things (providers, one with a grant application; a budget holder; a broker,
//! who also sits on the grants panel; a quality checker), the demo
//! owner's own pages are walked to collect every link and form on them that names a record
//! (`/provider/listings/17/edit`, `/enquiries/4/reply`, …). Then another account with the
//! same role, and someone signed out, tries each one: links must be refused (403 or 404,
//! or sent to sign in) without a word of the owner's details in the answer, and forms must
//! be refused and change nothing (no row added or removed, no audit entry).

use std::collections::{BTreeMap, BTreeSet};

use kith::auth::access::Access;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{Browser, TestApp, location, png_bytes, spawn_app};
use crate::hostile::{fingerprint, settled_fingerprint};

/// Routes that take the id of a record that is not the owner's to keep: a published
/// listing's enquiry form is linked from the owner's shortlist, and anyone who may enquire
/// opens it. Their answers must still show nothing of the owner's.
const SHARED: [(&str, &str); 1] = [(
    "/listings/{id}/enquire",
    "the enquiry form of a published listing",
)];

/// Every `attr="…"` value in a page that is a path on this site, without query or fragment.
fn paths_in(body: &str, attr: &str) -> BTreeSet<String> {
    let marker = format!("{attr}=\"/");
    body.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = &body[at + marker.len() - 1..];
            let end = rest.find(['"', '?', '#'])?;
            Some(rest[..end].to_owned())
        })
        .collect()
}

/// The route-table pattern a concrete path belongs to, if it has a parameter.
fn pattern_of<'a>(patterns: &[&'a str], path: &str) -> Option<&'a str> {
    if patterns.contains(&path) {
        return None; // a page of its own, like `/broker/clients/new`
    }
    let parts: Vec<&str> = path.split('/').collect();
    patterns.iter().copied().find(|pattern| {
        let want: Vec<&str> = pattern.split('/').collect();
        pattern.contains('{')
            && !pattern.contains(":.*")
            && want.len() == parts.len()
            && want
                .iter()
                .zip(&parts)
                .all(|(w, p)| (w.starts_with('{') && !p.is_empty()) || w == p)
    })
}

/// What a record's owner can reach: links and form actions on their pages, three pages
/// deep from every page of their role that takes no id.
async fn owners_records(
    owner: &Browser,
    role: Role,
    gets: &[&'static str],
    posts: &[&'static str],
) -> (
    BTreeMap<String, &'static str>,
    BTreeMap<String, &'static str>,
) {
    let table = kith::routes::table();
    let mut frontier: Vec<String> = table
        .iter()
        .filter(|r| r.method.as_str() == "GET" && !r.path.contains('{'))
        .filter(|r| !matches!(r.access, Access::Public) && r.access.allows_role(role))
        .map(|r| r.path.to_owned())
        .collect();
    let (mut links, mut forms) = (BTreeMap::new(), BTreeMap::new());
    let mut seen = BTreeSet::new();
    for _depth in 0..3 {
        let mut next = Vec::new();
        for page in frontier.drain(..) {
            if !seen.insert(page.clone()) || seen.len() > 600 {
                continue;
            }
            let res = owner.get(&page).await;
            if res.status() != StatusCode::OK {
                continue;
            }
            let body = res.text().await.expect("body");
            for path in paths_in(&body, "href") {
                if let Some(pattern) = pattern_of(gets, &path) {
                    links.entry(path.clone()).or_insert(pattern);
                    next.push(path);
                }
            }
            for path in paths_in(&body, "action") {
                if let Some(pattern) = pattern_of(posts, &path) {
                    forms.entry(path).or_insert(pattern);
                }
            }
        }
        frontier = next;
    }
    // Public pages (a listing, a provider's profile) are everyone's to see.
    let public: BTreeSet<&str> = table
        .iter()
        .filter(|r| matches!(r.access, Access::Public))
        .map(|r| r.path)
        .collect();
    links.retain(|_, pattern| !public.contains(pattern));
    forms.retain(|_, pattern| !public.contains(pattern));
    (links, forms)
}

async fn name_of(app: &TestApp, email: &str) -> String {
    entity::users::Entity::find()
        .filter(entity::users::Column::Email.eq(email))
        .one(&app.db)
        .await
        .expect("query")
        .expect("demo user")
        .display_name
}

#[tokio::test]
async fn nobody_reaches_another_owners_records_through_any_route() {
    let app = spawn_app().await;
    kith::demo::seed(&app.db, &app.address).await.expect("demo");
    settled_fingerprint(&app.db).await;
    let table = kith::routes::table();
    let gets: Vec<&'static str> = table
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .map(|r| r.path)
        .collect();
    let posts: Vec<&'static str> = table
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| r.path)
        .collect();
    let rule_of = |method: &str, pattern: &str| {
        table
            .iter()
            .find(|r| r.method.as_str() == method && r.path == pattern)
            .map(|r| r.access)
            .expect("a rule")
    };
    let signed_out = app.browser();
    let (mut failures, mut tried) = (Vec::new(), 0usize);
    let mut covered: BTreeSet<&str> = BTreeSet::new();

    for (role, owner_email) in [
        (Role::Provider, "provider@kith.example"),
        // A community group with a grant application before the panel.
        (Role::Provider, "kitchen@kith.example"),
        (Role::BudgetHolder, "budget.holder@kith.example"),
        (Role::Broker, "broker@kith.example"),
        (Role::QualityChecker, "checker@kith.example"),
    ] {
        let owner = app.browser();
        owner.sign_in(owner_email, kith::demo::DEMO_PASSWORD).await;
        // Another account with the same role: another demo provider with an organisation
        // and listings of its own; a new budget holder, broker or checker.
        let other = if role == Role::Provider {
            let b = app.browser();
            b.sign_in(
                "provider2@providers.kith.example",
                kith::demo::DEMO_PASSWORD,
            )
            .await;
            b
        } else {
            app.signed_in_as(role).await.0
        };
        let markers = [owner_email.to_owned(), name_of(&app, owner_email).await];
        let (links, forms) = owners_records(&owner, role, &gets, &posts).await;
        assert!(
            !links.is_empty(),
            "{owner_email} owns records to try: {links:?}"
        );

        for (path, pattern) in &links {
            // The owner may open it; nobody else may, unless the record is everyone's.
            let shared = SHARED.iter().any(|(p, _)| p == pattern);
            for (who, browser) in [("the other account", &other), ("signed out", &signed_out)] {
                tried += 1;
                let res = browser.get(path).await;
                let status = res.status();
                let to = location(&res);
                let body = res.text().await.expect("body");
                let refused = matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
                    || (status == StatusCode::SEE_OTHER && to.starts_with("/sign-in"))
                    || status == StatusCode::UNAUTHORIZED;
                let open_by_design = shared && who != "signed out";
                if !refused && !open_by_design {
                    failures.push(format!("GET {path} ({pattern}) as {who}: {status}"));
                }
                if let Some(m) = markers.iter().find(|m| body.contains(m.as_str())) {
                    failures.push(format!("GET {path} as {who} shows {m}"));
                }
            }
            covered.insert(pattern);
        }

        for (path, pattern) in &forms {
            if matches!(rule_of("POST", pattern), Access::Public) {
                continue;
            }
            tried += 1;
            let before = fingerprint(&app.db).await;
            let mut res = other.post_form(path, &[]).await;
            if res.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
                // An upload form: sent as one, so only ownership can refuse it.
                res = other
                    .post_file(path, "file", ("logo.png", png_bytes(40, 40)), &[])
                    .await;
            }
            let status = res.status();
            let body = res.text().await.expect("body");
            // A shared record's form (a published listing's enquiry form) is anyone's to
            // send: empty, it is refused as incomplete, and changes nothing.
            let shared = SHARED.iter().any(|(p, _)| p == pattern);
            let refused = matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
                || (shared && status == StatusCode::UNPROCESSABLE_ENTITY);
            if !refused {
                failures.push(format!(
                    "POST {path} ({pattern}) as another {role:?}: {status}"
                ));
            }
            if let Some(m) = markers.iter().find(|m| body.contains(m.as_str())) {
                failures.push(format!("POST {path} as another {role:?} shows {m}"));
            }
            if fingerprint(&app.db).await != before {
                failures.push(format!("POST {path} as another {role:?} changed something"));
            }
            covered.insert(pattern);
        }
        println!(
            "{owner_email}: {} links and {} forms on their records tried by another {role:?}",
            links.len(),
            forms.len()
        );
    }
    println!(
        "{tried} requests over {} routes with another owner's ids",
        covered.len()
    );
    assert!(covered.len() >= 20, "routes covered: {covered:?}");
    assert!(
        failures.is_empty(),
        "another owner's records reached:\n{}",
        failures.join("\n")
    );
}
