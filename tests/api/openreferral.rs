//! The Open Referral UK 3.0 read API: every endpoint's responses validate against the
//! vendored UK profile schemas, only published listings appear, filters and paging work,
//! and a personal assistant's home is never given away.

use kith::auth::roles::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::fixtures::{
    approved_provider, as_refs, category_id, decide, listing_fields, published, submit,
};
use crate::helpers::{Browser, TestApp};
use crate::search::wait_for;

fn schema(name: &str) -> Value {
    let path = format!(
        "{}/tests/data/openreferral-uk/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect("json");
    // taxonomy.json refers to its terms by file name: put the term schema in its place.
    if name == "taxonomy" {
        schema["properties"]["taxonomy_terms"]["items"] = self::schema("taxonomy_term");
    }
    schema
}

/// Asserts that `instance` is valid against the named schema, listing every error.
fn assert_valid(name: &str, instance: &Value) {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema(name))
        .expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{instance:#}");
}

/// Asserts a page in the standard shape, each item valid against `item_schema`.
fn assert_page(body: &Value, item_schema: &str) {
    for key in [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ] {
        assert!(body.get(key).is_some(), "{key} in {body}");
    }
    for item in body["contents"].as_array().expect("contents") {
        assert_valid(item_schema, item);
    }
}

async fn json(b: &Browser, path: &str) -> (StatusCode, Value) {
    let (status, text) = b.get_text(path).await;
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: {text}"));
    (status, body)
}

/// A published day centre with a venue and online sessions, by a personal assistant who
/// also visits homes from their own full postcode.
pub(crate) async fn venue_listing(app: &TestApp) -> i64 {
    let (b, _, org) = approved_provider(app, "personal_assistant").await;
    let mut fields = listing_fields(
        &category_id(app, "day-support").await,
        "Lunch club at the Old Trafford centre",
        "12",
    );
    fields.retain(|(k, _)| !matches!(*k, "delivery" | "home_place"));
    fields.extend([
        ("delivery", "home".to_owned()),
        ("delivery", "venue".to_owned()),
        ("delivery", "online".to_owned()),
        ("home_place", "M16 0RA".to_owned()),
        (
            "venue_address",
            "Old Trafford Centre, 2 Shrewsbury Street, Manchester".to_owned(),
        ),
        ("venue_postcode", "M16 9AX".to_owned()),
        ("accessibility", "step_free".to_owned()),
    ]);
    let res = b
        .post_form(
            &format!("/provider/organisations/{org}/listings"),
            &as_refs(&fields),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "create venue listing");
    let id: i64 = crate::helpers::location(&res)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(submit(&b, id).await.status(), StatusCode::SEE_OTHER);
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    assert_eq!(
        decide(&admin, id, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    id
}

#[tokio::test]
async fn every_endpoint_answers_in_the_uk_profile_and_validates_against_its_schemas() {
    let app = crate::helpers::spawn_app().await;
    let (_, _, _, home) = published(&app).await;
    let venue = venue_listing(&app).await;
    // A draft is never published.
    let (b, _, org) = approved_provider(&app, "micro_enterprise").await;
    crate::helpers::fixtures::create_listing(&app, &b, org, "Draft only", "10").await;
    let visitor = app.browser();
    wait_for(&visitor, "", |found| {
        found.contains(&home) && found.contains(&venue)
    })
    .await;

    let (status, root) = json(&visitor, "/openreferral/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(root["version"], "3.0");
    assert!(
        root["openapi_url"]
            .as_str()
            .unwrap()
            .ends_with("/openreferral/openapi.json")
    );
    let (status, openapi) = json(&visitor, "/openreferral/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(openapi["paths"]["/services"].is_object());

    // Services: a page of summaries, then each in full.
    let (status, list) = json(&visitor, "/openreferral/services").await;
    assert_eq!(status, StatusCode::OK);
    assert_page(&list, "service_list");
    assert_eq!(list["total_items"], 2, "published only: {list}");
    assert_eq!(list["first_page"], true);
    assert!(
        list["contents"][0].get("schedules").is_none(),
        "one-to-one fields only"
    );
    let ids: Vec<String> = list["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let mut services = Vec::new();
    for id in &ids {
        let (status, s) = json(&visitor, &format!("/openreferral/services/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_valid("service", &s);
        services.push(s);
    }
    let day = services
        .iter()
        .find(|s| s["name"] == "Lunch club at the Old Trafford centre")
        .expect("the venue listing");
    assert_eq!(day["url"], format!("{}/listings/{venue}", app.address));
    assert_eq!(day["status"], "active");
    assert_eq!(day["minimum_age"], 18.0);
    let place = &day["service_at_locations"][0]["location"];
    assert_eq!(place["location_type"], "physical");
    assert_eq!(place["addresses"][0]["postal_code"], "M16 9AX");
    assert_eq!(place["addresses"][0]["city"], "Manchester");
    // The sector's centre in WGS84: Old Trafford is near 53.46 N, 2.28 W.
    let (lat, lon) = (
        place["latitude"].as_f64().unwrap(),
        place["longitude"].as_f64().unwrap(),
    );
    assert!(
        (lat - 53.46).abs() < 0.03 && (lon + 2.28).abs() < 0.03,
        "{lat},{lon}"
    );
    assert_eq!(
        day["service_at_locations"][1]["location"]["location_type"],
        "virtual"
    );
    assert_eq!(day["schedules"][0]["byday"], "MO,WE");
    assert_eq!(day["schedules"][0]["opens_at"], "09:00:00");
    assert_eq!(day["cost_options"][0]["amount"], 12.0);
    assert_eq!(day["languages"][1]["name"], "Polish");
    assert_eq!(day["languages"][1]["code"], "pl");
    assert_eq!(
        day["attributes"][0]["taxonomy_term"]["name"],
        "Day support and activities"
    );
    // A personal assistant's home-visit base is given as its district only.
    let area = day["service_areas"][0]["service_area"].as_str().unwrap();
    assert!(area.ends_with("of M16") && !area.contains("0RA"), "{area}");
    let text = serde_json::to_string(day).unwrap();
    assert!(!text.contains("M16 0RA"), "{text}");

    // Service at locations: only listings with a place; each one in full.
    let (status, places) = json(&visitor, "/openreferral/service_at_locations").await;
    assert_eq!(status, StatusCode::OK);
    assert_page(&places, "service_at_location_list");
    assert_eq!(
        places["total_items"], 1,
        "home visits have no location: {places}"
    );
    let sal = places["contents"][0]["id"].as_str().unwrap();
    let (status, full) = json(
        &visitor,
        &format!("/openreferral/service_at_locations/{sal}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_valid("service_at_location", &full);
    assert_eq!(
        full["service"]["name"],
        "Lunch club at the Old Trafford centre"
    );
    let (_, near) = json(
        &visitor,
        "/openreferral/service_at_locations?postcode=M16+9AX&proximity=2000",
    )
    .await;
    assert_eq!(near["total_items"], 1, "{near}");
    let (_, far) = json(
        &visitor,
        "/openreferral/service_at_locations?postcode=M33+7AB&proximity=1000",
    )
    .await;
    // Online sessions reach everyone; the venue is 5 km away.
    assert_eq!(far["total_items"], 1, "{far}");

    // Taxonomies and terms.
    let (status, taxonomies) = json(&visitor, "/openreferral/taxonomies").await;
    assert_eq!(status, StatusCode::OK);
    assert_page(&taxonomies, "taxonomy");
    assert_eq!(taxonomies["total_items"], 3);
    let first = taxonomies["contents"][0]["id"].as_str().unwrap();
    let (status, one) = json(&visitor, &format!("/openreferral/taxonomies/{first}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_valid("taxonomy", &one);
    let (status, terms) = json(&visitor, "/openreferral/taxonomy_terms?per_page=5&page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_page(&terms, "taxonomy_term");
    assert_eq!(terms["size"], 5);
    assert_eq!(terms["page_number"], 2);
    assert_eq!(terms["first_page"], false);
    let day_term = day["attributes"][0]["taxonomy_term"]["id"]
        .as_str()
        .unwrap();
    let (status, term) = json(
        &visitor,
        &format!("/openreferral/taxonomy_terms/{day_term}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_valid("taxonomy_term", &term);

    // Filters: by term, word, day, times, ages, freshness.
    let only = |body: &Value| -> Vec<String> {
        body["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, by_term) = json(
        &visitor,
        &format!("/openreferral/services?taxonomy_term_id={day_term}"),
    )
    .await;
    assert_eq!(
        only(&by_term),
        vec!["Lunch club at the Old Trafford centre"]
    );
    let (_, by_word) = json(&visitor, "/openreferral/services?search=lunch").await;
    assert_eq!(
        only(&by_word),
        vec!["Lunch club at the Old Trafford centre"]
    );
    for (query, want) in [
        ("day=MO", 2),
        ("day=friday", 0),
        ("start_time=09:00", 2),
        ("start_time=10:00", 0),
        ("end_time=17:00", 2),
        ("end_time=16:00", 0),
        ("minimum_age=18", 2),
        ("minimum_age=65", 0),
        ("maximum_age=16", 0),
        ("modified_after=2000-01-01", 2),
        ("modified_after=2999-01-01T00:00:00Z", 0),
        ("taxonomy_term_id=6b697468-0006-4000-8000-00000000ffff", 0),
        ("per_page=1&page=2", 2),
    ] {
        let (status, body) = json(&visitor, &format!("/openreferral/services?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(body["total_items"], want, "{query}: {body}");
    }
    let (_, second) = json(&visitor, "/openreferral/services?per_page=1&page=2").await;
    assert_eq!(
        (second["size"].as_u64(), second["last_page"].as_bool()),
        (Some(1), Some(true))
    );

    // Bad parameters get a JSON 400 naming them; unknown ids a JSON 404.
    for (query, words) in [
        ("page=two", "page must be a number"),
        ("per_page=-1", "per_page must be a number"),
        ("day=someday", "day must be a day of the week"),
        ("start_time=25:00", "start_time must be a time of day"),
        ("modified_after=yesterday", "modified_after must be a date"),
        ("minimum_age=old", "minimum_age must be a number"),
        ("page=100000", "page is too deep"),
    ] {
        let (status, body) = json(&visitor, &format!("/openreferral/services?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(words),
            "{query}: {body}"
        );
    }
    let (status, body) = json(
        &visitor,
        "/openreferral/service_at_locations?postcode=XX1+1XX&proximity=100",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    for path in [
        "/openreferral/services/not-a-uuid",
        "/openreferral/services/ac148810-d857-441c-9679-408f346de14b",
        "/openreferral/services/6b697468-0001-4000-8000-0000000fffff",
        "/openreferral/service_at_locations/6b697468-0004-4001-8000-000000000001",
        "/openreferral/taxonomies/nope",
        "/openreferral/taxonomy_terms/nope",
    ] {
        let (status, body) = json(&visitor, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["status"], 404);
    }

    // Suspended listings leave the API at once, even before the index catches up.
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let res = admin
        .post_form(
            &format!("/admin/listings/{venue}/suspend"),
            &[("reason", "Complaint being looked into")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let venue_id = day["id"].as_str().unwrap();
    let (status, _) = json(&visitor, &format!("/openreferral/services/{venue_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn the_validator_catches_what_the_profile_forbids() {
    let bad =
        serde_json::json!({"id": "not-a-uuid", "name": "x", "status": "open", "email": "nope"});
    let result = std::panic::catch_unwind(|| assert_valid("service", &bad));
    let message = *result.expect_err("invalid").downcast::<String>().unwrap();
    for field in ["/id", "/status", "/email"] {
        assert!(message.contains(field), "{field} in {message}");
    }
}
