//! Places free and placement requests through HTTP: a care home says how many places it has;
//! the numbers show on its page and in search ("has places now"), go stale after a week with
//! one reminder to the provider; a broker asks two homes for a place for a client (names
//! hidden until a home agrees to assess), one offers, the other declines, the broker
//! confirms, the other home is told and the place comes off the numbers. Another provider
//! and another broker see none of it.

use chrono::{Datelike, Duration, Utc};
use entity::placement_requests::{self, PlacementStatus};
use entity::vacancies::{self, PlaceKind};
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::helpers::fixtures::category_id;
use crate::helpers::{Browser, TestApp, location, spawn_app};
use crate::search::{api, ids, publish, wait_for};

/// The offer version the broker's confirm button carries.
fn seen_version(page: &str) -> String {
    page.split("name=\"seen\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a confirm button")
        .to_owned()
}

/// An approved organisation with one published nursing home.
async fn nursing_home(
    app: &TestApp,
    admin: &Browser,
    name: &str,
    postcode: &str,
) -> (Browser, String, i64) {
    let (provider, user) = app.signed_in_as(Role::Provider).await;
    let org = provider.create_organisation(name, "micro_enterprise").await;
    app.approve_organisation(org).await;
    let category = category_id(app, "care-homes-nursing").await;
    let listing = publish(
        app,
        &provider,
        admin,
        org,
        &[
            ("title", name),
            ("categories", &category),
            ("delivery", "venue"),
            ("venue_address", name),
            ("venue_postcode", postcode),
        ],
    )
    .await;
    (provider, user.email, listing)
}

async fn set_places(
    provider: &Browser,
    listing: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    provider
        .post_form(&format!("/provider/listings/{listing}/places"), fields)
        .await
}

