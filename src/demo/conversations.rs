//! Demo people at work: the demo broker's clients, the budget holder's shortlist, and
//! enquiries with replies, so the enquiry pages have something to show on first run.

use entity::enquiries::ReplyBy;
use entity::listings::ListingId;
use entity::users::UserId;
use sea_orm::DatabaseConnection;

use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::accounts::find_by_email;
use crate::domain::audit::Actor;
use crate::domain::checking::assignments::{self, NewAssignment};
use crate::domain::checking::checkers::{self, Profile};
use crate::domain::enquiries;
use crate::domain::enquiries::form::NewEnquiry;
use crate::domain::plans::clients::{self, Acting, ClientDetails};
use crate::domain::{listings, plans::shortlists, providers::organisations};

pub(super) async fn user_id(
    db: &DatabaseConnection,
    email: &str,
) -> anyhow::Result<Option<UserId>> {
    Ok(find_by_email(db, &EmailAddress::parse(email)?)
        .await?
        .map(|u| u.id))
}

/// The first published listings of the demo provider's organisations.
async fn provider_listings(
    db: &DatabaseConnection,
    provider: UserId,
) -> anyhow::Result<Vec<ListingId>> {
    let mut ids = Vec::new();
    for (org, _) in organisations::of_user(db, provider).await? {
        for (id, _) in listings::public_of_organisation(db, org.id).await? {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub(super) async fn seed(db: &DatabaseConnection, base_url: &str) -> anyhow::Result<()> {
    let actor = Actor {
        user_id: None,
        request_id: Some("demo-seed".into()),
        council: None,
    };
    let (Some(holder), Some(broker), Some(provider)) = (
        user_id(db, "budget.holder@kith.example").await?,
        user_id(db, "broker@kith.example").await?,
        user_id(db, "provider@kith.example").await?,
    ) else {
        return Ok(());
    };
    let ids = provider_listings(db, provider).await?;
    seed_checking(db, base_url, &actor, &ids).await?;
    let (Some(&first), second) = (ids.first(), ids.get(1).copied()) else {
        return Ok(());
    };
    let me = Acting::for_self(holder);
    for id in ids.iter().take(2) {
        shortlists::add(db, &actor, &me, *id).await?;
    }
    shortlists::set_note(
        db,
        &actor,
        &me,
        first,
        "Rang on Monday: they call back on Thursdays. Ask about the garden.",
    )
    .await?;
    let saved = crate::domain::search::saved::NewSavedSearch::parse(
        None,
        "q=help+at+home&near=M33+7",
        "Help at home near Sale",
        "weekly",
    )?;
    crate::domain::search::saved::save(db, &actor, holder, saved, 0).await?;
    if let Some(&other) = ids.get(2).or(ids.last()) {
        let report = crate::domain::listings::reports::parse(
            "wrong_contact",
            "The mobile number on this page goes to someone else.",
            crate::domain::tokens::sha256_hex("demo report"),
        )
        .map_err(|e| anyhow::anyhow!("demo report: {e:?}"))?;
        let today = crate::clock::Clock::system().today();
        let site = crate::domain::councils::Site {
            council: crate::domain::councils::first(db).await?,
            base_url: base_url.to_owned(),
        };
        crate::domain::listings::reports::report(db, &actor, &site, other, report, today).await?;
    }
    let enquiry = enquiries::send(
        db,
        &actor,
        base_url,
        &me,
        first,
        NewEnquiry {
            support_wanted: "Help with the weekly shop and cleaning for my mum, who is 84.".into(),
            when_wanted: "Two hours on a weekday morning, starting next month.".into(),
            postcode_sector: Some("M33 7".into()),
            contact_name: "Jo".into(),
            reply_by: ReplyBy::Email,
            reply_phone: None,
        },
    )
    .await?;
    enquiries::reply(
        db,
        &actor,
        base_url,
        enquiry,
        provider,
        "Hello Jo, we can do Tuesday or Thursday mornings. Would you like us to visit first to meet your mum?".into(),
    )
    .await?;

    let council = crate::domain::councils::first(db).await?;
    let first_client = clients::create(
        db,
        &actor,
        council,
        broker,
        ClientDetails {
            name: "Mr Khan (ref 1042)".into(),
            postcode_sector: Some("M16 0".into()),
            needs: "Day activities twice a week; speaks Punjabi and some English.".into(),
            contact_preference: "phone".into(),
            contact_details: "Daughter Amina, 0161 496 0999, after 4pm".into(),
        },
    )
    .await?;
    clients::create(
        db,
        &actor,
        council,
        broker,
        ClientDetails {
            name: "Mrs Evans".into(),
            postcode_sector: Some("M33 5".into()),
            needs: "A personal assistant for getting out to the shops and church.".into(),
            contact_preference: "post".into(),
            contact_details: String::new(),
        },
    )
    .await?;
    if let Some(second) = second {
        let for_client = clients::act_for(db, broker, first_client).await?;
        shortlists::add(db, &actor, &for_client, second).await?;
        enquiries::send(
            db,
            &actor,
            base_url,
            &for_client,
            second,
            NewEnquiry {
                support_wanted:
                    "Company and help to get to a day centre, for a man in his seventies.".into(),
                when_wanted: "Mondays and Wednesdays, late morning.".into(),
                postcode_sector: Some("M16 0".into()),
                contact_name: "Mr Khan".into(),
                reply_by: ReplyBy::Broker,
                reply_phone: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// The demo checker's profile and one check offered by the demo admin.
async fn seed_checking(
    db: &DatabaseConnection,
    base_url: &str,
    actor: &Actor,
    listings: &[ListingId],
) -> anyhow::Result<()> {
    let (Some(checker), Some(admin), Some(&listing)) = (
        user_id(db, "checker@kith.example").await?,
        user_id(db, "admin@kith.example").await?,
        listings.first(),
    ) else {
        return Ok(());
    };
    checkers::save_profile(
        db,
        actor,
        checker,
        &Profile {
            areas: vec!["M33".into(), "M32".into(), "M16".into()],
            availability: "Weekday mornings".into(),
            training: vec!["induction".into(), "safeguarding".into()],
        },
    )
    .await?;
    let site = crate::domain::councils::Site {
        council: crate::domain::councils::first(db).await?,
        base_url: base_url.to_owned(),
    };
    assignments::assign(
        db,
        actor,
        &site,
        listing,
        admin,
        NewAssignment {
            checker_user_id: checker,
            due_on: chrono::Utc::now().date_naive() + chrono::Duration::days(21),
            notes: "A routine check. Please phone the provider to arrange a visit.".into(),
        },
    )
    .await?;
    Ok(())
}
