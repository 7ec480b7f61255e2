//! Listings through HTTP: writing one, every approval transition and refusal, the revision
//! reviewed while the approved version stays live, suspension, archiving, review reminders
//! and hiding, photos, and what the public page shows (and never shows).

use entity::listing_revisions;
use kith::auth::roles::Role;
use kith::domain::listings::approval::ReviewPolicy;
use kith::domain::listings::review::run_review_pass;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::fixtures::{
    approved_provider, as_refs, category_id, create_listing, decide, listing_fields, published,
    submit,
};
use crate::helpers::{Browser, bomb_png, location, png_bytes, spawn_app};

const POLICY: ReviewPolicy = ReviewPolicy {
    cycle_days: 182,
    grace_days: 28,
};

#[tokio::test]
async fn a_provider_writes_a_listing_and_bad_fields_are_named() {
    let app = spawn_app().await;
    let (b, _, org) = approved_provider(&app, "micro_enterprise").await;
    let (status, form) = b
        .get_text(&format!("/provider/organisations/{org}/listings/new"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Domestic help") && !form.contains("Reading age"));

    let res = b
        .post_form(
            &format!("/provider/organisations/{org}/listings"),
            &[
                ("title", ""),
                ("price_type", "charged"),
                ("price_amount", "lots"),
                ("categories", "999999"),
                ("home_place", "Sale"),
                ("delivery", "home"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("There is a problem"));
    for message in [
        "Enter a title",
        "Enter the price in pounds",
        "Select at least one type of support",
        "Enter a postcode, like M33 7AB",
        "Select who the support is for",
        "Select the days you are available",
    ] {
        assert!(body.contains(message), "missing: {message}");
    }

    let id = create_listing(&app, &b, org, "Help at home in Sale", "18.50").await;
    let (status, page) = b.get_text(&format!("/provider/listings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Help at home in Sale") && page.contains("£18.50 per hour"));
    assert!(page.contains("Monday, Wednesday, 09:00 to 17:00"));
    assert!(page.contains("Draft"));
    // Not public until approved.
    let (status, _) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, edit) = b.get_text(&format!("/provider/listings/{id}/edit")).await;
    assert!(
        edit.contains("Reading age about"),
        "the summary gets a reading-age hint"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"listing.created".to_owned())
    );
}

#[tokio::test]
async fn an_unapproved_provider_can_draft_but_not_publish() {
    let app = spawn_app().await;
    let (b, _) = app.signed_in_as(Role::Provider).await;
    let org = b
        .create_organisation("New Helpers", "voluntary_group")
        .await;
    let id = create_listing(&app, &b, org, "Coffee morning", "2").await;
    let res = submit(&b, id).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("must be approved by the council")
    );
    let (_, page) = b.get_text(&format!("/provider/listings/{id}")).await;
    assert!(page.contains("once your organisation is approved"));
}

#[tokio::test]
async fn submit_approve_publish_with_checklist_emails_and_audit() {
    let app = spawn_app().await;
    let (b, user, org) = approved_provider(&app, "micro_enterprise").await;
    let id = create_listing(&app, &b, org, "Help at home in Sale", "18.50").await;
    let (admin, admin_user) = app.signed_in_as(Role::Admin).await;

    // Nothing to decide before it is sent.
    assert_eq!(
        decide(&admin, id, "approve", "").await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(submit(&b, id).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        submit(&b, id).await.status(),
        StatusCode::CONFLICT,
        "already sent"
    );
    app.wait_for_mail(&admin_user.email, "Listing to review")
        .await;
    let (_, page) = b.get_text(&format!("/provider/listings/{id}")).await;
    assert!(page.contains("The council is reviewing this version"));
    let res = b
        .post_form(
            &format!("/provider/listings/{id}"),
            &as_refs(&listing_fields("1", "X", "1")),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "locked while under review"
    );

    let (_, queue) = admin.get_text("/admin/listings").await;
    assert!(queue.contains("Help at home in Sale") && queue.contains("New listing"));

    // Approving needs every check confirmed.
    let res = admin
        .post_form(
            &format!("/admin/listings/{id}/decision"),
            &[("decision", "approve"), ("checklist", "accurate")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Confirm every check"));
    let res = admin
        .post_form(
            &format!("/admin/listings/{id}/decision"),
            &[("decision", "maybe")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(
        decide(&admin, id, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let mail = app.wait_for_mail(&user.email, "is published on Kith").await;
    assert!(mail.text.contains(&format!("/provider/listings/{id}")));
    let (status, public) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("Help at home in Sale") && public.contains("£18.50 per hour"));
    assert!(public.contains("application/ld+json"));
    let json = public
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let ld: serde_json::Value = serde_json::from_str(json).expect("valid JSON-LD");
    assert_eq!(ld["@type"], "Service");
    assert_eq!(ld["offers"]["priceSpecification"]["price"], "18.50");
    let (_, provider_page) = app.browser().get_text(&format!("/providers/{org}")).await;
    assert!(provider_page.contains(&format!("/listings/{id}")));

    assert_eq!(
        decide(&admin, id, "approve", "").await.status(),
        StatusCode::CONFLICT,
        "decided once"
    );
    let actions = app.audit_actions().await;
    for action in ["listing.created", "listing.submitted", "listing.approved"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[tokio::test]
async fn changes_requested_then_fixed_and_rejection_needs_a_reason() {
    let app = spawn_app().await;
    let (b, user, org) = approved_provider(&app, "micro_enterprise").await;
    let id = create_listing(&app, &b, org, "Help at home", "18.50").await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    submit(&b, id).await;
    let res = decide(&admin, id, "request_changes", "  ").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Tell the provider what to change")
    );
    assert_eq!(
        decide(&admin, id, "request_changes", "Say which areas you cover")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    app.wait_for_mail(&user.email, "Changes needed").await;
    let (_, page) = b.get_text(&format!("/provider/listings/{id}")).await;
    assert!(page.contains("Say which areas you cover") && page.contains("Changes requested"));

    let fields = listing_fields(
        &category_id(&app, "domestic-help").await,
        "Help at home in Sale and Ashton",
        "18.50",
    );
    let res = b
        .post_form(&format!("/provider/listings/{id}"), &as_refs(&fields))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(submit(&b, id).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        decide(&admin, id, "reject", "We cannot list this")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    app.wait_for_mail(&user.email, "was not approved").await;
    let (status, _) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"listing.changes_requested".to_owned()));
    assert!(actions.contains(&"listing.rejected".to_owned()));
}

#[tokio::test]
async fn a_change_to_a_live_listing_is_reviewed_while_the_approved_version_stays_live() {
    let app = spawn_app().await;
    let (b, admin, user, id) = published(&app).await;
    let fields = listing_fields(
        &category_id(&app, "domestic-help").await,
        "Help at home in Sale",
        "21.00",
    );
    let res = b
        .post_form(&format!("/provider/listings/{id}"), &as_refs(&fields))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(submit(&b, id).await.status(), StatusCode::SEE_OTHER);

    let (_, public) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert!(public.contains("£18.50 per hour") && !public.contains("£21 per hour"));
    let (_, review) = admin.get_text(&format!("/admin/listings/{id}")).await;
    assert!(review.contains("What changed since the published version"));
    assert!(
        review.contains("<del>£18.50 per hour</del>") && review.contains("<ins>£21 per hour</ins>")
    );
    assert!(
        !review.contains("<th scope=\"row\" class=\"govuk-table__header\">Title</th>"),
        "unchanged parts are left out"
    );
    let (_, queue) = admin.get_text("/admin/listings").await;
    assert!(queue.contains("Changes to a published listing"));

    // Refusing the change keeps the published version.
    assert_eq!(
        decide(&admin, id, "reject", "Price rise not explained")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    app.wait_for_mail(&user.email, "was not approved").await;
    let (status, public) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("£18.50 per hour"));

    // A new change starts a new version, and approving it replaces the live one.
    let fields = listing_fields(
        &category_id(&app, "domestic-help").await,
        "Help at home in Sale",
        "19.00",
    );
    b.post_form(&format!("/provider/listings/{id}"), &as_refs(&fields))
        .await;
    submit(&b, id).await;
    assert_eq!(
        decide(&admin, id, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, public) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert!(public.contains("£19 per hour") && !public.contains("£18.50"));
    let statuses: Vec<String> = listing_revisions::Entity::find()
        .filter(listing_revisions::Column::ListingId.eq(id))
        .order_by_asc(listing_revisions::Column::Number)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.status.as_str().to_owned())
        .collect();
    assert_eq!(statuses, vec!["superseded", "rejected", "approved"]);
}

#[tokio::test]
async fn suspension_needs_a_reason_and_hides_the_listing_until_restored() {
    let app = spawn_app().await;
    let (b, admin, user, id) = published(&app).await;
    let res = admin
        .post_form(&format!("/admin/listings/{id}/suspend"), &[("reason", "")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = admin
        .post_form(
            &format!("/admin/listings/{id}/suspend"),
            &[("reason", "Failed quality check on 3 March")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.wait_for_mail(&user.email, "has been suspended").await;
    let (status, _) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, own) = b.get_text(&format!("/provider/listings/{id}")).await;
    assert!(own.contains("Failed quality check on 3 March"));
    let (_, flagged) = admin.get_text("/admin/listings?show=suspended").await;
    assert!(flagged.contains("Help at home in Sale"));
    let res = admin
        .post_form(
            &format!("/admin/listings/{id}/suspend"),
            &[("reason", "again")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Providers cannot lift it themselves.
    let res = b
        .post_form(
            &format!("/admin/listings/{id}/unsuspend"),
            &[("reason", "fixed")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = admin
        .post_form(
            &format!("/admin/listings/{id}/unsuspend"),
            &[("reason", "Re-inspected and passed")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.wait_for_mail(&user.email, "is back on Kith").await;
    let (status, _) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"listing.suspended".to_owned()));
    assert!(actions.contains(&"listing.unsuspended".to_owned()));
}

#[tokio::test]
async fn an_archived_listing_leaves_kith_and_cannot_be_changed() {
    let app = spawn_app().await;
    let (b, admin, _, id) = published(&app).await;
    let res = b
        .post_form(&format!("/provider/listings/{id}/archive"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let fields = listing_fields("1", "Back again", "1");
    let res = b
        .post_form(&format!("/provider/listings/{id}"), &as_refs(&fields))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(submit(&b, id).await.status(), StatusCode::CONFLICT);
    let res = admin
        .post_form(&format!("/admin/listings/{id}/archive"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "already archived");
    assert!(
        app.audit_actions()
            .await
            .contains(&"listing.archived".to_owned())
    );
}

#[tokio::test]
async fn no_provider_sees_or_changes_another_providers_listing() {
    let app = spawn_app().await;
    let (owner, _, org) = approved_provider(&app, "micro_enterprise").await;
    let id = create_listing(&app, &owner, org, "Mine", "10").await;
    let (other, _) = app.signed_in_as(Role::Provider).await;
    for path in [
        format!("/provider/listings/{id}"),
        format!("/provider/listings/{id}/edit"),
        format!("/provider/listings/{id}/preview"),
        format!("/provider/organisations/{org}/listings"),
        format!("/provider/organisations/{org}/listings/new"),
    ] {
        let (status, body) = other.get_text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("Mine"));
    }
    let fields = listing_fields(&category_id(&app, "domestic-help").await, "Hijacked", "1");
    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/provider/listings/{id}"), as_refs(&fields)),
        (
            format!("/provider/organisations/{org}/listings"),
            as_refs(&fields),
        ),
        (format!("/provider/listings/{id}/submit"), vec![]),
        (format!("/provider/listings/{id}/archive"), vec![]),
        (format!("/provider/listings/{id}/confirm"), vec![]),
        (
            format!("/provider/listings/{id}/photos/remove"),
            vec![("file", "x.jpg")],
        ),
    ];
    for (path, fields) in cases {
        let res = other.post_form(&path, &fields).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let (_, page) = owner.get_text(&format!("/provider/listings/{id}")).await;
    assert!(page.contains("Mine") && !page.contains("Hijacked") && page.contains("Draft"));
    // Other roles are refused outright.
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let (status, _) = holder.get_text(&format!("/provider/listings/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = holder.get_text(&format!("/admin/listings/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn owners_are_reminded_and_unchecked_listings_are_flagged_then_hidden() {
    let app = spawn_app().await;
    let (b, admin, user, id) = published(&app).await;
    let today = chrono::Utc::now().date_naive();
    let base = app.address.clone();

    let pass = run_review_pass(&app.db, &base, POLICY, today)
        .await
        .unwrap();
    assert_eq!((pass.reminded, pass.hidden), (0, 0), "nothing due yet");
    let soon = today + chrono::Duration::days(POLICY.cycle_days - 10);
    let pass = run_review_pass(&app.db, &base, POLICY, soon).await.unwrap();
    assert_eq!(pass.reminded, 1);
    app.wait_for_mail(&user.email, "Check your listing").await;
    let pass = run_review_pass(&app.db, &base, POLICY, soon).await.unwrap();
    assert_eq!(pass.reminded, 0, "one reminder per review date");

    // Past the grace period the listing is hidden, and the owner told.
    let late = today + chrono::Duration::days(POLICY.cycle_days + POLICY.grace_days + 1);
    let pass = run_review_pass(&app.db, &base, POLICY, late).await.unwrap();
    assert_eq!(pass.hidden, 1);
    app.wait_for_mail(&user.email, "is hidden until you check it")
        .await;
    let (status, _) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, own) = b.get_text(&format!("/provider/listings/{id}")).await;
    assert!(own.contains("Hidden: check overdue"));

    // Confirming brings it back with a new review date.
    let res = b
        .post_form(&format!("/provider/listings/{id}/confirm"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let actions = app.audit_actions().await;
    for action in [
        "listing.review_reminder_sent",
        "listing.hidden",
        "listing.review_confirmed",
    ] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
    let (status, _) = admin.get_text("/admin/listings?show=overdue").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn overdue_listings_are_flagged_to_admins() {
    let app = spawn_app().await;
    let (_, admin, _, id) = published(&app).await;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let listing = entity::listings::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: entity::listings::ActiveModel = listing.into();
    active.review_due = Set(Some(
        chrono::Utc::now().date_naive() - chrono::Duration::days(3),
    ));
    active.update(&app.db).await.unwrap();
    let (_, flagged) = admin.get_text("/admin/listings?show=overdue").await;
    assert!(flagged.contains("Help at home in Sale") && flagged.contains("check overdue"));
    let (status, _) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "still public during the grace period"
    );
}

async fn upload_photo(b: &Browser, id: i64, file: Vec<u8>, alt: &str) -> reqwest::Response {
    b.post_file(
        &format!("/provider/listings/{id}/photos"),
        "photo",
        ("photo.png", file),
        &[("photo_alt", alt)],
    )
    .await
}

#[tokio::test]
async fn photos_are_checked_need_a_description_and_go_through_review() {
    let app = spawn_app().await;
    let (b, admin, _, id) = published(&app).await;
    let res = upload_photo(&b, id, png_bytes(640, 480), "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Describe the photo"));
    let res = upload_photo(&b, id, bomb_png(), "A bomb").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = upload_photo(&b, id, b"%PDF-1.4 not a picture".to_vec(), "A document").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = upload_photo(&b, id, vec![0u8; 12 * 1024 * 1024], "Huge").await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let res = upload_photo(&b, id, png_bytes(640, 480), "Two people planting tomatoes").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, own) = b.get_text(&format!("/provider/listings/{id}")).await;
    assert!(own.contains("alt=\"Two people planting tomatoes\""));
    let (_, public) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert!(
        !public.contains("Two people planting tomatoes"),
        "not live until approved"
    );
    submit(&b, id).await;
    decide(&admin, id, "approve", "").await;
    let (_, public) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert!(public.contains("alt=\"Two people planting tomatoes\""));
    let src = public
        .split("src=\"/media/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let res = app.browser().get(&format!("/media/{src}")).await;
    assert_eq!(res.status(), StatusCode::OK);

    // Removing a photo is a change too: the published photo stays until it is approved.
    let (_, own) = b.get_text(&format!("/provider/listings/{id}")).await;
    let file = own
        .split("name=\"file\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let res = b
        .post_form(
            &format!("/provider/listings/{id}/photos/remove"),
            &[("file", &file)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, own) = b.get_text(&format!("/provider/listings/{id}")).await;
    assert!(own.contains("No photos yet.") && own.contains("Unpublished changes"));
    let (_, public) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert!(public.contains("alt=\"Two people planting tomatoes\""));
}

#[tokio::test]
async fn a_personal_assistants_home_address_never_appears_on_their_listing() {
    let app = spawn_app().await;
    let (b, _, org) = approved_provider(&app, "personal_assistant").await;
    let res = b
        .post_form(
            &format!("/provider/organisations/{org}"),
            &[
                ("contact_email", "pa@example.org"),
                ("address", "12 Private Road"),
                ("postcode", "M16 0RA"),
                ("areas_served", "M16"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = create_listing(&app, &b, org, "Personal assistant in Stretford", "15").await;
    submit(&b, id).await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    decide(&admin, id, "approve", "").await;
    for path in [format!("/listings/{id}"), format!("/providers/{org}")] {
        let (status, body) = app.browser().get_text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("pa@example.org"));
        assert!(
            !body.contains("12 Private Road") && !body.contains("M16 0RA"),
            "{path} leaks the home address"
        );
    }
}

#[tokio::test]
async fn a_listing_written_in_another_language_is_marked_up_for_translation() {
    let app = spawn_app().await;
    let (b, _, org) = approved_provider(&app, "micro_enterprise").await;
    let mut fields = listing_fields(
        &category_id(&app, "domestic-help").await,
        "Pomoc w domu",
        "15",
    );
    fields.push(("written_in", "xx".to_owned()));
    let (status, body) = b
        .post_form_text(
            &format!("/provider/organisations/{org}/listings"),
            &as_refs(&fields),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Select the language this listing is written in"));
    fields.pop();
    fields.push(("written_in", "pl".to_owned()));
    let res = b
        .post_form(
            &format!("/provider/organisations/{org}/listings"),
            &as_refs(&fields),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    submit(&b, id).await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    decide(&admin, id, "approve", "").await;
    let (_, page) = app.browser().get_text(&format!("/listings/{id}")).await;
    assert!(
        page.contains(r#"<h1 class="govuk-heading-l" lang="pl">Pomoc w domu</h1>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<html lang="en""#),
        "the page itself stays English"
    );
    // Search results mark it up too, and the API says which language it is in.
    let visitor = app.browser();
    crate::search::wait_for(&visitor, "q=pomoc", |found| found.contains(&id)).await;
    let (_, results) = visitor.get_text("/search?q=pomoc").await;
    assert!(
        results.contains(r#"<h2 class="govuk-heading-s govuk-!-margin-bottom-1" lang="pl">"#),
        "{results}"
    );
    let found = crate::search::api(&visitor, "q=pomoc").await;
    assert_eq!(found["results"][0]["lang"], "pl");
    let (_, _, _, english) = published(&app).await;
    crate::search::wait_for(&visitor, "q=help", |found| found.contains(&english)).await;
    let found = crate::search::api(&visitor, "q=help").await;
    let hit = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == english)
        .unwrap();
    assert!(hit["lang"].is_null(), "English needs no tag: {hit}");
}

#[tokio::test]
async fn attack_7_a_full_listing_refuses_a_photo_before_decoding_it() {
    let app = spawn_app().await;
    let (b, _, _, id) = published(&app).await;
    for n in 0..6 {
        let res = upload_photo(&b, id, png_bytes(64 + n, 48), &format!("Photo {n}")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "photo {n}");
    }
    // A picture whose header claims 10 gigapixels: the count is checked first, so it is
    // never opened.
    let res = upload_photo(&b, id, bomb_png(), "One too many").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("up to 6 photos"), "{body}");
}
