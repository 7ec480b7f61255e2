//! The innovation fund through HTTP: a round's life cycle, applications and the server-side
//! deadline, privacy between applicants and panels, hidden scores and conflicts, the
//! weighted ranking against hand-worked numbers, the pot, and decision emails.

use entity::{fund_criteria, fund_rounds};
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::helpers::{Browser, TestApp, location};

fn date_fields(name: &str, days: i64) -> Vec<(String, String)> {
    use chrono::Datelike;
    let d = chrono::Utc::now().date_naive() + chrono::Duration::days(days);
    vec![
        (format!("{name}-day"), d.day().to_string()),
        (format!("{name}-month"), d.month().to_string()),
        (format!("{name}-year"), d.year().to_string()),
    ]
}

fn round_fields() -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("title", "Culturally competent PAs in Old Trafford"),
        ("need", "Older people from South Asian communities cannot find personal assistants who speak their language."),
        ("client_groups", "older_people"),
        ("districts", "m16 M32"),
        ("eligible", "micro_enterprise"),
        ("eligible", "user_led"),
        ("max_award", "6,000"),
        ("pot", "£10000"),
        ("criterion_1", "Meets the need"),
        ("weight_1", "50"),
        ("criterion_2", "Value for money"),
        ("weight_2", "30"),
        ("criterion_3", "Can deliver"),
        ("weight_3", "20"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    f.extend(date_fields("opens", 0));
    f.extend(date_fields("closes", 30));
    f
}

fn refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

pub(crate) async fn provider(app: &TestApp, name: &str, kind: &str) -> (Browser, String, i64) {
    let (b, user) = app.signed_in_as(Role::Provider).await;
    let org = b.create_organisation(name, kind).await;
    app.approve_organisation(org).await;
    (b, user.email, org)
}

