//! CQC's register through HTTP, with fixtures in CQC's own layouts built from real Trafford
//! registered locations (tests/data/cqc): an admin imports October's ODS, CQC's ratings show
//! on the matched listings, in search and its filters, and in the Open Referral export;
//! November's XLSX (one rating lowered, one location gone) queues exactly two changes, which
//! an admin acknowledges or acts on. A provider's new location is offered to its provider.

use entity::cqc_changes;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::fixtures::category_id;
use crate::helpers::{Browser, TestApp, location, spawn_app};
use crate::search::{api, ids, publish, wait_for};

const OCTOBER_ODS: &str = "tests/data/cqc/HSCA_Active_Locations_2026-10.ods";
const OCTOBER_CSV: &str = "tests/data/cqc/HSCA_Active_Locations_2026-10.csv";
const NOVEMBER_XLSX: &str = "tests/data/cqc/HSCA_Active_Locations_2026-11.xlsx";

const LIME_TREE: &str = "1-113502228";
const HEADONHEY: &str = "1-113737059";
const WYNCOURT: &str = "1-117040835";

async fn upload(admin: &Browser, path: &str) -> (StatusCode, String) {
    let bytes = std::fs::read(path).expect("fixture");
    let name = path.rsplit('/').next().unwrap_or(path);
    let res = admin
        .post_file("/admin/cqc", "file", (name, bytes), &[])
        .await;
    let status = res.status();
    (status, res.text().await.expect("body"))
}

/// A published care home listing at a CQC location.
async fn care_home(
    app: &TestApp,
    provider: &Browser,
    admin: &Browser,
    org: i64,
    title: &str,
    location_id: &str,
    postcode: &str,
) -> i64 {
    let category = category_id(app, "care-homes-residential").await;
    publish(
        app,
        provider,
        admin,
        org,
        &[
            ("title", title),
            ("categories", &category),
            ("delivery", "venue"),
            ("venue_address", title),
            ("venue_postcode", postcode),
            ("cqc_location_id", location_id),
        ],
    )
    .await
}

