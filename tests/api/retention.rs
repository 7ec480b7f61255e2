//! The retention schedule and files on disk: `kith retention` removes exactly what is due
//! (and a dry run nothing), the market figures for past periods do not change, the privacy
//! notice and the admins' pages say the same periods; uploaded files are deleted when no
//! row refers to them any more, and `kith files check` finds orphans and missing files.

use chrono::{Duration, Utc};
use entity::mail_outbox::MailStatus;
use entity::{
    auth_tokens, broker_clients, enquiries, mail_outbox, provider_evidence_files, search_log,
};
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::enquiries::{enquiry_fields, send_enquiry};
use crate::helpers::fixtures::published;
use crate::helpers::{Browser, TestApp, location, png_bytes, spawn_app, spawn_app_with};

/// Runs `kith <args>` against the app's database and data directory: (success, stdout).
async fn kith(app: &TestApp, args: &[&str]) -> (bool, String) {
    let database_url = app.command_database_url();
    let data_dir = app.settings().data_dir;
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(&args)
            .env("KITH_DATABASE_URL", &database_url)
            .env("KITH_DATA_DIR", &data_dir)
            .env("KITH_DEMO", "false")
            .output()
            .expect("run kith")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.success(), format!("{stdout}{stderr}"))
}

fn days_ago(days: i64) -> chrono::DateTime<Utc> {
    Utc::now() - Duration::days(days)
}

