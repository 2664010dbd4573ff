//! Batches and single sends under the faults a careless network brings: an outage between
//! tries, an answer lost after Resend accepted, a refusal of a retry, a key Resend has
//! forgotten, a rotated API key, an account deleted while its emails wait. The real server and
//! database; Resend is the stand-in, idempotency and all.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::api::auth::UpdateProfile;
use paytrack::server::jobs::clock::ManualClock;

use crate::common::billing::User;
use crate::common::chasing::*;
use crate::common::resend::*;
use crate::common::{TestApp, spawn_app};

/// Three tries, each answered 500: the batch waits for a later tick.
const OUTAGE: [Reply; 3] = [Reply::ServerError, Reply::ServerError, Reply::ServerError];

/// Resend took the first try but its answer was lost, then two more tries failed.
const LOST_ANSWER: [Reply; 3] = [
    Reply::AcceptedButLost,
    Reply::ServerError,
    Reply::ServerError,
];

/// The server, the Resend stand-in, a clock the test moves and an engine on both.
async fn scene() -> (
    TestApp,
    ResendStandIn,
    Arc<ManualClock>,
    paytrack::server::jobs::engine::Engine,
) {
    let app = spawn_app().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    (app, stand_in, clock, engine)
}

/// Ada, signed in, with `n` invoices sent to one client (see `invoices`).
async fn ada_with(app: &TestApp, n: usize) -> (User<'_>, Vec<String>) {
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let sent = invoices(&user, &client, n).await;
    (user, sent)
}

/// `n` invoices of `user` to one client, each due in five days (their first reminder is due
/// on day two), sent.
async fn invoices(user: &User<'_>, client: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..n {
        ids.push(sent_invoice(user, client, 5).await);
    }
    ids
}

/// The first reminder's job of each invoice: (state, reason, provider id).
async fn first_reminders(app: &TestApp, invoices: &[String]) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for invoice in invoices {
        let jobs = jobs_of(app, invoice).await;
        let job = jobs
            .iter()
            .find(|j| j.get_str("step") == Ok("reminder:-3"))
            .expect("the first reminder has a job");
        found.push((
            job.get_str("state").unwrap_or_default().to_string(),
            job.get_str("reason").unwrap_or_default().to_string(),
            job.get_str("provider_id").unwrap_or_default().to_string(),
        ));
    }
    found
}

/// Ticks every six hours until the engine first asks Resend; returns that tick's report.
async fn until_first_request(
    engine: &paytrack::server::jobs::engine::Engine,
    clock: &ManualClock,
    stand_in: &ResendStandIn,
) -> paytrack::server::jobs::outcome::TickReport {
    for _ in 0..16 {
        let report = tick_after(engine, clock, 6 * 60).await;
        if !stand_in.requests().is_empty() {
            return report;
        }
    }
    panic!("no email was due within four days");
}

