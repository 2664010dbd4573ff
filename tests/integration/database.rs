//! Start-up against the database: schema creation, readiness when the database goes away and
//! comes back, and what users see meanwhile.

use std::time::{Duration, Instant};

use crate::common::{
    OwnDatabase, config_with, leptos_options, spawn_app_on, test_mongodb_uri, unique_name,
};
use mongodb::Client;
use paytrack::server::db::schema::{self, COLLECTIONS};
use paytrack::server::startup::Application;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_creation_is_idempotent_and_creates_every_collection() {
    let client = Client::with_uri_str(test_mongodb_uri()).await.unwrap();
    let db = client.database(&unique_name("schema"));
    schema::ensure(&db).await.expect("first run");
    schema::ensure(&db)
        .await
        .expect("second run changes nothing");
    let names = db.list_collection_names().await.unwrap();
    for spec in COLLECTIONS {
        assert!(
            names.iter().any(|n| n == spec.name),
            "{} missing",
            spec.name
        );
    }
    db.drop().await.unwrap();
}

/// Well formed (43 URL-safe characters), so it is looked up, and never issued.
const UNKNOWN_TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_the_database_down_and_back_up() {
    let mut database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    let readyz = || async { app.http.get(app.url("/readyz")).send().await.unwrap() };
    assert_eq!(readyz().await.status(), 200);

    database.kill();
    let started = Instant::now();
    let down = loop {
        let res = readyz().await;
        if res.status() == 503 {
            break res;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still ready 10 s after the database died"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let body: Value = down.json().await.unwrap();
    assert_eq!(body["status"], "not ready");
    assert!(
        body["reason"].as_str().unwrap().contains("database"),
        "{body}"
    );

    // Meanwhile a server function answers with a clear, retryable error, not a bare 500
    // (looking up a login link reads the database, signed in or not).
    let link_status = || app.call("/api/auth/link-status", &[("token", UNKNOWN_TOKEN)]);
    let res = link_status().await;
    assert_eq!(res.status(), 503);
    let error: Value = res.json().await.unwrap();
    assert_eq!(error, serde_json::json!("Unavailable"));

    database.restart();
    let started = Instant::now();
    loop {
        if readyz().await.status() == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "did not recover within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let res = link_status().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), Value::Null);
}

/// While the database is away a signed-in page says so and answers 503, so an uptime check,
/// a cache or a crawler doesn't take the apology for the page; back, the same pages are 200.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_pages_answer_503_while_the_database_is_away() {
    let mut database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    let user = app.user("away@example.com").await;
    let client = user.client("Acme").await;
    let pages = [
        "/dashboard".to_string(),
        "/invoices".to_string(),
        "/invoices/new".to_string(),
        "/clients".to_string(),
        format!("/clients/{client}"),
        "/reminders".to_string(),
        "/account/business".to_string(),
        "/stripe".to_string(),
        "/billing".to_string(),
        "/account".to_string(),
    ];
    for path in &pages {
        let page = app.get_with_cookie(path, &user.cookie).await;
        assert_eq!(page.status(), 200, "{path} before");
    }

    database.kill();
    for path in &pages {
        let page = app.get_with_cookie(path, &user.cookie).await;
        assert_eq!(page.status(), 503, "{path} while the database is away");
        let html = page.text().await.unwrap();
        assert!(html.contains("try again"), "{path}: {html}");
    }

    database.restart();
    // The database replays its log after the kill; on a loaded machine that and the driver
    // finding it again have taken over 30 s.
    let started = Instant::now();
    loop {
        let status = app
            .get_with_cookie("/dashboard", &user.cookie)
            .await
            .status();
        if status == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "did not recover within 90 s (last answer {status})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for path in &pages {
        let page = app.get_with_cookie(path, &user.cookie).await;
        assert_eq!(page.status(), 200, "{path} after");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_stops_start_up_without_revealing_credentials() {
    let port = crate::common::free_port();
    let uri = format!("mongodb://paytrack:hunter2@127.0.0.1:{port}");
    let config = config_with(&uri, "unreachable", &[]);
    let err = match Application::build(config, leptos_options()).await {
        Ok(_) => panic!("start-up must fail without a database"),
        Err(err) => err.to_string(),
    };
    assert!(
        err.starts_with("cannot reach the database named by MONGODB_URI"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_in_use_is_a_clear_start_up_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let config = config_with(
        &test_mongodb_uri(),
        &unique_name("bind"),
        &[("PAYTRACK_BIND_ADDR", &addr)],
    );
    let err = match Application::build(config, leptos_options()).await {
        Ok(_) => panic!("start-up must fail on a taken port"),
        Err(err) => err.to_string(),
    };
    assert!(
        err.starts_with(&format!("cannot listen on {addr}")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_number_allocations_have_no_duplicates_or_gaps() {
    use mongodb::bson::oid::ObjectId;
    use paytrack::server::db::invoice_sequences;

    let client = Client::with_uri_str(test_mongodb_uri()).await.unwrap();
    let db = client.database(&unique_name("sequences"));
    schema::ensure(&db).await.unwrap();
    let (ada, grace) = (ObjectId::new(), ObjectId::new());
    let calls = (0..50).map(|_| invoice_sequences::next(&db, ada));
    let mut numbers: Vec<i64> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=50).collect::<Vec<i64>>());
    assert_eq!(
        invoice_sequences::next(&db, grace).await.unwrap(),
        1,
        "sequences are per user"
    );
    db.drop().await.unwrap();
}
