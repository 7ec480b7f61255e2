//! Personal data through HTTP: a subject access export holds every kind of record about the
//! person and nothing about anyone else; erasure leaves no trace of them in any table or
//! file while the records the council must keep stay whole; the same for a broker's client;
//! people download their own data and ask for erasure; the audit log keeps no words.

use std::collections::BTreeMap;
use std::io::Read;

use entity::{enquiries, fund_applications, users};
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, FromQueryResult, Statement};

use crate::enquiries::send_enquiry;
use crate::fund::{open_round, send_application};
use crate::helpers::fixtures::{create_listing, published};
use crate::helpers::{Browser, PASSWORD, TestApp, TestUser, location, spawn_app};

const NAME: &str = "Zelda Quennell-Marsh";
const PHONE: &str = "07700 900123";
const POSTCODE: &str = "M33 7AB";
const NEEDS: &str = "Zelda needs help washing after her stroke";
const MESSAGE: &str = "Mornings suit Zelda best, she takes warfarin";
const REVIEW: &str = "Zelda found them patient and careful";
const NOTE: &str = "Zelda is moving to Cornwall";
const DOCUMENT: &str = "Zelda-Quennell-Marsh-DBS.pdf";
const PDF: &[u8] = b"%PDF-1.4\n% Zelda's DBS certificate\n";
const INSURANCE: &str = "Zelda-Quennell-Marsh-insurance.pdf";
const OTHER_NEEDS: &str = "Bartholomew needs a lift to the day centre";

/// A person with records of every kind: an account holding two roles, an enquiry with a
/// message and a review, a plan and a shortlist, an organisation with a listing, an
/// evidence document and a fund application, and a request to be erased. Beside them, a
/// provider and another person with an enquiry of their own.
struct World {
    person: Browser,
    user: TestUser,
    provider: Browser,
    provider_user: TestUser,
    other: TestUser,
    enquiry: i64,
    other_enquiry: i64,
    application: i64,
}

