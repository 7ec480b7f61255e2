//! Market analysis through HTTP: a known market (a published service, searches that found
//! it or nothing, an enquiry that could not be met) gives exact supply, demand and gap
//! numbers on the page and in the CSVs.

use kith::auth::roles::Role;
use reqwest::StatusCode;

use crate::enquiries::{enquiry_fields, send_enquiry};
use crate::helpers::fixtures::published;
use crate::search::wait_for;

#[tokio::test]
async fn a_known_market_gives_exact_supply_demand_and_gaps() {
    let app = crate::helpers::spawn_app().await;
    let (provider, _, _, listing) = published(&app).await;
    let visitor = app.browser();
    // Waiting for the index searches too: by words only, which count under no type or place.
    wait_for(&visitor, "q=help+at+home", |found| found.contains(&listing)).await;
    // Demand: two searches that find it (the same search again, by the same visitor on the
    // same day, is not new demand), three that find nothing in M16 (nor is a later page of
    // the same search), and an enquiry the provider cannot meet.
    for query in [
        "category=domestic-help&near=M33+7AB",
        "category=domestic-help&near=M33+7AB&q=help",
        "category=domestic-help&near=M33+7AB",
    ] {
        assert_eq!(searched(&visitor, query).await, vec![listing]);
    }
    for query in [
        "category=day-support&near=M16+0RA",
        "category=day-support&near=M16+0RA&q=urdu+lunch",
        "category=day-support&near=M16",
        "category=day-support&near=M16&page=2",
    ] {
        assert!(searched(&visitor, query).await.is_empty());
    }
    let (holder, _) = app.signed_in_as(Role::BudgetHolder).await;
    let enquiry = send_enquiry(&holder, listing, &enquiry_fields("email", "")).await;
    let res = provider
        .post_form(
            &format!("/enquiries/{enquiry}/messages"),
            &[("body", "Sorry, we are full until spring.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = provider
        .post_form(
            &format!("/enquiries/{enquiry}/close"),
            &[("outcome", "not_available")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    app.logged_searches().await;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let (_, supply) = commissioner
        .get_text("/commissioner/market/supply.csv")
        .await;
    assert!(
        supply
            .starts_with("Type of support,Postcode district,Services,Providers,Taking new clients")
    );
    assert!(supply.contains("Domestic help,M33,1,1,1"), "{supply}");
    let (_, demand) = commissioner
        .get_text("/commissioner/market/demand.csv")
        .await;
    // Answered within the minute: 1 answered, 0.0 hours on average.
    assert!(
        demand.contains("Domestic help,M33,2,0,1,0,1,0,0,1,0.0"),
        "{demand}"
    );
    assert!(
        demand.contains("Day support and activities,M16,3,3,0,0,0,0,0"),
        "{demand}"
    );
    let (_, gaps) = commissioner.get_text("/commissioner/market/gaps.csv").await;
    let lines: Vec<&str> = gaps.lines().collect();
    // M16: (3 + 0) / (0 + 1) = 3.0, first (found nothing 3 times); M33: (2 + 1) / (1 + 1) = 1.5.
    assert_eq!(
        lines[1], "Day support and activities,M16,0,3,3,0,0,3.0",
        "{gaps}"
    );
    assert!(lines.contains(&"Domestic help,M33,1,2,0,1,1,1.5"), "{gaps}");

    let (status, page) = commissioner.get_text("/commissioner/market").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Searches for day support and activities in M16 found nothing 3 times in the last 3 months; 0 services are published there."), "{page}");
    assert!(page.contains(
        "/commissioner/funding/new?title=Day+support+and+activities+in+M16&amp;districts=M16"
    ));
    assert!(page.contains("<title id=\"gap-map-title\">") && page.contains("role=\"img\""));
    assert!(page.contains("urdu lunch"), "zero-result words listed");
    assert!(page.contains("£18.50"), "the price spread");
    assert!(page.contains("Average hours to first reply") && page.contains("Languages offered"));

    // Every smaller table downloads too, with the same numbers.
    for (table, header, row) in [
        (
            "prices",
            "Per,Services,Lower quarter,Median,Upper quarter",
            "hour,1,£18.50,£18.50,£18.50",
        ),
        ("ratings", "Rating,Services", "Not yet checked,1"),
        (
            "provider-kinds",
            "Kind of provider,Providers",
            "Micro-enterprise,1",
        ),
        ("languages", "Language,Services", "Polish,1"),
        (
            "searches-that-found-nothing",
            "Words searched,Times",
            "urdu lunch,1",
        ),
    ] {
        let (status, csv) = commissioner
            .get_text(&format!("/commissioner/market/{table}.csv"))
            .await;
        assert_eq!(status, StatusCode::OK, "{table}");
        assert!(
            csv.starts_with(header) && csv.contains(row),
            "{table}: {csv}"
        );
        assert!(page.contains(&format!("/commissioner/market/{table}.csv?days=90")));
    }

    // Filters narrow every table; unknown values mean "all".
    let (_, m16) = commissioner
        .get_text("/commissioner/market/supply.csv?district=M16&days=30")
        .await;
    assert!(!m16.contains("M33"));
    let (_, odd) = commissioner
        .get_text("/commissioner/market/demand.csv?days=7&category=nope&district=%3Cb%3E")
        .await;
    assert!(odd.contains("Domestic help,M33"), "{odd}");
    let (_, by_type) = commissioner
        .get_text("/commissioner/market/demand.csv?category=day-support")
        .await;
    assert!(!by_type.contains("Domestic help"));

    // New and withdrawn services by month: published this month, then archived.
    let month = chrono::Utc::now().date_naive().format("%B %Y").to_string();
    let flow_row = |new: u32, withdrawn: u32| {
        format!(
            "<th scope=\"row\" class=\"govuk-table__header\">{month}</th><td class=\"govuk-table__cell govuk-table__cell--numeric\">{new}</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">{withdrawn}</td>"
        )
    };
    assert!(page.contains(&flow_row(1, 0)), "{page}");
    let res = provider
        .post_form(&format!("/provider/listings/{listing}/archive"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = commissioner.get_text("/commissioner/market?days=30").await;
    assert!(page.contains(&flow_row(1, 1)), "{page}");
    // Counted where the service was, even after it has gone.
    let this_month = chrono::Utc::now().date_naive().format("%Y-%m").to_string();
    let (_, m33) = commissioner
        .get_text("/commissioner/market/new-and-withdrawn.csv?district=M33&category=domestic-help")
        .await;
    assert!(m33.contains(&format!("{this_month},1,1")), "{m33}");
    let (_, m16) = commissioner
        .get_text("/commissioner/market/new-and-withdrawn.csv?district=M16")
        .await;
    assert!(m16.contains(&format!("{this_month},0,0")), "{m16}");
    let (_, day) = commissioner
        .get_text("/commissioner/market/new-and-withdrawn.csv?category=day-support")
        .await;
    assert!(day.contains(&format!("{this_month},0,0")), "{day}");

    // Commissioners and admins only.
    assert_eq!(
        provider.get("/commissioner/market").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        holder.get("/commissioner/market/gaps.csv").await.status(),
        StatusCode::FORBIDDEN
    );
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    assert_eq!(
        admin.get("/commissioner/market").await.status(),
        StatusCode::OK
    );
}

/// Starts a statement for the last 30 days.
async fn start_mps(commissioner: &crate::helpers::Browser, title: &str) -> reqwest::Response {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let start = today - chrono::Duration::days(30);
    let mut fields = vec![("title".to_owned(), title.to_owned())];
    for (name, day) in [("from", start), ("to", today)] {
        for (part, value) in [
            ("day", day.day().to_string()),
            ("month", day.month().to_string()),
            ("year", day.year().to_string()),
        ] {
            fields.push((format!("{name}-{part}"), value));
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    commissioner.post_form("/commissioner/mps", &pairs).await
}

#[tokio::test]
async fn a_market_position_statement_is_drafted_from_the_data_edited_published_and_frozen() {
    let app = crate::helpers::spawn_app().await;
    let (_, _, _, listing) = published(&app).await;
    let visitor = app.browser();
    wait_for(&visitor, "q=help+at+home", |found| found.contains(&listing)).await;
    // Two searches (the same one twice by one visitor would count once).
    for query in [
        "category=day-support&near=M16",
        "category=day-support&near=M16&q=lunch+club",
    ] {
        searched(&visitor, query).await;
    }
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let (status, body) = commissioner
        .post_form_text("/commissioner/mps", &[("title", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter a title") && body.contains("Enter the start date"));
    let res = start_mps(&commissioner, "Market Position Statement 2026").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id: i64 = crate::helpers::location(&res)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // The drafted figures match the analysis; drafts are not public.
    let (_, preview) = commissioner
        .get_text(&format!("/commissioner/mps/{id}/preview"))
        .await;
    // (Waiting for the index searched too, so totals vary; the M16 row is exact.)
    let m16 = |n: u32| {
        format!(
            "<td class=\"govuk-table__cell\">Day support and activities</td><td class=\"govuk-table__cell\">M16</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">{n}</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">{n}</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">0</td>"
        )
    };
    assert!(preview.contains(&m16(2)), "{preview}");
    assert!(preview.contains("<td class=\"govuk-table__cell\">Day support and activities</td><td class=\"govuk-table__cell\">M16</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">0</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">2</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">2</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">0</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">2.0</td>"), "{preview}");
    assert!(
        preview.contains("Contents")
            && preview.contains("href=\"#gaps\"")
            && preview.contains("<title id=\"mps-ratings-title\">")
    );
    assert_eq!(
        app.browser()
            .get(&format!("/market-position-statements/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Publishing asks first, on a page that says it cannot be undone; it needs every
    // narrative section.
    let res = commissioner
        .post_form(&format!("/commissioner/mps/{id}/publish"), &[])
        .await;
    assert_eq!(
        crate::helpers::location(&res),
        format!("/commissioner/mps/{id}/publish"),
        "a publish without the confirmation page's answer only asks"
    );
    let (_, confirm) = commissioner
        .get_text(&format!("/commissioner/mps/{id}/publish"))
        .await;
    assert!(
        confirm.contains("Publishing cannot be undone")
            && confirm.contains("name=\"confirm\" value=\"yes\""),
        "{confirm}"
    );
    let (status, body) = commissioner
        .post_form_text(
            &format!("/commissioner/mps/{id}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Write “Our vision for care and support” before publishing"));
    let narrative = [
        ("title", "Market Position Statement 2026"),
        ("vision", "People live well at home, with support close by."),
        (
            "people",
            "Carers tell us day support is hard to find in Old Trafford.",
        ),
        ("intentions", "We will fund day support in M16."),
        ("support", "Small grants from the innovation fund."),
        (
            "messages",
            "We want to hear from groups who can run day clubs.",
        ),
        ("involved", "Email the commissioning team."),
    ];
    // "Publish this version" on the editor saves what was typed, then asks to confirm.
    let mut then_publish = narrative.to_vec();
    then_publish.push(("next", "publish"));
    let res = commissioner
        .post_form(&format!("/commissioner/mps/{id}"), &then_publish)
        .await;
    assert_eq!(
        crate::helpers::location(&res),
        format!("/commissioner/mps/{id}/publish")
    );
    let (_, editor) = commissioner
        .get_text(&format!("/commissioner/mps/{id}"))
        .await;
    assert!(editor.contains("We will fund day support in M16."), "saved");
    assert_eq!(
        commissioner
            .post_form(
                &format!("/commissioner/mps/{id}/publish"),
                &[("confirm", "yes")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, list) = app.browser().get_text("/market-position-statements").await;
    assert!(list.contains("Market Position Statement 2026"));
    let (status, public) = app
        .browser()
        .get_text(&format!("/market-position-statements/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("We will fund day support in M16.") && public.contains(&m16(2)));

    // A published version never changes; more demand goes into the next version.
    let mut narrative = narrative.to_vec();
    narrative.push(("confirm", "yes"));
    for path in [
        format!("/commissioner/mps/{id}"),
        format!("/commissioner/mps/{id}/refresh"),
        format!("/commissioner/mps/{id}/publish"),
    ] {
        assert_eq!(
            commissioner.post_form(&path, &narrative).await.status(),
            StatusCode::CONFLICT,
            "{path}"
        );
    }
    searched(&visitor, "category=day-support&near=M16&q=day+centre").await;
    let (_, again) = app
        .browser()
        .get_text(&format!("/market-position-statements/{id}"))
        .await;
    assert!(again.contains(&m16(2)), "frozen");
    let res = start_mps(&commissioner, "Market Position Statement 2027").await;
    let next: i64 = crate::helpers::location(&res)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, editor) = commissioner
        .get_text(&format!("/commissioner/mps/{next}"))
        .await;
    assert!(
        editor.contains("Version 2") && editor.contains("We will fund day support in M16."),
        "narrative carried over"
    );
    let (_, preview) = commissioner
        .get_text(&format!("/commissioner/mps/{next}/preview"))
        .await;
    assert!(preview.contains(&m16(3)));
    // The PDF has the statement's headings and figures as text.
    let res = app
        .browser()
        .get(&format!("/market-position-statements/{id}/pdf"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = pdf_text(&bytes);
    for heading in [
        "Market Position Statement 2026",
        "Our vision for care and support",
        "The services available",
        "Where the gaps are",
        "Grants awarded",
        "How to get involved",
        "We will fund day support in M16.",
        "Day support and activities",
    ] {
        assert!(text.contains(heading), "{heading} in {text}");
    }
    assert_eq!(
        app.browser()
            .get(&format!("/market-position-statements/{next}/pdf"))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "drafts have no public PDF"
    );
    // The commissioner checks a draft's PDF before publishing; nobody else sees it.
    let res = commissioner
        .get(&format!("/commissioner/mps/{next}/pdf"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let draft = pdf_text(&res.bytes().await.unwrap());
    assert!(
        draft.contains("Draft: not yet published.")
            && draft.contains("Market Position Statement 2027"),
        "{draft}"
    );
    assert_ne!(
        app.browser()
            .get(&format!("/commissioner/mps/{next}/pdf"))
            .await
            .status(),
        StatusCode::OK
    );
    let audit = app.audit_actions().await;
    assert!(audit.iter().any(|a| a == "mps.published"));
}

#[tokio::test]
async fn the_statement_counts_published_ratings_and_grants_awarded_in_its_period() {
    use crate::checking::{accepted_check, complete, wait_for_supply};
    use crate::fund::{award, close_round, open_round, provider, send_application};
    use crate::helpers::location;
    let app = crate::helpers::spawn_app().await;
    // A checked service rated outstanding (the median of 4, 4, 4, 3, 4).
    let (checker, _, assignment, _) = accepted_check(&app).await;
    let res = checker
        .post_form(
            &format!("/checker/assignments/{assignment}/inspection"),
            &[],
        )
        .await;
    let base = location(&res).trim_end_matches("/visit").to_owned();
    complete(&checker, &base, ["4", "4", "4", "3", "4"]).await;
    checker.post_form(&format!("{base}/submit"), &[]).await;
    let inspection: i64 = base.rsplit('/').next().unwrap().parse().unwrap();
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    admin
        .post_form(&format!("/admin/inspections/{inspection}/publish"), &[])
        .await;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    wait_for_supply(
        &commissioner,
        "",
        "Domestic help,domestic-help,M33,1,1,0,0,0,0",
    )
    .await;
    // A grant of £6,000 to a micro-enterprise.
    let round = open_round(&app, &commissioner).await;
    let (org_b, _, org) = provider(&app, "Apna Ghar Care", "micro_enterprise").await;
    let application = send_application(&org_b, round, org, "5000").await;
    close_round(&app, round).await;
    award(&commissioner, application, "6000").await;

    let res = start_mps(&commissioner, "Market Position Statement 2026").await;
    let id = location(&res).rsplit('/').next().unwrap().to_owned();
    let (_, preview) = commissioner
        .get_text(&format!("/commissioner/mps/{id}/preview"))
        .await;
    let rating = |label: &str, n: u32| {
        format!(
            "<td class=\"govuk-table__cell\">{label}</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">{n}</td>"
        )
    };
    assert!(preview.contains(&rating("Outstanding", 1)), "{preview}");
    assert!(preview.contains(&rating("Not yet checked", 0)), "{preview}");
    assert!(preview.contains(&rating("Good", 0)), "{preview}");
    assert!(preview.contains("1 grants, £6,000 in all."), "{preview}");
    assert!(
        preview.contains("<td class=\"govuk-table__cell\">Apna Ghar Care</td>"),
        "{preview}"
    );
    assert!(preview.contains(&rating("Polish", 1)), "languages offered");
}

/// Searches on the search page, as a person does (only those count as demand), and returns
/// the listings found, in order.
async fn searched(b: &crate::helpers::Browser, query: &str) -> Vec<i64> {
    let (status, body) = b.get_text(&format!("/search?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}");
    let mut found = Vec::new();
    for part in body.split("href=\"/listings/").skip(1) {
        if let Some(id) = part
            .split(['"', '/', '#', '?'])
            .next()
            .and_then(|id| id.parse::<i64>().ok())
            && !found.contains(&id)
        {
            found.push(id);
        }
    }
    found
}

/// The words that found nothing are what people asked for: one visitor repeating a search
/// (sorted another way, or with a made-up session cookie each time) counts once a day, API
/// calls do not count, and links, markup and numbers are left out of the words.
#[tokio::test]
async fn searches_that_found_nothing_resist_repetition_and_junk() {
    let app = crate::helpers::spawn_app().await;
    let visitor = app.browser();
    for _ in 0..5 {
        let (status, _) = visitor.get_text("/search?q=astrology").await;
        assert_eq!(status, StatusCode::OK);
    }
    // The same search sorted another way is the same demand.
    let (status, _) = visitor.get_text("/search?q=astrology&sort=price").await;
    assert_eq!(status, StatusCode::OK);
    // A made-up session cookie on every request does not make each one a new visitor.
    let raw = reqwest::Client::new();
    for i in 0..5 {
        let res = raw
            .get(format!("{}/search?q=tarot", app.address))
            .header("Cookie", format!("kith_session=made-up-{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    for junk in [
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/search?q=http%3A%2F%2Fspam.example",
        "/search?q=12345",
        "/api/v1/search?q=palmistry",
    ] {
        let (status, _) = visitor.get_text(junk).await;
        assert_eq!(status, StatusCode::OK, "{junk}");
    }
    app.logged_searches().await;
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    let (_, words) = commissioner
        .get_text("/commissioner/market/searches-that-found-nothing.csv")
        .await;
    assert!(words.contains("astrology,1"), "counted once: {words}");
    assert!(words.contains("tarot,1"), "counted once: {words}");
    for left_out in ["script", "spam", "12345", "palmistry"] {
        assert!(!words.contains(left_out), "{left_out} in {words}");
    }
}

/// The hourly sweep forgets which searches were counted once they are older than yesterday.
#[tokio::test]
async fn counted_searches_are_forgotten_after_a_day() {
    use entity::search_demand_seen;
    use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
    let app = crate::helpers::spawn_app().await;
    let today = chrono::Utc::now().date_naive();
    for (key, days_ago) in [("a", 0), ("b", 1), ("c", 2), ("d", 30)] {
        search_demand_seen::ActiveModel {
            key: Set(key.into()),
            day: Set(today - chrono::Duration::days(days_ago)),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    // (The service's own sweep may run first; either way the old ones go.)
    kith::domain::search::log::forget_old_searches(&app.db, today)
        .await
        .unwrap();
    let kept: Vec<String> = search_demand_seen::Entity::find()
        .order_by_asc(search_demand_seen::Column::Key)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.key)
        .collect();
    assert_eq!(kept, ["a", "b"], "today's and yesterday's stay");
}

/// The text of a PDF in reading order, whitespace folded to single spaces (wrapped lines
/// read on).
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let pdf = lopdf::Document::load_mem(bytes).expect("a readable PDF");
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    let text = pdf.extract_text(&pages).expect("text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every `<th scope="col">` text and every amount of money on a page.
pub(crate) fn headers_and_money(html: &str) -> (Vec<String>, Vec<String>) {
    let main = &html[html.find("<main").unwrap()..];
    let headers = main
        .split("<th scope=\"col\"")
        .skip(1)
        .map(|part| {
            let text = &part[part.find('>').unwrap() + 1..part.find("</th>").unwrap()];
            text.to_owned()
        })
        .collect();
    let money = main
        .match_indices('£')
        .map(|(at, _)| {
            main[at..]
                .chars()
                .take_while(|c| *c == '£' || c.is_ascii_digit() || *c == ',' || *c == '.')
                .collect::<String>()
                .trim_end_matches(['.', ','])
                .to_owned()
        })
        .collect();
    (headers, money)
}

#[tokio::test]
async fn the_statement_pdf_says_what_its_page_says_in_every_script() {
    use crate::checking::wait_for_supply;
    use crate::helpers::fixtures::{approved_provider, create_listing, decide, submit};
    let app = crate::helpers::spawn_app().await;
    let (provider, _, org) = approved_provider(&app, "micro_enterprise").await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    for (title, price) in [
        ("Help at home", "20.50"),
        ("Cleaning", "965.50"),
        ("Shopping", "21"),
        ("Gardening", "1000"),
    ] {
        let id = create_listing(&app, &provider, org, title, price).await;
        submit(&provider, id).await;
        decide(&admin, id, "approve", "").await;
    }
    let (commissioner, _) = app.signed_in_as(Role::Commissioner).await;
    wait_for_supply(&commissioner, "", "Domestic help,domestic-help,M33,4,").await;
    let res = start_mps(&commissioner, "Statement 2026: Łódź, Iași, Đà Nẵng").await;
    let id = crate::helpers::location(&res)
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    // (A byte-order mark pasted in from a word processor prints as nothing.)
    let people = "Residents\u{FEFF} name places and services in many scripts.\n\nŁódź, Iași, Đà Nẵng, 中醫診所, سہارا, সহায়তা, ਪੰਜਾਬੀ, 😀 and ₺.";
    let narrative: Vec<(&str, &str)> = vec![
        ("title", "Statement 2026: Łódź, Iași, Đà Nẵng"),
        ("vision", "People live well at home."),
        ("people", people),
        ("intentions", "We will fund day support."),
        ("support", "Talk to us."),
        ("messages", "Tell us about gaps."),
        ("involved", "Come to the forum."),
    ];
    commissioner
        .post_form(&format!("/commissioner/mps/{id}"), &narrative)
        .await;
    commissioner
        .post_form(
            &format!("/commissioner/mps/{id}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    let (status, page) = app
        .browser()
        .get_text(&format!("/market-position-statements/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let res = app
        .browser()
        .get(&format!("/market-position-statements/{id}/pdf"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap().to_vec();
    let text = pdf_text(&bytes);

    // Every amount of money and every column heading on the page is in the PDF, exactly.
    let (headers, money) = headers_and_money(&page);
    // The lower quarter, middle and upper quarter of the hourly prices, with pence.
    assert_eq!(money, ["£20.50", "£21.00", "£965.50"]);
    assert!(headers.len() >= 20, "{headers:?}");
    for m in &money {
        assert!(text.contains(m.as_str()), "{m} in {text}");
    }
    for h in &headers {
        assert!(text.contains(h.as_str()), "heading {h} in {text}");
    }
    // Paragraphs are paragraphs, and names print in their own letters.
    for words in [
        "Residents name places",
        "Łódź, Iași, Đà Nẵng, 中醫診所",
        "Statement 2026: Łódź",
    ] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert!(!text.contains('?'), "no character printed as ?: {text}");
    // The one character no embedded font has prints as a box, not as nothing.
    assert!(text.contains('□'), "{text}");

    // Title and language are in the metadata; it is tagged, with the fonts for each script.
    let pdf = lopdf::Document::load_mem(&bytes).unwrap();
    let catalog = pdf.catalog().unwrap();
    assert_eq!(
        catalog.get(b"Lang").and_then(|l| l.as_str()).unwrap(),
        b"en-GB"
    );
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "tagged");
    assert!(
        catalog.get(b"Outlines").is_ok(),
        "an outline of the headings"
    );
    let info = pdf
        .trailer
        .get(b"Info")
        .and_then(|i| i.as_reference())
        .unwrap();
    let title = pdf.get_dictionary(info).unwrap().get(b"Title").unwrap();
    assert_eq!(
        lopdf::decode_text_string(title).unwrap(),
        "Statement 2026: Łódź, Iași, Đà Nẵng"
    );
    let raw = String::from_utf8_lossy(&bytes);
    for font in [
        "LiberationSans",
        "NotoNaskhArabic",
        "NotoSansBengali",
        "NotoSansGurmukhi",
        "NotoEmoji",
        "NotoSansCJK",
    ] {
        assert!(raw.contains(font), "{font} embedded");
    }
}
