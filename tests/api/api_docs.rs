//! The OpenAPI document is generated from the code: every `/api/` route in the route table
//! is described with its method, the search parameters are the parser's own, and real
//! responses validate against the documented schemas.

use kith::auth::roles::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::fixtures::published;
use crate::search::wait_for;

/// Asserts `body` is valid against the document's component schema `name`.
fn assert_matches(document: &Value, name: &str, body: &Value) {
    let schema = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": document["components"],
    });
    let validator = jsonschema::options()
        .build(&schema)
        .expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(body).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{body:#}");
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route_and_real_responses_match_it() {
    let app = crate::helpers::spawn_app().await;
    let (_, _, _, listing) = published(&app).await;
    let visitor = app.browser();
    let (status, text) = visitor.get_text("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let document: Value = serde_json::from_str(&text).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));

    // Every API route of the router is documented, with its method; nothing else is.
    let paths = document["paths"].as_object().unwrap();
    let mut routed: Vec<(String, String)> = kith::routes::table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .map(|r| (r.path.to_owned(), r.method.as_str().to_lowercase()))
        .collect();
    routed.sort();
    let mut documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (path.clone(), m.clone()))
        })
        .collect();
    documented.sort();
    assert_eq!(documented, routed);

    // The search parameters are the parser's, and none is required.
    let params = document["paths"]["/api/v1/search"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    for name in [
        "q",
        "category",
        "near",
        "radius",
        "max_price",
        "accepting",
        "sort",
        "page",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(params.iter().all(|p| p["required"] != true), "{params:?}");

    // Real responses match the documented schemas.
    wait_for(&visitor, "q=help", |found| found.contains(&listing)).await;
    let (_, body) = visitor.get_text("/api/v1/search?q=help&near=M33+7AB").await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["total"], 1);
    assert_matches(&document, "ApiSearchResults", &body);
    let (status, body) = visitor.get_text("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_matches(&document, "ApiError", &serde_json::from_str(&body).unwrap());
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let (status, body) = holder.get_text("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_matches(
        &document,
        "ApiAccount",
        &serde_json::from_str(&body).unwrap(),
    );
    // A wrong body is caught (the check can fail).
    let caught =
        std::panic::catch_unwind(|| assert_matches(&document, "ApiAccount", &json!({"id": "one"})));
    assert!(caught.is_err());

    // The docs page is served from the binary and reads this document.
    let res = visitor.get("/api/docs").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, page) = visitor.get_text("/api/docs/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("swagger-ui"), "{page}");
    let (status, init) = visitor.get_text("/api/docs/swagger-initializer.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(init.contains("/api/openapi.json"), "{init}");
    assert_eq!(
        visitor.get("/api/docs/../../etc/passwd").await.status(),
        StatusCode::NOT_FOUND
    );
}
