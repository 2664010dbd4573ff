//! A client's promise to pay, made on the invoice's page: reminders wait until the morning
//! after the day, the user is told, a missed promise gets its own reminder (once), the user
//! can clear it, and each client's page and the dashboard show how they pay. The real server,
//! database and engine; Resend is the stand-in.

use std::sync::Arc;

use jiff::Timestamp;
use mongodb::bson::{Document, doc, oid::ObjectId};
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
use crate::common::rate_window::start_inside_one_window;
use crate::common::resend::{
    ResendStandIn, engine, paris_date, run_days, scheduled_reminder_jobs, signed_in,
};
use crate::common::{TestApp, rerun_migration, spawn_app_with, test_mongodb_uri};

async fn scene() -> (TestApp, ResendStandIn, String) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_names_the_clients_who_pay_latest_to_their_owner_only() {
    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let late = client(&ada, "Late Larry").await;
    let prompt = client(&ada, "Prompt Pia").await;
    // Larry pays 10 and 20 days late; Pia on the day.
    for overdue in [10, 20] {
        let (id, _) = sent(&ada, &late, -overdue - 5, -overdue).await;
        pay_today(&ada, &id).await;
    }
    let (on_time, _) = sent(&ada, &prompt, 0, 0).await;
    pay_today(&ada, &on_time).await;

    let larry = ada.ok_form(&GetClient { id: late.clone() }).await;
    assert_eq!(larry.habits.paid, 2);
    assert_eq!(larry.habits.average_days_late, Some(15));
    assert_eq!(
        larry.habits.lateness(),
        "Pays 15 days late on average (2 invoices)."
    );
    let dashboard = ada.ok_form(&LoadDashboard {}).await;
    let names: Vec<&str> = dashboard
        .late_payers
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["Late Larry"], "Pia pays on time");
    assert_eq!(dashboard.late_payers[0].client_id, late);

    let bob = signed_in(&app, &stand_in, "bob@example.com").await;
    assert!(bob.ok_form(&LoadDashboard {}).await.late_payers.is_empty());
}

async fn user_id(app: &TestApp, email: &str) -> ObjectId {
    let user = app.db.collection::<Document>("users");
    let user = user
        .find_one(doc! { "email": email })
        .await
        .unwrap()
        .unwrap();
    user.get_object_id("_id").unwrap()
}

/// Makes every kept list of who pays latest older than it is read as it is, returning when
/// they were kept now.
async fn age_kept_lists(app: &TestApp) -> mongodb::bson::DateTime {
    let fresh_for = paytrack::server::db::late_payers::FRESH_FOR.as_millis() as i64;
    let now = mongodb::bson::DateTime::now().timestamp_millis();
    let long_ago = mongodb::bson::DateTime::from_millis(now - fresh_for - 1_000);
    app.db
        .collection::<Document>("late_payers")
        .update_many(doc! {}, doc! { "$set": { "kept_at": long_ago } })
        .await
        .unwrap();
    long_ago
}

