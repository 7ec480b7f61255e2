//! Enquiries through HTTP: a budget holder asks, the provider is emailed and replies, the
//! conversation goes both ways, either side closes it; the privacy of enquiries; duplicate
//! and rate limits; unanswered enquiries closing themselves; demand figures for the MPS.

use entity::{enquiries, listings as listing_rows};
use kith::auth::roles::Role;
use kith::domain::{enquiries as domain, enquiries::stats as enquiry_stats};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::helpers::fixtures::published;
use crate::helpers::{Browser, TestApp, TestUser, location, spawn_app};

pub(crate) fn enquiry_fields<'a>(
    reply_by: &'a str,
    phone: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("support_wanted", "Help with shopping and a cooked lunch"),
        (
            "when_wanted",
            "Tuesday and Thursday mornings, from next month",
        ),
        ("postcode", "M33 7AB"),
        ("contact_name", "Asha"),
        ("reply_by", reply_by),
        ("reply_phone", phone),
    ]
}

pub(crate) async fn send_enquiry(b: &Browser, listing: i64, fields: &[(&str, &str)]) -> i64 {
    let res = b
        .post_form(&format!("/listings/{listing}/enquire"), fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "enquiry sent");
    location(&res)
        .trim_start_matches("/enquiries/")
        .parse()
        .expect("enquiry id in the redirect")
}

pub(crate) async fn enquiry(app: &TestApp, id: i64) -> enquiries::Model {
    enquiries::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("enquiry row")
}

async fn organisation_of(app: &TestApp, listing: i64) -> i64 {
    listing_rows::Entity::find_by_id(listing)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .organisation_id
        .0
}

/// A published listing, its provider, and a budget holder who has enquired about it.
async fn enquired(app: &TestApp) -> (Browser, TestUser, Browser, TestUser, i64, i64) {
    let (provider, _, provider_user, listing) = published(app).await;
    let (holder, holder_user) = app.signed_in_as(Role::BudgetHolder).await;
    let id = send_enquiry(&holder, listing, &enquiry_fields("email", "")).await;
    (provider, provider_user, holder, holder_user, listing, id)
}