/// Ticks once, `minutes` after the clock's time.
async fn tick_after(
    engine: &paytrack::server::jobs::engine::Engine,
    clock: &ManualClock,
    minutes: i64,
) -> paytrack::server::jobs::outcome::TickReport {
    clock.advance(SignedDuration::from_mins(minutes));
    engine.tick().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_retried_after_an_outage_leaves_out_what_was_paid_voided_or_paused() {
    let (app, stand_in, clock, engine) = scene().await;
    let (user, all) = ada_with(&app, 4).await;

    stand_in.script(OUTAGE);
    let report = until_first_request(&engine, &clock, &stand_in).await;
    assert_eq!((report.sent, report.deferred), (0, 4), "{report:?}");
    assert!(stand_in.sent_keys().is_empty());

    // While Resend is down the user is paid for one, voids one, pauses one.
    assert_eq!(user.pay(&all[0], "201.56").await.status, 200);
    let void = user.form("/api/invoices/void", &[("id", &all[1])]).await;
    assert_eq!(void.status, 200, "{}", void.body);
    let pause = user.form("/api/reminders/pause", &[("id", &all[2])]).await;
    assert_eq!(pause.status, 200, "{}", pause.body);

    let report = tick_after(&engine, &clock, 10).await;
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(stand_in.sent_keys(), reminder_keys(&all[3], &[-3]));
    let requests = stand_in.requests();
    let (first_key, retry) = (&requests[0].0, requests.last().unwrap());
    assert_eq!(&retry.0, first_key, "the retry goes under the batch's key");
    assert_eq!(
        retry.1.as_array().map(Vec::len),
        Some(1),
        "with what may still go"
    );

    let jobs = first_reminders(&app, &all).await;
    assert_eq!(
        (jobs[0].0.as_str(), jobs[0].1.as_str()),
        ("skipped", "paid")
    );
    assert_eq!(
        (jobs[1].0.as_str(), jobs[1].1.as_str()),
        ("skipped", "void")
    );
    assert_eq!(
        (jobs[2].0.as_str(), jobs[2].1.as_str()),
        ("cancelled", "paused")
    );
    assert_eq!(jobs[3].0, "sent");
    assert!(!jobs[3].2.is_empty(), "Resend's id is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_retry_answered_409_finds_the_request_that_went_and_sends_nothing_more() {
    let (app, stand_in, clock, engine) = scene().await;
    let (user, all) = ada_with(&app, 3).await;

    stand_in.script(LOST_ANSWER);
    let report = until_first_request(&engine, &clock, &stand_in).await;
    assert_eq!((report.sent, report.deferred), (0, 3), "{report:?}");
    let went: Vec<String> = {
        let mut keys: Vec<String> = all.iter().flat_map(|i| reminder_keys(i, &[-3])).collect();
        keys.sort();
        keys
    };
    assert_eq!(stand_in.sent_keys(), went, "Resend took the first try");

    // The client pays one meanwhile: the retry leaves it out, Resend answers 409 (the key
    // went with another body), and the first request asked again gives back its ids.
    assert_eq!(user.pay(&all[0], "201.56").await.status, 200);
    let report = tick_after(&engine, &clock, 10).await;
    assert_eq!(
        report.sent, 3,
        "all three went with the first try: {report:?}"
    );
    assert_eq!(stand_in.sent_keys(), went, "nothing sent again");
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 5, "three tries, the 409, the question");
    assert!(requests.iter().all(|(key, _)| key == &requests[0].0));
    assert_eq!(requests[3].1.as_array().map(Vec::len), Some(2));
    assert_eq!(
        requests[4].1, requests[0].1,
        "the first request, asked again"
    );
    let accepted = stand_in.accepted_ids();
    for (invoice, job) in all.iter().zip(first_reminders(&app, &all).await) {
        assert_eq!(job.0, "sent", "{invoice}");
        let key = format!("paytrack-{invoice}-reminder:-3");
        assert_eq!(Some(&job.2), accepted.get(&key), "Resend's own id");
    }
    // The paid invoice is chased no more.
    run_days(&engine, &clock, 10).await;
    assert!(
        stand_in
            .sent_keys()
            .iter()
            .all(|k| !k.starts_with(&format!("paytrack-{}", all[0])) || k.ends_with(":-3"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_retry_never_becomes_emails_one_by_one() {
    let (app, stand_in, clock, engine) = scene().await;
    let (_ada, all) = ada_with(&app, 3).await;

    stand_in.script(LOST_ANSWER);
    until_first_request(&engine, &clock, &stand_in).await;
    stand_in.script([Reply::Invalid]);
    let report = tick_after(&engine, &clock, 10).await;
    assert_eq!((report.sent, report.failed), (0, 3), "{report:?}");
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 4);
    assert!(
        requests
            .iter()
            .all(|(key, body)| key == &requests[0].0 && body.is_array()),
        "no email went on its own under its own key"
    );
    assert_eq!(
        stand_in.sent_keys().len(),
        3,
        "each once, with the first try"
    );
    for job in first_reminders(&app, &all).await {
        assert_eq!(job.0, "failed", "{job:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_unconfirmed_for_a_day_is_not_sent_again() {
    let (app, stand_in, clock, engine) = scene().await;
    let (_ada, all) = ada_with(&app, 2).await;

    stand_in.script(LOST_ANSWER);
    until_first_request(&engine, &clock, &stand_in).await;
    // PayTrack's engine is down for a day: Resend has forgotten the key by now, so a repeat
    // would be a second email.
    let report = tick_after(&engine, &clock, 24 * 60).await;
    assert_eq!(report.failed, 2, "{report:?}");
    assert_eq!(stand_in.requests().len(), 3, "not tried again");
    for job in first_reminders(&app, &all).await {
        assert_eq!(job.0, "failed");
        assert!(job.1.contains("does not send it again"), "{}", job.1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rotated_api_key_delays_the_emails_and_fails_none() {
    let (app, stand_in, clock, engine) = scene().await;
    let (_ada, all) = ada_with(&app, 2).await;

    stand_in.script([Reply::Unauthorized, Reply::Unauthorized]);
    let report = until_first_request(&engine, &clock, &stand_in).await;
    assert_eq!((report.sent, report.failed), (0, 0), "{report:?}");
    let report = tick_after(&engine, &clock, 10).await;
    assert_eq!(
        (report.sent, report.failed),
        (0, 0),
        "still refused: {report:?}"
    );
    let report = tick_after(&engine, &clock, 10).await;
    assert_eq!(report.sent, 2, "the key was fixed: {report:?}");
    assert_eq!(stand_in.sent_keys().len(), 2);
    assert!(
        first_reminders(&app, &all)
            .await
            .iter()
            .all(|j| j.0 == "sent")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_single_retry_with_a_changed_body_learns_from_409_that_it_went() {
    let (app, stand_in, clock, engine) = scene().await;
    let user = app.user("ada@example.com").await;
    let client = user.client("Grace Hopper").await;
    let invoice = sent_invoice(&user, &client, 5).await;

    stand_in.script(LOST_ANSWER);
    let report = until_first_request(&engine, &clock, &stand_in).await;
    assert_eq!((report.sent, report.deferred), (0, 1), "{report:?}");
    // Meanwhile the user signs with their full name: the retry is another body under the same
    // key.
    let renamed = user
        .call_form(&UpdateProfile {
            name: "Ada Lovelace".to_string(),
            time_zone: "Europe/Paris".to_string(),
            invoice_prefix: "INV-".to_string(),
        })
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let report = tick_after(&engine, &clock, 10).await;
    assert_eq!(report.sent, 1, "{report:?}");
    let requests = stand_in.requests();
    assert_ne!(requests[0].1, requests.last().unwrap().1);
    assert_eq!(
        stand_in.sent_keys(),
        reminder_keys(&invoice, &[-3]),
        "sent once"
    );
    let job = &first_reminders(&app, std::slice::from_ref(&invoice)).await[0];
    assert_eq!(
        (job.0.as_str(), job.2.as_str()),
        ("sent", ""),
        "no id to show: {job:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deleted_account_leaves_pending_batches_and_the_others_still_go() {
    let (app, stand_in, clock, engine) = scene().await;
    let ada = app.user("ada@example.com").await;
    let ada_client = ada.client("Grace Hopper").await;
    let ada_invoices = invoices(&ada, &ada_client, 2).await;
    let bob = app.user("bob@example.com").await;
    let bob_client = bob.client("Alan Turing").await;
    let bob_invoices = invoices(&bob, &bob_client, 2).await;

    stand_in.script(OUTAGE);
    until_first_request(&engine, &clock, &stand_in).await;
    let batch = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            db.collection::<Document>("email_batches")
                .find_one(doc! {})
                .await
                .unwrap()
                .expect("one batch")
        }
    };
    assert_eq!(batch(&app).await.get_array("emails").unwrap().len(), 4);

    ada.delete_account("ada@example.com").await;
    let stored = batch(&app).await;
    let raw = serde_json::to_string(&stored).unwrap();
    assert!(
        !raw.contains("Grace Hopper") && !raw.contains("grace.hopper"),
        "{raw}"
    );
    assert_eq!(stored.get_array("emails").unwrap().len(), 2);

    let report = tick_after(&engine, &clock, 10).await;
    assert_eq!(report.sent, 2, "{report:?}");
    let bob_keys: Vec<String> = {
        let mut keys: Vec<String> = bob_invoices
            .iter()
            .flat_map(|i| reminder_keys(i, &[-3]))
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(stand_in.sent_keys(), bob_keys);
    assert!(ada_invoices.iter().all(|i| ObjectId::parse_str(i).is_ok()));
}