/// The ids of the clients who pay latest as the dashboard lists them, and as the clients
/// themselves say, read afresh.
async fn kept_and_live(app: &TestApp, user: &User<'_>) -> (Vec<String>, Vec<String>) {
    use futures::TryStreamExt;
    let kept = user.ok_form(&LoadDashboard {}).await.late_payers;
    let owner = user_id(app, "ada@example.com").await;
    let (filter, order, _) = paytrack::server::db::late_payers::query(owner);
    let live: Vec<Document> = app
        .db
        .collection::<Document>("clients")
        .find(filter)
        .sort(order)
        .limit(5)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    (
        kept.into_iter().map(|p| p.client_id).collect(),
        live.iter()
            .map(|c| c.get_object_id("_id").unwrap().to_hex())
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_pays_latest_follows_each_change_and_heals_within_a_minute_of_a_missed_one() {
    use paytrack::api::clients::{ArchiveClient, UpdateClient};

    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let names = |payers: &[paytrack::domain::pay_habits::LatePayer]| {
        payers.iter().map(|p| p.name.clone()).collect::<Vec<_>>()
    };
    let larry = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &larry, -15, -10).await;
    pay_today(&ada, &id).await;
    let (kept, live) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, vec![larry.clone()]);
    assert_eq!(kept, live);

    // A later payer goes first.
    let mo = client(&ada, "Slow Mo").await;
    let (id, _) = sent(&ada, &mo, -35, -30).await;
    pay_today(&ada, &id).await;
    let (kept, live) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, [mo.clone(), larry.clone()]);
    assert_eq!(kept, live);

    let mut input = client_input("Lawrence");
    input.emails = "zoe@client.example".to_string();
    let id = larry.clone();
    assert!(matches!(
        ada.ok(&UpdateClient { id, input }).await,
        ClientSave::Saved(_)
    ));
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(names(&payers), ["Slow Mo", "Lawrence"]);

    let id = mo.clone();
    ada.ok_form(&ArchiveClient { id, archived: true }).await;
    let (kept, live) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, vec![larry.clone()]);
    assert_eq!(kept, live);

    let id = mo.clone();
    ada.ok_form(&ArchiveClient {
        id,
        archived: false,
    })
    .await;
    let (kept, live) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, [mo.clone(), larry.clone()]);
    assert_eq!(kept, live);

    // Paid on time now, Larry's average halves (10 → 5 days): still listed, still second.
    let (id, _) = sent(&ada, &larry, 0, 0).await;
    pay_today(&ada, &id).await;
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(names(&payers), ["Slow Mo", "Lawrence"]);
    assert_eq!(payers[1].habits.average_days_late, Some(5));

    // A process killed between renaming a client and keeping the list: the kept list shows
    // the old name until it is older than a minute, then the list is worked out again.
    let clients = app.db.collection::<Document>("clients");
    let oid = ObjectId::parse_str(&mo).unwrap();
    let rename = doc! { "$set": { "name": "Mo Renamed" } };
    clients
        .update_one(doc! { "_id": oid }, rename)
        .await
        .unwrap();
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(names(&payers), ["Slow Mo", "Lawrence"]);
    age_kept_lists(&app).await;
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(names(&payers), ["Mo Renamed", "Lawrence"]);
}

