//! "Report a problem with this listing" through HTTP: anyone may report without signing in;
//! the provider's members hear of everything but concerns, which go to the council's admins
//! only; reports are rate-limited per address; repeated open reports bring the listing's
//! check forward; admins resolve each with a note.

use entity::listing_reports;
use entity::listings as listing_rows;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::EntityTrait;

use crate::helpers::fixtures::published;
use crate::helpers::{location, spawn_app};

#[tokio::test]
async fn reports_reach_the_right_people_are_limited_and_are_resolved() {
    let app = spawn_app().await;
    let (provider, admin, provider_user, listing) = published(&app).await;
    let admin_user = app.create_user(&[Role::Admin]).await;
    let visitor = app.browser();
    let path = format!("/listings/{listing}/report");

    let (_, page) = visitor.get_text(&format!("/listings/{listing}")).await;
    assert!(page.contains(&path), "every listing offers the report link");
    let (status, form) = visitor.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("safeguarding"),
        "the form says where urgent worries go"
    );

    // Each field's error says what is missing.
    let (status, body) = visitor.post_form_text(&path, &[("details", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Select what is wrong with the listing"));
    assert!(body.contains("Enter what is wrong"));

    // Out of date: the provider's members are told, with what was said.
    let res = visitor
        .post_form(
            &path,
            &[
                ("kind", "wrong_contact"),
                ("details", "The number rings out"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/listings/{listing}"));
    let mail = app
        .wait_for_mail(&provider_user.email, "Problem reported")
        .await;
    assert!(mail.text.contains("wrong contact details"));
    assert!(mail.text.contains(&format!("/provider/listings/{listing}")));
    assert!(
        !mail.text.contains("The number rings out"),
        "anyone's words stay out of Kith's emails"
    );
    let (_, manage) = provider
        .get_text(&format!("/provider/listings/{listing}"))
        .await;
    assert!(manage.contains("The number rings out"));

    // A concern goes to the admins only.
    let res = visitor
        .post_form(
            &path,
            &[("kind", "concern"), ("details", "Staff shouted at my dad")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app
        .wait_for_mail(&admin_user.email, "Problem reported")
        .await;
    assert!(mail.text.contains("a concern about the service"));
    assert!(mail.text.contains("/admin/reports"));
    app.send_pending_mail().await;
    let reports_to_provider = app
        .mail
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to == provider_user.email && m.subject.contains("Problem reported"))
        .count();
    assert_eq!(reports_to_provider, 1, "not the concern");
    let (_, manage) = provider
        .get_text(&format!("/provider/listings/{listing}"))
        .await;
    assert!(
        !manage.contains("Staff shouted"),
        "providers never see concerns"
    );

    // Reports from one person, however many, do not bring the check forward.
    let res = visitor
        .post_form(
            &path,
            &[("kind", "closed"), ("details", "Closed since March")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let due = || async {
        listing_rows::Entity::find_by_id(listing)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .review_due
    };
    let today = kith::domain::dates::uk_date(&chrono::Utc::now());
    assert_ne!(due().await, Some(today));
    // Open reports from three different people do (the council's today is the UK's).
    for _ in 0..2 {
        let (person, _) = app.signed_in_as(Role::BudgetHolder).await;
        let res = person
            .post_form(
                &path,
                &[("kind", "out_of_date"), ("details", "Price went up")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(due().await, Some(today));
    assert!(
        app.audit_actions()
            .await
            .contains(&"listing.raised_for_review".to_owned())
    );

    // Five an hour from one address; the sixth waits.
    let res = visitor
        .post_form(
            &path,
            &[("kind", "out_of_date"), ("details", "Price went up")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);

    // Admins see the queue, and resolve with a note (required, and named).
    let (_, queue) = admin.get_text("/admin/reports").await;
    assert!(queue.contains("Staff shouted at my dad"));
    assert!(queue.contains("5 open reports on this listing"));
    let first = listing_reports::Entity::find().all(&app.db).await.unwrap()[0].id;
    let (status, body) = admin
        .post_form_text(
            &format!("/admin/reports/{first}/resolve"),
            &[("resolution", " ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter what was done about the report"));
    let res = admin
        .post_form(
            &format!("/admin/reports/{first}/resolve"),
            &[("resolution", "Provider updated the phone number")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let row = listing_reports::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.resolved_at.is_some());
    let (_, resolved) = admin.get_text("/admin/reports?show=resolved").await;
    assert!(resolved.contains("Provider updated the phone number"));
    let res = admin
        .post_form(
            &format!("/admin/reports/{first}/resolve"),
            &[("resolution", "again")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        app.audit_actions()
            .await
            .contains(&"listing.report_resolved".to_owned())
    );

    // Providers cannot reach the queue.
    assert_eq!(
        provider.get("/admin/reports").await.status(),
        StatusCode::FORBIDDEN
    );
}
