//! A client's promise to pay, made on the invoice's page: reminders wait until the morning
//! after the day, the user is told, a missed promise gets its own reminder (once), and the user
//! can clear it (how each client pays, on their page and the dashboard: `late_payers.rs`). The
//! real server, database and engine; Resend is the stand-in.

use std::sync::Arc;

use jiff::Timestamp;
use paytrack::api::clients::{ClientSave, CreateClient, GetClient};
use paytrack::api::dashboard::LoadDashboard;
use paytrack::api::invoices::RecordPayment;
use paytrack::api::reminders::{ClearPromise, LoadInvoiceReminders};
use paytrack::domain::client::ClientInput;
use paytrack::domain::payment::PaymentInput;
use paytrack::server::jobs::clock::ManualClock;
use paytrack::server::limits::rate;
use serde_json::{Value, json};

use crate::common::billing::{User, client_input, invoice_input};
use crate::common::chasing::{engine, paris_date, run_days, scheduled_reminder_jobs, signed_in};
use crate::common::rate_window::start_inside_one_window;
use crate::common::resend::ResendStandIn;
use crate::common::{TestApp, spawn_app_with, test_mongodb_uri};

pub(crate) async fn scene() -> (TestApp, ResendStandIn, String) {
    let (resend, stand_in) = ResendStandIn::start().await;
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("RESEND_API_KEY", "re_test_promises"),
            ("RESEND_BASE_URL", &resend),
        ],
    )
    .await;
    (app, stand_in, resend)
}

pub(crate) async fn client(user: &User<'_>, name: &str) -> String {
    let input = ClientInput {
        emails: "zoe@client.example".to_string(),
        ..client_input(name)
    };
    match user.ok(&CreateClient { input }).await {
        ClientSave::Saved(summary) => summary.id,
        ClientSave::Invalid(errors) => panic!("client refused: {errors:?}"),
    }
}

/// An invoice to `client` issued `issued` days from today and due `due` days from today,
/// sent; its id and the secret of its public link.
pub(crate) async fn sent(user: &User<'_>, client: &str, issued: i64, due: i64) -> (String, String) {
    let mut input = invoice_input(client);
    input.issue_date = paris_date(issued);
    input.due_date = paris_date(due);
    let (id, _) = user.draft_with(input).await;
    let answer = user.send(&id).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let token = user
        .app
        .invoice_doc(&id)
        .await
        .get_str("public_token")
        .unwrap()
        .to_string();
    (id, token)
}

