//! Reviews through HTTP: only after support is arranged, once per enquiry, moderated by an
//! admin before anyone sees them, with one reply from the provider.

use kith::auth::roles::Role;
use reqwest::StatusCode;

use crate::enquiries::{enquiry_fields, send_enquiry};
use crate::helpers::fixtures::published;
use crate::helpers::spawn_app;

#[tokio::test]
async fn an_arranged_enquiry_leads_to_a_moderated_review_and_one_reply() {
    let app = spawn_app().await;
    let (provider, _, provider_user, listing) = published(&app).await;
    let (holder, holder_user) = app.signed_in_as(Role::BudgetHolder).await;
    let id = send_enquiry(&holder, listing, &enquiry_fields("email", "")).await;
    let review = [
        ("rating", "4"),
        ("review", "Kind, on time, and they listened."),
        ("shown_name", "Asha"),
    ];

    // Not before support is arranged.
    let (_, thread) = holder.get_text(&format!("/enquiries/{id}")).await;
    assert!(!thread.contains("Review this service"));
    let res = holder
        .post_form(&format!("/enquiries/{id}/review"), &review)
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    provider
        .post_form(
            &format!("/enquiries/{id}/close"),
            &[("outcome", "arranged")],
        )
        .await;
    let (_, thread) = holder.get_text(&format!("/enquiries/{id}")).await;
    assert!(thread.contains("Review this service"));
    let (_, provider_view) = provider.get_text(&format!("/enquiries/{id}")).await;
    assert!(
        !provider_view.contains("Review this service"),
        "providers do not review themselves"
    );
    let res = provider
        .post_form(&format!("/enquiries/{id}/review"), &review)
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (stranger, _) = app.signed_in_as(Role::BudgetHolder).await;
    let res = stranger
        .post_form(&format!("/enquiries/{id}/review"), &review)
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Bad reviews are named; a good one waits for the council.
    let (status, body) = holder
        .post_form_text(
            &format!("/enquiries/{id}/review"),
            &[("rating", "9"), ("review", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Choose a rating from 1 to 5 stars") && body.contains("Enter your review")
    );
    let res = holder
        .post_form(&format!("/enquiries/{id}/review"), &review)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = holder
        .post_form(&format!("/enquiries/{id}/review"), &review)
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "one review per enquiry");
    let (_, public) = app
        .browser()
        .get_text(&format!("/listings/{listing}"))
        .await;
    assert!(
        !public.contains("they listened"),
        "not shown before moderation"
    );
    assert!(public.contains("No reviews yet"));

    // The admin must say why when not publishing; publishing shows it and tells both sides.
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (_, queue) = admin.get_text("/admin/reviews").await;
    assert!(queue.contains("they listened"));
    let review_id = entity::service_reviews::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    use sea_orm::EntityTrait;
    let (status, body) = admin
        .post_form_text(
            &format!("/admin/reviews/{review_id}/decision"),
            &[("decision", "reject"), ("note", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Say why the review is not published"));
    let res = admin
        .post_form(
            &format!("/admin/reviews/{review_id}/decision"),
            &[("decision", "publish")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = admin
        .post_form(
            &format!("/admin/reviews/{review_id}/decision"),
            &[("decision", "reject"), ("note", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "decided once");
    app.wait_for_mail(
        &holder_user.email,
        "Your review of Help at home in Sale is published",
    )
    .await;
    let mail = app
        .wait_for_mail(&provider_user.email, "New review of Help at home in Sale")
        .await;
    assert!(
        app.link_in(&mail, "/provider/organisations/")
            .ends_with("/reviews")
    );
    let (_, public) = app
        .browser()
        .get_text(&format!("/listings/{listing}"))
        .await;
    assert!(public.contains("they listened") && public.contains("Asha"));
    assert!(public.contains("4.0 out of 5") && public.contains("from 1 review"));

    // The provider replies once; another provider cannot.
    let (other, _) = app.signed_in_as(Role::Provider).await;
    let res = other
        .post_form(
            &format!("/provider/reviews/{review_id}/reply"),
            &[("reply", "Thanks!")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, body) = provider
        .post_form_text(
            &format!("/provider/reviews/{review_id}/reply"),
            &[("reply", " ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter your reply"));
    let res = provider
        .post_form(
            &format!("/provider/reviews/{review_id}/reply"),
            &[("reply", "Thank you, Asha.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = provider
        .post_form(
            &format!("/provider/reviews/{review_id}/reply"),
            &[("reply", "And again")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (_, public) = app
        .browser()
        .get_text(&format!("/listings/{listing}"))
        .await;
    assert!(public.contains("Reply from Sale Helpers") && public.contains("Thank you, Asha."));
    let actions = app.audit_actions().await;
    for action in ["review.submitted", "review.moderated", "review.replied"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[tokio::test]
async fn a_broker_reviews_for_a_client_and_the_case_goes_with_a_handover() {
    let app = spawn_app().await;
    let (provider, _, _, listing) = published(&app).await;
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let (other, other_user) = app.signed_in_as(Role::Broker).await;
    let res = broker
        .post_form(
            "/broker/clients",
            &[("name", "Mr B"), ("contact_preference", "phone")],
        )
        .await;
    let client = crate::helpers::location(&res)
        .trim_start_matches("/broker/clients/")
        .to_owned();
    let mut fields = enquiry_fields("broker", "");
    fields.push(("client", &client));
    let id = send_enquiry(&broker, listing, &fields).await;
    provider
        .post_form(
            &format!("/enquiries/{id}/close"),
            &[("outcome", "arranged")],
        )
        .await;
    let review = [
        ("rating", "5"),
        ("review", "Mr B looks forward to every visit."),
    ];
    let res = other
        .post_form(&format!("/enquiries/{id}/review"), &review)
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not their client");
    let res = broker
        .post_form(&format!("/enquiries/{id}/review"), &review)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    use sea_orm::EntityTrait;
    let row = entity::service_reviews::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.client_id, Some(client.parse().unwrap()));
    // After a handover the new broker sees the review on the enquiry.
    broker
        .post_form(
            &format!("/broker/clients/{client}/handover"),
            &[("to_email", &other_user.email)],
        )
        .await;
    let (status, page) = other.get_text(&format!("/enquiries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your review") && page.contains("looks forward to every visit"));
}
