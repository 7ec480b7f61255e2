//! Saved searches with email alerts, through HTTP and the alert job as it runs: a search is
//! saved with its filters, a newly approved matching listing is emailed once, one that does
//! not match is not, and the email's link stops the emails without signing in.

use chrono::{Duration, Utc};
use entity::saved_searches::{self, AlertFrequency};
use kith::auth::roles::Role;
use kith::domain::search::saved;
use reqwest::StatusCode;
use sea_orm::EntityTrait;

use crate::helpers::fixtures::approved_provider;
use crate::helpers::{TestApp, location, spawn_app};
use crate::search::{publish, wait_for};

async fn alerts_at(app: &TestApp, days: i64) -> usize {
    let key = actix_web::cookie::Key::from(&app.settings().session_key_bytes().unwrap());
    let links = saved::AlertLinks {
        base_url: &app.address,
        secret: key.signing(),
    };
    saved::send_alerts(
        &app.db,
        &app.search,
        &links,
        Utc::now() + Duration::days(days),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_new_matching_listing_is_emailed_once_and_the_link_stops_the_emails() {
    let app = spawn_app().await;
    let (provider, _, org) = approved_provider(&app, "micro_enterprise").await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (holder, holder_user) = app.signed_in_as(Role::BudgetHolder).await;

    // Saved from the search page's panel, with its words and a filter.
    let (_, page) = holder.get_text("/search?q=ironing&accepting=yes").await;
    assert!(page.contains("Save this search and get emails about new services"));
    assert!(
        page.contains("“ironing”, Taking new clients"),
        "the name is made from the search"
    );
    let res = holder
        .post_form(
            "/saved-searches",
            &[
                ("query", "q=ironing&accepting=yes"),
                ("name", "Ironing for Mum"),
                ("frequency", "daily"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/saved-searches");
    let (_, list) = holder.get_text("/saved-searches").await;
    assert!(list.contains("Ironing for Mum"));
    assert!(
        list.contains("/search?q=ironing&amp;accepting=yes"),
        "{list}"
    );

    // A name too long is refused, naming the field, its limit and the length typed.
    let long = "x".repeat(121);
    let (status, body) = holder
        .post_form_text(
            "/saved-searches",
            &[("query", "q=x"), ("name", &long), ("frequency", "weekly")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Name must be 120 characters or fewer – you have 121"));

    // Nothing new yet: nothing is sent.
    assert_eq!(alerts_at(&app, 2).await, 0);

    let matching = publish(
        &app,
        &provider,
        &admin,
        org,
        &[("title", "Ironing service")],
    )
    .await;
    let other = publish(&app, &provider, &admin, org, &[("title", "Gardening club")]).await;
    wait_for(&holder, "q=ironing", |ids| ids.contains(&matching)).await;
    wait_for(&holder, "q=gardening", |ids| ids.contains(&other)).await;

    assert_eq!(alerts_at(&app, 2).await, 1);
    let mail = app
        .wait_for_mail(
            &holder_user.email,
            "1 new service for your search: Ironing for Mum",
        )
        .await;
    assert!(mail.text.contains(&format!("/listings/{matching}")));
    assert!(
        !mail.text.contains(&format!("/listings/{other}")),
        "no match, no email"
    );
    assert!(!mail.text.contains("Gardening"));

    // Each listing is emailed once, however often the job runs.
    assert_eq!(alerts_at(&app, 4).await, 0);
    app.send_pending_mail().await;
    assert_eq!(app.mail_count_to(&holder_user.email), 1);

    // The link works signed out: a page with a button, then no more emails.
    let link = app.link_in(&mail, "/saved-searches/");
    let stranger = app.browser();
    let (status, page) = stranger.get_text(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Stop these emails"));
    let (status, page) = stranger.post_form_text(&link, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("You will not get these emails again"));
    let rows = saved_searches::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows[0].frequency, AlertFrequency::Never);
    // A link for another search, or a changed token, opens nothing.
    let forged = link.replace(
        &format!("/saved-searches/{}/", rows[0].id),
        "/saved-searches/99/",
    );
    assert_eq!(stranger.get_text(&forged).await.0, StatusCode::NOT_FOUND);
    // The last character changed to another (a token ending in "0" must not stay the same).
    let last = if link.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{last}", &link[..link.len() - 1]);
    assert_ne!(tampered, link);
    assert_eq!(stranger.get_text(&tampered).await.0, StatusCode::NOT_FOUND);

    let again = publish(
        &app,
        &provider,
        &admin,
        org,
        &[("title", "Ironing and mending")],
    )
    .await;
    wait_for(&holder, "q=mending", |ids| ids.contains(&again)).await;
    assert_eq!(alerts_at(&app, 6).await, 0, "stopped searches send nothing");

    // Only its owner sees or changes a saved search.
    let (other_person, _) = app.signed_in_as(Role::BudgetHolder).await;
    let res = other_person
        .post_form(&format!("/saved-searches/{}/delete", rows[0].id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = holder
        .post_form(&format!("/saved-searches/{}/delete", rows[0].id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        saved_searches::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
}