/// The CQC provider id the fixture gives a provider.
fn provider_id_of(provider: &str) -> String {
    std::fs::read_to_string(OCTOBER_CSV)
        .unwrap()
        .lines()
        .find(|l| l.contains(provider))
        .and_then(|l| {
            l.split(',')
                .find(|c| c.starts_with("1-10"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| panic!("{provider} in the fixture"))
}

/// An approved registered care provider with the fixture's CQC provider id.
async fn registered_provider(app: &TestApp, name: &str) -> (Browser, i64) {
    let (provider, _) = app.signed_in_as(Role::Provider).await;
    let provider_id = provider_id_of(name);
    let res = provider
        .post_form(
            "/provider/organisations",
            &[
                ("name", name),
                ("kind", "registered_care_provider"),
                ("cqc_provider_id", &provider_id),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let org: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    app.approve_organisation(org).await;
    (provider, org)
}

async fn open_changes(app: &TestApp) -> Vec<cqc_changes::Model> {
    cqc_changes::Entity::find()
        .filter(cqc_changes::Column::ResolvedAt.is_null())
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_register_rates_listings_and_next_month_queues_exactly_its_two_changes() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (mountlands, mountlands_org) = registered_provider(&app, "Mountlands Trust Limited").await;
    // Headonhey's provider has not given Kith its CQC provider id (so its new home in
    // November is not news to anyone here).
    let (stockdales, _) = app.signed_in_as(Role::Provider).await;
    let stockdales_org = stockdales
        .create_organisation("Stockdales of Sale", "social_enterprise")
        .await;
    app.approve_organisation(stockdales_org).await;
    let (mattinson, mattinson_org) = registered_provider(&app, "Susan Mattinson").await;
    let lime = care_home(
        &app,
        &mountlands,
        &admin,
        mountlands_org,
        "Lime Tree House",
        LIME_TREE,
        "M33 4RZ",
    )
    .await;
    let headonhey = care_home(
        &app,
        &stockdales,
        &admin,
        stockdales_org,
        "Headonhey",
        HEADONHEY,
        "M33 5AH",
    )
    .await;
    let wyncourt = care_home(
        &app,
        &mattinson,
        &admin,
        mattinson_org,
        "Wyncourt Nursing Home",
        WYNCOURT,
        "WA15 6QH",
    )
    .await;
    // A listing cannot borrow another provider's rating by naming its home.
    let borrowed = care_home(
        &app,
        &mountlands,
        &admin,
        mountlands_org,
        "Lime Tree Annexe",
        WYNCOURT,
        "M33 4RZ",
    )
    .await;
    let provider = mountlands;

    // Nobody but an admin imports.
    let (status, _) = upload(&provider, OCTOBER_ODS).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A file that is not the register says so, and nothing is kept.
    let res = admin
        .post_file(
            "/admin/cqc",
            "file",
            ("list.csv", b"name,postcode\nA,M33 7AB\n".to_vec()),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Location ID"));

    let (status, page) = upload(&admin, OCTOBER_ODS).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("56 rows read: 54 locations kept, 4 listings matched, 0 changes for review"),
        "the two Manchester homes are not the council's: {page}"
    );

    // The listing page shows CQC's rating and date, links to CQC's page of the location,
    // and keeps it apart from the council's own checks.
    let visitor = app.browser();
    let (_, lime_page) = visitor.get_text(&format!("/listings/{lime}")).await;
    assert!(lime_page.contains("Care Quality Commission (CQC)"));
    assert!(lime_page.contains("CQC rating: "));
    assert!(lime_page.contains(">Good<"));
    assert!(lime_page.contains(&format!("https://www.cqc.org.uk/location/{LIME_TREE}")));
    assert!(lime_page.contains("Care home without nursing, registered for"));
    let (_, wyncourt_page) = visitor.get_text(&format!("/listings/{wyncourt}")).await;
    assert!(wyncourt_page.contains(">Outstanding<"));
    assert!(wyncourt_page.contains("Care home with nursing"));
    let (_, borrowed_page) = visitor.get_text(&format!("/listings/{borrowed}")).await;
    assert!(
        !borrowed_page.contains("Outstanding"),
        "another provider's rating is not shown"
    );

    // Search: the rating on the card, a filter and facet by it, nursing, and sorting by
    // rating using CQC's where the council has not checked.
    wait_for(&visitor, "cqc=outstanding", |found| found == [wyncourt]).await;
    let all = api(&visitor, "category=care-homes").await;
    assert_eq!(all["facets"]["cqc"]["good"], 2);
    assert_eq!(all["facets"]["cqc"]["outstanding"], 1);
    let by_rating = api(&visitor, "category=care-homes&sort=rating").await;
    assert_eq!(ids(&by_rating)[0], wyncourt);
    let nursing = api(&visitor, "nursing=yes").await;
    assert_eq!(ids(&nursing), vec![wyncourt]);
    let hit = &by_rating["results"][0];
    assert_eq!(hit["cqc_rating"], "outstanding");
    assert!(hit["beds"].as_u64().is_some());
    let (_, results) = visitor
        .get_text("/search?category=care-homes&cqc=good")
        .await;
    assert!(results.contains("2 services found"));
    assert!(results.contains("CQC rating: <strong>Good</strong> (published"));
    assert!(
        results.contains("CQC: Good"),
        "the chosen filter shows as a chip"
    );
    assert!(
        results.contains("Size of care home"),
        "care home filters show for care homes"
    );

    // The Open Referral export carries the rating as an accreditation.
    let service: serde_json::Value = visitor
        .get("/openreferral/services?search=Lime+Tree")
        .await
        .json()
        .await
        .unwrap();
    let text = service.to_string();
    assert!(
        text.contains("CQC rating: Good (published") && text.contains(LIME_TREE),
        "{text}"
    );

    // November: Lime Tree House lowered to requires improvement, Headonhey gone.
    let (status, page) = upload(&admin, NOVEMBER_XLSX).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2 changes for review"), "{page}");
    let open = open_changes(&app).await;
    assert_eq!(open.len(), 2, "exactly two items: {open:?}");
    let (_, queue) = admin.get_text("/admin/cqc/changes").await;
    assert!(queue.contains("Lime Tree House") && queue.contains("Rating went down"));
    assert!(queue.contains("Headonhey") && queue.contains("No longer registered"));
    let (_, home) = admin.get_text("/").await;
    assert!(
        home.contains("Changes in CQC&#39;s register")
            || home.contains("Changes in CQC's register")
    );
    // Nothing was suspended by the import.
    assert_eq!(
        visitor
            .get(&format!("/listings/{headonhey}"))
            .await
            .status(),
        StatusCode::OK
    );
    let (_, headonhey_page) = visitor.get_text(&format!("/listings/{headonhey}")).await;
    assert!(headonhey_page.contains("no longer lists this location"));
    wait_for(&visitor, "cqc=requires_improvement", |found| {
        found == [lime]
    })
    .await;

    let lime_change = open.iter().find(|c| c.location_id == LIME_TREE).unwrap().id;
    let gone_change = open.iter().find(|c| c.location_id == HEADONHEY).unwrap().id;
    // An acknowledgement needs a note.
    let (status, body) = admin
        .post_form_text(
            &format!("/admin/cqc/changes/{lime_change}/acknowledge"),
            &[("note", " ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter a note saying what you did or will do"));
    assert!(body.contains(&format!("href=\"#note-{lime_change}\"")));
    let res = admin
        .post_form(
            &format!("/admin/cqc/changes/{lime_change}/acknowledge"),
            &[(
                "note",
                "Rang the manager: action plan agreed, recheck in March",
            )],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/cqc/changes");
    // A second click finds it dealt with.
    let res = admin
        .post_form(
            &format!("/admin/cqc/changes/{lime_change}/acknowledge"),
            &[("note", "again")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Suspending from the queue takes a reason and only a listing at that location.
    let res = admin
        .post_form(
            &format!("/admin/cqc/changes/{gone_change}/suspend"),
            &[("listing_id", &lime.to_string()), ("reason", "Closed")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("That listing is not at this location")
    );
    let res = admin
        .post_form(
            &format!("/admin/cqc/changes/{gone_change}/suspend"),
            &[
                ("listing_id", &headonhey.to_string()),
                ("reason", "CQC no longer lists the home"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visitor
            .get(&format!("/listings/{headonhey}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(open_changes(&app).await.is_empty());
    let actions = app.audit_actions().await;
    for action in ["cqc.imported", "cqc.change_resolved", "listing.suspended"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
    let (_, queue) = admin.get_text("/admin/cqc/changes").await;
    assert!(queue.contains("Nothing to review"));
    assert!(queue.contains("Listing suspended"));
}

#[tokio::test]
async fn the_csv_reads_as_the_workbook_and_part_of_the_register_deregisters_nobody() {
    let app = spawn_app().await;
    let (provider, org) = registered_provider(&app, "Mountlands Trust Limited").await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let lime = care_home(
        &app,
        &provider,
        &admin,
        org,
        "Lime Tree House",
        LIME_TREE,
        "M33 4RZ",
    )
    .await;
    let (status, page) = upload(&admin, OCTOBER_CSV).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("56 rows read: 54 locations kept, 1 listing matched"),
        "{page}"
    );
    let (_, lime_page) = app.browser().get_text(&format!("/listings/{lime}")).await;
    assert!(lime_page.contains(">Good<"));

    // A file with only a few of the locations Kith knows is part of the register: nobody is
    // marked deregistered from it.
    let part = std::fs::read_to_string(OCTOBER_CSV).unwrap();
    let part: String = part.lines().take(6).map(|l| format!("{l}\n")).collect();
    let res = admin
        .post_file("/admin/cqc", "file", ("part.csv", part.into_bytes()), &[])
        .await;
    let page = res.text().await.unwrap();
    assert!(page.contains("looks like part of the register"), "{page}");
    assert!(open_changes(&app).await.is_empty());
    let (_, lime_page) = app.browser().get_text(&format!("/listings/{lime}")).await;
    assert!(!lime_page.contains("no longer lists this location"));
}

#[tokio::test]
async fn a_known_provider_s_new_location_is_queued_and_its_provider_invited() {
    let app = spawn_app().await;
    let (provider, provider_user) = app.signed_in_as(Role::Provider).await;
    let stockdales = std::fs::read_to_string(OCTOBER_CSV)
        .unwrap()
        .lines()
        .find(|l| l.contains("Stockdales"))
        .and_then(|l| {
            l.split(',')
                .find(|c| c.starts_with("1-10"))
                .map(str::to_owned)
        })
        .expect("Stockdales' provider id");
    let res = provider
        .post_form(
            "/provider/organisations",
            &[
                ("name", "Stockdales of Sale"),
                ("kind", "registered_care_provider"),
                ("cqc_provider_id", &stockdales),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let org: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    let (admin, _) = app.signed_in_as(Role::Admin).await;

    // The first import is the baseline; November lists Harboro for the first time.
    upload(&admin, OCTOBER_ODS).await;
    assert!(open_changes(&app).await.is_empty());
    let (_, cqc_page) = admin.get_text("/admin/cqc").await;
    assert!(cqc_page.contains("registered locations in Trafford"));
    upload(&admin, NOVEMBER_XLSX).await;
    let open = open_changes(&app).await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].location_id, "1-711024161");
    let (_, queue) = admin.get_text("/admin/cqc/changes").await;
    assert!(queue.contains("Harboro") && queue.contains("New location of a provider in Kith"));
    let res = admin
        .post_form(&format!("/admin/cqc/changes/{}/invite", open[0].id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app
        .wait_for_mail(&provider_user.email, "Add Harboro to Kith")
        .await;
    assert!(
        mail.text
            .contains(&format!("/provider/organisations/{org}/listings/new"))
    );
    assert!(open_changes(&app).await.is_empty());
    assert_eq!(cqc_changes::Entity::find().count(&app.db).await.unwrap(), 1);
}

#[tokio::test]
async fn the_area_s_unlisted_homes_become_draft_listings_waiting_for_approval() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (_, page) = upload(&admin, OCTOBER_ODS).await;
    assert!(
        page.contains("Add 54 locations as draft listings"),
        "{page}"
    );
    let res = admin.post_form("/admin/cqc/drafts", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = res.text().await.unwrap();
    assert!(report.contains("54 created"), "{report}");
    // They wait for the council: nothing is public yet.
    let (_, queue) = admin.get_text("/admin/listings").await;
    assert!(queue.contains("Lime Tree House"));
    let found = api(&app.browser(), "q=Lime+Tree").await;
    assert!(ids(&found).is_empty());
    let (_, cqc_page) = admin.get_text("/admin/cqc").await;
    assert!(!cqc_page.contains("as draft listings"), "none left to add");
}

#[test]
fn the_command_line_imports_the_register_and_names_a_file_that_is_not_it() {
    let dir = tempfile::tempdir().unwrap();
    let kith = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(args)
            .env("KITH_DATA_DIR", dir.path())
            .env("KITH_DEMO", "false")
            .env_remove("KITH_DATABASE_URL")
            .env_remove("DATABASE_URL")
            .output()
            .expect("run kith");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = kith(&["import", "cqc", OCTOBER_ODS]);
    assert!(ok, "{err}");
    assert!(
        out.contains("56 rows read: 54 locations kept, 0 listings matched, 0 changes for review"),
        "{out}"
    );
    assert!(out.contains("54 registered locations in Trafford can be added as draft listings"));
    let (ok, out, err) = kith(&["import", "cqc", NOVEMBER_XLSX]);
    assert!(ok, "{err}");
    assert!(out.contains("56 rows read: 54 locations kept"), "{out}");
    let not_it = dir.path().join("people.csv");
    std::fs::write(&not_it, "name,postcode\nAnn,M33 7AB\n").unwrap();
    let (ok, _, err) = kith(&["import", "cqc", not_it.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("\"Location ID\""), "{err}");
}
