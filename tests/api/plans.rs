//! Support plans through HTTP: budget arithmetic against a hand-worked example, the
//! Resource Allocation System (the example table and a commissioner's own), CSV and print,
//! and plans kept for a broker's client.

use entity::support_plan_items;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::helpers::fixtures::published;
use crate::helpers::{Browser, location, spawn_app};

async fn add_line(b: &Browser, fields: &[(&str, &str)]) -> reqwest::Response {
    b.post_form("/plan/items", fields).await
}

#[tokio::test]
async fn a_plan_adds_up_as_worked_by_hand_and_warns_when_over_budget() {
    let app = spawn_app().await;
    let (_, _, _, listing) = published(&app).await; // £18.50 per hour
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let listing_text = listing.to_string();
    holder
        .post_form("/shortlist", &[("listing_id", &listing_text)])
        .await;
    let (status, page) = holder.get_text("/plan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Help at home in Sale – Sale Helpers, £18.50 per hour"),
        "{page}"
    );

    // 7.5 hours of the shortlisted service: £138.75 a week.
    let res = add_line(
        &holder,
        &[("listing_id", &listing_text), ("quantity", "7.5")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Two day-centre sessions at £32: £64 a week. A grab rail once: £45.
    add_line(
        &holder,
        &[
            ("description", "Day centre"),
            ("price", "32"),
            ("unit", "session"),
            ("other_quantity", "2"),
        ],
    )
    .await;
    add_line(
        &holder,
        &[
            ("description", "Grab rail"),
            ("price", "45.00"),
            ("unit", "item"),
            ("other_quantity", "1"),
            ("one_off", "yes"),
        ],
    )
    .await;
    let (_, page) = holder.get_text("/plan").await;
    assert!(
        !page.contains("costs more than the budget"),
        "no budget, no warning"
    );
    let res = holder
        .post_form("/plan/budget", &[("weekly_budget", "180")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = holder.get_text("/plan").await;
    for figure in [
        "£138.75 a week",
        "£64 a week",
        "£45 once",
        "£202.75",
        "£10,588",
        "£9,360",
        "£22.75 over",
        "£1,228 over",
    ] {
        assert!(page.contains(figure), "{figure} in {page}");
    }
    assert!(
        page.contains("costs more than the budget"),
        "warned, not blocked"
    );

    let res = holder.get("/plan.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    assert!(
        csv.contains("Help at home in Sale – Sale Helpers,hour,18.50,7.5,each week,138.75"),
        "{csv}"
    );
    assert!(csv.contains("Grab rail,item,45.00,1,once,45.00"));
    assert!(csv.contains("Total for a year (52 weeks + one-off costs),,,,,10588.00"));
    assert!(csv.contains("Left each week,,,,,-22.75"));
    let (_, print) = holder.get_text("/plan/print").await;
    assert!(print.contains("Printed from Kith") && print.contains("£202.75"));

    // Removing the day centre: £138.75 a week, £41.25 left.
    let day_centre = support_plan_items::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.description == "Day centre")
        .unwrap();
    holder
        .post_form(&format!("/plan/items/{}/remove", day_centre.id), &[])
        .await;
    let (_, page) = holder.get_text("/plan").await;
    assert!(page.contains("£41.25") && !page.contains("costs more than the budget"));
    let actions = app.audit_actions().await;
    for action in ["plan.item_added", "plan.item_removed", "plan.budget_set"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[tokio::test]
async fn bad_plan_input_is_named_and_changes_nothing() {
    let app = spawn_app().await;
    let (_, _, _, listing) = published(&app).await;
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let listing_text = listing.to_string();
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "/plan/budget",
            vec![("weekly_budget", "lots")],
            "Enter the weekly budget in pounds",
        ),
        (
            "/plan/budget",
            vec![("weekly_budget", "9999")],
            "Enter a weekly budget of £5,000 or less",
        ),
        (
            "/plan/items",
            vec![("listing_id", &listing_text), ("quantity", "2")],
            "Choose a service from your shortlist",
        ),
        (
            "/plan/items",
            vec![
                ("description", ""),
                ("price", "-3"),
                ("other_quantity", "200"),
            ],
            "Enter what you are paying for",
        ),
        (
            "/plan/items",
            vec![
                ("description", "PA"),
                ("price", "12"),
                ("unit", "hour"),
                ("other_quantity", "0"),
            ],
            "Enter at least 0.25",
        ),
        (
            "/plan/items",
            vec![
                ("description", "PA"),
                ("price", "12"),
                ("unit", "hour"),
                ("other_quantity", "169"),
            ],
            "168 or fewer",
        ),
    ];
    for (path, fields, message) in cases {
        let (status, body) = holder.post_form_text(path, &fields).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {fields:?}"
        );
        assert!(body.contains(message), "{message}");
        assert!(body.contains("govuk-error-summary"));
    }
    assert_eq!(
        support_plan_items::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    let res = holder.post_form("/plan/items/999/remove", &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_points_table_works_out_a_budget_and_commissioners_set_their_own() {
    let app = spawn_app().await;
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let (status, form) = holder.get_text("/plan/ras").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("This is an example points table"));
    // Missing answers are named.
    let (status, body) = holder.post_form_text("/plan/ras", &[("q1", "1")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Answer “Washing, dressing and using the toilet”"));
    // 4 + 12 + 0 + 5 + 3 + 8 = 32 points × £3.50 = £112 a week.
    let answers = [
        ("q1", "1"),
        ("q2", "2"),
        ("q3", "0"),
        ("q4", "1"),
        ("q5", "1"),
        ("q6", "2"),
    ];
    let res = holder.post_form("/plan/ras", &answers).await;
    assert_eq!(location(&res), "/plan");
    let (_, plan) = holder.get_text("/plan").await;
    assert!(
        plan.contains("32 points: an indicative budget of £112 a week"),
        "{plan}"
    );
    assert!(plan.contains("worked out from 32 points"));

    // A commissioner publishes the council's own table; bad tables are refused.
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let (status, editor) = commissioner.get_text("/commissioner/ras").await;
    assert_eq!(status, StatusCode::OK);
    assert!(editor.contains("Kith is using an example table"));
    let (status, body) = commissioner
        .post_form_text(
            "/commissioner/ras",
            &[
                ("rate", "2"),
                ("q1_text", "Help at home"),
                ("q1_options", "lots"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Question 1: write each answer as points"));
    let res = commissioner
        .post_form(
            "/commissioner/ras",
            &[
                ("rate", "2.00"),
                ("q1_text", "How much help do you need at home?"),
                ("q1_options", "0: None\n10: A lot"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        app.audit_actions()
            .await
            .contains(&"ras.published".to_owned())
    );
    let (_, form) = holder.get_text("/plan/ras").await;
    assert!(
        !form.contains("example points table")
            && form.contains("How much help do you need at home?")
    );
    holder.post_form("/plan/ras", &[("q1", "1")]).await;
    let (_, plan) = holder.get_text("/plan").await;
    assert!(
        plan.contains("an indicative budget of £20 a week"),
        "10 points × £2"
    );
    // Other roles cannot change the table.
    let res = holder
        .post_form(
            "/commissioner/ras",
            &[
                ("rate", "100"),
                ("q1_text", "x"),
                ("q1_options", "0: a\n1: b"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_broker_keeps_a_separate_plan_for_each_client() {
    let app = spawn_app().await;
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let res = broker
        .post_form(
            "/broker/clients",
            &[("name", "Mrs E"), ("contact_preference", "post")],
        )
        .await;
    let client = location(&res)
        .trim_start_matches("/broker/clients/")
        .to_owned();
    broker
        .post_form(&format!("/broker/clients/{client}/act"), &[])
        .await;
    add_line(
        &broker,
        &[
            ("client", &client),
            ("description", "PA hours"),
            ("price", "14"),
            ("unit", "hour"),
            ("other_quantity", "10"),
        ],
    )
    .await;
    let (_, plan) = broker.get_text("/plan").await;
    assert!(plan.contains("Mrs E’s support plan") && plan.contains("£140 a week"));
    broker.post_form("/broker/acting/stop", &[]).await;
    let (_, own) = broker.get_text("/plan").await;
    assert!(own.contains("Your support plan") && !own.contains("PA hours"));

    // Another broker can neither see nor change it.
    let (other, _) = app.signed_in_as(Role::Broker).await;
    let line = support_plan_items::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let res = other
        .post_form(
            &format!("/plan/items/{}/remove", line.id),
            &[("client", &client)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = other
        .post_form(&format!("/plan/items/{}/remove", line.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        support_plan_items::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
}