#[tokio::test]
async fn places_show_on_the_listing_and_in_search_and_go_stale_with_one_reminder() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (home, home_email, listing) = nursing_home(&app, &admin, "Elm Court", "M33 4RZ").await;

    // Only the home's own members, and only for services that have places.
    let (stranger, _) = app.signed_in_as(Role::Provider).await;
    assert_eq!(
        stranger
            .get(&format!("/provider/listings/{listing}/places"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (status, form) = home
        .get_text(&format!("/provider/listings/{listing}/places"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Nursing care") && form.contains("Free from"));

    // Bad numbers are named per kind, and nothing is saved.
    let res = set_places(
        &home,
        listing,
        &[("places-nursing", "two"), ("places-respite", "1")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("Nursing care: enter how many places are free"));
    assert!(body.contains("Respite or short stay: select whether the council"));
    assert!(
        vacancies::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );

    let res = set_places(
        &home,
        listing,
        &[("places-nursing", "2"), ("funding-nursing", "council_rate")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let visitor = app.browser();
    let (_, page) = visitor.get_text(&format!("/listings/{listing}")).await;
    assert!(page.contains("Places available") && page.contains("2 nursing places"));
    assert!(!page.contains("May be out of date"));
    assert!(
        !page.contains("Request a placement"),
        "only brokers ask for a placement"
    );
    wait_for(&visitor, "places=yes", |found| found == [listing]).await;
    let hit = &api(&visitor, "places=yes").await["results"][0];
    assert_eq!(hit["places"]["summary"], "2 nursing places");

    // A week and a day later the numbers may be out of date: shown so, and the home is
    // reminded once.
    let row =
        vacancies::Entity::find_by_id((entity::listings::ListingId(listing), PlaceKind::Nursing))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
    let mut old: vacancies::ActiveModel = row.into();
    old.updated_at = Set(Utc::now() - Duration::days(8));
    old.update(&app.db).await.unwrap();
    let (_, page) = visitor.get_text(&format!("/listings/{listing}")).await;
    assert!(page.contains("May be out of date"));
    let base = app.settings().base_url;
    let reminded = kith::domain::vacancies::remind_stale(&app.db, &base, Utc::now())
        .await
        .unwrap();
    assert_eq!(reminded, 1);
    let mail = app
        .wait_for_mail(&home_email, "Are the places at Elm Court still free?")
        .await;
    assert!(
        mail.text
            .contains(&format!("/provider/listings/{listing}/places"))
    );
    assert_eq!(
        kith::domain::vacancies::remind_stale(&app.db, &base, Utc::now())
            .await
            .unwrap(),
        0,
        "one reminder per update"
    );
    // Saying "none" takes the home out of "has places now".
    let res = set_places(&home, listing, &[("places-nursing", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    wait_for(&visitor, "places=yes", |found| found.is_empty()).await;
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "listing.places_updated"));
}

#[tokio::test]
async fn a_broker_places_a_client_and_only_the_two_sides_see_it() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (elm, elm_email, elm_listing) = nursing_home(&app, &admin, "Elm Court", "M33 4RZ").await;
    let (oak, oak_email, oak_listing) = nursing_home(&app, &admin, "Oak Lodge", "M33 5AH").await;
    let (_, _, full_listing) = nursing_home(&app, &admin, "Ash House", "M33 6GW").await;
    for (home, listing) in [(&elm, elm_listing), (&oak, oak_listing)] {
        let res = set_places(
            home,
            listing,
            &[("places-nursing", "2"), ("funding-nursing", "council_rate")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let (broker, broker_user) = app.signed_in_as(Role::Broker).await;
    let res = broker
        .post_form(
            "/broker/clients",
            &[
                ("name", "Mrs J Okafor"),
                ("postcode_sector", "m33 4"),
                ("needs", "Nursing care after a stroke"),
                ("contact_preference", "via_broker"),
                ("contact_details", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let client: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();

    // Without a client chosen, the broker is sent to choose one.
    let res = broker.get("/placements/new").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/broker/clients");
    broker
        .post_form(&format!("/broker/clients/{client}/act"), &[])
        .await;
    let (_, listing_page) = broker.get_text(&format!("/listings/{elm_listing}")).await;
    assert!(listing_page.contains(&format!("/placements/new?listing={elm_listing}")));
    let (status, form) = broker
        .get_text(&format!("/placements/new?listing={elm_listing}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Request a placement for Mrs J Okafor"));
    assert!(form.contains("Elm Court") && form.contains("Oak Lodge"));
    assert!(
        !form.contains("Ash House"),
        "only homes with places are offered"
    );

    let client_field = client.to_string();
    let request = |listings: Vec<String>| {
        let mut fields = vec![
            ("client".to_owned(), client_field.clone()),
            ("kind".to_owned(), "nursing".to_owned()),
            (
                "needs".to_owned(),
                "Needs two carers to move; PEG fed".to_owned(),
            ),
            ("start-day".to_owned(), "1".to_owned()),
            ("start-month".to_owned(), "1".to_owned()),
            (
                "start-year".to_owned(),
                (chrono::Utc::now().date_naive().year_ce().1 + 1).to_string(),
            ),
            ("funding".to_owned(), "council_rate".to_owned()),
        ];
        fields.extend(listings.into_iter().map(|l| ("listing".to_owned(), l)));
        fields
    };
    // Nothing chosen, and a home with no place: said, nothing sent.
    let empty = request(vec![]);
    let refs: Vec<(&str, &str)> = empty
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, body) = broker.post_form_text("/placements/new", &refs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Select at least one home"));
    let full = request(vec![full_listing.to_string()]);
    let refs: Vec<(&str, &str)> = full.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, body) = broker.post_form_text("/placements/new", &refs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Ash House has no nursing place free"),
        "{body}"
    );
    assert!(
        placement_requests::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );

    let both = request(vec![elm_listing.to_string(), oak_listing.to_string()]);
    let refs: Vec<(&str, &str)> = both.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = broker.post_form("/placements/new", &refs).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let request_path = location(&res);
    let request_id: i64 = request_path.rsplit('/').next().unwrap().parse().unwrap();

    // Each home is emailed without the person's name, and sees the request without it.
    let elm_mail = app
        .wait_for_mail(&elm_email, "Placement request for Elm Court")
        .await;
    assert!(!elm_mail.text.contains("Okafor"));
    let offer_path = app.link_in(&elm_mail, "/provider/placements/");
    let offer_path = offer_path
        .trim_start_matches(&app.settings().base_url)
        .to_owned();
    let (status, seen) = elm.get_text(&offer_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(seen.contains("Needs two carers to move"));
    assert!(seen.contains("Shown when you agree to assess") && !seen.contains("Okafor"));
    let oak_mail = app
        .wait_for_mail(&oak_email, "Placement request for Oak Lodge")
        .await;
    let oak_offer = app.link_in(&oak_mail, "/provider/placements/");
    let oak_offer = oak_offer
        .trim_start_matches(&app.settings().base_url)
        .to_owned();

    // Nobody else sees any of it.
    let (other_broker, _) = app.signed_in_as(Role::Broker).await;
    assert_eq!(
        other_broker.get(&request_path).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, other_list) = other_broker.get_text("/placements").await;
    assert!(!other_list.contains("Okafor"));
    assert_eq!(
        oak.get(&offer_path).await.status(),
        StatusCode::NOT_FOUND,
        "Oak cannot see Elm's part"
    );
    let (stranger, _) = app.signed_in_as(Role::Provider).await;
    assert_eq!(
        stranger.get(&offer_path).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = stranger
        .post_form(&format!("{offer_path}/assess"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        broker.get(&offer_path).await.status(),
        StatusCode::FORBIDDEN,
        "a broker is not the home"
    );

    // Elm agrees to assess (and now sees the name), then offers; Oak declines.
    let res = elm.post_form(&format!("{offer_path}/assess"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, seen) = elm.get_text(&offer_path).await;
    assert!(seen.contains("Mrs J Okafor"));
    assert!(seen.contains(&broker_user.email));
    app.wait_for_mail(&broker_user.email, "Elm Court: assessing")
        .await;
    let (status, body) = elm
        .post_form_text(&format!("{offer_path}/offer"), &[("details", " ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter what you offer"));
    let res = elm
        .post_form(
            &format!("{offer_path}/offer"),
            &[("details", "Ground floor room, £980 a week, from 2 January")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, body) = oak
        .post_form_text(&format!("{oak_offer}/decline"), &[("reason", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter why you cannot offer a place"));
    let res = oak
        .post_form(
            &format!("{oak_offer}/decline"),
            &[("reason", "We cannot manage PEG feeding at present")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, oak_seen) = oak.get_text(&oak_offer).await;
    assert!(
        !oak_seen.contains("Okafor"),
        "a home that declined never saw the name"
    );

    // The broker sees both answers and confirms Elm's offer.
    let (_, page) = broker.get_text(&request_path).await;
    assert!(page.contains("£980 a week") && page.contains("We cannot manage PEG feeding"));
    let offers = entity::placement_offers::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let elm_offer = offers
        .iter()
        .find(|o| o.listing_id.0 == elm_listing)
        .unwrap()
        .id;
    let oak_offer_id = offers
        .iter()
        .find(|o| o.listing_id.0 == oak_listing)
        .unwrap()
        .id;
    let res = broker
        .post_form(
            &format!("/placements/{request_id}/offers/{oak_offer_id}/confirm"),
            &[],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "a declined home cannot be confirmed"
    );
    let res = other_broker
        .post_form(
            &format!("/placements/{request_id}/offers/{elm_offer}/confirm"),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The home changes its offer after the broker opened the page: the old one is not
    // confirmed unread.
    let seen = seen_version(&broker.get_text(&request_path).await.1);
    let res = elm
        .post_form(
            &format!("{offer_path}/offer"),
            &[(
                "details",
                "Ground floor room, £1,040 a week, from 2 January",
            )],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let confirm = format!("/placements/{request_id}/offers/{elm_offer}/confirm");
    let res = broker.post_form(&confirm, &[("seen", &seen)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = broker.get_text(&request_path).await;
    assert!(page.contains("The home changed its offer") && page.contains("£1,040 a week"));
    let request = placement_requests::Entity::find_by_id(request_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status, PlacementStatus::Open);
    let res = broker
        .post_form(&confirm, &[("seen", &seen_version(&page))])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.wait_for_mail(&elm_email, "Placement confirmed at Elm Court")
        .await;
    let request = placement_requests::Entity::find_by_id(request_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status, PlacementStatus::Confirmed);
    // One nursing place fewer at Elm Court.
    let elm_places = vacancies::Entity::find_by_id((
        entity::listings::ListingId(elm_listing),
        PlaceKind::Nursing,
    ))
    .one(&app.db)
    .await
    .unwrap()
    .unwrap();
    assert_eq!(elm_places.places, 1);
    // Closed: nothing more can be answered.
    let res = oak.post_form(&format!("{oak_offer}/assess"), &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let actions = app.audit_actions().await;
    for action in [
        "placement.requested",
        "placement.assessing",
        "placement.offered",
        "placement.declined",
        "placement.confirmed",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }

    // The market analysis counts it by district.
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let (_, market) = commissioner.get_text("/commissioner/market").await;
    assert!(market.contains("Supply pressure by district"));
    assert!(market.contains(">M33<"));
    let (status, places) = commissioner.get_text("/places").await;
    assert_eq!(status, StatusCode::OK);
    assert!(places.contains("Oak Lodge") && places.contains("Elm Court"));
    assert_eq!(elm.get("/places").await.status(), StatusCode::FORBIDDEN);
    let found = ids(&api(&app.browser(), "places=yes&nursing=yes").await);
    assert!(found.contains(&elm_listing));
}

#[tokio::test]
async fn closing_a_case_closes_its_requests_and_erasing_the_client_leaves_no_words() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (elm, elm_email, elm_listing) = nursing_home(&app, &admin, "Elm Court", "M33 4RZ").await;
    let res = set_places(
        &elm,
        elm_listing,
        &[("places-nursing", "1"), ("funding-nursing", "top_up")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let mut requests = Vec::new();
    for name in ["Mr Aldous Pemberton-Quist", "Mrs Philippa Ravensworth"] {
        let res = broker
            .post_form(
                "/broker/clients",
                &[
                    ("name", name),
                    ("postcode_sector", "m33 4"),
                    ("needs", "Nursing care"),
                    ("contact_preference", "via_broker"),
                    ("contact_details", ""),
                ],
            )
            .await;
        let client: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
        let next_year = (Utc::now().date_naive().year_ce().1 + 1).to_string();
        let needs = format!("Needs hoisting; the notes of {name}");
        let res = broker
            .post_form(
                "/placements/new",
                &[
                    ("client", &client.to_string()),
                    ("kind", "nursing"),
                    ("needs", &needs),
                    ("start-day", "1"),
                    ("start-month", "1"),
                    ("start-year", &next_year),
                    ("funding", "top_up"),
                    ("listing", &elm_listing.to_string()),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
        requests.push((client, id, needs));
    }
    app.wait_for_mail(&elm_email, "Placement request for Elm Court")
        .await;
    let offers = entity::placement_offers::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    // The home declines the second with words about the person.
    let second = offers
        .iter()
        .find(|o| o.request_id == requests[1].1)
        .unwrap();
    let reason = "Mrs Ravensworth's hoist needs are beyond our staffing";
    let res = elm
        .post_form(
            &format!("/provider/placements/{}/decline", second.id),
            &[("reason", reason)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Closing the first client's case withdraws their open request.
    let (first_client, first_request, _) = &requests[0];
    let res = broker
        .post_form(&format!("/broker/clients/{first_client}/close"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let first = placement_requests::Entity::find_by_id(*first_request)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.status, PlacementStatus::Withdrawn);
    let first_offer = offers
        .iter()
        .find(|o| o.request_id == *first_request)
        .unwrap();
    let res = elm
        .post_form(
            &format!("/provider/placements/{}/assess", first_offer.id),
            &[],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "a closed request is not answered"
    );

    // Erasing the second client removes the needs and the home's words, audit reasons too.
    let (second_client, second_request, second_needs) = &requests[1];
    let res = admin
        .post_form(
            &format!("/admin/clients/{second_client}/erase"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let left = crate::privacy::traces(&app, &[second_needs.as_str(), reason, "Ravensworth"]).await;
    assert!(left.is_empty(), "traces left: {left:#?}");
    let erased = placement_requests::Entity::find_by_id(*second_request)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(erased.anonymised_at.is_some());
    assert_eq!(
        erased.kind,
        PlaceKind::Nursing,
        "what the figures count stays"
    );
}
