//! Each reminder goes out exactly once whatever happens on the way: two engines at once,
//! Resend answering 429s and 500s, a sender killed mid-send, reminders due together going in
//! one batch (and one by one when the batch is refused). The real server and database, a
//! clock the test moves, and the Resend stand-in (`common::resend`).

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::server::jobs::clock::ManualClock;
use serde_json::json;

use crate::common::chasing::*;
use crate::common::resend::*;
use crate::common::spawn_app;
use crate::reminders::user_id;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_engines_at_once_send_each_reminder_exactly_once() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let mut invoices = Vec::new();
    for due_in in 1..=12 {
        invoices.push(sent_invoice(&user, &client, due_in + 3).await);
    }

    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    // Two engines with their own connections, as two servers would have, claiming in small
    // batches so their claims interleave.
    let second_db = mongodb::Client::with_uri_str(crate::common::test_mongodb_uri())
        .await
        .unwrap()
        .database(app.db.name());
    let first = engine(&app, &resend, clock.clone()).with_batch(3, 2);
    let second = engine_on(second_db, &app, &resend, clock.clone()).with_batch(3, 2);
    let (mut from_first, mut from_second) = (0, 0);
    for _ in 0..35 * 4 {
        clock.advance(SignedDuration::from_hours(6));
        let (a, b) = tokio::join!(first.tick(), second.tick());
        from_first += a.unwrap().sent;
        from_second += b.unwrap().sent;
    }

    let expected: Vec<String> = {
        let mut all: Vec<String> = invoices
            .iter()
            .flat_map(|i| reminder_keys(i, &[-3, 0, 3, 7, 14]))
            .collect();
        all.sort();
        all
    };
    assert_eq!(stand_in.sent_keys(), expected);
    assert_eq!(
        stand_in.emails_attempted(),
        expected.len(),
        "no email was even attempted twice"
    );
    assert_eq!(from_first + from_second, expected.len());
    assert!(
        from_first > 0 && from_second > 0,
        "both engines worked: {from_first} / {from_second}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_storm_of_429s_and_500s_is_absorbed_and_a_refusal_is_logged() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 10).await;

    // The first reminder meets ten failures in a row: more than one send's retries.
    stand_in.script(
        [Reply::RateLimited; 6]
            .into_iter()
            .chain([Reply::ServerError; 4]),
    );
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    // Hour by hour through the first reminder's day, so the deferred send comes back soon.
    let mut deferred = 0;
    for _ in 0..(8 * 24) {
        clock.advance(SignedDuration::from_hours(1));
        deferred += engine.tick().await.unwrap().deferred;
    }
    assert!(deferred >= 2, "the storm deferred the send: {deferred}");
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[-3]));
    let keys: Vec<String> = stand_in.requests().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys.len(),
        11,
        "ten failures, then the one that went through"
    );
    assert!(
        keys.iter().all(|k| k == &keys[0]),
        "every attempt had the same key"
    );

    // A refusal is final: logged with Resend's message, and the next step still goes.
    stand_in.script([Reply::Invalid]);
    run_days(&engine, &clock, 4).await;
    let jobs = jobs_of(&app, &invoice).await;
    let due_day = jobs
        .iter()
        .find(|j| j.get_str("step").unwrap() == "reminder:0")
        .unwrap();
    assert_eq!(due_day.get_str("state").unwrap(), "failed");
    assert!(
        due_day
            .get_str("reason")
            .unwrap()
            .contains("email@example.com` format")
    );
    run_days(&engine, &clock, 4).await;
    assert!(
        stand_in
            .sent_keys()
            .contains(&format!("paytrack-{invoice}-reminder:3"))
    );
    let timeline = user
        .form("/api/reminders/invoice", &[("id", invoice.as_str())])
        .await;
    let failed = timeline.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["step"] == "reminder:0")
        .unwrap()
        .clone();
    assert_eq!(failed["status"], "Failed");
    assert!(
        failed["note"]
            .as_str()
            .unwrap()
            .contains("Invalid `to` field")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_sender_loses_nothing_and_sends_nothing_twice() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let mut invoices = Vec::new();
    for _ in 0..3 {
        invoices.push(sent_invoice(&user, &client, 5).await);
    }
    // The first reminder (3 days before due) is due from day 2, 09:00 Paris.
    let due_day = Timestamp::now()
        .checked_add(SignedDuration::from_hours(24 * 3))
        .unwrap();
    stand_in.script([Reply::Hang]);

    let send_due = |at: Timestamp| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_paytrack"));
        command
            .args(["send-due", "--at", &at.to_string()])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "warn")
            .env("MONGODB_URI", crate::common::test_mongodb_uri())
            .env("MONGODB_DATABASE", app.db.name())
            .env("PAYTRACK_BASE_URL", &app.address)
            .env("RESEND_API_KEY", "re_test_engine")
            .env("RESEND_BASE_URL", &resend)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command
    };

    // A sender that hangs on its first request — the three reminders in one batch — and is
    // killed without warning.
    let mut child = send_due(due_day).spawn().unwrap();
    crate::common::wait_for(Duration::from_secs(60), || stand_in.requests().len() == 1);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        stand_in.sent_keys().is_empty(),
        "the batch was cut off mid-send"
    );
    assert_eq!(stand_in.requests()[0].1.as_array().map(Vec::len), Some(3));

    // Within the lease nobody touches it.
    let early = send_due(due_day.checked_add(SignedDuration::from_mins(4)).unwrap())
        .output()
        .unwrap();
    assert!(
        early.status.success(),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    assert!(
        String::from_utf8_lossy(&early.stdout).starts_with("claimed 0, sent 0,"),
        "{}",
        String::from_utf8_lossy(&early.stdout)
    );

    // After it, the same batch goes again under the same key: Resend sends each email once.
    let after = send_due(due_day.checked_add(SignedDuration::from_mins(6)).unwrap())
        .output()
        .unwrap();
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert!(
        String::from_utf8_lossy(&after.stdout).starts_with("claimed 3, sent 3,"),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );

    let expected: Vec<String> = {
        let mut all: Vec<String> = invoices
            .iter()
            .flat_map(|i| reminder_keys(i, &[-3]))
            .collect();
        all.sort();
        all
    };
    assert_eq!(stand_in.sent_keys(), expected, "nothing lost");
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 2, "the cut-off batch was sent again, once");
    assert_eq!(
        requests[0].0, requests[1].0,
        "under the same idempotency key"
    );
    assert_eq!(requests[0].1, requests[1].1, "with exactly the same emails");
    for invoice in &invoices {
        let jobs = jobs_of(&app, invoice).await;
        let first = jobs
            .iter()
            .find(|j| j.get_str("step").unwrap() == "reminder:-3")
            .unwrap();
        assert_eq!(first.get_str("state").unwrap(), "sent");
        assert!(first.get_str("provider_id").is_ok());
    }
    // A later pass finds nothing left to do.
    let last = send_due(due_day.checked_add(SignedDuration::from_mins(30)).unwrap())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&last.stdout).starts_with("claimed 0,"));
    assert_eq!(stand_in.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reminders_due_together_go_in_one_batch_and_a_refused_batch_goes_one_by_one() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let mut invoices = Vec::new();
    for _ in 0..4 {
        invoices.push(sent_invoice(&user, &client, 5).await);
    }
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());

    // By day 3 (whatever the hour now): four reminders due at once, one request.
    let report = run_days(&engine, &clock, 3).await;
    assert_eq!((report.sent, report.batches), (4, 1), "{report:?}");
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].1.as_array().unwrap().len(), 4);
    for email in requests[0].1.as_array().unwrap() {
        assert_eq!(email["to"], json!(["grace.hopper@client.test"]));
        assert_eq!(email["reply_to"], "ada@example.com");
    }

    // By day 6: Resend refuses the batch as a whole; each goes on its own under its own key.
    stand_in.script([Reply::Invalid]);
    let report = run_days(&engine, &clock, 3).await;
    assert_eq!(report.sent, 4, "{report:?}");
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1 + 1 + 4);
    for (key, body) in &requests[2..] {
        assert!(key.ends_with("-reminder:0"), "{key}");
        assert_eq!(&body["headers"]["X-PayTrack-Email-Key"], &json!(key));
    }
    let expected: Vec<String> = {
        let mut all: Vec<String> = invoices
            .iter()
            .flat_map(|i| reminder_keys(i, &[-3, 0]))
            .collect();
        all.sort();
        all
    };
    assert_eq!(stand_in.sent_keys(), expected);
    // Each reminder counts once in the usage figures, whether it went in a batch (counted
    // together, in one write) or one by one after the batch was refused.
    let counted = app
        .db
        .collection::<mongodb::bson::Document>("usage_daily")
        .find_one(mongodb::bson::doc! { "event": "reminder_sent" })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(counted.get_i64("count").unwrap(), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_email_once_tried_on_its_own_never_joins_a_batch() {
    let (resend, stand_in) = ResendStandIn::start().await;
    let app = spawn_app().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let (a, b, c) = (
        sent_invoice(&user, &client, 10).await,
        sent_invoice(&user, &client, 10).await,
        sent_invoice(&user, &client, 10).await,
    );
    // A's invoice email went through the outbox; make it a job tried once on its own and
    // waiting to be tried again, next to two fresh reminders due at the same time.
    let jobs = app.db.collection::<Document>("email_jobs");
    let a_id = ObjectId::parse_str(&a).unwrap();
    jobs.delete_many(doc! {}).await.unwrap();
    let now = Timestamp::now();
    let due = paytrack::server::jobs::plan::to_bson(now);
    let mut retried = paytrack::server::db::email_jobs::EmailJobDoc::scheduled(
        user_id(&app).await,
        a_id,
        "invoice",
        due,
    );
    retried.attempts = 1;
    app.db
        .collection::<paytrack::server::db::email_jobs::EmailJobDoc>("email_jobs")
        .insert_one(&retried)
        .await
        .unwrap();
    for invoice in [&b, &c] {
        paytrack::server::db::email_jobs::schedule(
            &app.db,
            user_id(&app).await,
            ObjectId::parse_str(invoice).unwrap(),
            "reminder:-3",
            due,
        )
        .await
        .unwrap();
    }

    let clock = Arc::new(ManualClock::new(now + SignedDuration::from_mins(1)));
    let report = engine(&app, &resend, clock).tick().await.unwrap();
    assert_eq!((report.sent, report.batches), (3, 1), "{report:?}");
    let requests = stand_in.requests();
    let single = requests
        .iter()
        .find(|(_, body)| body.is_object())
        .expect("one email on its own");
    assert_eq!(single.0, format!("paytrack-{a}-invoice"));
    let batch = requests
        .iter()
        .find(|(_, body)| body.is_array())
        .expect("one batch");
    let in_batch: Vec<&str> = batch
        .1
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["headers"]["X-PayTrack-Email-Key"].as_str().unwrap())
        .collect();
    assert_eq!(in_batch.len(), 2);
    assert!(
        in_batch
            .iter()
            .all(|k| k.ends_with("-reminder:-3") && !k.contains(&a))
    );
}
