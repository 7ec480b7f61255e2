//! A demo innovation-fund round, open now, with the demo broker on its panel and one
//! application sent by the demo community kitchen, so the funding pages have something to
//! show on first run.

use chrono::{Duration, Utc};
use entity::provider_organisations::ProviderKind;
use sea_orm::DatabaseConnection;

use crate::domain::audit::Actor;
use crate::domain::fund::applications::{self as fund_applications, Answers, BudgetLine};
use crate::domain::fund::rounds::{self as fund_rounds, CriterionInput, RoundInput};
use crate::domain::providers::organisations;

use super::conversations::user_id;

pub(super) async fn seed(db: &DatabaseConnection, base_url: &str) -> anyhow::Result<()> {
    let actor = Actor {
        user_id: None,
        request_id: Some("demo-seed".into()),
        council: None,
    };
    let (Some(commissioner), Some(kitchen)) = (
        user_id(db, "commissioner@kith.example").await?,
        user_id(db, "kitchen@kith.example").await?,
    ) else {
        return Ok(());
    };
    let today = Utc::now().date_naive();
    let criterion = |title: &str, weight| CriterionInput {
        title: title.to_owned(),
        weight,
    };
    let round = fund_rounds::create(
        db,
        &actor,
        commissioner,
        &RoundInput {
            title: "Culturally familiar day support in Old Trafford (example round)".into(),
            need: "Searches for day support near M16 often find nothing within three miles, and older people from South Asian and Caribbean communities tell us the day centres that exist do not feel like theirs. We want small, local groups to start day activities with familiar food, language and company.".into(),
            category_ids: Vec::new(),
            client_groups: vec!["older_people".into(), "carers".into()],
            districts: vec!["M16".into(), "M32".into()],
            eligible_kinds: vec![
                ProviderKind::MicroEnterprise.as_str().into(),
                ProviderKind::UserLed.as_str().into(),
                ProviderKind::VoluntaryGroup.as_str().into(),
                ProviderKind::SocialEnterprise.as_str().into(),
            ],
            max_award_pence: 500_000,
            pot_pence: 2_000_000,
            opens_on: today - Duration::days(7),
            closes_on: today + Duration::days(28),
            criteria: vec![
                criterion("Meets the need described", 50),
                criterion("Value for money", 30),
                criterion("Able to deliver and keep going", 20),
            ],
        },
    )
    .await?;
    if let Err(errors) =
        fund_rounds::add_panel_member(db, &actor, base_url, round, "broker@kith.example").await?
    {
        anyhow::bail!("demo panel: {:?}", errors.iter().collect::<Vec<_>>());
    }
    fund_rounds::publish(db, &actor, round, today).await?;
    let Some((org, _)) = organisations::of_user(db, kitchen)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let application = fund_applications::start(db, &actor, round, org.id, kitchen, today).await?;
    let answers = Answers {
        need: "There is no day centre in Old Trafford where older people from our communities feel at home.".into(),
        offer: "A day club two days a week at our community centre: a hot lunch, gentle exercise, games and a trip out once a month.".into(),
        who_for: "Older people from South Asian and Caribbean communities, and the family members who care for them.".into(),
        place: "Old Trafford Community Centre, M16; we collect people from M16 and M32.".into(),
        people: Some(30),
        outcomes: "30 people come at least weekly; carers get two days' break; we ask everyone every three months how they feel.".into(),
        match_funding: "Volunteer time and the hall at no cost from the community centre.".into(),
        publish_name: false,
    };
    let budget = vec![
        BudgetLine {
            item: "Cook's wages, 2 days a week for a year".into(),
            pence: 280_000,
        },
        BudgetLine {
            item: "Food and supplies".into(),
            pence: 120_000,
        },
        BudgetLine {
            item: "Minibus hire for monthly trips".into(),
            pence: 60_000,
        },
    ];
    fund_applications::save(db, &actor, application, kitchen, &answers, &budget, today).await?;
    fund_applications::submit(db, &actor, base_url, application, kitchen, today).await?;
    Ok(())
}