/// The client, at the invoice's link, promises to pay by `day`.
async fn promise(app: &TestApp, token: &str, day: &str) -> (u16, Value) {
    let response = app
        .call("/api/public/promise", &[("token", token), ("day", day)])
        .await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn offer(app: &TestApp, token: &str) -> Value {
    let response = app.call("/api/public/invoice", &[("token", token)]).await;
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["promise"].clone()
}

/// Sent reminders of `invoice` (subject by step), in the order they went out.
fn reminders_sent(stand_in: &ResendStandIn, invoice: &str) -> Vec<(String, String)> {
    let prefix = format!("paytrack-{invoice}-reminder:");
    stand_in
        .sent_in_order()
        .into_iter()
        .filter(|key| key.starts_with(&prefix))
        .map(|key| {
            let email = stand_in
                .sent_with_key_prefix(&key)
                .pop()
                .unwrap_or_default();
            let subject = email["subject"].as_str().unwrap_or_default().to_string();
            (key, subject)
        })
        .collect()
}

/// The earliest time a reminder of `invoice` is scheduled for.
async fn next_reminder_at(app: &TestApp, invoice: &str) -> Option<Timestamp> {
    let jobs = scheduled_reminder_jobs(app, invoice).await;
    jobs.iter()
        .filter_map(|j| j.get_datetime("due_at").ok())
        .map(|at| Timestamp::from_millisecond(at.timestamp_millis()).unwrap())
        .min()
}

/// Midnight in Paris, `days` from today.
fn paris_midnight(days: i64) -> Timestamp {
    let date: jiff::civil::Date = paris_date(days).parse().unwrap();
    date.to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .unwrap()
        .timestamp()
}

/// Pays what `id` still owes, dated today.
pub(crate) async fn pay_today(user: &User<'_>, id: &str) {
    let due = user.app.invoice_doc(id).await.get_i64("due_minor").unwrap();
    let payment = PaymentInput {
        amount: format!("{}.{:02}", due / 100, due % 100),
        date: paris_date(0),
        method: "bank_transfer".to_string(),
    };
    let id = id.to_string();
    let answer = user.call(&RecordPayment { id, payment }).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promise_holds_reminders_until_the_morning_after_and_the_user_is_told() {
    let (app, stand_in, resend) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let zoe = client(&ada, "Zoë Ångström").await;
    let (id, token) = sent(&ada, &zoe, 0, 1).await;

    // The page offers any day from today to 30 days ahead.
    let offered = offer(&app, &token).await;
    assert_eq!(offered["open"], true);
    assert_eq!(offered["first"], paris_date(0));
    assert_eq!(offered["last"], paris_date(30));
    assert!(offered["current"].is_null());

    // Days outside the limit, unreadable days and unknown links change nothing.
    let (status, body) = promise(&app, &token, &paris_date(31)).await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("within 30 days"), "{body}");
    let (status, body) = promise(&app, &token, "next Friday").await;
    assert_eq!(status, 400);
    assert!(
        body.to_string().contains("Choose the day you will pay"),
        "{body}"
    );
    assert_eq!(promise(&app, &"ab".repeat(24), &paris_date(5)).await.0, 404);
    assert!(!app.invoice_doc(&id).await.contains_key("promises"));

    // Zoë promises the fifth day: reminders wait until the sixth.
    let (status, body) = promise(&app, &token, &paris_date(5)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["open"], false);
    assert_eq!(body["current"]["day"], paris_date(5));
    assert_eq!(body["current"]["outcome"], "pending");
    let next = next_reminder_at(&app, &id)
        .await
        .expect("a reminder is planned");
    assert!(
        next >= paris_midnight(6),
        "{next} is before the morning after"
    );

    // One promise at a time.
    let (status, body) = promise(&app, &token, &paris_date(7)).await;
    assert_eq!(status, 422);
    assert!(
        body.to_string().contains("You said you would pay by"),
        "{body}"
    );

    // Ada is told by email, on the timeline and on the dashboard.
    let told = stand_in.sent_with_key_prefix(&format!("promise-{id}-"));
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["to"], json!(["ada@example.com"]));
    assert!(
        told[0]["subject"]
            .as_str()
            .unwrap()
            .contains("plans to pay")
    );
    let timeline = ada
        .call_form(&LoadInvoiceReminders { id: id.clone() })
        .await
        .body;
    assert_eq!(timeline["state"], "promised", "{timeline}");
    assert!(
        timeline["summary"]
            .as_str()
            .unwrap()
            .contains("promised to pay by")
    );
    assert_eq!(timeline["promise"]["outcome"], "pending");
    let dashboard = ada.ok_form(&LoadDashboard {}).await;
    assert!(
        dashboard
            .activity
            .iter()
            .any(|a| a.what.contains("promised") && a.invoice_id == id)
    );

    // Three days on, nothing went out; Zoë pays before the day: the promise was kept.
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    run_days(&engine, &clock, 3).await;
    assert!(reminders_sent(&stand_in, &id).is_empty());
    pay_today(&ada, &id).await;
    let zoe_page = ada.ok_form(&GetClient { id: zoe.clone() }).await;
    assert_eq!(zoe_page.habits.promises.kept, 1);
    assert_eq!(
        zoe_page.habits.promises_kept().as_deref(),
        Some("Kept their promise to pay.")
    );
    assert_eq!(zoe_page.habits.lateness(), "Pays on time (1 invoice).");
    assert_eq!(offer(&app, &token).await["open"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_promise_gets_its_own_reminder_once_then_the_policy_goes_on() {
    let (app, stand_in, resend) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let zoe = client(&ada, "Zoë Ångström").await;
    let (id, token) = sent(&ada, &zoe, 0, 1).await;
    assert_eq!(promise(&app, &token, &paris_date(2)).await.0, 200);

    // The due-day reminder waits for the third day and says the day passed; the next is
    // the policy's own.
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    run_days(&engine, &clock, 5).await;
    let sent = reminders_sent(&stand_in, &id);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].0.ends_with("reminder:0"), "{sent:?}");
    assert!(sent[0].1.contains("you planned to pay on"), "{sent:?}");
    assert!(sent[1].0.ends_with("reminder:3"), "{sent:?}");
    assert!(!sent[1].1.contains("planned"), "{sent:?}");
    let missed = stand_in
        .sent_with_key_prefix(&format!("paytrack-{id}-reminder:0"))
        .pop()
        .unwrap();
    assert!(
        missed["text"]
            .as_str()
            .unwrap()
            .contains("You planned to pay invoice")
    );

    // The owner's timeline shows the reminder as it went.
    let timeline = ada
        .call_form(&LoadInvoiceReminders { id: id.clone() })
        .await
        .body;
    let steps = timeline["timeline"].as_array().unwrap();
    let told = steps.iter().find(|s| s["step"] == "reminder:0").unwrap();
    assert_eq!(told["status"], "Sent");
    assert!(
        told["subject"]
            .as_str()
            .unwrap()
            .contains("you planned to pay on"),
        "{told}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_clears_a_promise_and_sets_how_far_ahead_clients_may_promise() {
    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let zoe = client(&ada, "Zoë Ångström").await;
    let (id, token) = sent(&ada, &zoe, 0, 10).await;
    let planned = next_reminder_at(&app, &id).await.unwrap();
    assert_eq!(promise(&app, &token, &paris_date(20)).await.0, 200);
    assert!(next_reminder_at(&app, &id).await.unwrap() > planned);

    // Clearing it puts the policy's dates back, and the client may promise again.
    let cleared = ada.call_form(&ClearPromise { id: id.clone() }).await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert_eq!(cleared.body["state"], "active");
    assert!(cleared.body["promise"].is_null());
    assert_eq!(next_reminder_at(&app, &id).await, Some(planned));
    let again = ada.call_form(&ClearPromise { id: id.clone() }).await;
    assert_eq!(again.status, 422);

    // Bob cannot clear Ada's client's promise.
    assert_eq!(promise(&app, &token, &paris_date(3)).await.0, 200);
    let bob = signed_in(&app, &stand_in, "bob@example.com").await;
    assert_eq!(
        bob.call_form(&ClearPromise { id: id.clone() }).await.status,
        404
    );
    assert_eq!(offer(&app, &token).await["current"]["day"], paris_date(3));

    // A week at most, then: a promise further out is refused, and a bad limit is named.
    let policy = |limit: &str| {
        json!({
            "send_hour": "9",
            "steps": [{ "offset_days": "3", "subject": "Overdue", "body": "Please pay {{pay_link}}" }],
            "promise_limit": limit,
        })
    };
    let saved = ada.json("/api/reminders/save", policy("91")).await;
    assert_eq!(saved.status, 200);
    assert!(
        saved.body["Invalid"]["promise_limit"]
            .as_str()
            .unwrap()
            .contains("from 1 to 90"),
        "{}",
        saved.body
    );
    let saved = ada.json("/api/reminders/save", policy("7")).await;
    assert_eq!(saved.body["Saved"]["promise_limit"], 7, "{}", saved.body);
    let (_, other) = sent(&ada, &zoe, 0, 10).await;
    assert_eq!(offer(&app, &other).await["last"], paris_date(7));
    let (status, body) = promise(&app, &other, &paris_date(8)).await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("within 7 days"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promising_is_rate_limited_per_invoice_and_refused_once_paid() {
    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let zoe = client(&ada, "Zoë Ångström").await;
    let (id, token) = sent(&ada, &zoe, 0, 10).await;
    start_inside_one_window(rate::PROMISE.window).await;
    for _ in 0..10 {
        assert_eq!(promise(&app, &token, "soon").await.0, 400);
    }
    let (status, body) = promise(&app, &token, &paris_date(3)).await;
    assert_eq!(status, 429, "{body}");
    assert!(!app.invoice_doc(&id).await.contains_key("promises"));

    // Another invoice has its own count; once paid, there is nothing to promise.
    let (paid, paid_token) = sent(&ada, &zoe, 0, 10).await;
    pay_today(&ada, &paid).await;
    let (status, body) = promise(&app, &paid_token, &paris_date(3)).await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("paid or cancelled"), "{body}");
    assert_eq!(offer(&app, &paid_token).await["open"], false);
}