fn application_fields(asks: &str) -> Vec<(String, String)> {
    [
        ("need", "No Urdu-speaking PAs in M16"),
        ("offer", "Two trained PAs, 20 hours a week each"),
        ("who_for", "Older people who speak Urdu or Punjabi"),
        ("place", "Old Trafford, M16"),
        ("people", "25"),
        (
            "outcomes",
            "25 people supported weekly; we will ask them every quarter",
        ),
        ("item_1", "Training"),
        ("amount_1", "1000"),
        ("item_2", "Wages"),
        ("amount_2", asks),
        ("match_funding", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

async fn apply(b: &Browser, round: i64, org: i64) -> reqwest::Response {
    let org = org.to_string();
    b.post_form(
        &format!("/funding/{round}/apply"),
        &[("organisation", &org)],
    )
    .await
}

/// Starts and sends an application asking for £1,000 + `wages`.
pub(crate) async fn send_application(b: &Browser, round: i64, org: i64, wages: &str) -> i64 {
    let res = apply(b, round, org).await;
    let id: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    let mut f = application_fields(wages);
    f.push(("then".into(), "send".into()));
    let res = b
        .post_form(&format!("/provider/funding/{id}"), &refs(&f))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "send application");
    id
}

pub(crate) async fn close_round(app: &TestApp, round: i64) {
    let row = fund_rounds::Entity::find_by_id(round)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: fund_rounds::ActiveModel = row.into();
    active.closes_on = Set(chrono::Utc::now().date_naive() - chrono::Duration::days(1));
    active.update(&app.db).await.unwrap();
}

async fn criteria(app: &TestApp, round: i64) -> Vec<i64> {
    fund_criteria::Entity::find()
        .filter(fund_criteria::Column::RoundId.eq(round))
        .order_by_asc(fund_criteria::Column::Position)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect()
}

async fn score(
    b: &Browser,
    application: i64,
    criteria: &[i64],
    scores: [&str; 3],
    then: &str,
) -> reqwest::Response {
    let mut f: Vec<(String, String)> = criteria
        .iter()
        .zip(scores)
        .flat_map(|(c, s)| {
            [
                (format!("score_{c}"), s.to_owned()),
                (format!("comment_{c}"), format!("Comment {s} on {c}")),
            ]
        })
        .collect();
    f.push(("then".into(), then.into()));
    b.post_form(
        &format!("/panel/applications/{application}/scores"),
        &refs(&f),
    )
    .await
}

#[tokio::test]
async fn a_round_runs_from_publication_to_decisions_with_private_applications_and_fair_scoring() {
    let app = crate::helpers::spawn_app().await;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;

    // Creating: bad input is named; a good round is a draft, invisible to the public.
    let (status, body) = commissioner
        .post_form_text(
            "/commissioner/funding/new",
            &[("max_award", "lots"), ("pot", "5")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Enter a title",
        "Enter the maximum award in pounds",
        "Enter at least one criterion",
        "Enter the opening date",
    ] {
        assert!(body.contains(message), "{message}");
    }
    let res = commissioner
        .post_form("/commissioner/funding/new", &refs(&round_fields()))
        .await;
    let round: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    let visitor = app.browser();
    assert_eq!(
        visitor.get(&format!("/funding/{round}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // Publishing needs a panel of council staff.
    let res = commissioner
        .post_form(&format!("/commissioner/funding/{round}/publish"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (member_a, user_a) = app.signed_in_as(Role::Broker).await;
    let (member_b, user_b) = app.signed_in_as(Role::Broker).await;
    let (member_c, user_c) = app.signed_in_as(Role::QualityChecker).await;
    let (outsider, outsider_user) = app.signed_in_as(Role::Provider).await;
    let (status, body) = commissioner
        .post_form_text(
            &format!("/commissioner/funding/{round}/panel"),
            &[("email", &outsider_user.email)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Panel members need a council role"));
    for u in [&user_a, &user_b, &user_c] {
        let res = commissioner
            .post_form(
                &format!("/commissioner/funding/{round}/panel"),
                &[("email", &u.email)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    app.wait_for_mail(&user_a.email, "You are on the panel")
        .await;
    commissioner
        .post_form(&format!("/commissioner/funding/{round}/publish"), &[])
        .await;
    let (_, funding) = visitor.get_text("/funding").await;
    assert!(
        funding.contains("Culturally competent PAs in Old Trafford")
            && funding.contains("Up to £6,000")
    );
    // Published rounds cannot be changed.
    let res = commissioner
        .post_form(
            &format!("/commissioner/funding/{round}/edit"),
            &refs(&round_fields()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Applying: eligibility, drafts with gaps, named errors, the maximum award.
    let (pa, _, pa_org) = provider(&app, "Kasia Nowak", "personal_assistant").await;
    let (status, body) = pa
        .post_form_text(
            &format!("/funding/{round}/apply"),
            &[("organisation", &pa_org.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body.contains("This round is only for: Micro-enterprise, User- or carer-led organisation")
    );
    let (p1, p1_email, org1) = provider(&app, "Apna Ghar Care", "micro_enterprise").await;
    let res = apply(&p1, round, org1).await;
    let a1: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    let res = p1
        .post_form(
            &format!("/provider/funding/{a1}"),
            &[("need", "Lunch club"), ("then", "save")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "a draft may have gaps");
    let (status, body) = p1
        .post_form_text(
            &format!("/provider/funding/{a1}"),
            &[("need", "Lunch club"), ("then", "send")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Enter what you will offer")
            && body.contains("Enter at least one budget line")
    );
    let mut too_much = application_fields("5500");
    too_much.push(("then".into(), "send".into()));
    let (status, body) = p1
        .post_form_text(&format!("/provider/funding/{a1}"), &refs(&too_much))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Your budget comes to £6,500: the most this round awards is £6,000"),
        "{body}"
    );
    let a1 = send_application(&p1, round, org1, "5000").await; // £6,000
    app.wait_for_mail(&p1_email, "Application received").await;
    let (p2, _, org2) = provider(&app, "Old Trafford Friends", "user_led").await;
    let a2 = send_application(&p2, round, org2, "4000").await; // £5,000
    let (p3, p3_email, org3) = provider(&app, "Stretford Circle", "user_led").await;
    let a3 = send_application(&p3, round, org3, "500").await; // £1,500
    let (p4, _, org4) = provider(&app, "Late Starters", "micro_enterprise").await;
    let res = apply(&p4, round, org4).await;
    let late: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();

    // Applicants see only their own; other roles get nothing.
    assert_eq!(
        p2.get(&format!("/provider/funding/{a1}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, mine) = p2.get_text("/provider/funding").await;
    assert!(mine.contains("Old Trafford Friends") && !mine.contains("Apna Ghar"));
    assert_eq!(
        member_a
            .get(&format!("/provider/funding/{a1}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        outsider
            .get(&format!("/panel/applications/{a1}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        commissioner
            .get(&format!("/panel/applications/{a1}"))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "not on the panel"
    );
    assert_eq!(
        member_a
            .get(&format!("/panel/applications/{late}"))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "drafts are not the panel's"
    );

    // Scoring: others' scores stay hidden until one's own are sent; conflicts take no part.
    let c = criteria(&app, round).await;
    assert_eq!(
        score(&member_a, a1, &c, ["5", "3", "2"], "send")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        score(&member_b, a1, &c, ["4", "3", "2"], "save")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, page_b) = member_b
        .get_text(&format!("/panel/applications/{a1}"))
        .await;
    assert!(
        !page_b.contains(&format!("Comment 5 on {}", c[0])),
        "A's scores hidden from B before B sends"
    );
    let (_, page_a) = member_a
        .get_text(&format!("/panel/applications/{a1}"))
        .await;
    assert!(page_a.contains("Nobody else has sent scores yet"));
    let (status, body) = member_b
        .post_form_text(
            &format!("/panel/applications/{a1}/scores"),
            &[("then", "send"), (&format!("score_{}", c[0]), "9")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("from 0 to 5"));
    score(&member_b, a1, &c, ["4", "3", "2"], "send").await;
    let (_, page_b) = member_b
        .get_text(&format!("/panel/applications/{a1}"))
        .await;
    assert!(
        page_b.contains(&format!("Comment 5 on {}", c[0])),
        "visible after sending"
    );
    assert_eq!(
        score(&member_b, a1, &c, ["0", "0", "0"], "send")
            .await
            .status(),
        StatusCode::CONFLICT,
        "sent scores are final"
    );
    let res = member_c
        .post_form(
            &format!("/panel/applications/{a1}/conflict"),
            &[("conflict_note", "I volunteer with them")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        score(&member_c, a1, &c, ["0", "0", "0"], "send")
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let (_, page_c) = member_c
        .get_text(&format!("/panel/applications/{a1}"))
        .await;
    assert!(
        page_c.contains("You declared a conflict")
            && !page_c.contains(&format!("Comment 4 on {}", c[0]))
    );
    score(&member_a, a2, &c, ["2", "2", "2"], "send").await;
    score(&member_b, a2, &c, ["3", "3", "3"], "send").await;
    score(&member_a, a3, &c, ["1", "1", "1"], "send").await;
    let (_, panel) = member_a.get_text("/panel").await;
    assert!(panel.contains("Apna Ghar Care") && panel.contains("Scored"));

    // Decisions wait for the close; then the deadline holds on the server.
    let decision = |amount: &'static str| {
        vec![
            ("decision", "award"),
            ("amount", amount),
            ("conditions", "Quarterly reports"),
        ]
    };
    let (status, body) = commissioner
        .post_form_text(
            &format!("/commissioner/funding/applications/{a1}/decision"),
            &decision("6000"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Decide after the round closes"));
    close_round(&app, round).await;
    let mut late_fields = application_fields("100");
    late_fields.push(("then".into(), "send".into()));
    let (status, body) = p4
        .post_form_text(&format!("/provider/funding/{late}"), &refs(&late_fields))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body.contains("Late applications cannot be accepted"),
        "{body}"
    );
    let (status, _) = pa
        .post_form_text(
            &format!("/funding/{round}/apply"),
            &[("organisation", &pa_org.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The ranking: a1 = (4.5×50 + 3×30 + 2×20) / 100 = 3.55; a2 = 2.50; a3 = 1.00.
    let (_, ranking) = commissioner
        .get_text(&format!("/commissioner/funding/{round}"))
        .await;
    let at = |s: &str| {
        ranking
            .find(s)
            .unwrap_or_else(|| panic!("{s} in {ranking}"))
    };
    assert!(
        at("Apna Ghar Care") < at("Old Trafford Friends")
            && at("Old Trafford Friends") < at("Stretford Circle")
    );
    assert!(ranking.contains("3.55") && ranking.contains("2.50") && ranking.contains("1.00"));
    assert!(ranking.contains("1 conflicted"));
    assert!(
        ranking.contains("£11,000") && ranking.contains("over the pot"),
        "running total past the £10,000 pot"
    );

    // Awards never over-commit the pot without a confirmation; declines need feedback.
    let res = commissioner
        .post_form(
            &format!("/commissioner/funding/applications/{a1}/decision"),
            &decision("6000"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, body) = commissioner
        .post_form_text(
            &format!("/commissioner/funding/applications/{a2}/decision"),
            &decision("5000"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("more than the pot (£6,000 awarded of £10,000)")
            && body.contains("I know this goes over the pot")
    );
    let mut confirmed = decision("5000");
    confirmed.push(("confirm_over_pot", "yes"));
    let res = commissioner
        .post_form(
            &format!("/commissioner/funding/applications/{a2}/decision"),
            &confirmed,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, body) = commissioner
        .post_form_text(
            &format!("/commissioner/funding/applications/{a3}/decision"),
            &[("decision", "decline"), ("feedback", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter feedback for the applicant"));
    commissioner
        .post_form(
            &format!("/commissioner/funding/applications/{a3}/decision"),
            &[
                ("decision", "decline"),
                ("feedback", "Say how you will reach people"),
            ],
        )
        .await;
    let (_, ranking) = commissioner
        .get_text(&format!("/commissioner/funding/{round}"))
        .await;
    assert!(
        ranking.contains("Awarded £11,000 of £10,000")
            && ranking.contains("over the pot by £1,000")
    );

    // Applicants are emailed and see the decision.
    let mail = app
        .wait_for_mail(&p3_email, "Decision on your application")
        .await;
    assert!(mail.text.contains("Say how you will reach people"));
    let mail = app.wait_for_mail(&p1_email, "Grant awarded").await;
    assert!(mail.text.contains("£6,000") && mail.text.contains("Quarterly reports"));
    let (_, decided) = p1.get_text(&format!("/provider/funding/{a1}")).await;
    assert!(decided.contains("Awarded £6,000"));
    assert_eq!(
        p1.post_form(&format!("/provider/funding/{a1}/withdraw"), &[])
            .await
            .status(),
        StatusCode::CONFLICT,
        "decided applications cannot be withdrawn"
    );
    let audit = app.audit_actions().await;
    for action in [
        "fund_round.published",
        "fund_application.submitted",
        "fund_review.submitted",
        "fund_review.conflict_declared",
        "fund_application.decided",
    ] {
        assert!(audit.iter().any(|a| a == action), "{action}");
    }
}

/// A published round any provider may apply to, with one panel member.
pub(crate) async fn open_round(app: &TestApp, commissioner: &Browser) -> i64 {
    let fields: Vec<(String, String)> = round_fields()
        .into_iter()
        .filter(|(k, _)| k != "eligible")
        .collect();
    let res = commissioner
        .post_form("/commissioner/funding/new", &refs(&fields))
        .await;
    let round: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    let (_, member) = app.signed_in_as(Role::Broker).await;
    commissioner
        .post_form(
            &format!("/commissioner/funding/{round}/panel"),
            &[("email", &member.email)],
        )
        .await;
    let res = commissioner
        .post_form(&format!("/commissioner/funding/{round}/publish"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    round
}

pub(crate) async fn award(commissioner: &Browser, application: i64, amount: &str) {
    let res = commissioner
        .post_form(
            &format!("/commissioner/funding/applications/{application}/decision"),
            &[
                ("decision", "award"),
                ("amount", amount),
                ("conditions", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn awards_are_tracked_and_published_as_360giving_open_data_without_sole_traders_names() {
    let app = crate::helpers::spawn_app().await;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    // A round can start from a gap in the market, pre-filled.
    let (_, prefilled) = commissioner
        .get_text("/commissioner/funding/new?title=Day+support+in+M16&districts=M16&need=No+day+centre+within+3+miles&pot=9")
        .await;
    assert!(
        prefilled.contains("value=\"Day support in M16\"")
            && prefilled.contains("No day centre within 3 miles")
    );
    assert!(
        prefilled.contains("id=\"pot\" name=\"pot\" type=\"text\" value=\"\""),
        "only the need is pre-filled"
    );
    let round = open_round(&app, &commissioner).await;
    let (org_b, _, org) = provider(&app, "Apna Ghar Care", "micro_enterprise").await;
    let a_org = send_application(&org_b, round, org, "5000").await;
    // A personal assistant who keeps their name private, and one who agrees to publish it.
    let (pa_b, _, pa) = provider(&app, "Kasia Nowak", "personal_assistant").await;
    let (_, form) = pa_b
        .get_text(&format!("/provider/funding/{}", {
            let res = apply(&pa_b, round, pa).await;
            location(&res).rsplit('/').next().unwrap().to_owned()
        }))
        .await;
    assert!(form.contains("You may publish my name with the grant"));
    let a_pa = send_application(&pa_b, round, pa, "500").await;
    let (pa2_b, _, pa2) = provider(&app, "Tomasz Lis", "personal_assistant").await;
    let res = apply(&pa2_b, round, pa2).await;
    let a_pa2: i64 = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    let mut f = application_fields("200");
    f.push(("publish_name".into(), "yes".into()));
    f.push(("then".into(), "send".into()));
    assert_eq!(
        pa2_b
            .post_form(&format!("/provider/funding/{a_pa2}"), &refs(&f))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    close_round(&app, round).await;
    award(&commissioner, a_org, "6000").await;
    award(&commissioner, a_pa, "1500").await;
    award(&commissioner, a_pa2, "1200").await;

    // Payments never pass the award; dates must be real and not in the future.
    let base = format!("/commissioner/funding/applications/{a_org}");
    let mut paid = date_fields("paid", 0);
    paid.push(("payment".into(), "7000".into()));
    let (status, body) = commissioner
        .post_form_text(&format!("{base}/payments"), &refs(&paid))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Payments would come to £7,000, more than the award of £6,000"));
    let mut future = date_fields("paid", 5);
    future.push(("payment".into(), "100".into()));
    let (status, body) = commissioner
        .post_form_text(&format!("{base}/payments"), &refs(&future))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("cannot be in the future"));
    let mut ok = date_fields("paid", 0);
    ok.push(("payment".into(), "2,000".into()));
    ok.push(("payment_note".into(), "First instalment".into()));
    assert_eq!(
        commissioner
            .post_form(&format!("{base}/payments"), &refs(&ok))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Milestones, met or not; listings the award produced (the recipient's own only).
    let (status, body) = commissioner
        .post_form_text(&format!("{base}/milestones"), &[("milestone", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter the milestone") && body.contains("Enter the due date"));
    let mut milestone = date_fields("due", 60);
    milestone.push(("milestone".into(), "First 10 people supported".into()));
    commissioner
        .post_form(&format!("{base}/milestones"), &refs(&milestone))
        .await;
    let m: i64 = entity::fund_milestones::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        commissioner
            .post_form(&format!("{base}/milestones/{m}/met"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        commissioner
            .post_form(&format!("{base}/milestones/{m}/met"), &[])
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let own = crate::helpers::fixtures::create_listing(
        &app,
        &org_b,
        org,
        "Urdu-speaking home support",
        "18",
    )
    .await;
    let other =
        crate::helpers::fixtures::create_listing(&app, &pa_b, pa, "Kasia's help", "15").await;
    let (status, body) = commissioner
        .post_form_text(
            &format!("{base}/listings"),
            &[("listing", &other.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Choose one of the recipient’s listings"));
    commissioner
        .post_form(
            &format!("{base}/listings"),
            &[("listing", &own.to_string())],
        )
        .await;
    let (_, page) = commissioner.get_text(&base).await;
    assert!(page.contains("Awarded £6,000; paid £2,000") && page.contains("First instalment"));
    assert!(page.contains("Urdu-speaking home support (not published)"));
    let (_, summary) = commissioner
        .get_text(&format!("/commissioner/funding/{round}"))
        .await;
    assert!(
        summary
            .contains("3 applications sent; 3 awarded (£8,700); 0 declined; £2,000 paid so far."),
        "{summary}"
    );

    // The recipient sees its award; the public sees awards, sole traders unnamed without consent.
    let (_, mine) = org_b.get_text(&format!("/provider/funding/{a_org}")).await;
    assert!(
        mine.contains("Your award")
            && mine.contains("First 10 people supported")
            && mine.contains("met ")
    );
    let (_, public) = app.browser().get_text(&format!("/funding/{round}")).await;
    assert!(
        public.contains("Grants awarded")
            && public.contains("Apna Ghar Care")
            && public.contains("Individual recipient")
            && public.contains("Tomasz Lis")
    );
    assert!(!public.contains("Kasia Nowak"));

    // 360Giving JSON: every award has the standard's required fields.
    let res = app.browser().get("/funding/grants.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("Kasia Nowak"),
        "no sole trader's name without consent"
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let grants = json["grants"].as_array().expect("grants");
    assert_eq!(grants.len(), 3);
    for g in grants {
        for field in [
            "id",
            "title",
            "description",
            "currency",
            "awardDate",
            "dateModified",
        ] {
            assert!(
                g[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {g}"
            );
        }
        assert!(g["amountAwarded"].as_f64().is_some());
        assert_eq!(g["currency"], "GBP");
        assert_eq!(g["fundingOrganization"][0]["id"], "GB-LAE-EXAMPLE");
        let recipient = g
            .get("recipientOrganization")
            .or_else(|| g.get("recipientIndividual"))
            .expect("a recipient");
        assert!(recipient[0]["id"].as_str().is_some() && recipient[0]["name"].as_str().is_some());
    }
    let org_grant = grants
        .iter()
        .find(|g| g["recipientOrganization"][0]["name"] == "Apna Ghar Care")
        .expect("organisation grant");
    assert_eq!(org_grant["amountAwarded"].as_f64(), Some(6000.0));
    assert_eq!(org_grant["amountDisbursed"].as_f64(), Some(2000.0));
    assert_eq!(org_grant["id"], format!("360G-example-{a_org}"));
    assert!(
        grants
            .iter()
            .any(|g| g["recipientIndividual"][0]["name"] == "Individual recipient")
    );

    // The CSV has the standard's column titles and a value in every required column.
    let (status, csv) = app.browser().get_text("/funding/grants.csv").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    for column in [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Planned Dates:Start Date",
        "Beneficiary Location:Name",
    ] {
        assert!(headers.iter().any(|h| h == column), "{column}");
    }
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        for name in [
            "Identifier",
            "Title",
            "Description",
            "Currency",
            "Amount Awarded",
            "Award Date",
            "Funding Org:Identifier",
            "Funding Org:Name",
        ] {
            assert!(!row[col(name)].is_empty(), "{name}");
        }
        let org_named = !row[col("Recipient Org:Identifier")].is_empty()
            && !row[col("Recipient Org:Name")].is_empty();
        let ind_named = !row[col("Recipient Ind:Identifier")].is_empty()
            && !row[col("Recipient Ind:Name")].is_empty();
        assert!(org_named ^ ind_named, "exactly one kind of recipient");
    }
    assert!(rows.iter().any(|r| &r[col("Amount Awarded")] == "6000.00"
        && &r[col("Beneficiary Location:Name")] == "M16; M32"));
    assert!(!csv.contains("Kasia Nowak"));
}

#[tokio::test]
async fn hostile_bodies_to_fund_forms_get_4xx_and_change_nothing() {
    use entity::{fund_applications, fund_payments, fund_reviews};
    use sea_orm::PaginatorTrait;
    let app = crate::helpers::spawn_app().await;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let round = open_round(&app, &commissioner).await;
    let (p, _, org) = provider(&app, "Apna Ghar Care", "micro_enterprise").await;
    let sent = send_application(&p, round, org, "100").await;
    let hostile = |token: String| -> Vec<String> {
        vec![
            format!(
                "csrf_token={token}&title=%FF%FE&need=%C0%AF&max_award=%80&decision=award&amount=%FF"
            ),
            format!(
                "csrf_token={token}&max_award=-5&pot=-1&amount=-100&payment=-1&weight_1=-3&criterion_1=x&score_1=-2"
            ),
            format!(
                "csrf_token={token}&max_award=1e308&pot=99999999999999999999&amount=NaN&payment=1e9&weight_1=99999999999"
            ),
            format!(
                "csrf_token={token}&title=%00%01&need=%1B[31m&criterion_1=%00&weight_1=1&conflict_note=%00&decision=<script>alert(1)</script>"
            ),
            format!(
                "csrf_token={token}&organisation=1' OR '1'='1&listing=1;DROP TABLE listings&paid-day=31&paid-month=2&paid-year=2026"
            ),
            format!("csrf_token={token}&%%%%=&&&=="),
        ]
    };
    let bodies = hostile(commissioner.csrf().await);
    let count = || async {
        (
            fund_rounds::Entity::find().count(&app.db).await.unwrap(),
            fund_applications::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
            fund_reviews::Entity::find().count(&app.db).await.unwrap(),
            fund_payments::Entity::find().count(&app.db).await.unwrap(),
        )
    };
    let before = count().await;
    let paths = [
        "/commissioner/funding/new".to_owned(),
        format!("/commissioner/funding/{round}/panel"),
        format!("/commissioner/funding/applications/{sent}/decision"),
        format!("/commissioner/funding/applications/{sent}/payments"),
        format!("/commissioner/funding/applications/{sent}/milestones"),
        format!("/commissioner/funding/applications/{sent}/listings"),
    ];
    for path in &paths {
        for body in &bodies {
            let res = commissioner
                .client
                .post(commissioner.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert!(status.is_client_error(), "{status} for {path} with {body}");
            assert!(
                !res.text()
                    .await
                    .unwrap()
                    .contains("<script>alert(1)</script>")
            );
        }
    }
    let bodies = hostile(p.csrf().await);
    for path in [
        format!("/funding/{round}/apply"),
        format!("/provider/funding/{sent}"),
        format!("/provider/funding/{sent}/withdraw"),
    ] {
        for body in &bodies {
            let res = p
                .client
                .post(p.url(&path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert_ne!(
                status,
                StatusCode::FORBIDDEN,
                "the token is the provider's own"
            );
            // Withdrawing needs nothing from the body: it is the one change allowed here.
            if !path.ends_with("/withdraw") {
                assert!(status.is_client_error(), "{status} for {path} with {body}");
            }
        }
    }
    assert_eq!(count().await, before);
}
