//! The demo data: every demo account signs in, the approval queue and public pages have
//! something to show, and seeding twice changes nothing.

use entity::provider_organisations;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::spawn_app;

#[tokio::test]
async fn demo_data_gives_every_role_something_to_see() {
    let app = spawn_app().await;
    kith::demo::seed(&app.db, &app.address).await.unwrap();
    let orgs = provider_organisations::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    kith::demo::seed(&app.db, &app.address).await.unwrap();
    assert_eq!(
        provider_organisations::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        orgs,
        "seeding is idempotent"
    );

    for email in kith::demo::account_emails() {
        let b = app.browser();
        b.sign_in(email, kith::demo::DEMO_PASSWORD).await;
        assert!(b.is_signed_in().await, "{email}");
    }
    let admin = app.browser();
    admin
        .sign_in("admin@kith.example", kith::demo::DEMO_PASSWORD)
        .await;
    let (_, queue) = admin.get_text("/admin/providers").await;
    assert!(queue.contains("Old Trafford Community Kitchen"));

    let kasia = provider_organisations::Entity::find()
        .filter(provider_organisations::Column::Kind.eq("personal_assistant"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let (status, body) = app
        .browser()
        .get_text(&format!("/providers/{}", kasia.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Kasia Nowak") && !body.contains("Quiet Close") && !body.contains("M32 9AB")
    );
    let (_, home) = app.browser().get_text("/").await;
    assert!(home.contains("approved local providers"));

    // A marketplace: a few hundred listings in every state, from every kind of provider.
    use entity::listings;
    let count = |status: &'static str| {
        let db = app.db.clone();
        async move {
            listings::Entity::find()
                .filter(listings::Column::Status.eq(status))
                .count(&db)
                .await
                .unwrap()
        }
    };
    assert!(count("approved").await >= 200, "published listings");
    for status in ["draft", "submitted", "changes_requested"] {
        assert!(count(status).await > 0, "{status}");
    }
    for kind in [
        "registered_care_provider",
        "micro_enterprise",
        "social_enterprise",
        "user_led",
        "voluntary_group",
        "personal_assistant",
    ] {
        let n = provider_organisations::Entity::find()
            .filter(provider_organisations::Column::Kind.eq(kind))
            .count(&app.db)
            .await
            .unwrap();
        assert!(n >= 5, "{kind}: {n}");
    }
    // People at work: the broker's clients, the holder's shortlist and a reply to read.
    let broker = app.browser();
    broker
        .sign_in("broker@kith.example", kith::demo::DEMO_PASSWORD)
        .await;
    let (_, clients) = broker.get_text("/broker/clients").await;
    assert!(clients.contains("Mr Khan (ref 1042)") && clients.contains("Mrs Evans"));
    // An open funding round, with the broker on its panel and an application to score.
    let (_, panel) = broker.get_text("/panel").await;
    assert!(
        panel.contains("Culturally familiar day support") && panel.contains("To score"),
        "{panel}"
    );
    let (_, funding) = app.browser().get_text("/funding").await;
    assert!(funding.contains("(example round)"));
    let holder = app.browser();
    holder
        .sign_in("budget.holder@kith.example", kith::demo::DEMO_PASSWORD)
        .await;
    let (_, shortlist) = holder.get_text("/shortlist").await;
    assert!(shortlist.contains("Send an enquiry"));
    let (_, enquiries) = holder.get_text("/enquiries").await;
    assert!(enquiries.contains("Sale Moor Home Support"), "{enquiries}");

    let checker = app.browser();
    checker
        .sign_in("checker@kith.example", kith::demo::DEMO_PASSWORD)
        .await;
    let (_, checks) = checker.get_text("/checker").await;
    assert!(checks.contains("Needs your answer"), "{checks}");

    let (_, queue) = admin.get_text("/admin/listings").await;
    assert!(queue.contains("Changes to a published listing") && queue.contains("New listing"));
    let live = listings::Entity::find()
        .filter(listings::Column::Status.eq("approved"))
        .filter(listings::Column::SuspendedAt.is_null())
        .filter(listings::Column::HiddenAt.is_null())
        .filter(listings::Column::OrganisationId.eq(kasia.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("Kasia has a published listing");
    let (status, body) = app
        .browser()
        .get_text(&format!("/listings/{}", live.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("Quiet Close") && !body.contains("M32 9AB"));
}

#[tokio::test]
async fn the_demo_reads_like_a_council_a_year_in() {
    let app = spawn_app().await;
    kith::demo::seed(&app.db, &app.address).await.unwrap();

    // Listings of the same kind are not the same text twice.
    let live: Vec<i64> = entity::listings::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|l| l.live_revision_id)
        .collect();
    let mut texts = std::collections::BTreeMap::new();
    for id in &live {
        let revision = entity::listing_revisions::Entity::find_by_id(*id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let content: serde_json::Value = serde_json::from_str(&revision.content).unwrap();
        let words = (
            content["summary"].to_string(),
            content["description"].to_string(),
        );
        if let Some(other) = texts.insert(words, revision.listing_id) {
            panic!(
                "{} (listing {}) repeats listing {other}'s words",
                revision.title, revision.listing_id
            );
        }
    }
    assert!(live.len() > 100, "{} published listings", live.len());

    // A published statement drafted from a year of demand, with gaps where little is offered.
    let visitor = app.browser();
    let (_, list) = visitor.get_text("/market-position-statements").await;
    let id = list
        .split("href=\"/market-position-statements/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a published statement")
        .to_owned();
    let (status, page) = visitor
        .get_text(&format!("/market-position-statements/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(">0 searches"), "a year of searches");
    assert!(
        page.contains("Partington") || page.contains("M31"),
        "{page}"
    );
    let res = visitor
        .get(&format!("/market-position-statements/{id}/pdf"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = crate::market::pdf_text(&res.bytes().await.unwrap());
    let (headers, money) = crate::market::headers_and_money(&page);
    assert!(!money.is_empty() && headers.len() > 20);
    for m in &money {
        assert!(text.contains(m.as_str()), "{m} in the PDF");
    }
    for h in &headers {
        assert!(text.contains(h.as_str()), "{h} in the PDF");
    }
    // The demo's names in other scripts print in their own letters.
    assert!(text.contains("Apna Ghar Companions (") && !text.contains('?') && !text.contains('□'));
}
