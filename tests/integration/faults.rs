//! Money and email stay right when the database fails: faults injected for real, with the
//! database's own failpoints, on a database of the test's own (failpoints are server-wide).

use mongodb::bson::{Document, doc, oid::ObjectId};

use crate::common::{OwnDatabase, allow_all, refuse, spawn_app_on};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_sent_while_the_database_refuses_updates_still_gets_its_email() {
    let database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (invoice, _) = ada.draft(&client).await;

    // Scheduling the email is an `update`; the status change that sends is not.
    refuse(&app.db, &["update"]).await;
    let sent = ada.send(&invoice).await;
    allow_all(&app.db).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["document"]["status"], "Open", "{}", sent.body);

    let id = ObjectId::parse_str(&invoice).unwrap();
    let jobs = app.db.collection::<Document>("email_jobs");
    let invoice_job = doc! { "invoice_id": id, "step": "invoice" };
    assert_eq!(jobs.count_documents(invoice_job.clone()).await.unwrap(), 0);
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
    assert_eq!(jobs.count_documents(invoice_job).await.unwrap(), 1);
    let outbox = app.db.collection::<Document>("outbox");
    let to_client = doc! { "kind": "invoice" };
    assert_eq!(outbox.count_documents(to_client).await.unwrap(), 1);
}
