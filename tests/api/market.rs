//! Market analysis through HTTP: a known market (a published service, searches that found
//! it or nothing, an enquiry that could not be met) gives exact supply, demand and gap
//! numbers on the page and in the CSVs.

use kith::auth::roles::Role;
use reqwest::StatusCode;

use crate::enquiries::{enquiry_fields, send_enquiry};
use crate::listings::published;
use crate::search::{api, ids, wait_for};

#[tokio::test]
async fn a_known_market_gives_exact_supply_demand_and_gaps() {
    let app = crate::helpers::spawn_app().await;
    let (provider, _, _, listing) = published(&app).await;
    let visitor = app.browser();
    // Waiting for the index searches too: by words only, which count under no type or place.
    wait_for(&visitor, "q=help+at+home", |found| found.contains(&listing)).await;
    // Demand: two searches that find it, three that find nothing in M16 (a later page of
    // the same search is not new demand), and an enquiry the provider cannot meet.
    for _ in 0..2 {
        assert_eq!(
            ids(&api(&visitor, "category=domestic-help&near=M33+7AB").await),
            vec![listing]
        );
    }
    for query in [
        "category=day-support&near=M16+0RA",
        "category=day-support&near=M16+0RA&q=urdu+lunch",
        "category=day-support&near=M16",
        "category=day-support&near=M16&page=2",
    ] {
        assert!(ids(&api(&visitor, query).await).is_empty());
    }
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let enquiry = send_enquiry(&holder, listing, &enquiry_fields("email", "")).await;
    let res = provider
        .post_form(
            &format!("/enquiries/{enquiry}/close"),
            &[("outcome", "not_available")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let (_, supply) = commissioner
        .get_text("/commissioner/market/supply.csv")
        .await;
    assert!(
        supply
            .starts_with("Type of support,Postcode district,Services,Providers,Taking new clients")
    );
    assert!(supply.contains("Domestic help,M33,1,1,1"), "{supply}");
    let (_, demand) = commissioner
        .get_text("/commissioner/market/demand.csv")
        .await;
    assert!(
        demand.contains("Domestic help,M33,2,0,1,0,1,0,0"),
        "{demand}"
    );
    assert!(
        demand.contains("Day support and activities,M16,3,3,0,0,0,0,0"),
        "{demand}"
    );
    let (_, gaps) = commissioner.get_text("/commissioner/market/gaps.csv").await;
    let lines: Vec<&str> = gaps.lines().collect();
    // M16: (3 + 0) / (0 + 1) = 3.0, first (found nothing 3 times); M33: (2 + 1) / (1 + 1) = 1.5.
    assert_eq!(
        lines[1], "Day support and activities,M16,0,3,3,0,0,3.0",
        "{gaps}"
    );
    assert!(lines.contains(&"Domestic help,M33,1,2,0,1,1,1.5"), "{gaps}");

    let (status, page) = commissioner.get_text("/commissioner/market").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Searches for day support and activities in M16 found nothing 3 times in the last 3 months; 0 services are published there."), "{page}");
    assert!(page.contains(
        "/commissioner/funding/new?title=Day+support+and+activities+in+M16&amp;districts=M16"
    ));
    assert!(page.contains("<title id=\"gap-map-title\">") && page.contains("role=\"img\""));
    assert!(page.contains("urdu lunch"), "zero-result words listed");
    assert!(page.contains("£18.50"), "the price spread");

    // Filters narrow every table; unknown values mean "all".
    let (_, m16) = commissioner
        .get_text("/commissioner/market/supply.csv?district=M16&days=30")
        .await;
    assert!(!m16.contains("M33"));
    let (_, odd) = commissioner
        .get_text("/commissioner/market/demand.csv?days=7&category=nope&district=%3Cb%3E")
        .await;
    assert!(odd.contains("Domestic help,M33"), "{odd}");
    let (_, by_type) = commissioner
        .get_text("/commissioner/market/demand.csv?category=day-support")
        .await;
    assert!(!by_type.contains("Domestic help"));

    // Commissioners and admins only.
    assert_eq!(
        provider.get("/commissioner/market").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        holder.get("/commissioner/market/gaps.csv").await.status(),
        StatusCode::FORBIDDEN
    );
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    assert_eq!(
        admin.get("/commissioner/market").await.status(),
        StatusCode::OK
    );
}
