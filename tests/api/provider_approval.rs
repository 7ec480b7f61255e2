//! Provider approval: evidence, asking for approval, the admin's checklist and decisions,
//! emails at each step, and reminders before DBS checks and insurance lapse.

use chrono::{Datelike, Duration, Utc};
use entity::{provider_organisations, provider_reviews};
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{Browser, spawn_app};

fn date_fields(prefix: &str, date: chrono::NaiveDate) -> [(String, String); 3] {
    [
        (format!("{prefix}-day"), date.day().to_string()),
        (format!("{prefix}-month"), date.month().to_string()),
        (format!("{prefix}-year"), date.year().to_string()),
    ]
}

async fn save_evidence(b: &Browser, id: i64, fields: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post_form(&format!("/provider/organisations/{id}/evidence"), &pairs)
        .await
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Records every piece of evidence a personal assistant needs.
async fn give_pa_evidence(b: &Browser, id: i64) {
    let today = Utc::now().date_naive();
    for fields in [
        owned(&[
            ("kind", "identity"),
            ("details", "Passport and a council tax bill"),
        ]),
        owned(&[("kind", "references"), ("details", "Two former employers")]),
        owned(&[
            ("kind", "training"),
            ("details", "First aid 2025, safeguarding 2026"),
        ]),
    ] {
        assert_eq!(
            save_evidence(b, id, &fields).await.status(),
            StatusCode::SEE_OTHER
        );
    }
    let mut dbs = owned(&[
        ("kind", "dbs"),
        ("check_type", "enhanced_barred"),
        ("reference_number", "001234567890"),
    ]);
    dbs.extend(date_fields("issued_on", today - Duration::days(100)));
    assert_eq!(
        save_evidence(b, id, &dbs).await.status(),
        StatusCode::SEE_OTHER
    );
    let mut insurance = owned(&[
        ("kind", "insurance"),
        ("details", "Acme Mutual, £5 million"),
    ]);
    insurance.extend(date_fields("expires_on", today + Duration::days(300)));
    assert_eq!(
        save_evidence(b, id, &insurance).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn status_of(app: &crate::helpers::TestApp, id: i64) -> String {
    provider_organisations::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .status
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn a_personal_assistant_is_approved_after_changes_with_every_step_recorded() {
    let app = spawn_app().await;
    let (admin, admin_user) = app.signed_in_as(Role::Admin).await;
    let (pa, pa_user) = app.signed_in_as(Role::Provider).await;
    let id = pa
        .create_organisation("Jess Carer", "personal_assistant")
        .await;
    let evidence_page = format!("/provider/organisations/{id}/evidence");

    let (status, body) = pa
        .post_form_text(&format!("/provider/organisations/{id}/submit"), &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("add a contact email address") && body.contains("add your DBS check"),
        "{body}"
    );

    let res = save_evidence(
        &pa,
        id,
        &owned(&[
            ("kind", "dbs"),
            ("check_type", "platinum"),
            ("reference_number", "12"),
            ("issued_on-day", "31"),
            ("issued_on-month", "2"),
            ("issued_on-year", "2025"),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Select the level of DBS check")
            && body.contains("12-digit")
            && body.contains("must be a real date"),
        "{body}"
    );
    let res = save_evidence(
        &pa,
        id,
        &owned(&[("kind", "insurance"), ("details", "Acme")]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Enter the date your insurance ends")
    );

    give_pa_evidence(&pa, id).await;
    pa.post_form(
        &format!("/provider/organisations/{id}"),
        &[
            ("contact_email", "jess@example.org"),
            ("address", "3 Home Lane"),
            ("postcode", "M16 9AA"),
        ],
    )
    .await;
    let res = pa
        .post_form(&format!("/provider/organisations/{id}/submit"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, "submitted");
    app.wait_for_mail(&admin_user.email, "has asked to be approved")
        .await;
    let (status, _) = pa
        .post_form_text(&format!("/provider/organisations/{id}/submit"), &[])
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cannot submit twice"
    );

    let (status, body) = admin.get_text("/admin/providers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Jess Carer") && body.contains("Today"));
    let (status, body) = admin.get_text(&format!("/admin/providers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("001234567890")
            && body.contains("Acme Mutual")
            && body.contains("3 Home Lane"),
        "the admin sees everything"
    );

    let decision = format!("/admin/providers/{id}/decision");
    let (status, body) = admin
        .post_form_text(
            &decision,
            &[
                ("decision", "approve"),
                ("checklist", "identity"),
                ("checklist", "dbs"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Confirm every check before approving"));
    let (status, body) = admin
        .post_form_text(
            &decision,
            &[("decision", "request_changes"), ("message", "  ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Tell the provider what to change"));
    let (status, _) = admin
        .post_form_text(&decision, &[("decision", "maybe")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = admin
        .post_form(
            &decision,
            &[
                ("decision", "request_changes"),
                ("message", "Please add your manual handling course."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, "changes_requested");
    let mail = app.wait_for_mail(&pa_user.email, "Changes needed").await;
    assert!(
        mail.text
            .contains("Please add your manual handling course.")
    );
    let (_, body) = pa.get_text(&evidence_page).await;
    assert!(body.contains("Please add your manual handling course."));
    assert_eq!(
        app.browser()
            .get(&format!("/providers/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    save_evidence(
        &pa,
        id,
        &owned(&[
            ("kind", "training"),
            (
                "details",
                "First aid 2025, safeguarding 2026, manual handling 2026",
            ),
        ]),
    )
    .await;
    assert_eq!(
        pa.post_form(&format!("/provider/organisations/{id}/submit"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let checklist = [
        ("decision", "approve"),
        ("checklist", "identity"),
        ("checklist", "dbs"),
        ("checklist", "insurance"),
        ("checklist", "references"),
        ("checklist", "training"),
    ];
    assert_eq!(
        admin.post_form(&decision, &checklist).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, id).await, "approved");
    app.wait_for_mail(&pa_user.email, "is approved on Kith")
        .await;
    let (status, body) = app.browser().get_text(&format!("/providers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !body.contains("3 Home Lane") && !body.contains("001234567890"),
        "no private details in public"
    );
    let (status, _) = admin.post_form_text(&decision, &checklist).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "no decision on a provider that is not waiting"
    );

    let reviews = provider_reviews::Entity::find()
        .filter(provider_reviews::Column::OrganisationId.eq(id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(reviews, 2);
    let actions = app.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "organisation.status_changed")
            .count(),
        4,
        "{actions:?}"
    );
    assert!(actions.contains(&"organisation.evidence_saved".to_owned()));
}

#[tokio::test]
async fn evidence_and_approval_belong_to_the_organisation_and_the_admins() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Provider).await;
    let id = owner
        .create_organisation("Private Evidence Ltd", "voluntary_group")
        .await;
    save_evidence(
        &owner,
        id,
        &owned(&[
            ("kind", "identity"),
            ("details", "Secret passport number 123"),
        ]),
    )
    .await;
    let (other, _) = app.signed_in_as(Role::Provider).await;
    let (status, body) = other
        .get_text(&format!("/provider/organisations/{id}/evidence"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Secret passport"));
    assert_eq!(
        save_evidence(
            &other,
            id,
            &owned(&[("kind", "identity"), ("details", "forged")])
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post_form(&format!("/provider/organisations/{id}/submit"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (status, _) = other.get_text(&format!("/admin/providers/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = owner
        .get_text(&format!("/provider/organisations/{id}/evidence"))
        .await;
    assert!(body.contains("Secret passport number 123") && !body.contains("forged"));
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    assert_eq!(
        admin
            .get(&format!("/admin/providers/{}", id + 1000))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .post_form(
                &format!("/admin/providers/{id}/decision"),
                &[("decision", "approve")]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST,
        "a draft cannot be decided"
    );
}

#[tokio::test]
async fn reminders_go_out_once_before_evidence_lapses_and_lapsed_evidence_is_flagged() {
    let app = spawn_app().await;
    let (b, user) = app.signed_in_as(Role::Provider).await;
    let id = b
        .create_organisation("Nearly Expired", "social_enterprise")
        .await;
    let today = Utc::now().date_naive();
    let mut insurance = owned(&[("kind", "insurance"), ("details", "Acme Mutual")]);
    insurance.extend(date_fields("expires_on", today + Duration::days(10)));
    assert_eq!(
        save_evidence(&b, id, &insurance).await.status(),
        StatusCode::SEE_OTHER
    );

    // The service's own daily pass (run once at start) may send a reminder before this
    // test's call does; the outbox says whether exactly one went out.
    kith::domain::providers::evidence_expiry::send_expiry_reminders(&app.db, &app.address, today)
        .await
        .unwrap();
    assert_eq!(queued_to(&app, &user.email, "runs out on").await, 1);
    let again = kith::domain::providers::evidence_expiry::send_expiry_reminders(
        &app.db,
        &app.address,
        today,
    )
    .await
    .unwrap();
    assert_eq!(again, 0, "one reminder per expiry");
    let mail = app.wait_for_mail(&user.email, "runs out on").await;
    assert!(mail.text.contains("Nearly Expired") && mail.text.contains("/evidence"));
    let (_, body) = b
        .get_text(&format!("/provider/organisations/{id}/evidence"))
        .await;
    assert!(body.contains("Due in 10 days"));

    let mut lapsed = owned(&[("kind", "insurance"), ("details", "Acme Mutual")]);
    lapsed.extend(date_fields("expires_on", today - Duration::days(2)));
    assert_eq!(
        save_evidence(&b, id, &lapsed).await.status(),
        StatusCode::SEE_OTHER
    );
    app.approve_organisation(id).await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (_, body) = admin.get_text("/admin/providers?status=approved").await;
    assert!(body.contains("Nearly Expired") && body.contains("Public liability insurance lapsed"));
    kith::domain::providers::evidence_expiry::send_expiry_reminders(&app.db, &app.address, today)
        .await
        .unwrap();
    assert_eq!(
        queued_to(&app, &user.email, "has lapsed").await,
        1,
        "updating evidence re-arms the reminder"
    );
}

/// Messages queued to `to` whose subject contains `subject`, sent or not.
async fn queued_to(app: &crate::helpers::TestApp, to: &str, subject: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entity::mail_outbox::Entity::find()
        .filter(entity::mail_outbox::Column::ToAddress.eq(to))
        .filter(entity::mail_outbox::Column::Subject.contains(subject))
        .count(&app.db)
        .await
        .unwrap()
}