async fn world(app: &TestApp) -> World {
    let (provider, _, provider_user, listing) = published(app).await;
    let user = app.create_user(&[Role::BudgetHolder, Role::Provider]).await;
    let person = app.browser();
    person.sign_in(&user.email, PASSWORD).await;
    let res = person
        .post_form("/account", &[("display_name", NAME)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "name saved");

    let enquiry = send_enquiry(
        &person,
        listing,
        &[
            ("support_wanted", NEEDS),
            ("when_wanted", "Weekday mornings"),
            ("postcode", POSTCODE),
            ("contact_name", NAME),
            ("reply_by", "phone"),
            ("reply_phone", PHONE),
        ],
    )
    .await;
    let res = person
        .post_form(
            &format!("/enquiries/{enquiry}/messages"),
            &[("body", MESSAGE)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "message sent");
    provider
        .post_form(
            &format!("/enquiries/{enquiry}/close"),
            &[("outcome", "arranged")],
        )
        .await;
    let res = person
        .post_form(
            &format!("/enquiries/{enquiry}/review"),
            &[("rating", "5"), ("review", REVIEW), ("shown_name", "Zelda")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "review written");
    let listing_text = listing.to_string();
    person
        .post_form("/shortlist", &[("listing_id", &listing_text)])
        .await;
    person
        .post_form("/plan/budget", &[("weekly_budget", "150")])
        .await;
    let res = person
        .post_form(
            "/plan/items",
            &[("listing_id", &listing_text), ("quantity", "2")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "plan item added");

    let org = person
        .create_organisation("Quennell Helpers", "micro_enterprise")
        .await;
    create_listing(app, &person, org, "Quennell Helpers: help at home", "16").await;
    let res = person
        .post_file(
            &format!("/provider/organisations/{org}/evidence/files"),
            "document",
            (DOCUMENT, PDF.to_vec()),
            &[("document_kind", "dbs")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "document uploaded");
    let res = person
        .post_file(
            &format!("/provider/organisations/{org}/evidence/files"),
            "document",
            (
                INSURANCE,
                b"%PDF-1.4\n% public liability insurance\n".to_vec(),
            ),
            &[("document_kind", "insurance")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "insurance uploaded");
    app.approve_organisation(org).await;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let round = open_round(app, &commissioner).await;
    let application = send_application(&person, round, org, "2000").await;

    let res = person
        .post_form("/account/personal-data/erasure", &[("note", NOTE)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "erasure requested");

    let (other_browser, other) = app.signed_in_as(Role::BudgetHolder).await;
    let other_enquiry = send_enquiry(
        &other_browser,
        listing,
        &[
            ("support_wanted", OTHER_NEEDS),
            ("when_wanted", "Fridays"),
            ("postcode", "M16 0RA"),
            ("contact_name", "Bartholomew"),
            ("reply_by", "email"),
            ("reply_phone", ""),
        ],
    )
    .await;
    World {
        person,
        user,
        provider,
        provider_user,
        other,
        enquiry,
        other_enquiry,
        application,
    }
}

/// The ZIP's files by name.
async fn unzip(res: reqwest::Response) -> BTreeMap<String, Vec<u8>> {
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"kith-personal-data-")
    );
    let bytes = res.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        out.insert(file.name().to_owned(), content);
    }
    out
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        files
            .get(name)
            .unwrap_or_else(|| panic!("{name} in {:?}", files.keys()))
            .clone(),
    )
    .unwrap()
}

fn records(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Vec<serde_json::Value> {
    serde_json::from_str(&text(files, name)).unwrap()
}

async fn admin(app: &TestApp) -> Browser {
    app.signed_in_as(Role::Admin).await.0
}

#[tokio::test]
async fn an_export_holds_every_kind_of_record_about_the_person_and_nothing_about_anyone_else() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let admin = admin(&app).await;
    let id = w.user.id;

    let (status, page) = admin
        .get_text(&format!("/admin/users/{id}/personal-data"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Download their data") && page.contains(NOTE));
    let files = unzip(
        admin
            .get(&format!("/admin/users/{id}/personal-data/export"))
            .await,
    )
    .await;
    for kind in [
        "account",
        "roles",
        "organisations",
        "listing-versions",
        "enquiries",
        "enquiry-messages",
        "reviews",
        "support-plan",
        "support-plan-items",
        "shortlist",
        "fund-applications",
        "evidence-files",
        "audit",
        "erasure-requests",
        "sign-in",
        "emails",
    ] {
        assert!(
            !records(&files, &format!("{kind}.json")).is_empty(),
            "{kind} has records"
        );
    }
    assert!(text(&files, "account.json").contains(&w.user.email));
    assert!(text(&files, "enquiries.json").contains(NEEDS));
    assert!(text(&files, "enquiries.json").contains(PHONE));
    assert!(text(&files, "enquiry-messages.json").contains(MESSAGE));
    assert!(text(&files, "reviews.json").contains(REVIEW));
    assert!(text(&files, "erasure-requests.json").contains(NOTE));
    assert!(text(&files, "evidence-files.json").contains(DOCUMENT));
    assert!(text(&files, "audit.json").contains("enquiry.sent"));
    // Emails are listed by subject and date only: their links may still work.
    assert!(!text(&files, "emails.json").contains("text_body"));
    let document = files
        .iter()
        .find(|(name, _)| name.starts_with("files/") && name.ends_with(DOCUMENT))
        .expect("the uploaded document");
    assert_eq!(document.1.as_slice(), PDF);
    let summary = text(&files, "summary.html");
    assert!(summary.contains(NAME) && summary.contains(NEEDS));
    assert!(summary.contains("Innovation fund applications"));

    // Nothing about anyone else, and no secrets.
    let everything: String = files
        .iter()
        .filter(|(name, _)| !name.starts_with("files/"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    for other in [
        OTHER_NEEDS,
        "Bartholomew",
        w.other.email.as_str(),
        w.provider_user.email.as_str(),
        "$argon2",
        "password_hash",
    ] {
        assert!(!everything.contains(other), "the export holds {other:?}");
    }
    assert!(
        app.audit_actions()
            .await
            .contains(&"person.data_exported".to_owned())
    );

    // The person downloads their own: what they gave, not the council's log or documents.
    let own = unzip(w.person.get("/account/personal-data/download").await).await;
    assert!(text(&own, "enquiries.json").contains(NEEDS));
    assert!(text(&own, "reviews.json").contains(REVIEW));
    assert!(!own.contains_key("audit.json"));
    assert!(!own.keys().any(|name| name.starts_with("files/")));
    // Nobody else may take anyone's export.
    let res = w
        .person
        .get(&format!("/admin/users/{id}/personal-data/export"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = w
        .provider
        .get(&format!("/admin/users/{id}/personal-data/export"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// Every row of every table, as text.
async fn every_row(app: &TestApp) -> Vec<(String, String)> {
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let tables = serde_json::Value::find_by_statement(Statement::from_string(backend, sql))
        .all(&app.db)
        .await
        .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let name = table["name"].as_str().unwrap().to_owned();
        let rows = serde_json::Value::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT * FROM \"{name}\""),
        ))
        .all(&app.db)
        .await
        .unwrap();
        for row in rows {
            out.push((name.clone(), row.to_string()));
        }
    }
    out
}

/// Every file under the data directory: (path, bytes).
fn every_file(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, bytes));
            }
        }
    }
    out
}

/// Where any of `needles` is still found: in a table's rows or a file's bytes (as written,
/// and lowercased as a search index keeps words).
pub(crate) async fn traces(app: &TestApp, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (table, row) in every_row(app).await {
        for needle in needles {
            if row.contains(needle) {
                found.push(format!("table {table}: {needle:?} in {row}"));
            }
        }
    }
    for (path, bytes) in every_file(&app.settings().data_dir) {
        for needle in needles {
            for form in [needle.to_string(), needle.to_lowercase()] {
                if bytes.windows(form.len()).any(|w| w == form.as_bytes()) {
                    found.push(format!("file {}: {form:?}", path.display()));
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn erasure_leaves_no_trace_of_the_person_and_keeps_the_councils_records() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let admin = admin(&app).await;
    let id = w.user.id;
    let needles = [
        NAME,
        w.user.email.as_str(),
        PHONE,
        POSTCODE,
        NEEDS,
        MESSAGE,
        REVIEW,
        NOTE,
        DOCUMENT,
        INSURANCE,
    ];
    assert!(
        !traces(&app, &needles).await.is_empty(),
        "the search finds the person before erasure"
    );

    // The request waits in the admins' queue; the page says what goes and what stays.
    let (_, queue) = admin.get_text("/admin/erasure-requests").await;
    assert!(queue.contains(NAME) && queue.contains(NOTE));
    let (_, page) = admin
        .get_text(&format!("/admin/users/{id}/personal-data"))
        .await;
    assert!(page.contains("What will be erased") && page.contains("1 enquiry"));
    assert!(page.contains("1 innovation fund application") && page.contains("360Giving"));
    assert!(page.contains("Quennell Helpers, which has no other member"));

    let (status, page) = admin
        .post_form_text(&format!("/admin/users/{id}/erase"), &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tick the box"));
    let res = admin
        .post_form(&format!("/admin/users/{id}/erase"), &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/admin/users/{id}/personal-data"));

    let left = traces(&app, &needles).await;
    assert!(left.is_empty(), "traces left: {left:#?}");

    // Their DBS certificate went with its file; the organisation's insurance stays, named
    // by what it is, not by who uploaded it.
    let documents = entity::provider_evidence_files::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(documents.len(), 1, "{documents:?}");
    assert_eq!(
        documents[0].kind,
        entity::provider_evidence::EvidenceKind::Insurance
    );
    assert!(documents[0].uploaded_by.is_none());
    assert!(documents[0].original_name.starts_with("insurance-"));

    // They are signed out everywhere and cannot sign in again.
    assert!(!w.person.is_signed_in().await);
    let res = app.browser().try_sign_in(&w.user.email, PASSWORD).await;
    assert_ne!(location(&res), "/account");

    // What the council must keep is whole, without them.
    let row = users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.display_name, format!("Erased person {id}"));
    assert!(row.erased_at.is_some() && row.disabled_at.is_some());
    let application = fund_applications::Entity::find_by_id(w.application)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the fund application is kept");
    assert_eq!(application.created_by_user_id, id);
    let enquiry = enquiries::Entity::find_by_id(w.enquiry)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the enquiry is kept for the market figures");
    assert_eq!(enquiry.postcode_sector.as_deref(), Some("M33 7"));
    assert_eq!(enquiry.outcome, Some(enquiries::EnquiryOutcome::Arranged));
    let other = enquiries::Entity::find_by_id(w.other_enquiry)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.support_wanted, OTHER_NEEDS, "nobody else is touched");

    // Pages that show kept records still render.
    let (status, thread) = w
        .provider
        .get_text(&format!("/enquiries/{}", w.enquiry))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(thread.contains("Removed when the person"));
    for path in [
        format!("/admin/users/{id}"),
        format!("/admin/users/{id}/personal-data"),
        "/admin/audit".to_owned(),
        "/admin/erasure-requests".to_owned(),
    ] {
        let (status, body) = admin.get_text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains(NAME), "{path}");
    }
    let (_, queue) = admin.get_text("/admin/erasure-requests").await;
    assert!(queue.contains("No open requests"));

    // The tombstone cannot be brought back into use.
    let (_, account) = admin.get_text(&format!("/admin/users/{id}")).await;
    assert!(account.contains("cannot be used again") && !account.contains("Give role"));
    let res = admin
        .post_form(&format!("/admin/users/{id}/roles"), &[("role", "broker")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = admin
        .post_form(
            &format!("/admin/users/{id}/status"),
            &[("action", "enable")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // The log says an erasure happened, and nothing erased; a second one is refused.
    assert!(
        app.audit_actions()
            .await
            .contains(&"person.erased".to_owned())
    );
    let res = admin
        .post_form(&format!("/admin/users/{id}/erase"), &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_brokers_client_is_exported_and_erased_without_an_account() {
    let app = spawn_app().await;
    let (_, _, _, listing) = published(&app).await;
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let client_name = "Yusuf Okonkwo-Blake";
    let client_needs = "Yusuf needs a Punjabi speaking carer";
    let client_phone = "0161 496 0777";
    let res = broker
        .post_form(
            "/broker/clients",
            &[
                ("name", client_name),
                ("postcode_sector", "M16 0RA"),
                ("needs", client_needs),
                ("contact_preference", "phone"),
                ("contact_details", client_phone),
            ],
        )
        .await;
    let client: i64 = location(&res)
        .trim_start_matches("/broker/clients/")
        .parse()
        .unwrap();
    broker
        .post_form(&format!("/broker/clients/{client}/act"), &[])
        .await;
    let client_text = client.to_string();
    let listing_text = listing.to_string();
    broker
        .post_form(
            "/shortlist",
            &[("listing_id", &listing_text), ("client", &client_text)],
        )
        .await;
    let enquiry_words = "Yusuf would like day support on Mondays";
    send_enquiry(
        &broker,
        listing,
        &[
            ("support_wanted", enquiry_words),
            ("when_wanted", "Mondays"),
            ("postcode", "M16 0RA"),
            ("contact_name", client_name),
            ("reply_by", "broker"),
            ("reply_phone", ""),
            ("client", &client_text),
        ],
    )
    .await;
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    send_enquiry(
        &holder,
        listing,
        &[
            ("support_wanted", OTHER_NEEDS),
            ("when_wanted", "Fridays"),
            ("postcode", "M16 0RA"),
            ("contact_name", "Bartholomew"),
            ("reply_by", "email"),
            ("reply_phone", ""),
        ],
    )
    .await;

    let admin = admin(&app).await;
    let (_, list) = admin.get_text("/admin/clients").await;
    assert!(list.contains(&format!("/admin/clients/{client}/personal-data")));
    let files = unzip(
        admin
            .get(&format!("/admin/clients/{client}/personal-data/export"))
            .await,
    )
    .await;
    assert!(text(&files, "client.json").contains(client_needs));
    assert!(text(&files, "enquiries.json").contains(enquiry_words));
    assert!(!records(&files, "shortlist.json").is_empty());
    assert!(text(&files, "audit.json").contains("client.created"));
    let everything: String = files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(!everything.contains(OTHER_NEEDS) && !everything.contains("Bartholomew"));

    let res = admin
        .post_form(
            &format!("/admin/clients/{client}/erase"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let left = traces(
        &app,
        &[client_name, client_needs, client_phone, enquiry_words],
    )
    .await;
    assert!(left.is_empty(), "traces left: {left:#?}");
    let (status, page) = broker.get_text(&format!("/broker/clients/{client}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("Erased client {client}")));
    assert!(
        app.audit_actions()
            .await
            .contains(&"client.erased".to_owned())
    );
}

#[tokio::test]
async fn staff_reasons_sit_beside_the_audit_log_and_emails_stay_out_of_it() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let target = app.create_user(&[Role::BudgetHolder]).await;
    let reason = "Complaint from Mrs Pemberton-Hale about messages";
    let res = admin
        .post_form(
            &format!("/admin/users/{}/status", target.id),
            &[("action", "disable"), ("reason", reason)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let invited = "new.staff.member@council.example";
    admin
        .post_form(
            "/admin/invitations",
            &[("email", invited), ("role", "broker")],
        )
        .await;
    // The page shows the reason with its entry ...
    let (_, page) = admin
        .get_text(&format!(
            "/admin/audit?subject_type=user&subject_id={}",
            target.id
        ))
        .await;
    assert!(page.contains(reason));
    // ... but the log itself holds neither the reason nor the email.
    let rows = entity::audit_log::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(rows.iter().any(|r| r.action == "invitation.created"));
    for row in &rows {
        let detail = row.detail.as_deref().unwrap_or_default();
        assert!(
            !detail.contains("Pemberton") && !detail.contains(invited),
            "{row:?}"
        );
    }
}

#[tokio::test]
async fn a_personal_assistant_erased_takes_their_own_service_down() {
    use crate::helpers::fixtures::{decide, submit};
    let app = spawn_app().await;
    let (pa, pa_user) = app.signed_in_as(Role::Provider).await;
    let name = "Amina Farooqui-Dale";
    let org = pa.create_organisation(name, "personal_assistant").await;
    app.approve_organisation(org).await;
    let title = "Amina Farooqui-Dale: personal assistant in Stretford";
    let listing = create_listing(&app, &pa, org, title, "15").await;
    let res = pa
        .post_file(
            &format!("/provider/organisations/{org}/evidence/files"),
            "document",
            ("amina-dbs.pdf", b"%PDF-1.4\n% Amina's DBS\n".to_vec()),
            &[("document_kind", "dbs")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(submit(&pa, listing).await.status(), StatusCode::SEE_OTHER);
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    assert_eq!(
        decide(&admin, listing, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let visitor = app.browser();
    let found = |body: &str| body.contains("Farooqui");
    let mut searchable = false;
    for _ in 0..100 {
        let (_, body) = visitor.get_text("/api/v1/search?q=Farooqui").await;
        if found(&body) {
            searchable = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(searchable, "the listing is published and searchable");

    let (_, page) = admin
        .get_text(&format!("/admin/users/{}/personal-data", pa_user.id))
        .await;
    assert!(
        page.contains("their own personal assistant service"),
        "{page}"
    );
    let res = admin
        .post_form(
            &format!("/admin/users/{}/erase", pa_user.id),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Taken down: the listing is gone from the public and from search; the provider page
    // names nobody.
    let (status, _) = visitor.get_text(&format!("/listings/{listing}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut gone = false;
    for _ in 0..100 {
        let (_, body) = visitor.get_text("/api/v1/search?q=Farooqui").await;
        if !found(&body) {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(gone, "search no longer finds them");
    let (status, profile) = visitor.get_text(&format!("/providers/{org}")).await;
    assert!(status == StatusCode::NOT_FOUND || !profile.contains("Amina"));
    let left = traces(
        &app,
        &[name, title, pa_user.email.as_str(), "amina-dbs.pdf"],
    )
    .await;
    assert!(left.is_empty(), "traces left: {left:#?}");
    // The council's pages about the organisation still render.
    for path in [
        format!("/admin/providers/{org}"),
        format!("/admin/listings/{listing}"),
    ] {
        let (status, body) = admin.get_text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains("Amina"), "{path}");
    }
}
