//! Each role's home page after signing in, and the counts beside menu items: what is
//! waiting for them, counted from what they do through HTTP.

use kith::auth::roles::Role;
use reqwest::StatusCode;

use crate::enquiries::{enquiry_fields, send_enquiry};
use crate::helpers::fixtures::{approved_provider, create_listing, published, submit};
use crate::helpers::{PASSWORD, location, spawn_app};

#[tokio::test]
async fn signing_in_lands_on_a_home_page_of_what_is_waiting() {
    let app = spawn_app().await;
    let (provider, admin, provider_user, listing) = published(&app).await;
    let holder_user = app.create_user(&[Role::BudgetHolder]).await;
    let holder = app.browser();
    let res = holder.try_sign_in(&holder_user.email, PASSWORD).await;
    assert_eq!(location(&res), "/", "home, not the account page");

    let (_, home) = holder.get_text("/").await;
    assert!(home.contains("Your Kith"));
    assert!(home.contains("No open enquiries"));

    // The provider sees the new enquiry, the days before it closes, and a count.
    let enquiry = send_enquiry(&holder, listing, &enquiry_fields("email", "")).await;
    let (_, home) = provider.get_text("/").await;
    assert!(home.contains("Needs a first reply"), "{home}");
    assert!(home.contains("closes in 14 days if nobody replies"));
    assert!(home.contains(&format!("/enquiries/{enquiry}")));
    assert!(home.contains("Published: 1"), "listings by state");
    assert!(
        home.contains(r#"<span class="kith-nav-count">1<span class="govuk-visually-hidden"> waiting for a first reply</span></span>"#),
        "the menu counts it"
    );
    let _ = provider_user;

    // Once they reply, the budget holder has a reply waiting, on the page and in the menu.
    let res = provider
        .post_form(
            &format!("/enquiries/{enquiry}/messages"),
            &[("body", "Yes, we can help on Tuesdays.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, home) = holder.get_text("/").await;
    assert!(home.contains("1 provider has replied."), "{home}");
    assert!(home.contains("Reply waiting"));
    assert!(home.contains(
        r#"<span class="kith-nav-count">1<span class="govuk-visually-hidden"> with a reply waiting</span></span>"#
    ));
    let (_, home) = provider.get_text("/").await;
    assert!(!home.contains("Needs a first reply"));
    assert!(
        !home.contains("kith-nav-count"),
        "nothing waiting, no count"
    );

    // The holder answers: the provider now owes a reply, and the holder's count goes.
    holder
        .post_form(
            &format!("/enquiries/{enquiry}/messages"),
            &[("body", "Lovely, what time?")],
        )
        .await;
    let (_, home) = provider.get_text("/").await;
    assert!(home.contains("Waiting for your reply"));
    let (_, home) = holder.get_text("/").await;
    assert!(!home.contains("kith-nav-count"));

    // Admins see their queues with counts.
    let (other, _, org) = approved_provider(&app, "micro_enterprise").await;
    let waiting = create_listing(&app, &other, org, "Gardening help", "12").await;
    assert_eq!(
        submit(&other, waiting).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, home) = admin.get_text("/").await;
    assert!(
        home.contains("Listings to review</a>: <strong>1</strong>"),
        "{home}"
    );
    assert!(
        home.contains("waiting in the council&#39;s queues")
            || home.contains("waiting in the council's queues")
    );

    // A commissioner's page has the market and the statement.
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let (status, home) = commissioner.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("The market in the last 90 days"));
    assert!(home.contains("Market Position Statement"));
    assert!(
        home.contains("href=\"/commissioner/mps\""),
        "in the menu too"
    );

    // Signed out, the front page is the public one.
    let (_, front) = app.browser().get_text("/").await;
    assert!(front.contains("Find care and support that suits you"));
}
