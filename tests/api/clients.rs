//! Brokers through HTTP: a caseload of clients without accounts; acting for a client to
//! shortlist and enquire (every action records broker and client); privacy between brokers;
//! handing a case over (by the broker or an admin).

use entity::audit_log;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};

use crate::enquiries::{enquiry, enquiry_fields, send_enquiry};
use crate::helpers::fixtures::published;
use crate::helpers::{Browser, location, spawn_app};

fn client_fields<'a>(name: &'a str, sector: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("name", name),
        ("postcode_sector", sector),
        ("needs", "Day support, Punjabi speaking"),
        ("contact_preference", "phone"),
        ("contact_details", "0161 496 0999, mornings"),
    ]
}

pub async fn add_client(broker: &Browser, name: &str) -> i64 {
    let res = broker
        .post_form("/broker/clients", &client_fields(name, "m16 0ra"))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "client added");
    location(&res)
        .trim_start_matches("/broker/clients/")
        .parse()
        .expect("client id")
}

#[tokio::test]
async fn a_broker_shortlists_and_enquires_on_behalf_of_a_client() {
    let app = spawn_app().await;
    let (provider, _, provider_user, listing) = published(&app).await;
    let (broker, broker_user) = app.signed_in_as(Role::Broker).await;

    // The form names what is wrong; a full postcode is kept only as its sector.
    let (status, body) = broker
        .post_form_text("/broker/clients", &[("postcode_sector", "nowhere")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter the client") && body.contains("Enter a postcode"));
    let client = add_client(&broker, "Mr K (ref 1042)").await;
    let (_, page) = broker.get_text(&format!("/broker/clients/{client}")).await;
    assert!(page.contains("M16 0") && !page.contains("M16 0RA"));
    assert!(page.contains("0161 496 0999"));

    // Acting for the client: a banner on every page, and saves go to their shortlist.
    let res = broker
        .post_form(&format!("/broker/clients/{client}/act"), &[])
        .await;
    assert_eq!(location(&res), "/search");
    let (_, listing_page) = broker.get_text(&format!("/listings/{listing}")).await;
    assert!(listing_page.contains("You are acting for"));
    assert!(listing_page.contains("Save to Mr K (ref 1042)’s shortlist"));
    let client_text = client.to_string();
    let listing_text = listing.to_string();
    broker
        .post_form(
            "/shortlist",
            &[("listing_id", &listing_text), ("client", &client_text)],
        )
        .await;
    let (_, shortlist) = broker.get_text("/shortlist").await;
    assert!(shortlist.contains("Mr K (ref 1042)’s shortlist"));
    assert!(shortlist.contains("Help at home in Sale"));

    // The enquiry: "reply to the broker" is offered; the client's name is suggested.
    let (_, form) = broker
        .get_text(&format!("/listings/{listing}/enquire"))
        .await;
    assert!(form.contains("Contact me, the support broker"));
    assert!(form.contains("value=\"Mr K (ref 1042)\""));
    let mut fields = enquiry_fields("broker", "");
    fields.push(("client", &client_text));
    let id = send_enquiry(&broker, listing, &fields).await;
    let row = enquiry(&app, id).await;
    assert_eq!(row.client_id, Some(client));
    assert_eq!(row.holder_user_id, None);
    assert_eq!(row.sent_by_user_id, broker_user.id);
    let audit = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let sent = audit.iter().find(|r| r.action == "enquiry.sent").unwrap();
    assert_eq!(sent.actor_user_id, Some(broker_user.id));
    assert!(
        sent.detail
            .as_deref()
            .unwrap_or_default()
            .contains(&format!("on behalf of client {client}"))
    );

    // The provider sees the enquiry but not the broker's record of the client.
    app.wait_for_mail(&provider_user.email, "New enquiry").await;
    let (_, thread) = provider.get_text(&format!("/enquiries/{id}")).await;
    assert!(thread.contains("Through their support broker"));
    assert!(!thread.contains("0161 496 0999") && !thread.contains("Punjabi speaking"));
    provider
        .post_form(
            &format!("/enquiries/{id}/messages"),
            &[("body", "We can help")],
        )
        .await;
    app.wait_for_mail(&broker_user.email, "New message").await;

    // The client's page gathers the shortlist and the enquiry.
    let (_, page) = broker.get_text(&format!("/broker/clients/{client}")).await;
    assert!(page.contains("Help at home in Sale") && page.contains(&format!("/enquiries/{id}")));
    // Stopping: saves are the broker's own again.
    broker.post_form("/broker/acting/stop", &[]).await;
    let (_, shortlist) = broker.get_text("/shortlist").await;
    assert!(shortlist.contains("Your shortlist") && shortlist.contains("Nothing saved yet"));
    let (_, list) = broker.get_text("/enquiries").await;
    assert!(
        list.contains("Mr K (ref 1042)"),
        "the caseload's enquiries: {list}"
    );
}

#[tokio::test]
async fn brokers_see_only_their_own_clients_until_a_case_is_handed_over() {
    let app = spawn_app().await;
    let (_, _, _, listing) = published(&app).await;
    let (a, a_user) = app.signed_in_as(Role::Broker).await;
    let (b, b_user) = app.signed_in_as(Role::Broker).await;
    let client = add_client(&a, "Mrs J").await;
    let client_text = client.to_string();
    let mut fields = enquiry_fields("email", "");
    fields.push(("client", &client_text));
    let enquiry_id = send_enquiry(&a, listing, &fields).await;

    for path in [
        format!("/broker/clients/{client}"),
        format!("/broker/clients/{client}/edit"),
        format!("/enquiries/{enquiry_id}"),
    ] {
        let (status, body) = b.get_text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("Mrs J"));
    }
    let (_, caseload) = b.get_text("/broker/clients").await;
    assert!(!caseload.contains("Mrs J"));
    // B cannot act, shortlist, enquire, edit or close for A's client.
    for (path, fields) in [
        (format!("/broker/clients/{client}/act"), vec![]),
        (
            format!("/broker/clients/{client}"),
            client_fields("Renamed", ""),
        ),
        (
            format!("/broker/clients/{client}/close"),
            vec![("closed", "true")],
        ),
        (
            "/shortlist".to_owned(),
            vec![("listing_id", "1"), ("client", client_text.as_str())],
        ),
    ] {
        let res = b.post_form(&path, &fields).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let mut fields = enquiry_fields("email", "");
    fields.push(("client", &client_text));
    let res = b
        .post_form(&format!("/listings/{listing}/enquire"), &fields)
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Handing over to someone who is not a broker is refused with a message.
    let (_, holder) = app.signed_in_as(Role::BudgetHolder).await;
    let (status, body) = a
        .post_form_text(
            &format!("/broker/clients/{client}/handover"),
            &[("to_email", &holder.email)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("There is no support broker with that email address"));

    // Handed to B: B sees the client and the enquiry; A no longer does.
    let res = a
        .post_form(
            &format!("/broker/clients/{client}/handover"),
            &[("to_email", &b_user.email)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = a.get_text(&format!("/broker/clients/{client}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = a.get_text(&format!("/enquiries/{enquiry_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = b.get_text(&format!("/broker/clients/{client}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Mrs J"));
    let (status, _) = b.get_text(&format!("/enquiries/{enquiry_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        app.audit_actions()
            .await
            .contains(&"client.handed_over".to_owned())
    );

    // An admin sees every client and can hand the case back.
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (_, list) = admin.get_text("/admin/clients").await;
    assert!(list.contains("Mrs J"));
    let (status, _) = admin
        .post_form_text(
            &format!("/admin/clients/{client}/handover"),
            &[("to_email", "nobody@nowhere.example")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = admin
        .post_form(
            &format!("/admin/clients/{client}/handover"),
            &[("to_email", &a_user.email)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = a.get_text(&format!("/broker/clients/{client}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_closed_case_cannot_be_acted_for() {
    let app = spawn_app().await;
    let (broker, _) = app.signed_in_as(Role::Broker).await;
    let client = add_client(&broker, "Ms P").await;
    broker
        .post_form(&format!("/broker/clients/{client}/act"), &[])
        .await;
    let res = broker
        .post_form(
            &format!("/broker/clients/{client}/close"),
            &[("closed", "true")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = broker.get_text("/shortlist").await;
    assert!(!page.contains("You are acting for"), "closing stops acting");
    let res = broker
        .post_form(&format!("/broker/clients/{client}/act"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    broker
        .post_form(
            &format!("/broker/clients/{client}/close"),
            &[("closed", "false")],
        )
        .await;
    let res = broker
        .post_form(&format!("/broker/clients/{client}/act"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn opening_a_client_record_is_audited() {
    let app = spawn_app().await;
    let (broker, broker_user) = app.signed_in_as(Role::Broker).await;
    let id = add_client(&broker, "Mr Aziz").await;
    let (status, _) = broker.get_text(&format!("/broker/clients/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (other, _) = app.signed_in_as(Role::Broker).await;
    assert_ne!(
        other.get(&format!("/broker/clients/{id}")).await.status(),
        StatusCode::OK
    );
    let viewed: Vec<_> = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "client.viewed")
        .collect();
    assert!(!viewed.is_empty());
    assert!(
        viewed
            .iter()
            .all(|r| r.actor_user_id == Some(broker_user.id) && r.subject_id == id.to_string()),
        "only the broker's own openings"
    );
    assert!(
        viewed
            .iter()
            .all(|r| r.detail.as_deref().is_none_or(|d| !d.contains("Aziz"))),
        "no personal data in the log"
    );
}
