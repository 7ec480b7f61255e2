//! Shortlists: visitors keep theirs in the session and keep it on signing in; each account
//! sees only its own; only published listings can be saved; the printable list.

use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::helpers::fixtures::published;
use crate::helpers::{PASSWORD, location, spawn_app};

#[tokio::test]
async fn a_visitor_saves_a_listing_and_keeps_it_after_signing_in() {
    let app = spawn_app().await;
    let (_, _, _, id) = published(&app).await;
    let visitor = app.browser();
    let id_text = id.to_string();
    let (_, page) = visitor.get_text(&format!("/listings/{id}")).await;
    assert!(page.contains("Save to shortlist"), "{page}");
    assert!(page.contains("Sign in to send an enquiry"));

    let res = visitor
        .post_form(
            "/shortlist",
            &[
                ("listing_id", &id_text),
                ("return_to", &format!("/listings/{id}")),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/listings/{id}"));
    // Saving twice keeps one.
    visitor
        .post_form("/shortlist", &[("listing_id", &id_text)])
        .await;
    let (_, page) = visitor.get_text(&format!("/listings/{id}")).await;
    assert!(page.contains("Remove from shortlist"));
    let (status, list) = visitor.get_text("/shortlist").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        list.matches("Help at home in Sale</a>").count(),
        1,
        "{list}"
    );
    assert!(list.contains("kept while this browser is open"));

    let (_, printable) = visitor.get_text("/shortlist/print").await;
    assert!(printable.contains("Help at home in Sale"));
    assert!(printable.contains("Printed from Kith on"));

    let holder = app.create_user(&[Role::BudgetHolder]).await;
    visitor.sign_in(&holder.email, PASSWORD).await;
    let (_, list) = visitor.get_text("/shortlist").await;
    assert!(
        list.contains("Help at home in Sale"),
        "kept on sign-in: {list}"
    );
    assert!(!list.contains("kept while this browser is open"));
    assert!(
        app.audit_actions()
            .await
            .contains(&"shortlist.adopted".to_owned())
    );

    // A fresh browser for the same account sees it too: it is in the database.
    let other = app.browser();
    other.sign_in(&holder.email, PASSWORD).await;
    let (_, list) = other.get_text("/shortlist").await;
    assert!(list.contains("Help at home in Sale"));
}

#[tokio::test]
async fn each_search_result_can_be_saved_and_the_search_comes_back() {
    let app = spawn_app().await;
    let (_, _, _, id) = published(&app).await;
    let visitor = app.browser();
    crate::search::wait_for(&visitor, "q=help", |found| found.contains(&id)).await;
    let (_, page) = visitor.get_text("/search?q=help").await;
    // The button names its listing for screen readers, and returns to this result.
    assert!(
        page.contains(
            "Save to shortlist<span class=\"govuk-visually-hidden\">: Help at home in Sale</span>"
        ),
        "{page}"
    );
    let back = format!("/search?q=help#result-{id}");
    assert!(page.contains(&format!("value=\"{}\"", back.replace('&', "&amp;"))));
    assert!(page.contains(&format!("id=\"result-{id}\"")));
    let res = visitor
        .post_form(
            "/shortlist",
            &[("listing_id", &id.to_string()), ("return_to", &back)],
        )
        .await;
    assert_eq!(location(&res), back);
    let (_, page) = visitor.get_text("/search?q=help").await;
    assert!(page.contains("Saved to the shortlist"));
    assert!(page.contains(
        "Remove from shortlist<span class=\"govuk-visually-hidden\">: Help at home in Sale</span>"
    ));
    let (_, list) = visitor.get_text("/shortlist").await;
    assert!(list.contains("Help at home in Sale</a>"));
}

#[tokio::test]
async fn shortlists_are_private_and_hold_only_published_listings() {
    let app = spawn_app().await;
    let (provider, _, _, id) = published(&app).await;
    let id_text = id.to_string();
    let (a, _) = app.signed_in_as(Role::BudgetHolder).await;
    let (b, _) = app.signed_in_as(Role::BudgetHolder).await;
    a.post_form("/shortlist", &[("listing_id", &id_text)]).await;
    let (_, list_a) = a.get_text("/shortlist").await;
    let (_, list_b) = b.get_text("/shortlist").await;
    assert!(list_a.contains("Help at home in Sale"));
    assert!(!list_b.contains("Help at home in Sale"));

    // Removing from B's (empty) list does not touch A's.
    b.post_form("/shortlist/remove", &[("listing_id", &id_text)])
        .await;
    let (_, list_a) = a.get_text("/shortlist").await;
    assert!(list_a.contains("Help at home in Sale"));

    // Unknown, garbage and unpublished listings cannot be saved.
    for bad in ["999999", "abc", ""] {
        let res = b.post_form("/shortlist", &[("listing_id", bad)]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    // A client id that is not this person's is refused.
    let res = b
        .post_form("/shortlist", &[("listing_id", &id_text), ("client", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Archived by its provider: A's shortlist says it is no longer listed.
    let res = provider
        .post_form(&format!("/provider/listings/{id}/archive"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list_a) = a.get_text("/shortlist").await;
    assert!(list_a.contains("no longer listed"), "{list_a}");
    let res = b.post_form("/shortlist", &[("listing_id", &id_text)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Removing works, and is audited.
    a.post_form("/shortlist/remove", &[("listing_id", &id_text)])
        .await;
    let (_, list_a) = a.get_text("/shortlist").await;
    assert!(list_a.contains("Nothing saved yet"));
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"shortlist.added".to_owned()));
    assert!(actions.contains(&"shortlist.removed".to_owned()));
}

#[tokio::test]
async fn a_shortlist_gives_phone_numbers_and_keeps_a_private_note() {
    let app = spawn_app().await;
    let (_, _, _, id) = published(&app).await;
    let org = entity::listings::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .organisation_id;
    let mut row: entity::provider_organisations::ActiveModel =
        entity::provider_organisations::Entity::find_by_id(org)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
    row.contact_phone = Set(Some("0161 496 0123".into()));
    row.update(&app.db).await.unwrap();
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let (other, _) = app.signed_in_as(Role::BudgetHolder).await;
    let id_text = id.to_string();
    holder
        .post_form("/shortlist", &[("listing_id", &id_text)])
        .await;

    let (_, list) = holder.get_text("/shortlist").await;
    assert!(list.contains("href=\"tel:01614960123\""), "{list}");

    // Too long: refused, naming the field and the length, with the words kept.
    let long = "n".repeat(501);
    let (status, page) = holder
        .post_form_text(
            "/shortlist/note",
            &[("listing_id", &id_text), ("note", &long)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Your note must be 500 characters or fewer – you have 501"));
    assert!(page.contains(&long));

    let res = holder
        .post_form(
            "/shortlist/note",
            &[
                ("listing_id", &id_text),
                ("note", "Spoke to Jo – Tuesdays only"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/shortlist#saved-{id}"));
    let (_, list) = holder.get_text("/shortlist").await;
    assert!(list.contains("Spoke to Jo – Tuesdays only"));
    let (_, printed) = holder.get_text("/shortlist/print").await;
    assert!(printed.contains("Your note: "));

    // Private: another person cannot write on it (it is not on their shortlist).
    let res = other
        .post_form(
            "/shortlist/note",
            &[("listing_id", &id_text), ("note", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, theirs) = other.get_text("/shortlist").await;
    assert!(!theirs.contains("Spoke to Jo"));
}
