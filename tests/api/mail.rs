//! The outbox: retries with back-off, and the development file transport.

use entity::mail_outbox;
use kith::config::Settings;
use kith::mail::{self, CapturedMail, MailTransport, templates};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::test_database;

#[tokio::test]
async fn failed_sends_are_retried_later_and_then_delivered() {
    // No running app here: its mail worker would race this test for the message.
    let dir = tempfile::tempdir().unwrap();
    let (db, _, _) = test_database(dir.path()).await;
    mail::enqueue(
        &db,
        templates::password_reset("retry@example.org", "R", "http://x/reset-password/t"),
    )
    .await
    .unwrap();
    // A file transport pointed at a file (not a directory) fails every send.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let failing = MailTransport::Files(blocker.clone());
    let sent = kith::mail::worker::send_due(&db, &failing, &sending())
        .await
        .unwrap();
    assert_eq!(sent, 0);
    let row = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq("retry@example.org"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status.as_str(), "pending");
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());
    assert!(
        row.next_attempt_at > chrono::Utc::now() + chrono::Duration::seconds(20),
        "backed off"
    );

    // Once due again, a working transport delivers it exactly once.
    mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::NextAttemptAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(mail_outbox::Column::Id.eq(row.id))
        .exec(&db)
        .await
        .unwrap();
    let capture = std::sync::Arc::new(std::sync::Mutex::new(Vec::<CapturedMail>::new()));
    let working = MailTransport::Capture(capture.clone());
    kith::mail::worker::send_due(&db, &working, &sending())
        .await
        .unwrap();
    kith::mail::worker::send_due(&db, &working, &sending())
        .await
        .unwrap();
    let delivered: Vec<_> = capture
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to == "retry@example.org")
        .cloned()
        .collect();
    assert_eq!(delivered.len(), 1);
    let row = mail_outbox::Entity::find_by_id(row.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status.as_str(), "sent");
    assert!(row.sent_at.is_some());
}

fn sending() -> kith::mail::worker::Sending {
    kith::mail::worker::Sending {
        from: "Kith <no-reply@kith.example>".into(),
        claim_secs: 600,
    }
}

#[tokio::test]
async fn development_mail_is_written_as_eml_with_text_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        ..Settings::default()
    };
    let transport = MailTransport::from_settings(&settings).unwrap();
    let mail = templates::verify_email(
        "eml@example.org",
        "Eve",
        "http://localhost/verify-email/abc",
    );
    let captured = CapturedMail {
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
    };
    // Sent twice (a crash between sending and recording it): still one message.
    for _ in 0..2 {
        transport
            .send(
                "Kith <no-reply@kith.example>",
                "kith-20261126T090000-7",
                &captured,
            )
            .await
            .unwrap();
    }
    let files: Vec<_> = std::fs::read_dir(settings.mail_dir())
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file_name(), "kith-20261126T090000-7.eml");
    let eml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(
        eml.contains("multipart/alternative")
            && eml.contains("text/plain")
            && eml.contains("text/html")
    );
    assert!(eml.contains("To: eml@example.org"));
    assert!(eml.contains("Message-ID: <kith-20261126T090000-7@kith.example>"));
}