#[tokio::test]
async fn a_budget_holder_enquires_and_the_provider_replies_in_kith() {
    let app = spawn_app().await;
    let (provider, provider_user, listing) = {
        let (p, _, u, l) = published(&app).await;
        (p, u, l)
    };
    let (holder, holder_user) = app.signed_in_as(Role::BudgetHolder).await;

    // The listing page offers an enquiry; the form names every missing answer.
    let (_, page) = holder.get_text(&format!("/listings/{listing}")).await;
    assert!(page.contains(&format!("/listings/{listing}/enquire")));
    let (status, form) = holder
        .get_text(&format!("/listings/{listing}/enquire"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Test Person"), "the name is suggested");
    let (status, body) = holder
        .post_form_text(
            &format!("/listings/{listing}/enquire"),
            &[("reply_by", "phone"), ("reply_phone", "123")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Enter what support you are looking for",
        "Enter when you would like the support",
        "Enter the name the provider should use",
        "Enter a UK phone number",
    ] {
        assert!(body.contains(message), "{message}");
    }
    assert!(body.contains("govuk-error-summary"));

    let id = send_enquiry(&holder, listing, &enquiry_fields("phone", "0161 496 0000")).await;
    let row = enquiry(&app, id).await;
    assert_eq!(
        row.postcode_sector.as_deref(),
        Some("M33 7"),
        "never a full postcode"
    );
    assert_eq!(row.holder_user_id, Some(holder_user.id));
    assert_eq!(row.status.as_str(), "open");

    // The provider is emailed (without the enquiry's words) and sees it waiting.
    let mail = app
        .wait_for_mail(
            &provider_user.email,
            "New enquiry about Help at home in Sale",
        )
        .await;
    assert!(
        !mail.text.contains("cooked lunch"),
        "no personal details by email"
    );
    assert_eq!(
        app.link_in(&mail, "/enquiries/"),
        format!("/enquiries/{id}")
    );
    let org = organisation_of(&app, listing).await;
    let (status, inbox) = provider
        .get_text(&format!("/provider/organisations/{org}/enquiries"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        inbox.contains("Needs your reply") && inbox.contains("Asha"),
        "{inbox}"
    );
    let (_, thread) = provider.get_text(&format!("/enquiries/{id}")).await;
    assert!(thread.contains("cooked lunch") && thread.contains("0161 496 0000"));

    // The provider replies; the holder is emailed and reads it; the holder answers.
    let res = provider
        .post_form(
            &format!("/enquiries/{id}/messages"),
            &[("body", "Yes, we can start on the 4th.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.wait_for_mail(&holder_user.email, "New message about Help at home in Sale")
        .await;
    let (_, thread) = holder.get_text(&format!("/enquiries/{id}")).await;
    assert!(thread.contains("Yes, we can start on the 4th."));
    assert!(enquiry(&app, id).await.first_response_at.is_some());
    holder
        .post_form(
            &format!("/enquiries/{id}/messages"),
            &[("body", "Lovely, thank you")],
        )
        .await;
    app.wait_for_mail(&provider_user.email, "New message about")
        .await;
    // An empty message is refused with a named error; nothing is added.
    let (status, body) = holder
        .post_form_text(&format!("/enquiries/{id}/messages"), &[("body", "  ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Write your message"));

    let (_, inbox) = provider
        .get_text(&format!("/provider/organisations/{org}/enquiries"))
        .await;
    assert!(inbox.contains("Needs your reply"), "the holder spoke last");
    assert!(inbox.contains("Replied within 2 days"));

    // The holder's list shows it; the provider closes it as arranged.
    let (_, list) = holder.get_text("/enquiries").await;
    assert!(list.contains("Help at home in Sale") && list.contains("Open"));
    let res = provider
        .post_form(
            &format!("/enquiries/{id}/close"),
            &[("outcome", "declined")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a provider's outcome"
    );
    let res = provider
        .post_form(
            &format!("/enquiries/{id}/close"),
            &[("outcome", "arranged")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.wait_for_mail(&holder_user.email, "Enquiry closed")
        .await;
    let row = enquiry(&app, id).await;
    assert_eq!(row.outcome.map(|o| o.as_str()), Some("arranged"));
    let (status, _) = holder
        .post_form_text(
            &format!("/enquiries/{id}/messages"),
            &[("body", "One more thing")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "closed enquiries take no messages"
    );
    let actions = app.audit_actions().await;
    for action in ["enquiry.sent", "enquiry.message", "enquiry.closed"] {
        assert!(actions.contains(&action.to_owned()), "{action} audited");
    }
}

#[tokio::test]
async fn nobody_else_sees_an_enquiry() {
    let app = spawn_app().await;
    let (_, _, _, _, listing, id) = enquired(&app).await;
    let org = organisation_of(&app, listing).await;
    let (other_provider, _) = app.signed_in_as(Role::Provider).await;
    let other_org = other_provider
        .create_organisation("Other Care", "micro_enterprise")
        .await;
    let (other_holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    for b in [&other_provider, &other_holder, &broker, &admin] {
        let (status, body) = b.get_text(&format!("/enquiries/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.contains("cooked lunch"));
        let res = b
            .post_form(&format!("/enquiries/{id}/messages"), &[("body", "Hello")])
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = b
            .post_form(
                &format!("/enquiries/{id}/close"),
                &[("outcome", "arranged")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let (_, list) = b.get_text("/enquiries").await;
        assert!(!list.contains("Help at home in Sale"));
    }
    let (status, _) = other_provider
        .get_text(&format!("/provider/organisations/{org}/enquiries"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another provider's inbox");
    let (_, own_inbox) = other_provider
        .get_text(&format!("/provider/organisations/{other_org}/enquiries"))
        .await;
    assert!(!own_inbox.contains("Asha"));
    let row = enquiry(&app, id).await;
    assert_eq!(row.status.as_str(), "open", "nothing changed");
}

#[tokio::test]
async fn providers_cannot_enquire_and_unpublished_listings_take_no_enquiries() {
    let app = spawn_app().await;
    let (provider, _, _, listing) = published(&app).await;
    let res = provider
        .post_form(
            &format!("/listings/{listing}/enquire"),
            &enquiry_fields("email", ""),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the provider role cannot enquire"
    );
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    for bad in ["999999", "abc"] {
        let res = holder
            .post_form(
                &format!("/listings/{bad}/enquire"),
                &enquiry_fields("email", ""),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    provider
        .post_form(&format!("/provider/listings/{listing}/archive"), &[])
        .await;
    let res = holder
        .post_form(
            &format!("/listings/{listing}/enquire"),
            &enquiry_fields("email", ""),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (status, _) = holder
        .get_text(&format!("/listings/{listing}/enquire"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn enquiries_are_rate_limited_per_person() {
    let app = spawn_app().await;
    let (_, _, _, listing) = published(&app).await;
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    for _ in 0..10 {
        let id = send_enquiry(&holder, listing, &enquiry_fields("email", "")).await;
        let res = holder
            .post_form(
                &format!("/enquiries/{id}/close"),
                &[("outcome", "declined")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let res = holder
        .post_form(
            &format!("/listings/{listing}/enquire"),
            &enquiry_fields("email", ""),
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // Another person is not held back.
    let (other, _) = app.signed_in_as(Role::BudgetHolder).await;
    send_enquiry(&other, listing, &enquiry_fields("email", "")).await;
}

#[tokio::test]
async fn unanswered_enquiries_close_as_no_response_and_demand_is_counted() {
    let app = spawn_app().await;
    let (provider, provider_user, _, holder_user, listing, id) = enquired(&app).await;
    // A second enquiry the provider answers.
    let (holder2, _) = app.signed_in_as(Role::BudgetHolder).await;
    let answered = send_enquiry(&holder2, listing, &enquiry_fields("email", "")).await;
    provider
        .post_form(
            &format!("/enquiries/{answered}/messages"),
            &[("body", "Yes")],
        )
        .await;
    // Both were sent 15 days ago.
    for enquiry_id in [id, answered] {
        let mut row: enquiries::ActiveModel = enquiry(&app, enquiry_id).await.into();
        row.created_at = Set(chrono::Utc::now() - chrono::Duration::days(15));
        row.update(&app.db).await.unwrap();
    }
    let base = app.address.clone();
    let closed = domain::close_unanswered(&app.db, &base, chrono::Utc::now(), 14)
        .await
        .unwrap();
    assert_eq!(closed, 1);
    assert_eq!(
        enquiry(&app, id).await.outcome.map(|o| o.as_str()),
        Some("no_response")
    );
    assert_eq!(
        enquiry(&app, answered).await.status.as_str(),
        "open",
        "answered stays open"
    );
    app.wait_for_mail(&holder_user.email, "Enquiry closed")
        .await;
    app.wait_for_mail(&provider_user.email, "Enquiry closed")
        .await;
    // Running again changes nothing.
    let again = domain::close_unanswered(&app.db, &base, chrono::Utc::now(), 14)
        .await
        .unwrap();
    assert_eq!(again, 0);

    // Demand by category and postcode sector, with outcomes, for the MPS.
    let demand = enquiry_stats::demand_by_category_and_sector(
        &app.db,
        chrono::Utc::now() - chrono::Duration::days(30),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let category: i64 = crate::helpers::fixtures::category_id(&app, "domestic-help")
        .await
        .parse()
        .unwrap();
    let d = demand
        .get(&(category, Some("M33 7".to_owned())))
        .unwrap_or_else(|| panic!("demand by category and sector: {demand:?}"));
    assert_eq!((d.enquiries, d.no_response, d.open), (2, 1, 1));
}

#[tokio::test]
async fn a_busy_providers_inbox_pages_through_every_enquiry() {
    let app = spawn_app().await;
    let (provider, _, _, _, listing, _) = enquired(&app).await;
    let org = organisation_of(&app, listing).await;
    let first = enquiries::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    // 54 more, each an hour older than the one before.
    for n in 1..=54 {
        let mut more: enquiries::ActiveModel = first.clone().into();
        more.id = sea_orm::ActiveValue::NotSet;
        more.contact_name = Set(format!("Enquirer {n:02}"));
        more.last_message_at = Set(first.last_message_at - chrono::Duration::hours(n));
        more.insert(&app.db).await.unwrap();
    }
    let inbox = format!("/provider/organisations/{org}/enquiries");
    let (status, page1) = provider.get_text(&inbox).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page1.contains("Page 1 of 2: 55 enquiries in all."),
        "{page1}"
    );
    assert_eq!(page1.matches("href=\"/enquiries/").count(), 50);
    assert!(page1.contains("Enquirer 49") && !page1.contains("Enquirer 50"));
    assert!(page1.contains(&format!("{inbox}?status=open&amp;page=2")));
    let (_, page2) = provider.get_text(&format!("{inbox}?page=2")).await;
    assert_eq!(page2.matches("href=\"/enquiries/").count(), 5);
    assert!(page2.contains("Enquirer 50") && page2.contains("Enquirer 54"));
    // Past the end: the last page; nonsense: the first.
    let (_, past) = provider.get_text(&format!("{inbox}?page=9")).await;
    assert!(past.contains("Page 2 of 2") && past.contains("Enquirer 54"));
    let (status, odd) = provider.get_text(&format!("{inbox}?page=x")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(odd.contains("Page 1 of 2"));
}

#[tokio::test]
async fn a_second_enquiry_to_the_same_service_keeps_what_was_typed() {
    let app = spawn_app().await;
    let (_, _, holder, _, listing, first) = enquired(&app).await;

    // The form says there is an open enquiry before anything is typed, and links to it.
    let (status, form) = holder
        .get_text(&format!("/listings/{listing}/enquire"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("You already have an open enquiry about this service"));
    assert!(form.contains(&format!("href=\"/enquiries/{first}\"")));

    // Sent anyway (an old tab): nothing is created and nothing typed is lost.
    let (status, page) = holder
        .post_form_text(
            &format!("/listings/{listing}/enquire"),
            &[
                ("support_wanted", "Could you also help with the garden?"),
                ("when_wanted", "Saturdays"),
                ("postcode", ""),
                ("contact_name", "Asha"),
                ("reply_by", "email"),
                ("reply_phone", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Could you also help with the garden?"));
    assert!(page.contains("When: Saturdays"));
    assert!(page.contains(&format!("action=\"/enquiries/{first}/messages\"")));
    assert_eq!(
        enquiries::Entity::find().all(&app.db).await.unwrap().len(),
        1
    );

    // Sending it there adds it to the open enquiry.
    let res = holder
        .post_form(
            &format!("/enquiries/{first}/messages"),
            &[(
                "body",
                "Could you also help with the garden?\n\nWhen: Saturdays",
            )],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, thread) = holder.get_text(&format!("/enquiries/{first}")).await;
    assert!(thread.contains("Could you also help with the garden?"));
}

#[tokio::test]
async fn times_are_shown_in_uk_time_bst_in_summer() {
    let app = spawn_app().await;
    let (_, _, holder, _, _, id) = enquired(&app).await;
    let summer = chrono::DateTime::parse_from_rfc3339("2026-07-01T23:30:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let winter = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:05:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut row: enquiries::ActiveModel = enquiry(&app, id).await.into();
    row.created_at = Set(summer);
    row.last_message_at = Set(winter);
    row.update(&app.db).await.unwrap();
    let (_, thread) = holder.get_text(&format!("/enquiries/{id}")).await;
    assert!(
        thread.contains("2 July 2026 at 12:30am"),
        "BST: an hour ahead"
    );
    assert!(!thread.contains("UTC"));
    let (_, list) = holder.get_text("/enquiries").await;
    assert!(list.contains("1 December 2026 at 9:05am"), "GMT in winter");
}

#[tokio::test]
async fn the_enquiry_form_and_thread_give_the_providers_phone() {
    let app = spawn_app().await;
    let (provider, _, holder, _, listing, id) = enquired(&app).await;
    let _ = provider;
    let org = organisation_of(&app, listing).await;
    let mut row: entity::provider_organisations::ActiveModel =
        entity::provider_organisations::Entity::find_by_id(org)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
    row.contact_phone = Set(Some("0161 496 0123".into()));
    row.update(&app.db).await.unwrap();
    let (_, thread) = holder.get_text(&format!("/enquiries/{id}")).await;
    assert!(thread.contains("href=\"tel:01614960123\""), "{thread}");
}
