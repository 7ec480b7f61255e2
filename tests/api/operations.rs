//! Running Kith as a service: stopping cleanly, backing up and restoring. Through the real
//! binary, on SQLite or (with `TEST_DATABASE_URL`) PostgreSQL.

use std::process::Child;
use std::time::Duration;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use crate::helpers::instance::Instance;

async fn wait_ready(browser: &crate::helpers::Browser) {
    for _ in 0..200 {
        if browser.get("/ready").await.status() == StatusCode::OK {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server never became ready");
}

fn terminate(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits up to `limit` for the process to end; `None` if it is still running.
async fn exited(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql,
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get::<i64>("", "n")
    .unwrap()
}

#[tokio::test]
async fn a_server_told_to_stop_writes_the_searches_it_answered_then_exits() {
    const SEARCHES: i64 = 30;
    let instance = Instance::new().await;
    let (mut server, browser) = instance
        .start(&[("KITH_SEARCH_REQUESTS_PER_MINUTE", "1000")])
        .await;
    wait_ready(&browser).await;

    // Another process holds the write lock on the demand log, so the searches answered
    // below wait in the queue instead of being written at once.
    let holder = instance.db().await;
    let lock = holder.begin().await.unwrap();
    if kith::db::is_sqlite(&holder) {
        lock.execute_unprepared("DELETE FROM search_log WHERE id < 0")
            .await
            .unwrap();
    } else {
        lock.execute_unprepared("LOCK TABLE search_log IN EXCLUSIVE MODE")
            .await
            .unwrap();
    }
    for i in 0..SEARCHES {
        let (status, page) = browser.get_text(&format!("/search?q=lunch{i}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
    }

    terminate(&server);
    assert!(
        exited(&mut server, Duration::from_millis(1500))
            .await
            .is_none(),
        "a stopping server waits for its queued searches"
    );
    assert!(
        browser
            .client
            .get(browser.url("/health"))
            .send()
            .await
            .is_err(),
        "it no longer accepts requests"
    );
    lock.commit().await.unwrap();
    let status = exited(&mut server, Duration::from_secs(15))
        .await
        .expect("the server exits once the log is written");
    assert!(status.success(), "{status}");
    assert_eq!(
        count(&holder, "SELECT COUNT(*) AS n FROM search_log").await,
        SEARCHES,
        "every search answered is in the demand log"
    );
}
