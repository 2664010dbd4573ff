//! The email engine over simulated weeks: the real server and database, a clock the test
//! moves, and the Resend stand-in (`common::resend`).

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use mongodb::bson::oid::ObjectId;
use paytrack::server::jobs::clock::ManualClock;
use serde_json::json;

use crate::common::chasing::*;
use crate::common::resend::*;
use crate::common::{TestApp, spawn_app};
use paytrack::api::clients::UpdateClient;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_steps_over_thirty_days_send_exactly_five_reminders_each_at_nine_local() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 10).await;

    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    let report = run_days(&engine, &clock, 30).await;

    assert_eq!(
        stand_in.sent_keys(),
        reminder_keys(&invoice, &[-3, 0, 3, 7, 14])
    );
    assert_eq!(stand_in.requests().len(), 5, "one request per reminder");
    assert_eq!(report.sent, 5);
    assert_eq!(report.failed, 0);

    // Each went out on its day, at or after 09:00 in Paris, to the client, replying to Ada.
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    for job in jobs_of(&app, &invoice).await {
        let step = job.get_str("step").unwrap();
        assert_eq!(job.get_str("state").unwrap(), "sent", "{step}");
        let Some(offset) = step.strip_prefix("reminder:") else {
            continue; // the invoice email itself, sent from the outbox when the user sent it
        };
        let offset: i64 = offset.parse().unwrap();
        let sent_at =
            Timestamp::from_millisecond(job.get_datetime("sent_at").unwrap().timestamp_millis())
                .unwrap()
                .to_zoned(zone.clone());
        assert_eq!(
            sent_at.date().to_string(),
            paris_date(10 + offset),
            "{step}"
        );
        assert!(sent_at.hour() >= 9, "{step} went out at {sent_at}");
    }
    for (key, body) in stand_in.requests() {
        assert_eq!(body["to"], json!(["grace.hopper@client.test"]), "{key}");
        assert_eq!(body["reply_to"], "ada@example.com");
        assert!(
            body["from"]
                .as_str()
                .unwrap()
                .ends_with("via PayTrack <reminders@paytrack.test>")
        );
        assert!(body["text"].as_str().unwrap().contains("/i/"), "pay link");
    }
    let overdue = stand_in
        .requests()
        .into_iter()
        .find(|(key, _)| key.ends_with("reminder:7"))
        .unwrap()
        .1;
    assert_eq!(
        overdue["subject"],
        json!(format!("Reminder: invoice INV-0001 is 7 days overdue"))
    );

    // Another month changes nothing.
    let later = run_days(&engine, &clock, 30).await;
    assert_eq!(later.claimed, 0);
    assert_eq!(stand_in.requests().len(), 5);
    // Each reminder that went out is counted for the operators' usage page (not the invoice
    // email itself, which counts as "invoice sent").
    let counted: i64 = app
        .db
        .collection::<mongodb::bson::Document>("usage_daily")
        .find_one(mongodb::bson::doc! { "event": "reminder_sent" })
        .await
        .unwrap()
        .map_or(0, |d| d.get_i64("count").unwrap_or(0));
    assert_eq!(counted, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_payment_on_day_four_stops_every_later_reminder() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 5).await;

    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    run_days(&engine, &clock, 4).await;
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[-3]));

    let paid = user.pay(&invoice, "201.56").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let report = run_days(&engine, &clock, 26).await;
    assert_eq!(report.sent, 0);
    assert_eq!(stand_in.requests().len(), 1);

    // The timeline says why the rest never went out.
    let timeline = user
        .form("/api/reminders/invoice", &[("id", invoice.as_str())])
        .await;
    assert_eq!(timeline.status, 200, "{}", timeline.body);
    assert_eq!(timeline.body["state"], "done");
    let items = timeline.body["timeline"].as_array().unwrap();
    let status_of = |step: &str| {
        items
            .iter()
            .find(|i| i["step"] == step)
            .map(|i| (i["status"].clone(), i["note"].as_str().unwrap().to_string()))
            .unwrap()
    };
    assert_eq!(status_of("invoice").0, "Sent");
    assert_eq!(status_of("reminder:-3").0, "Sent");
    for step in ["reminder:0", "reminder:3", "reminder:7", "reminder:14"] {
        let (status, note) = status_of(step);
        assert_eq!(status, "Skipped", "{step}");
        assert!(note.contains("paid"), "{step}: {note}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_down_for_days_catches_up_once_with_the_latest_reminder() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 4).await;

    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    run_days(&engine, &clock, 2).await;
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[-3]));

    // Down from day 2 to day 13: the due-date, +3 and +7 reminders all came due meanwhile.
    clock.advance(SignedDuration::from_hours(24 * 11));
    let report = engine.tick().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[-3, 7]));
    let jobs = jobs_of(&app, &invoice).await;
    for step in ["reminder:0", "reminder:3"] {
        let job = jobs
            .iter()
            .find(|j| j.get_str("step").unwrap() == step)
            .unwrap_or_else(|| panic!("{step} has a record"));
        assert_eq!(job.get_str("state").unwrap(), "skipped", "{step}");
        assert_eq!(job.get_str("reason").unwrap(), "superseded", "{step}");
    }
    // Then back on schedule: +14 on its day.
    run_days(&engine, &clock, 10).await;
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[-3, 7, 14]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pausing_cancels_what_is_planned_and_resuming_catches_up_once() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 5).await;

    let paused = user
        .form("/api/reminders/pause", &[("id", invoice.as_str())])
        .await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    assert_eq!(paused.body["state"], "paused");
    assert_eq!(paused.body["can_resume"], true);
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    run_days(&engine, &clock, 9).await;
    assert!(stand_in.requests().is_empty(), "nothing while paused");

    // Resuming on day 9: the due-date and +3 reminders were missed; only +3 goes, once.
    let resumed = user
        .form("/api/reminders/resume", &[("id", invoice.as_str())])
        .await;
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert_eq!(resumed.body["state"], "active");
    run_days(&engine, &clock, 1).await;
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[3]));

    // A snooze past +7 holds it until the snooze ends, then it goes that morning.
    let until = paris_date(15);
    let snoozed = user
        .form(
            "/api/reminders/snooze",
            &[("id", invoice.as_str()), ("until", until.as_str())],
        )
        .await;
    assert_eq!(snoozed.status, 200, "{}", snoozed.body);
    assert_eq!(snoozed.body["state"], "snoozed");
    run_days(&engine, &clock, 4).await; // day 14
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[3]));
    run_days(&engine, &clock, 2).await; // day 16
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[3, 7]));

    // Bad input changes nothing.
    for (until, message) in [
        ("yesterday", "date"),
        (paris_date(0).as_str(), "after today"),
        (paris_date(400).as_str(), "up to a year"),
    ] {
        let refused = user
            .form(
                "/api/reminders/snooze",
                &[("id", invoice.as_str()), ("until", until)],
            )
            .await;
        assert_eq!(refused.status, 400, "{until}: {}", refused.body);
        assert!(
            refused.body.to_string().contains(message),
            "{until}: {}",
            refused.body
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_policy_with_an_unknown_variable_saves_nothing_and_a_new_policy_replans() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 10).await;

    let refused = user
        .json(
            "/api/reminders/save",
            json!({ "send_hour": "3", "steps": [
                { "offset_days": "1", "subject": "Overdue", "body": "Pay {{amount}} now" },
            ]}),
        )
        .await;
    assert_eq!(refused.status, 200, "{}", refused.body);
    let invalid = &refused.body["Invalid"];
    assert!(
        invalid["send_hour"]
            .as_str()
            .unwrap()
            .contains("middle of the night")
    );
    let body_error = invalid["policy"]["each"][0]["body"].as_str().unwrap();
    assert!(
        body_error.contains("{{amount}}") && body_error.contains("{{amount_due}}"),
        "{body_error}"
    );
    let settings = user.form("/api/reminders/settings", &[]).await;
    assert_eq!(settings.body["send_hour"], 9, "nothing saved");
    assert_eq!(settings.body["steps"].as_array().unwrap().len(), 5);

    let saved = user
        .json(
            "/api/reminders/save",
            json!({ "send_hour": "10", "steps": [
                { "offset_days": "1", "subject": "Overdue: {{invoice_number}}", "body": "Hi {{client_name}}, please pay {{amount_due}}: {{pay_link}}" },
                { "offset_days": "5", "subject": "Still overdue: {{invoice_number}}", "body": "{{days_overdue}} days now." },
            ]}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["Saved"]["send_hour"], 10);

    // The open invoice follows the new policy at once.
    let timeline = user
        .form("/api/reminders/invoice", &[("id", invoice.as_str())])
        .await;
    let items = timeline.body["timeline"].as_array().unwrap();
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Invoice", "1 day after due", "5 days after due"]);
    assert!(
        items[1]["when"].as_str().unwrap().ends_with(", 10:00"),
        "{}",
        items[1]
    );
    assert_eq!(items[1]["subject"], "Overdue: INV-0001");
    assert!(
        items[1]["text"]
            .as_str()
            .unwrap()
            .starts_with("Hi Grace Hopper, please pay $201.56: http")
    );
    assert_eq!(
        items[2]["text"].as_str().unwrap().lines().next(),
        Some("5 days now.")
    );

    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    run_days(&engine, &clock, 20).await;
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[1, 5]));
    let first = &stand_in.requests()[0].1;
    assert_eq!(first["subject"], "Overdue: INV-0001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_with_reminders_off_gets_none_until_they_are_on_again() {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 4).await;

    let mut input = crate::common::billing::client_input("Grace Hopper");
    input.reminders = false;
    let id = client.to_string();
    let off = user
        .call(&UpdateClient {
            id: id.clone(),
            input: input.clone(),
        })
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    let timeline = user
        .form("/api/reminders/invoice", &[("id", invoice.as_str())])
        .await;
    assert_eq!(timeline.body["state"], "off");
    assert!(
        timeline.body["timeline"][1]["note"]
            .as_str()
            .unwrap()
            .contains("reminders are off for this client")
    );

    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    run_days(&engine, &clock, 8).await;
    assert!(stand_in.requests().is_empty());

    input.reminders = true;
    let on = user.call(&UpdateClient { id, input }).await;
    assert_eq!(on.status, 200, "{}", on.body);
    run_days(&engine, &clock, 1).await;
    // Day 9: −3, 0 and +3 all came due while off; only +3 goes.
    assert_eq!(stand_in.sent_keys(), reminder_keys(&invoice, &[3]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn moving_time_zone_moves_the_send_hour_with_it() {
    let app = spawn_app().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 10).await;
    let planned_at = || async {
        let jobs = jobs_of(&app, &invoice).await;
        let job = jobs
            .iter()
            .find(|j| j.get_str("state").unwrap() == "scheduled")
            .expect("a reminder is planned")
            .clone();
        Timestamp::from_millisecond(job.get_datetime("due_at").unwrap().timestamp_millis()).unwrap()
    };
    let paris = planned_at().await;
    assert_eq!(
        paris
            .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
            .hour(),
        9
    );
    let moved = user
        .form(
            "/api/account/profile",
            &[
                ("name", "Ada"),
                ("time_zone", "America/New_York"),
                ("invoice_prefix", "INV-"),
            ],
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let new_york = planned_at().await;
    assert_eq!(
        new_york
            .to_zoned(jiff::tz::TimeZone::get("America/New_York").unwrap())
            .hour(),
        9
    );
    assert_ne!(paris, new_york);
}

pub(crate) async fn user_id(app: &TestApp) -> ObjectId {
    app.user_document("ada@example.com")
        .await
        .get_object_id("_id")
        .unwrap()
}