/// A search as the log keeps it, made `days` ago, counted in the daily roll-up as the live
/// log counts it.
async fn search(app: &TestApp, days: i64, words: &str, found: i32) {
    let at = days_ago(days);
    search_log::Entity::insert(search_log::ActiveModel {
        query_text: Set(words.to_owned()),
        filters: Set("{}".to_owned()),
        area: Set(Some("M16 0".to_owned())),
        result_count: Set(found),
        source: Set(search_log::SearchSource::Page),
        created_at: Set(at),
        category: Set(Some("day-support".to_owned())),
        district: Set(Some("M16".to_owned())),
        counted: Set(true),
        ..Default::default()
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    kith::domain::search::log::count_daily(
        &app.db,
        at.date_naive(),
        "day-support",
        "M16",
        1,
        i64::from(found == 0),
    )
    .await
    .unwrap();
}

async fn mail(app: &TestApp, days: i64, status: MailStatus) {
    mail_outbox::Entity::insert(mail_outbox::ActiveModel {
        to_address: Set("someone@example.org".into()),
        subject: Set("A message".into()),
        text_body: Set("Hello".into()),
        html_body: Set("<p>Hello</p>".into()),
        status: Set(status),
        attempts: Set(1),
        // A waiting message is not due yet, so the mail sender leaves it waiting.
        next_attempt_at: Set(if status == MailStatus::Pending {
            Utc::now() + Duration::days(1)
        } else {
            days_ago(days)
        }),
        last_error: Set(None),
        created_at: Set(days_ago(days)),
        sent_at: Set((status == MailStatus::Sent).then(|| days_ago(days))),
        ..Default::default()
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
}

async fn market_figures(commissioner: &Browser) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["demand", "searches-that-found-nothing"] {
        let (status, body) = commissioner
            .get_text(&format!("/commissioner/market/{table}.csv?days=365"))
            .await;
        assert_eq!(status, StatusCode::OK);
        out.push(body);
    }
    out
}

async fn upload_evidence(b: &Browser, org: i64, kind: &str, bytes: Vec<u8>) -> reqwest::Response {
    b.post_file(
        &format!("/provider/organisations/{org}/evidence/files"),
        "document",
        ("certificate.pdf", bytes),
        &[("document_kind", kind)],
    )
    .await
}

fn private_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let dir = app.settings().data_dir.join("private");
    let mut out = Vec::new();
    for shard in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(shard.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            out.push(file.path());
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn retention_removes_exactly_what_is_due_and_past_figures_stay_the_same() {
    // The server's own hourly run would race the test's: only the command applies it here.
    let app = spawn_app_with(|s| s.retention_job = false).await;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;

    // Searches: two a year old (one found nothing), two last week (one found nothing).
    search(&app, 200, "welsh speaking carer", 0).await;
    search(&app, 200, "day centre", 4).await;
    search(&app, 5, "welsh speaking carer", 0).await;
    search(&app, 5, "day centre", 3).await;
    // Mail: sent long ago, sent lately, and one still waiting from long ago.
    mail(&app, 40, MailStatus::Sent).await;
    mail(&app, 10, MailStatus::Sent).await;
    mail(&app, 40, MailStatus::Pending).await;
    // Links: one used long ago, one used yesterday.
    let user = app.create_user(&[Role::BudgetHolder]).await;
    for used in [10, 1] {
        auth_tokens::Entity::insert(auth_tokens::ActiveModel {
            user_id: Set(user.id),
            purpose: Set("verify_email".into()),
            token_hash: Set(format!("hash-{used}")),
            expires_at: Set(days_ago(used) + Duration::days(1)),
            used_at: Set(Some(days_ago(used))),
            created_at: Set(days_ago(used)),
            ..Default::default()
        })
        .exec_without_returning(&app.db)
        .await
        .unwrap();
    }
    // Enquiries: closed three years ago, closed last year, still open.
    let (provider, _, _, listing) = published(&app).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
        ids.push(send_enquiry(&holder, listing, &enquiry_fields("phone", "0161 496 0001")).await);
    }
    for (id, closed) in [(ids[0], 3 * 365), (ids[1], 365)] {
        provider
            .post_form(
                &format!("/enquiries/{id}/close"),
                &[("outcome", "arranged")],
            )
            .await;
        enquiries::Entity::update_many()
            .col_expr(enquiries::Column::ClosedAt, Expr::value(days_ago(closed)))
            .filter(enquiries::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
    }
    // Problem reports: one resolved three years ago, one resolved yesterday, one open.
    for (kind, resolved) in [
        ("closed", Some(3 * 365)),
        ("closed", Some(1)),
        ("out_of_date", None),
    ] {
        let res = app
            .browser()
            .post_form(
                &format!("/listings/{listing}/report"),
                &[("kind", kind), ("details", "Seen on a visit")],
            )
            .await;
        assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
        if let Some(days) = resolved {
            let last = entity::listing_reports::Entity::find()
                .order_by_desc(entity::listing_reports::Column::Id)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            entity::listing_reports::Entity::update_many()
                .col_expr(
                    entity::listing_reports::Column::ResolvedAt,
                    Expr::value(Some(days_ago(days))),
                )
                .col_expr(
                    entity::listing_reports::Column::Resolution,
                    Expr::value(Some("Put right".to_owned())),
                )
                .filter(entity::listing_reports::Column::Id.eq(last.id))
                .exec(&app.db)
                .await
                .unwrap();
        }
    }
    // Clients: a case closed seven years ago, one closed last year.
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let mut clients = Vec::new();
    for name in ["Old Case", "Recent Case"] {
        let res = broker
            .post_form(
                "/broker/clients",
                &[
                    ("name", name),
                    ("postcode_sector", "M16 0RA"),
                    ("needs", "Support at home"),
                    ("contact_preference", "phone"),
                    ("contact_details", "0161 496 0002"),
                ],
            )
            .await;
        clients.push(
            location(&res)
                .trim_start_matches("/broker/clients/")
                .parse::<i64>()
                .unwrap(),
        );
    }
    for (id, closed) in [(clients[0], 7 * 365), (clients[1], 365)] {
        broker_clients::Entity::update_many()
            .col_expr(
                broker_clients::Column::ClosedAt,
                Expr::value(Some(days_ago(closed))),
            )
            .filter(broker_clients::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
    }
    // Evidence of a personal assistant: a DBS certificate replaced 13 months ago, its
    // replacement, insurance nothing has replaced, and two references (which accumulate:
    // a newer one replaces nothing).
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let org = owner
        .create_organisation("Evidence Keeper", "personal_assistant")
        .await;
    for (kind, body, uploaded) in [
        ("dbs", "old dbs", 800),
        ("dbs", "new dbs", 400),
        ("insurance", "insurance", 1000),
        ("references", "old reference", 900),
        ("references", "new reference", 500),
    ] {
        let res = upload_evidence(
            &owner,
            org,
            kind,
            format!("%PDF-1.4\n{body}\n").into_bytes(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let newest = provider_evidence_files::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .max_by_key(|f| f.id)
            .unwrap();
        provider_evidence_files::Entity::update_many()
            .col_expr(
                provider_evidence_files::Column::UploadedAt,
                Expr::value(days_ago(uploaded)),
            )
            .filter(provider_evidence_files::Column::Id.eq(newest.id))
            .exec(&app.db)
            .await
            .unwrap();
    }
    assert_eq!(private_files(&app).len(), 5);

    let before = market_figures(&commissioner).await;
    assert!(
        before[1].contains("welsh speaking carer,2"),
        "{}",
        before[1]
    );

    // A dry run says what is due and removes nothing.
    let (ok, out) = kith(&app, &["retention", "--dry-run"]).await;
    assert!(ok, "{out}");
    for line in [
        "2 searches rolled up into daily counts and deleted",
        "1 emails deleted",
        "1 used or expired links deleted",
        "1 closed enquiries anonymised",
        "1 closed client records anonymised",
        "1 resolved problem reports deleted",
        "1 evidence documents deleted",
    ] {
        assert!(out.contains(line), "{line:?} in {out}");
    }
    assert!(out.contains("Enquiries and their messages: 2 years after the enquiry closes"));
    assert_eq!(search_log::Entity::find().count(&app.db).await.unwrap(), 4);

    let (ok, out) = kith(&app, &["retention", "--apply"]).await;
    assert!(ok, "{out}");
    assert!(out.contains("2 searches rolled up"), "{out}");

    // Exactly what was due is gone.
    let searches = search_log::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(searches.len(), 2);
    assert!(searches.iter().all(|s| s.created_at > days_ago(90)));
    let mails = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Subject.eq("A message"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(mails.len(), 2, "the recent one and the one still waiting");
    let reports = entity::listing_reports::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        reports.len(),
        2,
        "the one resolved yesterday and the open one"
    );
    assert!(mails.iter().any(|m| m.status == MailStatus::Pending));
    let tokens = auth_tokens::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(tokens.len(), 1);
    for (id, anonymised) in [(ids[0], true), (ids[1], false), (ids[2], false)] {
        let row = enquiries::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.anonymised_at.is_some(), anonymised, "enquiry {id}");
        assert_eq!(row.reply_phone.is_none(), anonymised, "enquiry {id}");
        assert_eq!(
            row.support_wanted.contains("shopping"),
            !anonymised,
            "enquiry {id}"
        );
        assert_eq!(
            row.postcode_sector.as_deref(),
            Some("M33 7"),
            "the area stays"
        );
    }
    let old = broker_clients::Entity::find_by_id(clients[0])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(old.erased_at.is_some() && old.name.starts_with("Erased client"));
    let recent = broker_clients::Entity::find_by_id(clients[1])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(recent.name, "Recent Case");
    let files = provider_evidence_files::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        files.len(),
        4,
        "the replacement, the insurance and both references stay"
    );
    assert_eq!(
        private_files(&app).len(),
        4,
        "the old certificate's file is gone"
    );

    // The figures for the year are the same, from the roll-ups.
    assert_eq!(market_figures(&commissioner).await, before);
    assert!(
        app.audit_actions()
            .await
            .contains(&"retention.applied".to_owned())
    );

    // Nothing is due twice.
    let (ok, out) = kith(&app, &["retention", "--dry-run"]).await;
    assert!(
        ok && !out.contains("\n  1 ") && !out.contains("\n  2 "),
        "{out}"
    );

    // The notice and the admins' pages state the same schedule.
    let (_, notice) = app.browser().get_text("/privacy").await;
    assert!(notice.contains("2 years after the enquiry closes"));
    assert!(notice.contains("Article 9(2)(h)") && notice.contains("Article 10"));
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (status, page) = admin.get_text("/admin/retention").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2 years after the enquiry closes"));
    assert!(page.contains("enquiry_retention_days"));
    let (status, page) = admin.get_text("/admin/processing").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Record of processing activities") && page.contains("Evidence documents")
    );
}

#[tokio::test]
async fn files_are_deleted_when_nothing_refers_to_them() {
    let app = spawn_app().await;
    let (a, _) = app.signed_in_as(Role::Provider).await;
    let (b, _) = app.signed_in_as(Role::Provider).await;
    let org_a = a
        .create_organisation("First Helpers", "micro_enterprise")
        .await;
    let org_b = b
        .create_organisation("Second Helpers", "micro_enterprise")
        .await;
    let same = b"%PDF-1.4\n% the same certificate twice\n".to_vec();
    upload_evidence(&a, org_a, "insurance", same.clone()).await;
    upload_evidence(&b, org_b, "insurance", same).await;
    assert_eq!(private_files(&app).len(), 1, "one file for the same bytes");
    let rows = provider_evidence_files::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let id_of = |org: i64| rows.iter().find(|r| r.organisation_id.0 == org).unwrap().id;

    let res = a
        .post_form(&format!("/evidence-files/{}/remove", id_of(org_a)), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        private_files(&app).len(),
        1,
        "still used by the other organisation"
    );
    b.post_form(&format!("/evidence-files/{}/remove", id_of(org_b)), &[])
        .await;
    assert!(private_files(&app).is_empty(), "nothing refers to it now");

    // A logo replaced by another leaves no file behind.
    let logo_files = |org: entity::provider_organisations::Model| -> Vec<std::path::PathBuf> {
        [org.logo_file, org.logo_thumbnail]
            .into_iter()
            .flatten()
            .map(|name| {
                kith::file_store::local_path(
                    &app.settings().data_dir,
                    &kith::stored_files::FileRef::new(kith::stored_files::Store::Media, name),
                )
                .unwrap()
            })
            .collect()
    };
    let mut logos = Vec::new();
    for (width, alt) in [(40, "Our first logo"), (60, "Our new logo")] {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", a.csrf().await)
            .part(
                "logo",
                reqwest::multipart::Part::bytes(png_bytes(width, 30))
                    .file_name("logo.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
            .text("logo_alt", alt);
        let res = a
            .client
            .post(a.url(&format!("/provider/organisations/{org_a}/logo")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let org = entity::provider_organisations::Entity::find_by_id(
            entity::provider_organisations::OrganisationId(org_a),
        )
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
        logos.push(logo_files(org));
    }
    assert!(
        logos[0].iter().all(|p| !p.exists()),
        "the old logo's files are gone"
    );
    assert!(
        logos[1].iter().all(|p| p.exists()),
        "the new logo's files are there"
    );

    // `kith files check`: an old stray file is an orphan (a fresh one may be an upload in
    // progress); --fix removes it; a row whose file is missing is reported.
    let (ok, out) = kith(&app, &["files", "check"]).await;
    assert!(ok, "{out}");
    let stray_dir = app.settings().data_dir.join("private").join("ab");
    std::fs::create_dir_all(&stray_dir).unwrap();
    let stray = stray_dir.join(format!("ab{}.pdf", "0".repeat(62)));
    std::fs::write(&stray, b"%PDF-1.4\n").unwrap();
    let (ok, out) = kith(&app, &["files", "check"]).await;
    assert!(ok, "a file younger than an hour is left alone: {out}");
    std::fs::File::options()
        .write(true)
        .open(&stray)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
        .unwrap();
    let (ok, out) = kith(&app, &["files", "check"]).await;
    assert!(
        !ok && out.contains("nothing refers to: evidence documents"),
        "{out}"
    );
    let (ok, out) = kith(&app, &["files", "check", "--fix"]).await;
    assert!(ok && out.contains("Deleted 1 files"), "{out}");
    assert!(!stray.exists());
    upload_evidence(&a, org_a, "dbs", b"%PDF-1.4\n% kept\n".to_vec()).await;
    for file in private_files(&app) {
        std::fs::remove_file(file).unwrap();
    }
    let (ok, out) = kith(&app, &["files", "check"]).await;
    assert!(!ok && out.contains("missing: evidence documents"), "{out}");
}
