//! The dashboard's latest activity, read in spans of time back from now: the newest first
//! across every span, each user's own, and as many as asked even when they are years apart;
//! told in the user's time zone.

use mongodb::bson::{DateTime, oid::ObjectId};
use paytrack::domain::money::Currency;
use paytrack::server::db::activity::{self, ActivityDoc, ActivityKind};

use crate::common::spawn_app;

const DAY_MS: i64 = 86_400_000;

fn entry(user: ObjectId, now: DateTime, days_ago: i64, number: &str) -> ActivityDoc {
    ActivityDoc {
        id: ObjectId::new(),
        user_id: user,
        at: DateTime::from_millis(now.timestamp_millis() - days_ago * DAY_MS),
        kind: ActivityKind::Sent,
        invoice_id: ObjectId::new(),
        number: number.to_string(),
        client_id: None,
        client_name: "Acme".to_string(),
        amount_minor: 100,
        currency: Currency::USD,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_latest_activity_is_the_newest_whatever_span_it_falls_in() {
    let app = spawn_app().await;
    let now = DateTime::now();
    let (ada, bob) = (ObjectId::new(), ObjectId::new());
    // One a day ago, two a month ago, one half a year ago, three two years ago; and Bob's, newer
    // than all of Ada's.
    let ages = [
        (1, "A1"),
        (30, "A2"),
        (31, "A3"),
        (200, "A4"),
        (700, "A5"),
        (701, "A6"),
    ];
    let mut entries: Vec<ActivityDoc> = ages
        .iter()
        .map(|(days, number)| entry(ada, now, *days, number))
        .collect();
    entries.push(entry(ada, now, 702, "A7"));
    entries.push(entry(bob, now, 0, "B1"));
    activity::insert_many(&app.db, entries).await.unwrap();

    let numbers = |found: Vec<ActivityDoc>| {
        found
            .into_iter()
            .map(|e| {
                assert_eq!(e.user_id, ada, "only Ada's");
                e.number
            })
            .collect::<Vec<_>>()
    };
    let latest = |limit| activity::recent(&app.db, ada, limit, now);
    assert_eq!(numbers(latest(1).await.unwrap()), ["A1"]);
    assert_eq!(numbers(latest(3).await.unwrap()), ["A1", "A2", "A3"]);
    assert_eq!(
        numbers(latest(5).await.unwrap()),
        ["A1", "A2", "A3", "A4", "A5"]
    );
    assert_eq!(
        numbers(latest(10).await.unwrap()),
        ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    );
    assert!(latest(0).await.unwrap().is_empty());
    assert!(
        activity::recent(&app.db, ObjectId::new(), 10, now)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_tells_when_things_happened_in_the_users_time_zone() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let user = app.user_document("ada@example.com").await;
    let id = user.get_object_id("_id").unwrap();
    assert_eq!(user.get_str("time_zone").unwrap(), "Europe/Paris");
    // 23:30 on 30 November in UTC is half past midnight on 1 December in Paris.
    let at = DateTime::parse_rfc3339_str("2026-11-30T23:30:00Z").unwrap();
    activity::insert_many(&app.db, vec![entry(id, at, 0, "INV-0042")])
        .await
        .unwrap();

    let dashboard = ada.form("/api/dashboard", &[]).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    assert_eq!(dashboard.body["time_zone"], "Europe/Paris");
    let latest = &dashboard.body["activity"][0];
    assert_eq!(latest["number"], "INV-0042");
    assert_eq!(latest["when"], "Tue 1 Dec 2026, 00:30");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_activity_names_the_client_it_concerns_by_id_as_well() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;
    let (_, number) = ada.draft(&client).await;

    let dashboard = ada.form("/api/dashboard", &[]).await;
    let latest = &dashboard.body["activity"][0];
    assert_eq!(latest["number"], number.as_str());
    assert_eq!(latest["client_name"], "Acme");
    assert_eq!(latest["client_id"], client.as_str());

    // Entries written before the id was kept still show, with the name alone.
    let user = app.user_document("ada@example.com").await;
    let id = user.get_object_id("_id").unwrap();
    activity::insert_many(&app.db, vec![entry(id, DateTime::now(), 0, "INV-OLD")])
        .await
        .unwrap();
    let dashboard = ada.form("/api/dashboard", &[]).await;
    let old = &dashboard.body["activity"][0];
    assert_eq!(old["number"], "INV-OLD");
    assert!(old["client_id"].is_null(), "{old}");
}