/// A stale list is worked out by one request at a time: while one does, the user's other
/// dashboards show the list as kept, and the next read after it worked it out anew.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_one_request_works_out_a_stale_list_the_others_read_it_as_kept() {
    use paytrack::server::db::late_payers::Refreshing;

    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let larry = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &larry, -15, -10).await;
    pay_today(&ada, &id).await;
    let (kept, _) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, vec![larry.clone()]);

    let owner = user_id(&app, "ada@example.com").await;
    // Renamed behind the list's back, and the list kept over a minute ago.
    let oid = ObjectId::parse_str(&larry).unwrap();
    app.db
        .collection::<Document>("clients")
        .update_one(doc! { "_id": oid }, doc! { "$set": { "name": "Lawrence" } })
        .await
        .unwrap();
    let long_ago = age_kept_lists(&app).await;
    let late_payers = app.db.collection::<Document>("late_payers");

    let turn = Refreshing::claim(owner).expect("no request is working the list out");
    assert!(Refreshing::claim(owner).is_none(), "one turn at a time");
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(
        payers[0].name, "Late Larry",
        "read as kept while another works it out"
    );
    let still = late_payers
        .find_one(doc! { "_id": owner })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.get_datetime("kept_at").unwrap(), &long_ago);

    drop(turn);
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(
        payers[0].name, "Lawrence",
        "worked out anew once the turn is free"
    );
    let kept = late_payers.find_one(doc! { "_id": owner }).await.unwrap();
    assert!(*kept.unwrap().get_datetime("kept_at").unwrap() > long_ago);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_book_from_before_the_list_was_kept_gets_it_at_the_next_start() {
    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let late = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &late, -20, -12).await;
    pay_today(&ada, &id).await;
    let kept = app.db.collection::<Document>("late_payers");
    kept.delete_many(doc! {}).await.unwrap();

    rerun_migration(&app, "2026-12-late-payers").await;
    let lists: Vec<Document> = {
        use futures::TryStreamExt;
        kept.find(doc! {})
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap()
    };
    assert_eq!(lists.len(), 1, "{lists:?}");
    let clients = lists[0].get_array("clients").unwrap();
    assert_eq!(clients.len(), 1);
    let only = clients[0].as_document().unwrap();
    assert_eq!(only.get_object_id("_id").unwrap().to_hex(), late);
    assert_eq!(only.get_str("name").unwrap(), "Late Larry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_paid_before_records_were_kept_get_theirs_at_the_next_start() {
    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let late = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &late, -20, -12).await;
    pay_today(&ada, &id).await;
    // As a client was stored before its record, or the list of who pays latest, was kept.
    let clients = app.db.collection::<Document>("clients");
    let oid = ObjectId::parse_str(&late).unwrap();
    clients
        .update_one(doc! { "_id": oid }, doc! { "$unset": { "habits": "" } })
        .await
        .unwrap();
    let kept = app.db.collection::<Document>("late_payers");
    kept.delete_many(doc! {}).await.unwrap();
    assert!(ada.ok_form(&LoadDashboard {}).await.late_payers.is_empty());
    rerun_migration(&app, "2026-12-pay-habits").await;
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(payers.len(), 1);
    assert_eq!(payers[0].habits.average_days_late, Some(12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_latest_payers_are_read_in_index_order_and_the_read_stops_at_the_limit() {
    use paytrack::domain::pay_habits::PayHabits;
    use paytrack::server::db::late_payers;

    let app = crate::common::spawn_app().await;
    let owner = ObjectId::new();
    let clients = app.db.collection::<Document>("clients");
    // 30 late clients, three at each lateness from 1 to 10 days, created in that order; an
    // archived one latest of all; one on time.
    let record = |days: i64| {
        mongodb::bson::to_document(&PayHabits {
            paid: 1,
            average_days_late: Some(days),
            ..PayHabits::default()
        })
        .unwrap()
    };
    let mut ids = Vec::new();
    for n in 0..30 {
        let id = ObjectId::new();
        ids.push(id);
        let client = doc! { "_id": id, "user_id": owner, "name": format!("Client {n}"), "archived": false, "habits": record(n % 10 + 1) };
        clients.insert_one(client).await.unwrap();
    }
    let archived = doc! { "_id": ObjectId::new(), "user_id": owner, "name": "Gone", "archived": true, "habits": record(99) };
    clients.insert_one(archived).await.unwrap();
    let on_time = doc! { "_id": ObjectId::new(), "user_id": owner, "name": "Prompt", "archived": false, "habits": record(0) };
    clients.insert_one(on_time).await.unwrap();

    let payers = late_payers::refresh(&app.db, owner).await.unwrap();
    let got: Vec<(ObjectId, Option<i64>)> = payers
        .iter()
        .map(|p| (p.id, p.habits.average_days_late))
        .collect();
    // 10 days late: clients 29, 19, 9 (newest first among equals), then 9 days: 28, 18.
    let want = vec![
        (ids[29], Some(10)),
        (ids[19], Some(10)),
        (ids[9], Some(10)),
        (ids[28], Some(9)),
        (ids[18], Some(9)),
    ];
    assert_eq!(got, want);

    let (filter, sort, projection) = late_payers::query(owner);
    let plan = app
        .db
        .run_command(doc! { "explain": {
            "find": "clients", "filter": filter, "sort": sort, "projection": projection, "limit": 5,
        }, "verbosity": "executionStats" })
        .await
        .unwrap();
    let stats = plan.get_document("executionStats").unwrap();
    let examined = |key: &str| {
        stats
            .get_i64(key)
            .or_else(|_| stats.get_i32(key).map(i64::from))
            .unwrap()
    };
    // The archived client is the one read beyond the five: no sort of the other 25 late ones.
    assert!(examined("totalKeysExamined") <= 6, "{plan}");
    assert!(examined("totalDocsExamined") <= 6, "{plan}");
}
