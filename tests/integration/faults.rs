//! Money and email stay right when the database fails: faults injected for real, with the
//! database's own failpoints, on a database of the test's own (failpoints are server-wide).

use mongodb::bson::{Document, doc, oid::ObjectId};

use crate::common::billing::User;
use crate::common::{
    OwnDatabase, TestApp, allow_all, refuse, refuse_after, refuse_with, spawn_app_on,
};

/// A server on a database of the test's own, whose failpoints touch no other test.
async fn own_database() -> (OwnDatabase, TestApp) {
    let database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    (database, app)
}

/// A sent invoice of 201.56 for a new client.
async fn sent_invoice(ada: &User<'_>) -> String {
    let client = ada.client("Acme").await;
    let (invoice, _) = ada.draft(&client).await;
    assert_eq!(ada.send(&invoice).await.status, 200);
    invoice
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_sent_while_the_database_refuses_updates_still_gets_its_email() {
    let database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (invoice, _) = ada.draft(&client).await;

    // Scheduling the email is an `update`; the status change that sends is not, and the two
    // `update`s in its transaction (what the user's and the client's open invoices now owe)
    // are let through.
    refuse_after(&app.db, &["update"], 2).await;
    let sent = ada.send(&invoice).await;
    allow_all(&app.db).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["document"]["status"], "Open", "{}", sent.body);

    let id = ObjectId::parse_str(&invoice).unwrap();
    let jobs = app.db.collection::<Document>("email_jobs");
    let invoice_job = doc! { "invoice_id": id, "step": "invoice" };
    assert_eq!(app.count("email_jobs", invoice_job.clone()).await, 0);
    // Meanwhile the owner reads that the email is on its way, not that it never went.
    let timeline = ada
        .form("/api/reminders/invoice", &[("id", invoice.as_str())])
        .await;
    assert_eq!(
        timeline.body["timeline"][0]["note"], "Goes out within a minute.",
        "{}",
        timeline.body
    );

    // The engine's next pass finds the sent invoice without its email and sends it, once.
    let report = app.state.engine.tick().await.unwrap();
    assert_eq!(report.rescheduled, 1, "{report:?}");
    assert_eq!(report.sent, 1, "{report:?}");
    let job = jobs.find_one(invoice_job.clone()).await.unwrap().unwrap();
    assert_eq!(job.get_str("state").unwrap(), "sent");
    let report = app.state.engine.tick().await.unwrap();
    assert_eq!((report.rescheduled, report.sent), (0, 0), "{report:?}");
    assert_eq!(app.count("email_jobs", invoice_job).await, 1);
    let to_client = doc! { "kind": "invoice" };
    assert_eq!(app.count("outbox", to_client).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_the_database_cannot_write_is_refused_and_changes_nothing() {
    let (_database, app) = own_database().await;
    let ada = app.user("ada@example.test").await;
    let invoice = sent_invoice(&ada).await;

    // The database timed out (code 89): "try again in a moment", not "our fault".
    refuse_with(&app.db, &["findAndModify", "update"], 89).await;
    let refused = ada.pay(&invoice, "201.56").await;
    allow_all(&app.db).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.body, serde_json::json!("Unavailable"));
    assert_eq!(
        paytrack::error::AppError::Unavailable.to_string(),
        "PayTrack can't reach its database right now. Please try again in a moment."
    );
    let unchanged = ada.invoice(&invoice).await.body;
    assert_eq!(unchanged["document"]["status"], "Open");
    assert_eq!(unchanged["document"]["payments"], serde_json::json!([]));

    // Tried again once the database answers: recorded once.
    assert_eq!(ada.pay(&invoice, "201.56").await.status, 200);
    let paid = ada.invoice(&invoice).await.body;
    assert_eq!(paid["document"]["status"], "Paid");
    assert_eq!(paid["document"]["payments"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_whose_monthly_total_cannot_be_written_is_not_recorded_at_all() {
    let (_database, app) = own_database().await;
    let ada = app.user("ada@example.test").await;
    let invoice = sent_invoice(&ada).await;

    // The invoice's own change (findAndModify) would pass; what it owes and the month's total
    // (updates) fail inside the same transaction, so none lands.
    let owed = app.db.collection::<Document>("owed");
    let owed_before = owed.find_one(doc! {}).await.unwrap().unwrap();
    refuse_with(&app.db, &["update"], 89).await;
    let refused = ada.pay(&invoice, "201.56").await;
    allow_all(&app.db).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    let unchanged = ada.invoice(&invoice).await.body;
    assert_eq!(unchanged["document"]["status"], "Open");
    assert_eq!(unchanged["document"]["payments"], serde_json::json!([]));
    let months = app.db.collection::<Document>("collected_monthly");
    assert_eq!(app.count("collected_monthly", doc! {}).await, 0);
    assert_eq!(owed.find_one(doc! {}).await.unwrap().unwrap(), owed_before);

    assert_eq!(ada.pay(&invoice, "201.56").await.status, 200);
    let month = months.find_one(doc! {}).await.unwrap().unwrap();
    assert_eq!(month.get_i64("amount_minor").unwrap(), 20_156);
    assert_eq!(month.get_str("month").unwrap(), "2026-01");
    let paid_off = owed.find_one(doc! {}).await.unwrap().unwrap();
    assert!(
        paid_off.get_document("days").unwrap().is_empty(),
        "{paid_off}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stripe_payment_the_database_cannot_write_is_recorded_once_on_redelivery() {
    use crate::stripe_payments::{KEY, TOTAL, outbox, redeliver, send_one};

    let (_database, app, stripe) = crate::stripe_connect::app_with_stripe_on_own_database().await;
    let ada = app.user("ada@example.test").await;
    ada.form("/api/stripe/connect", &[("key", KEY)]).await;
    let client = ada.client("Acme").await;
    let sent = send_one(&ada, &client).await;

    // The webhook arrives while the database refuses writes: Stripe is told to try again.
    refuse(&app.db, &["findAndModify", "update", "insert"]).await;
    let event = stripe.pay(&sent.link, "paid").await.unwrap();
    let again = redeliver(&app, &stripe, &event).await;
    allow_all(&app.db).await;
    assert!(again >= 500, "a failure Stripe retries, got {again}");
    let before = ada.invoice(&sent.id).await.body;
    assert_eq!(before["document"]["status"], "Open", "nothing half-written");

    // Stripe redelivers: paid once, told once — and again changes nothing.
    assert_eq!(redeliver(&app, &stripe, &event).await, 200);
    assert_eq!(redeliver(&app, &stripe, &event).await, 200);
    let paid = ada.invoice(&sent.id).await.body;
    assert_eq!(paid["document"]["status"], "Paid");
    assert_eq!(paid["document"]["totals"]["paid"]["minor"], TOTAL);
    assert_eq!(outbox(&app, "got_paid").await.len(), 1);
}
