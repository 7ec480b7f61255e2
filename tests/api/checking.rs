//! Quality checkers through HTTP (first part of the cycle): profiles, assignments offered by
//! admins, accepted or declined by checkers, overdue flags, workload, and privacy between
//! checkers.

use entity::checker_assignments;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::helpers::fixtures::published;
use crate::helpers::{Browser, spawn_app};

fn due_in(days: i64) -> (String, String, String) {
    let d = chrono::Utc::now().date_naive() + chrono::Duration::days(days);
    use chrono::Datelike;
    (
        d.day().to_string(),
        d.month().to_string(),
        d.year().to_string(),
    )
}

pub async fn assign(
    admin: &Browser,
    listing: i64,
    checker: entity::users::UserId,
    days: i64,
) -> reqwest::Response {
    let (d, m, y) = due_in(days);
    let checker = checker.to_string();
    admin
        .post_form(
            &format!("/admin/listings/{listing}/assign"),
            &[
                ("checker", &checker),
                ("due-day", &d),
                ("due-month", &m),
                ("due-year", &y),
                ("notes", "Please visit on a weekday"),
            ],
        )
        .await
}

#[tokio::test]
async fn admins_assign_checks_and_checkers_answer_only_their_own() {
    let app = spawn_app().await;
    let (_, admin, _, listing) = published(&app).await;
    let (checker, checker_user) = app.signed_in_as(Role::QualityChecker).await;
    let (other_checker, _) = app.signed_in_as(Role::QualityChecker).await;
    let (_, admin_user_page) = admin.get_text("/account").await;
    assert!(admin_user_page.contains("Administrator"));

    // The checker says where they can go.
    let (status, body) = checker
        .post_form_text("/checker/profile", &[("areas", "not a place")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("govuk-error-summary"));
    let res = checker
        .post_form(
            "/checker/profile",
            &[
                ("areas", "m33, M32"),
                ("availability", "Weekday mornings"),
                ("training", "induction"),
                ("training", "safeguarding"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The assign form names mistakes; the listing's area shows who covers it.
    let (status, form) = admin
        .get_text(&format!("/admin/listings/{listing}/assign"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("Covers M33") && form.contains("Weekday mornings"),
        "{form}"
    );
    let (status, body) = admin
        .post_form_text(
            &format!("/admin/listings/{listing}/assign"),
            &[("due-day", "1"), ("due-month", "1"), ("due-year", "2001")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Choose a quality checker")
            && body.contains("The due date must be today or later")
    );
    let holder = app.create_user(&[Role::BudgetHolder]).await;
    let res = assign(&admin, listing, holder.id, 14).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "only checkers can be assigned"
    );

    let res = assign(&admin, listing, checker_user.id, 14).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app
        .wait_for_mail(
            &checker_user.email,
            "Quality check to do: Help at home in Sale",
        )
        .await;
    let link = app.link_in(&mail, "/checker/assignments/");
    let (_, home) = checker.get_text("/checker").await;
    assert!(home.contains("Help at home in Sale") && home.contains("Needs your answer"));
    let (status, page) = checker.get_text(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Please visit on a weekday"));

    // Another checker sees nothing of it and cannot answer it.
    let (status, body) = other_checker.get_text(&link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Help at home in Sale"));
    let (_, other_home) = other_checker.get_text("/checker").await;
    assert!(!other_home.contains("Help at home in Sale"));
    for action in ["accept", "decline"] {
        let res = other_checker
            .post_form(&format!("{link}/{action}"), &[("reason", "No")])
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{action}");
    }

    let res = checker.post_form(&format!("{link}/accept"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = checker.post_form(&format!("{link}/accept"), &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "answered once");
    let (_, overview) = admin.get_text("/admin/checking").await;
    assert!(overview.contains("Help at home in Sale") && overview.contains("Accepted"));

    // Past its due date it is flagged, for the checker and the admins.
    let id: i64 = link
        .trim_start_matches("/checker/assignments/")
        .parse()
        .unwrap();
    let mut row: checker_assignments::ActiveModel = checker_assignments::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.due_on = Set(chrono::Utc::now().date_naive() - chrono::Duration::days(2));
    row.update(&app.db).await.unwrap();
    let (_, home) = checker.get_text("/checker").await;
    assert!(home.contains("Overdue"));
    let (_, overview) = admin.get_text("/admin/checking").await;
    assert!(overview.contains("Overdue"));

    // Admins cancel open checks, once.
    let res = admin
        .post_form(&format!("/admin/assignments/{id}/cancel"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = admin
        .post_form(&format!("/admin/assignments/{id}/cancel"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let actions = app.audit_actions().await;
    for action in [
        "checker.profile_saved",
        "assignment.offered",
        "assignment.accepted",
        "assignment.cancelled",
    ] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[tokio::test]
async fn a_checker_declines_with_a_reason_and_the_admin_is_told() {
    let app = spawn_app().await;
    let (_, admin, _, listing) = published(&app).await;
    let (checker, checker_user) = app.signed_in_as(Role::QualityChecker).await;
    assign(&admin, listing, checker_user.id, 7).await;
    let id = checker_assignments::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (status, body) = checker
        .post_form_text(
            &format!("/checker/assignments/{id}/decline"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter why you cannot take this check"));
    let res = checker
        .post_form(
            &format!("/checker/assignments/{id}/decline"),
            &[("reason", "I know the owner")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let admin_email = entity::users::Entity::find_by_id(
        checker_assignments::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .assigned_by_user_id,
    )
    .one(&app.db)
    .await
    .unwrap()
    .unwrap()
    .email;
    let mail = app
        .wait_for_mail(&admin_email, "Quality check declined")
        .await;
    assert!(mail.text.contains("I know the owner"));
    let (_, overview) = admin.get_text("/admin/checking").await;
    assert!(overview.contains("I know the owner"));
    // A suspended listing can be re-checked; an archived one cannot be checked at all.
    admin
        .post_form(
            &format!("/admin/listings/{listing}/suspend"),
            &[("reason", "Complaint")],
        )
        .await;
    let res = assign(&admin, listing, checker_user.id, 7).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, home) = checker.get_text("/checker").await;
    assert!(home.contains("Needs your answer"));
    admin
        .post_form(
            &format!("/admin/listings/{listing}/archive"),
            &[("reason", "Closed")],
        )
        .await;
    let res = assign(&admin, listing, checker_user.id, 7).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (_, home) = checker.get_text("/checker").await;
    assert!(
        !home.contains("Needs your answer"),
        "archiving withdraws open checks"
    );
    let (status, _) = admin
        .get_text(&format!("/admin/listings/{listing}/assign"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// An accepted check for a new checker; returns the checker's browser and the assignment id.
pub(crate) async fn accepted_check(
    app: &crate::helpers::TestApp,
) -> (Browser, crate::helpers::TestUser, i64, Browser) {
    let (provider, admin, _, listing) = published(app).await;
    let (checker, checker_user) = app.signed_in_as(Role::QualityChecker).await;
    assign(&admin, listing, checker_user.id, 14).await;
    let id = checker_assignments::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    checker
        .post_form(&format!("/checker/assignments/{id}/accept"), &[])
        .await;
    (checker, checker_user, id, provider)
}

#[tokio::test]
async fn an_inspection_is_saved_step_by_step_survives_an_interruption_and_is_submitted() {
    use crate::helpers::{PASSWORD, location};
    let app = spawn_app().await;
    let (checker, checker_user, assignment, _) = accepted_check(&app).await;
    let res = checker
        .post_form(
            &format!("/checker/assignments/{assignment}/inspection"),
            &[],
        )
        .await;
    let first = location(&res);
    assert!(first.ends_with("/visit"), "{first}");
    let base = first.trim_end_matches("/visit").to_owned();

    // Bad input is named and not saved.
    let (status, body) = checker
        .post_form_text(
            &format!("{base}/visit"),
            &[
                ("visit-day", "31"),
                ("visit-month", "2"),
                ("visit-year", "2026"),
                ("visit_type", "séance"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("must be a real date") && body.contains("Choose how you checked the service")
    );
    let (d, m, y) = due_in(-1);
    let res = checker
        .post_form(
            &format!("{base}/visit"),
            &[
                ("visit-day", &d),
                ("visit-month", &m),
                ("visit-year", &y),
                ("visit_type", "announced"),
                ("then", "continue"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("{base}/safe"));
    let res = checker
        .post_form(
            &format!("{base}/safe"),
            &[
                ("score", "3"),
                ("evidence", "Staff knew the safeguarding lead by name"),
                ("then", "later"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("/checker/assignments/{assignment}"));

    // The connection drops; later, on another device, the draft is still there.
    let other_device = app.browser();
    other_device.sign_in(&checker_user.email, PASSWORD).await;
    let res = other_device
        .post_form(
            &format!("/checker/assignments/{assignment}/inspection"),
            &[],
        )
        .await;
    assert_eq!(
        location(&res),
        format!("{base}/effective"),
        "resumes at the first gap"
    );
    let (_, safe) = other_device.get_text(&format!("{base}/safe")).await;
    assert!(safe.contains("Staff knew the safeguarding lead by name"));

    // Submitting with gaps lists them.
    let (status, body) = other_device
        .post_form_text(&format!("{base}/submit"), &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("evidence for Effective")
            && body.contains("what people using the service told you")
    );

    // Another checker cannot see or change it.
    let (stranger, _) = app.signed_in_as(Role::QualityChecker).await;
    let (status, body) = stranger.get_text(&format!("{base}/safe")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("safeguarding lead"));
    let res = stranger
        .post_form(
            &format!("{base}/safe"),
            &[("score", "1"), ("evidence", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    for (slug, score) in [
        ("safe", "3"),
        ("effective", "3"),
        ("caring", "4"),
        ("responsive", "2"),
        ("well_led", "3"),
    ] {
        let res = other_device
            .post_form(
                &format!("{base}/{slug}"),
                &[
                    ("score", score),
                    ("evidence", "Seen on the visit"),
                    ("then", "continue"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{slug}");
    }
    other_device
        .post_form(
            &format!("{base}/people"),
            &[
                ("people_said", "“They never rush me.”"),
                ("actions", "Update the care plans"),
            ],
        )
        .await;
    let (_, check) = other_device.get_text(&format!("{base}/check")).await;
    assert!(check.contains("Send to the council"));
    let res = other_device.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let row = entity::inspections::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status.as_str(), "submitted");
    assert_eq!(row.overall_score, Some(3), "median of 3, 3, 4, 2, 3");
    let res = other_device
        .post_form(&format!("{base}/safe"), &[("score", "1")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "submitted inspections are closed"
    );
    let (_, home) = checker.get_text("/checker").await;
    assert!(home.contains("Inspection sent to the council"));
    let admin_email = entity::users::Entity::find_by_id(
        checker_assignments::Entity::find_by_id(assignment)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .assigned_by_user_id,
    )
    .one(&app.db)
    .await
    .unwrap()
    .unwrap()
    .email;
    app.wait_for_mail(&admin_email, "Inspection to review")
        .await;
    let actions = app.audit_actions().await;
    for action in [
        "inspection.started",
        "inspection.saved",
        "inspection.submitted",
    ] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[tokio::test]
async fn an_inspection_waits_for_the_check_to_be_accepted() {
    let app = spawn_app().await;
    let (_, admin, _, listing) = published(&app).await;
    let (checker, checker_user) = app.signed_in_as(Role::QualityChecker).await;
    assign(&admin, listing, checker_user.id, 14).await;
    let id = checker_assignments::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let res = checker
        .post_form(&format!("/checker/assignments/{id}/inspection"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

/// Fills every step of an inspection with these five scores (the first evidence private).
pub(crate) async fn complete(b: &Browser, base: &str, scores: [&str; 5]) {
    let (d, m, y) = due_in(-1);
    b.post_form(
        &format!("{base}/visit"),
        &[
            ("visit-day", &d),
            ("visit-month", &m),
            ("visit-year", &y),
            ("visit_type", "unannounced"),
        ],
    )
    .await;
    for (i, (slug, score)) in ["safe", "effective", "caring", "responsive", "well_led"]
        .iter()
        .zip(scores)
        .enumerate()
    {
        let private = if i == 0 { "yes" } else { "" };
        let evidence = format!("Evidence for {slug}");
        b.post_form(
            &format!("{base}/{slug}"),
            &[
                ("score", score),
                ("evidence", &evidence),
                ("private", private),
            ],
        )
        .await;
    }
    b.post_form(
        &format!("{base}/people"),
        &[("people_said", "They listen to me"), ("actions", "")],
    )
    .await;
}

#[tokio::test]
async fn a_published_rating_shows_on_the_listing_and_in_search_and_inadequate_prompts_suspension() {
    use crate::helpers::location;
    use crate::search::{api, ids, wait_for};
    let app = spawn_app().await;
    let (checker, _, assignment, provider) = accepted_check(&app).await;
    let listing = checker_assignments::Entity::find_by_id(assignment)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .listing_id
        .0;
    let res = checker
        .post_form(
            &format!("/checker/assignments/{assignment}/inspection"),
            &[],
        )
        .await;
    let base = location(&res).trim_end_matches("/visit").to_owned();
    complete(&checker, &base, ["3", "3", "4", "2", "3"]).await;
    checker.post_form(&format!("{base}/submit"), &[]).await;
    let id: i64 = base.rsplit('/').next().unwrap().parse().unwrap();

    // The admin sends it back with a comment; the checker sees it and sends it again.
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (_, queue) = admin.get_text("/admin/inspections").await;
    assert!(queue.contains("Help at home in Sale"));
    let (_, review) = admin.get_text(&format!("/admin/inspections/{id}")).await;
    assert!(
        review.contains("Evidence for safe")
            && review.contains("Private: not in the public report")
    );
    let (status, body) = admin
        .post_form_text(
            &format!("/admin/inspections/{id}/return"),
            &[("comments", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter what needs to change"));
    admin
        .post_form(
            &format!("/admin/inspections/{id}/return"),
            &[("comments", "Say more about the staff")],
        )
        .await;
    let (_, check) = checker.get_text(&format!("{base}/check")).await;
    assert!(check.contains("Say more about the staff") && check.contains("Send to the council"));
    let res = checker.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Before publication nothing shows; after, the listing, the report and search show it.
    let visitor = app.browser();
    assert!(
        !visitor
            .get_text(&format!("/listings/{listing}"))
            .await
            .1
            .contains("Quality checked")
    );
    assert_eq!(
        visitor
            .get(&format!("/listings/{listing}/quality"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = admin
        .post_form(&format!("/admin/inspections/{id}/publish"), &[])
        .await;
    assert_eq!(location(&res), "/admin/inspections");
    let res = admin
        .post_form(&format!("/admin/inspections/{id}/publish"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "published once");
    let (_, page) = visitor.get_text(&format!("/listings/{listing}")).await;
    assert!(
        page.contains("Quality checked") && page.contains("Good"),
        "{page}"
    );
    let (_, report) = visitor
        .get_text(&format!("/listings/{listing}/quality"))
        .await;
    assert!(report.contains("Evidence for caring") && report.contains("They listen to me"));
    assert!(
        !report.contains("Evidence for safe"),
        "private evidence stays private"
    );
    wait_for(&visitor, "quality=yes&min_rating=3", |found| {
        found.contains(&listing)
    })
    .await;
    assert!(ids(&api(&visitor, "quality=yes&min_rating=4").await).is_empty());

    // A second, inadequate check: publishing prompts suspension; suspending removes it from search.
    let (checker2, checker2_user) = app.signed_in_as(Role::QualityChecker).await;
    let (d, m, y) = due_in(7);
    let checker2_id = checker2_user.id.to_string();
    admin
        .post_form(
            &format!("/admin/listings/{listing}/assign"),
            &[
                ("checker", &checker2_id),
                ("due-day", &d),
                ("due-month", &m),
                ("due-year", &y),
            ],
        )
        .await;
    let second = checker_assignments::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .max()
        .unwrap();
    checker2
        .post_form(&format!("/checker/assignments/{second}/accept"), &[])
        .await;
    let res = checker2
        .post_form(&format!("/checker/assignments/{second}/inspection"), &[])
        .await;
    let base2 = location(&res).trim_end_matches("/visit").to_owned();
    complete(&checker2, &base2, ["1", "1", "3", "3", "3"]).await;
    checker2.post_form(&format!("{base2}/submit"), &[]).await;
    let id2: i64 = base2.rsplit('/').next().unwrap().parse().unwrap();
    let (_, review) = admin.get_text(&format!("/admin/inspections/{id2}")).await;
    assert!(review.contains("found the service inadequate"));
    let res = admin
        .post_form(&format!("/admin/inspections/{id2}/publish"), &[])
        .await;
    assert_eq!(location(&res), format!("/admin/listings/{listing}"));
    let (_, admin_listing) = admin.get_text(&format!("/admin/listings/{listing}")).await;
    assert!(admin_listing.contains("consider suspending"));
    let (_, page) = visitor.get_text(&format!("/listings/{listing}")).await;
    assert!(page.contains("Inadequate"));
    admin
        .post_form(
            &format!("/admin/listings/{listing}/suspend"),
            &[("reason", "Inadequate quality check")],
        )
        .await;
    wait_for(&visitor, "quality=yes", |found| !found.contains(&listing)).await;

    // The provider responds once with an action plan, shown under the report.
    // The listing is suspended: the public no longer sees the report; its provider does.
    let (status, _) = visitor
        .get_text(&format!("/listings/{listing}/quality"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, report) = provider
        .get_text(&format!("/listings/{listing}/quality"))
        .await;
    assert!(report.contains("Respond to this report"));
    let (_, admin_view) = admin
        .get_text(&format!("/listings/{listing}/quality"))
        .await;
    assert!(
        admin_view.contains("Quality report") && !admin_view.contains("Respond to this report")
    );
    let (other_provider, _) = app.signed_in_as(Role::Provider).await;
    let path = format!("/provider/listings/{listing}/quality-response");
    let res = other_provider
        .post_form(&path, &[("response", "Not ours")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, body) = provider.post_form_text(&path, &[("response", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter your response"));
    let res = provider
        .post_form(
            &path,
            &[(
                "response",
                "New safeguarding training for all staff by March",
            )],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = provider.post_form(&path, &[("response", "Again")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (_, report) = admin
        .get_text(&format!("/listings/{listing}/quality"))
        .await;
    assert!(
        report.contains("The provider’s response")
            && report.contains("safeguarding training for all staff")
    );
    let actions = app.audit_actions().await;
    for action in ["inspection.returned", "inspection.published"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[tokio::test]
async fn the_dashboard_shows_checks_due_overdue_and_unassigned_by_area() {
    use sea_orm::ActiveModelTrait;
    let app = spawn_app().await;
    let (_, admin, _, listing) = published(&app).await;
    let (_, overview) = admin.get_text("/admin/checking").await;
    assert!(
        overview.contains("Nothing is due"),
        "a new listing is first checked after 90 days"
    );
    // Published 100 days ago and never checked: overdue and unassigned, in M33.
    let mut row: entity::listings::ActiveModel = entity::listings::Entity::find_by_id(listing)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.published_at = Set(Some(chrono::Utc::now() - chrono::Duration::days(100)));
    row.update(&app.db).await.unwrap();
    let (_, overview) = admin.get_text("/admin/checking").await;
    assert!(
        overview.contains("?area=M33") && overview.contains("Overdue"),
        "{overview}"
    );
    assert!(overview.contains(&format!("/admin/listings/{listing}/assign")));
    let (_, elsewhere) = admin.get_text("/admin/checking?area=WA14").await;
    assert!(
        elsewhere.contains("Showing WA14")
            && !elsewhere.contains(&format!("/admin/listings/{listing}/assign\""))
    );
    let (_, checker) = app.signed_in_as(Role::QualityChecker).await;
    assign(&admin, listing, checker.id, 7).await;
    let (_, overview) = admin.get_text("/admin/checking").await;
    assert!(overview.contains("Assigned"));
    // Other roles never see the dashboard.
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    assert_eq!(
        holder.get("/admin/checking").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn inspection_photos_follow_the_photo_rules_and_stay_private_unless_marked() {
    use crate::helpers::{bomb_png, location, png_bytes};
    let app = spawn_app().await;
    let (checker, _, assignment, provider) = accepted_check(&app).await;
    let res = checker
        .post_form(
            &format!("/checker/assignments/{assignment}/inspection"),
            &[],
        )
        .await;
    let base = location(&res).trim_end_matches("/visit").to_owned();
    let id: i64 = base.rsplit('/').next().unwrap().parse().unwrap();
    let add = |bytes: Vec<u8>, alt: &'static str, public: &'static str| {
        let checker = &checker;
        let path = format!("{base}/photos/add");
        async move {
            checker
                .post_file(
                    &path,
                    "photo",
                    ("photo.png", bytes),
                    &[("photo_alt", alt), ("public", public)],
                )
                .await
        }
    };

    // The last question leads to the photos page, which is optional.
    complete(&checker, &base, ["3", "3", "3", "3", "3"]).await;
    let res = checker
        .post_form(
            &format!("{base}/people"),
            &[("people_said", "They listen to me"), ("actions", "")],
        )
        .await;
    assert_eq!(location(&res), format!("{base}/photos"));
    let (status, page) = checker.get_text(&format!("{base}/photos")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("No photos added") && page.contains("Put this photo in the public report")
    );

    // The listing photo rules apply.
    let res = add(png_bytes(300, 200), "", "yes").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Describe the photo"));
    let res = add(bomb_png(), "A bomb", "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = add(b"%PDF-1.4 not a picture".to_vec(), "A document", "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let res = add(png_bytes(300, 200), "The ramp to the front door", "yes").await;
    assert_eq!(location(&res), format!("{base}/photos"));
    let res = add(png_bytes(320, 200), "A resident's bedroom", "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = checker.get_text(&format!("{base}/photos")).await;
    let photo_ids: Vec<i64> = page
        .split("src=\"/inspection-photos/")
        .skip(1)
        .filter_map(|s| s.split('?').next()?.parse().ok())
        .collect();
    assert_eq!(photo_ids.len(), 2, "{page}");
    let (public_photo, private_photo) = (photo_ids[0], photo_ids[1]);
    let (_, check) = checker.get_text(&format!("{base}/check")).await;
    assert!(check.contains("The ramp to the front door (public)"));

    // Another checker cannot add to it or see its photos; nor can anyone before publication.
    let (other, _) = app.signed_in_as(Role::QualityChecker).await;
    let res = other
        .post_file(
            &format!("{base}/photos/add"),
            "photo",
            ("photo.png", png_bytes(300, 200)),
            &[("photo_alt", "Not mine")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let visitor = app.browser();
    for b in [&other, &visitor, &provider] {
        let res = b.get(&format!("/inspection-photos/{public_photo}")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let res = checker
        .get(&format!("/inspection-photos/{private_photo}?size=thumb"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["cache-control"], "private, no-store");

    // Removing works on the checker's own draft only.
    let res = add(png_bytes(200, 200), "A spare photo", "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = checker.get_text(&format!("{base}/photos")).await;
    let spare: i64 = page
        .split("src=\"/inspection-photos/")
        .nth(3)
        .and_then(|s| s.split('?').next()?.parse().ok())
        .expect("third photo");
    let res = other
        .post_form(&format!("{base}/photos/{spare}/remove"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    checker
        .post_form(&format!("{base}/photos/{spare}/remove"), &[])
        .await;
    assert!(
        !checker
            .get_text(&format!("{base}/photos"))
            .await
            .1
            .contains("A spare photo")
    );

    // The admin sees both; once published, the public report shows only the marked one.
    checker.post_form(&format!("{base}/submit"), &[]).await;
    let res = add(png_bytes(300, 200), "Too late", "yes").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (_, review) = admin.get_text(&format!("/admin/inspections/{id}")).await;
    assert!(
        review.contains("The ramp to the front door") && review.contains("A resident's bedroom")
    );
    assert_eq!(
        admin
            .get(&format!("/inspection-photos/{private_photo}"))
            .await
            .status(),
        StatusCode::OK
    );
    admin
        .post_form(&format!("/admin/inspections/{id}/publish"), &[])
        .await;
    let listing = checker_assignments::Entity::find_by_id(assignment)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .listing_id;
    let (_, report) = visitor
        .get_text(&format!("/listings/{listing}/quality"))
        .await;
    assert!(report.contains("The ramp to the front door"));
    assert!(!report.contains("bedroom"));
    assert_eq!(
        visitor
            .get(&format!("/inspection-photos/{public_photo}"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        visitor
            .get(&format!("/inspection-photos/{private_photo}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/inspection-photos/999999").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/inspection-photos/nonsense").await.status(),
        StatusCode::NOT_FOUND
    );
    let audit = app.audit_actions().await;
    assert!(
        audit
            .iter()
            .filter(|a| *a == "inspection.photo_added")
            .count()
            == 3
    );
    assert!(audit.iter().any(|a| a == "inspection.photo_removed"));
}

#[tokio::test]
async fn checkers_are_reminded_once_shortly_before_a_check_is_due() {
    use kith::domain::checking::reminders::send_due_reminders;
    let app = spawn_app().await;
    let (_, checker_user, assignment, _) = accepted_check(&app).await;
    let base = app.address.clone();
    let today = chrono::Utc::now().date_naive();
    // Due in 14 days: nothing three days ahead of today.
    assert_eq!(
        send_due_reminders(&app.db, &base, today, 3).await.unwrap(),
        0
    );
    let soon = today + chrono::Duration::days(12);
    assert_eq!(
        send_due_reminders(&app.db, &base, soon, 3).await.unwrap(),
        1
    );
    let mail = app
        .wait_for_mail(
            &checker_user.email,
            "Reminder: quality check of Help at home in Sale",
        )
        .await;
    assert!(mail.text.contains("is due by") && mail.text.contains("If you cannot finish it"));
    assert!(
        app.link_in(&mail, "/checker/assignments/")
            .ends_with(&format!("/checker/assignments/{assignment}"))
    );
    // Once only, even when it goes overdue.
    let late = today + chrono::Duration::days(20);
    assert_eq!(
        send_due_reminders(&app.db, &base, late, 3).await.unwrap(),
        0
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "assignment.reminded")
    );
}

/// Polls the quality-of-supply CSV until it holds `want` (the indexer writes it).
pub(crate) async fn wait_for_supply(b: &Browser, query: &str, want: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let (status, csv) = b
            .get_text(&format!("/commissioner/market/quality.csv{query}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        if csv.contains(want) {
            return csv;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "still {csv}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn published_ratings_count_in_the_quality_of_supply_by_category_and_district() {
    use crate::helpers::location;
    let app = spawn_app().await;
    let (checker, _, assignment, provider) = accepted_check(&app).await;
    let listing = checker_assignments::Entity::find_by_id(assignment)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .listing_id;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let header = "Type of support,Category path,Postcode district,Services,Outstanding,Good,Requires improvement,Inadequate,Not yet checked";
    let csv = wait_for_supply(
        &commissioner,
        "",
        "Domestic help,domestic-help,M33,1,0,0,0,0,1",
    )
    .await;
    assert!(csv.starts_with(header), "{csv}");

    // Outstanding once published (the median of 4, 4, 4, 3, 4).
    let res = checker
        .post_form(
            &format!("/checker/assignments/{assignment}/inspection"),
            &[],
        )
        .await;
    let base = location(&res).trim_end_matches("/visit").to_owned();
    complete(&checker, &base, ["4", "4", "4", "3", "4"]).await;
    checker.post_form(&format!("{base}/submit"), &[]).await;
    let id: i64 = base.rsplit('/').next().unwrap().parse().unwrap();
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    admin
        .post_form(&format!("/admin/inspections/{id}/publish"), &[])
        .await;
    wait_for_supply(
        &commissioner,
        "?district=M33",
        "Domestic help,domestic-help,M33,1,1,0,0,0,0",
    )
    .await;
    let (status, page) = commissioner.get_text("/commissioner/market/quality").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("1 services counted, 1 checked; 100% rated good or outstanding"),
        "{page}"
    );
    assert!(page.contains("<option value=\"M33\""));

    // Another district's filter shows nothing of M33; an unknown one means all.
    let (_, csv) = commissioner
        .get_text("/commissioner/market/quality.csv?district=ZZ99")
        .await;
    assert!(
        csv.contains(",M33,"),
        "unknown districts are ignored: {csv}"
    );

    // A suspended listing is not supply.
    admin
        .post_form(
            &format!("/admin/listings/{listing}/suspend"),
            &[("reason", "Safeguarding concern")],
        )
        .await;
    let start = std::time::Instant::now();
    loop {
        let (_, csv) = commissioner
            .get_text("/commissioner/market/quality.csv")
            .await;
        if !csv.contains(",M33,") {
            break;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "{csv}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }

    // Commissioners and admins only.
    for b in [&provider, &checker] {
        assert_eq!(
            b.get("/commissioner/market/quality").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        admin.get("/commissioner/market/quality.csv").await.status(),
        StatusCode::OK
    );
}
