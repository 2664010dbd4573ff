//! Resend's delivery webhooks: signed the way Resend (Svix) signs them, handled once per event
//! id, and a bounce of an invoice email marks that invoice's client (and no one else's) for
//! the user to see.

use mongodb::bson::{Document, doc};
use paytrack::server::email::webhook_signature::sign;
use serde_json::json;

use crate::common::{TestApp, spawn_app_with, test_mongodb_uri};
use paytrack::api::clients::{CreateClient, UpdateClient};

/// A signing secret made for these tests, in Resend's format (`whsec_` and base64).
static SECRET: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    use base64::Engine as _;
    let bytes = b"paytrack integration tests only";
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
});

async fn app_with_webhooks() -> TestApp {
    spawn_app_with(
        &test_mongodb_uri(),
        &[("RESEND_WEBHOOK_SECRET", SECRET.as_str())],
    )
    .await
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn bounce(to: &str) -> String {
    json!({
        "type": "email.bounced",
        "created_at": "2026-11-27T09:00:00.000Z",
        "data": {
            "email_id": "56761188-7520-42d8-8898-ff6fc54ce618",
            "from": "PayTrack <billing@paytrack.test>",
            "to": [to],
            "subject": "Invoice INV-0001",
            "bounce": { "message": "The recipient's mailbox does not exist.", "type": "Permanent" }
        }
    })
    .to_string()
}

async fn deliver(app: &TestApp, id: &str, timestamp: i64, signature: &str, body: &str) -> u16 {
    app.post_resend_event(id, timestamp, signature, body).await
}

/// The Resend id of the invoice email sent for `invoice`.
async fn email_id_of(app: &TestApp, invoice: &str) -> String {
    let invoice = mongodb::bson::oid::ObjectId::parse_str(invoice).unwrap();
    let job = app
        .db
        .collection::<Document>("email_jobs")
        .find_one(doc! { "invoice_id": invoice, "step": "invoice" })
        .await
        .unwrap()
        .expect("the invoice email was sent");
    job.get_str("provider_id").unwrap().to_string()
}

fn bounce_of(email_id: &str, to: &str) -> String {
    bounce(to).replace("56761188-7520-42d8-8898-ff6fc54ce618", email_id)
}

async fn all_clients(app: &TestApp) -> Vec<Document> {
    use futures::TryStreamExt;
    let clients = app.db.collection::<Document>("clients");
    clients
        .find(doc! {})
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

async fn problem_of(user: &crate::common::billing::User<'_>, client: &str) -> serde_json::Value {
    let detail = user.form("/api/clients/get", &[("id", client)]).await.body;
    detail["summary"]["email_problem"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_bounce_marks_only_the_client_the_email_went_to_once() {
    let app = app_with_webhooks().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme Buyer").await; // acme.buyer@client.test
    // Another user bills the same person, with the address in other capitals.
    let bob = app.user("bob@example.test").await;
    let mut input = crate::common::billing::client_input("Acme Buyer");
    input.emails = "Acme.Buyer@Client.TEST".to_string();
    let saved = bob.call(&CreateClient { input }).await;
    let bobs_client = saved.body["Saved"]["id"].as_str().unwrap().to_string();
    let (invoice, _) = ada.draft(&client).await;
    assert_eq!(ada.send(&invoice).await.status, 200);
    let email_id = email_id_of(&app, &invoice).await;

    // An event about no email PayTrack sent for an invoice (here an id it never gave) is
    // acknowledged and changes nothing, for anyone.
    let stranger = bounce("acme.buyer@client.test");
    let at = now();
    let signature = sign(&SECRET, "msg_unknown", at, stranger.as_bytes()).unwrap();
    assert_eq!(
        deliver(&app, "msg_unknown", at, &signature, &stranger).await,
        200
    );
    assert!(problem_of(&ada, &client).await.is_null());
    assert!(problem_of(&bob, &bobs_client).await.is_null());

    // The bounce of Ada's invoice email (Resend lower-cases the address) marks Ada's client.
    let body = bounce_of(&email_id, "ACME.buyer@client.test");
    let signature = sign(&SECRET, "msg_bounce_1", at, body.as_bytes()).unwrap();
    assert_eq!(
        deliver(&app, "msg_bounce_1", at, &signature, &body).await,
        200
    );
    let problem = problem_of(&ada, &client).await;
    let problem = problem.as_str().unwrap();
    assert!(
        problem.contains("acme.buyer@client.test") && problem.contains("bounced"),
        "{problem}"
    );
    // Bob's client with the same address is not Ada's business.
    assert!(problem_of(&bob, &bobs_client).await.is_null());

    // A redelivery of the same event changes nothing (not even the date).
    let before = all_clients(&app).await;
    assert_eq!(
        deliver(&app, "msg_bounce_1", at, &signature, &body).await,
        200
    );
    assert_eq!(all_clients(&app).await, before);

    // The day is told where the user is (Paris): a bounce at 23:30 UTC on 30 November was on
    // 1 December there.
    let late_evening = mongodb::bson::DateTime::parse_rfc3339_str("2026-11-30T23:30:00Z").unwrap();
    app.db
        .collection::<Document>("clients")
        .update_one(
            doc! { "_id": mongodb::bson::oid::ObjectId::parse_str(&client).unwrap() },
            doc! { "$set": { "email_problem.at": late_evening } },
        )
        .await
        .unwrap();
    let problem = problem_of(&ada, &client).await;
    assert!(
        problem
            .as_str()
            .unwrap()
            .contains("bounced on Tue 1 Dec 2026:"),
        "{problem}"
    );

    // Fixing the address clears the warning.
    let mut input = crate::common::billing::client_input("Acme Buyer");
    input.emails = "payables@acme.test".to_string();
    let id = client.clone();
    ada.call(&UpdateClient { id, input }).await;
    assert!(problem_of(&ada, &client).await.is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_stale_or_unsigned_events_are_refused_and_change_nothing() {
    let app = app_with_webhooks().await;
    let ada = app.user("ada@example.test").await;
    ada.client("Acme Buyer").await;
    let body = bounce("acme.buyer@client.test");
    let at = now();
    let forged = sign("whsec_b3RoZXJzZWNyZXQ=", "msg_2", at, body.as_bytes()).unwrap();
    assert_eq!(deliver(&app, "msg_2", at, &forged, &body).await, 401);
    let stale_at = at - 10 * 60;
    let stale = sign(&SECRET, "msg_3", stale_at, body.as_bytes()).unwrap();
    assert_eq!(deliver(&app, "msg_3", stale_at, &stale, &body).await, 401);
    let genuine = sign(&SECRET, "msg_4", at, body.as_bytes()).unwrap();
    let tampered = body.replace("acme.buyer", "someone.else");
    assert_eq!(deliver(&app, "msg_4", at, &genuine, &tampered).await, 401);
    assert_eq!(deliver(&app, "msg_5", at, "", &body).await, 401);

    let marked = app
        .count("clients", doc! { "email_problem": { "$exists": true } })
        .await;
    assert_eq!(marked, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_secret_the_endpoint_is_off() {
    let app = crate::common::spawn_app().await;
    let body = bounce("acme.buyer@client.test");
    let at = now();
    let signature = sign(&SECRET, "msg_6", at, body.as_bytes()).unwrap();
    assert_eq!(deliver(&app, "msg_6", at, &signature, &body).await, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounced_invoice_email_holds_its_reminders_until_the_address_is_fixed() {
    let app = app_with_webhooks().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme Buyer").await;
    // Issued today and due a year ahead, so reminders are planned.
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let mut input = crate::common::billing::invoice_input(&client);
    input.issue_date = today.to_string();
    input.due_date = today
        .checked_add(jiff::Span::new().years(1))
        .unwrap()
        .to_string();
    let (invoice, _) = ada.draft_with(input).await;
    assert_eq!(ada.send(&invoice).await.status, 200);
    let jobs = app.db.collection::<Document>("email_jobs");
    assert_eq!(
        app.count("email_jobs", doc! { "state": "scheduled" }).await,
        1,
        "the first reminder is planned"
    );
    let sent = jobs
        .find_one(doc! { "step": "invoice" })
        .await
        .unwrap()
        .expect("the invoice email was sent");
    assert_eq!(sent.get_str("state").unwrap(), "sent");
    let email_id = sent.get_str("provider_id").unwrap().to_string();
    let event = |kind: &str| {
        json!({
            "type": kind,
            "created_at": "2026-11-27T09:00:00.000Z",
            "data": { "email_id": email_id, "to": ["acme.buyer@client.test"], "subject": "Invoice" }
        })
        .to_string()
    };

    let delivered = event("email.delivered");
    let at = now();
    let signature = sign(&SECRET, "msg_delivered", at, delivered.as_bytes()).unwrap();
    assert_eq!(
        deliver(&app, "msg_delivered", at, &signature, &delivered).await,
        200
    );
    let timeline = ada
        .form("/api/reminders/invoice", &[("id", invoice.as_str())])
        .await;
    assert!(
        timeline.body["timeline"][0]["note"]
            .as_str()
            .unwrap()
            .ends_with("delivered."),
        "{}",
        timeline.body
    );

    let bounced = event("email.bounced");
    let signature = sign(&SECRET, "msg_bounced", at, bounced.as_bytes()).unwrap();
    assert_eq!(
        deliver(&app, "msg_bounced", at, &signature, &bounced).await,
        200
    );
    let timeline = ada
        .form("/api/reminders/invoice", &[("id", invoice.as_str())])
        .await;
    assert_eq!(timeline.body["state"], "bounced", "{}", timeline.body);
    assert!(
        timeline.body["summary"]
            .as_str()
            .unwrap()
            .contains("acme.buyer@client.test")
    );
    assert_eq!(
        app.count("email_jobs", doc! { "state": "scheduled" }).await,
        0,
        "nothing stays scheduled for a bounced address"
    );
    // A late "delivered" does not hide the bounce.
    let signature = sign(&SECRET, "msg_delivered_late", at, delivered.as_bytes()).unwrap();
    deliver(&app, "msg_delivered_late", at, &signature, &delivered).await;
    let sent = jobs
        .find_one(doc! { "step": "invoice" })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sent.get_str("delivery").unwrap(), "bounced");

    // Fixing the address lifts the hold and plans the next reminder again.
    let mut input = crate::common::billing::client_input("Acme Buyer");
    input.emails = "buyer@acme.test".to_string();
    let id = client.clone();
    let fixed = ada.call(&UpdateClient { id, input }).await;
    assert_eq!(fixed.status, 200, "{}", fixed.body);
    let timeline = ada
        .form("/api/reminders/invoice", &[("id", invoice.as_str())])
        .await;
    assert_ne!(timeline.body["state"], "bounced", "{}", timeline.body);
    assert_eq!(
        app.count("email_jobs", doc! { "state": "scheduled" }).await,
        1
    );
}
