//! Places must be real. Every form that takes a postcode or district refuses one Kith's
//! postcode data does not hold, naming the field, and writes nothing; the market figures
//! never show a district that does not exist, even from data kept from before the forms
//! checked; `kith check-data` lists such data so the council can correct it.

use entity::{broker_clients, enquiries, provider_organisations, search_demand_daily};
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

use crate::helpers::fixtures::{
    approved_provider, as_refs, category_id, listing_fields, published,
};
use crate::helpers::{Browser, spawn_app};

/// Posts a form that must come back with a GOV.UK error naming what is wrong.
async fn refused(b: &Browser, path: &str, fields: &[(&str, &str)], message: &str) {
    let (status, body) = b.post_form_text(path, fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    assert!(
        body.contains("govuk-error-summary"),
        "{path}: an error summary"
    );
    assert!(body.contains(message), "{path}: {message}");
}

#[tokio::test]
async fn every_form_refuses_a_made_up_postcode_or_district() {
    let app = spawn_app().await;
    let (provider, _, org) = approved_provider(&app, "micro_enterprise").await;

    // The organisation's own address and the districts it serves.
    let profile = format!("/provider/organisations/{org}");
    refused(
        &provider,
        &profile,
        &[("address", "1 High Street"), ("postcode", "ZZ99 9ZZ")],
        "We cannot find the postcode ZZ99 9ZZ. Enter a real postcode, like M33 7AB",
    )
    .await;
    refused(
        &provider,
        &profile,
        &[("areas_served", "M16, ZZ99")],
        "We cannot find the postcode district ZZ99",
    )
    .await;

    // A listing that travels from a place, or has a venue, that does not exist.
    let category = category_id(&app, "domestic-help").await;
    let new_listing = format!("/provider/organisations/{org}/listings");
    for (field, value) in [("home_place", "ZZ99 9ZZ"), ("home_place", "M33 1")] {
        let mut fields = listing_fields(&category, "Help at home in Sale", "18.50");
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value.to_owned()));
        refused(
            &provider,
            &new_listing,
            &as_refs(&fields),
            &format!("We cannot find {value}"),
        )
        .await;
    }
    let mut venue = listing_fields(&category, "Lunch club in Sale", "5");
    venue.retain(|(k, _)| !["delivery", "home_place", "home_radius"].contains(k));
    venue.extend([
        ("delivery", "venue".to_owned()),
        ("venue_address", "Community Centre, Sale".to_owned()),
        ("venue_postcode", "ZZ99 9ZZ".to_owned()),
    ]);
    refused(
        &provider,
        &new_listing,
        &as_refs(&venue),
        "We cannot find the postcode ZZ99 9ZZ",
    )
    .await;

    // An enquiry, and a broker's client, from nowhere.
    let (_, _, _, listing) = published(&app).await;
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let mut enquiry = crate::enquiries::enquiry_fields("email", "");
    enquiry.retain(|(k, _)| *k != "postcode");
    enquiry.push(("postcode", "ZZ99 9ZZ"));
    refused(
        &holder,
        &format!("/listings/{listing}/enquire"),
        &enquiry,
        "We cannot find ZZ99 9ZZ",
    )
    .await;
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    refused(
        &broker,
        "/broker/clients",
        &[
            ("name", "Mr Ahmed"),
            ("postcode_sector", "ZZ99 9"),
            ("contact_preference", "phone"),
        ],
        "We cannot find ZZ99 9",
    )
    .await;

    // A funding round for districts that do not exist, and a checker who covers one.
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    refused(
        &commissioner,
        "/commissioner/funding/new",
        &[("title", "Day support"), ("districts", "M16 ZZ99")],
        "We cannot find the postcode district ZZ99",
    )
    .await;
    let (checker, _) = app.signed_in_as(Role::QualityChecker).await;
    refused(
        &checker,
        "/checker/profile",
        &[("areas", "M33, ZZ99")],
        "We cannot find the postcode district ZZ99",
    )
    .await;

    // Nothing was written.
    let org_row = provider_organisations::Entity::find_by_id(
        entity::provider_organisations::OrganisationId(org),
    )
    .one(&app.db)
    .await
    .unwrap()
    .unwrap();
    assert_ne!(org_row.postcode.as_deref(), Some("ZZ99 9ZZ"));
    assert_eq!(enquiries::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(
        broker_clients::Entity::find().count(&app.db).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn made_up_districts_kept_from_before_stay_out_of_the_figures_and_are_reported() {
    let app = spawn_app().await;
    let (_, _, org) = approved_provider(&app, "micro_enterprise").await;
    // Data from before the forms checked places: an organisation "in" ZZ99, and a week of
    // searches there that found nothing (the made-up district once topped the gaps).
    let mut row: provider_organisations::ActiveModel = provider_organisations::Entity::find_by_id(
        entity::provider_organisations::OrganisationId(org),
    )
    .one(&app.db)
    .await
    .unwrap()
    .unwrap()
    .into();
    row.postcode = Set(Some("ZZ99 9ZZ".into()));
    row.update(&app.db).await.unwrap();
    // A service kept in the market table under ZZ99 (the table is rebuilt as listings
    // change, so only data from before holds one).
    entity::market_supply::ActiveModel {
        listing_id: Set(entity::listings::ListingId(999)),
        organisation_id: Set(entity::provider_organisations::OrganisationId(org)),
        category_path: Set("help-at-home/domestic-help".into()),
        top_category: Set("help-at-home".into()),
        district: Set("ZZ99".into()),
        provider_kind: Set(entity::provider_organisations::ProviderKind::MicroEnterprise),
        accepting: Set(true),
        price_unit: Set("hour".into()),
        price_pence: Set(Some(1500)),
        rating: Set(None),
        client_groups: Set(",older_people,".into()),
        languages: Set(",English,".into()),
        refreshed_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let today = chrono::Utc::now().date_naive();
    for day in 0..7 {
        search_demand_daily::ActiveModel {
            day: Set(today - chrono::Duration::days(day)),
            category: Set("domestic-help".into()),
            district: Set("ZZ99".into()),
            searches: Set(40),
            zero_results: Set(40),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }

    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    for page in [
        "/commissioner/market",
        "/commissioner/market/gaps.csv",
        "/commissioner/market/demand.csv",
        "/commissioner/market/supply.csv",
        "/commissioner/market/quality",
    ] {
        let (status, body) = commissioner.get_text(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(!body.contains("ZZ99"), "{page} shows a made-up district");
    }
    let (_, demand) = commissioner
        .get_text("/commissioner/market/demand.csv")
        .await;
    assert!(
        demand.contains("280"),
        "the searches still count, as searches from no particular place: {demand}"
    );

    let settings = app.settings();
    let database_url = app.command_database_url();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
        .arg("check-data")
        .env("KITH_DATABASE_URL", &database_url)
        .env("KITH_DATA_DIR", &settings.data_dir)
        .output()
        .expect("run kith");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "unknown places fail the check");
    assert!(
        stdout.contains(&format!(
            "organisation {org} (Sale Helpers): postcode \"ZZ99 9ZZ\""
        )),
        "{stdout}"
    );
}
