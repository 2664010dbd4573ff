//! Getting paid through the user's own Stripe, against the Stripe stand-in: sending makes a
//! payment link once, the link is in the emails and on the client's page, and a signed
//! webhook marks the invoice paid, stops its reminders and sends the confirmations; a bank
//! debit holds the reminders until it settles; voiding or a part payment closes or replaces
//! the link. The helpers here serve the other Stripe tests.

use mongodb::bson::{Document, doc};
use serde_json::Value;

use crate::common::TestApp;
use crate::common::billing::User;
use crate::stripe_connect::app_with_stripe;
use crate::stripe_stand_in::StripeStandIn;

pub const KEY: &str = "rk_test_51PaymentsStandInKey00001111";

/// The total of `invoice_input`: 201.56 USD.
pub const TOTAL: i64 = 20_156;

pub struct Sent {
    pub id: String,
    pub link: String,
    pub url: String,
}

/// A draft issued today and due in 30 days, so its reminders lie ahead.
async fn draft_due_later(user: &User<'_>, client: &str) -> String {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date();
    let mut input = crate::common::billing::invoice_input(client);
    input.issue_date = today.to_string();
    let due = today.checked_add(jiff::Span::new().days(30)).unwrap();
    input.due_date = due.to_string();
    user.draft_with(input).await.0
}

pub async fn send_one(user: &User<'_>, client: &str) -> Sent {
    let id = draft_due_later(user, client).await;
    let sent = user.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let url = sent.body["document"]["pay_url"]
        .as_str()
        .unwrap_or_else(|| panic!("a pay link: {}", sent.body))
        .to_string();
    // The stand-in's links end in their id.
    let link = url.rsplit("test_").next().unwrap().to_string();
    Sent { id, link, url }
}

pub async fn outbox(app: &TestApp, kind: &str) -> Vec<Document> {
    use futures::TryStreamExt;
    app.db
        .collection::<Document>("outbox")
        .find(doc! { "kind": kind })
        .sort(doc! { "created_at": 1 })
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

pub async fn jobs_in(app: &TestApp, invoice: &str, state: &str) -> u64 {
    let id = mongodb::bson::oid::ObjectId::parse_str(invoice).unwrap();
    app.count("email_jobs", doc! { "invoice_id": id, "state": state })
        .await
}

/// A signed-in user with Stripe connected (with `key`) and one client.
pub async fn with_client<'a>(
    app: &'a TestApp,
    email: &str,
    key: &str,
    client: &str,
) -> (User<'a>, String) {
    let user = app.user(email).await;
    user.connect_stripe(key).await;
    let client = user.client(client).await;
    (user, client)
}

async fn timeline(user: &User<'_>, invoice: &str) -> Value {
    user.form("/api/reminders/invoice", &[("id", invoice)])
        .await
        .body
}

#[tokio::test]
async fn a_sent_invoice_gets_one_payment_link_in_its_email_and_on_the_clients_page() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "freelancer@example.com", KEY, "Acme Corp").await;
    let (id, number) = user.draft(&client).await;

    // Stripe is briefly rate limited: the create is retried under the same key.
    stripe.fail_next(
        1,
        429,
        "rate_limit_error",
        Some("rate_limit"),
        "Too many requests",
    );
    let sent = user.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let url = sent.body["document"]["pay_url"]
        .as_str()
        .unwrap()
        .to_string();

    let account = StripeStandIn::account_of(KEY);
    let links = stripe.objects("payment_link", &account);
    assert_eq!(
        links.len(),
        1,
        "one payment link, however often it was asked for"
    );
    let link = &links[0];
    assert_eq!(link["url"], url);
    assert_eq!(link["currency"], "usd");
    assert_eq!(link["__amount"], TOTAL);
    assert_eq!(link["metadata"]["paytrack_invoice"], id);
    let creates: Vec<_> = stripe
        .received()
        .into_iter()
        .filter(|r| r.path == "/v1/payment_links")
        .collect();
    assert_eq!(creates.len(), 2);
    assert_eq!(creates[0].status, 429);
    assert!(creates[0].idempotency_key.is_some());
    assert_eq!(creates[0].idempotency_key, creates[1].idempotency_key);
    let form = &creates[1].form;
    assert_eq!(
        form["line_items"][0]["price_data"]["unit_amount"],
        TOTAL.to_string()
    );
    assert_eq!(
        form["line_items"][0]["price_data"]["product_data"]["name"],
        format!("Invoice {number}")
    );
    assert_eq!(form["restrictions"]["completed_sessions"]["limit"], "1");
    let public_url = sent.body["public_url"].as_str().unwrap();
    assert_eq!(form["after_completion"]["redirect"]["url"], public_url);

    // The email carries the pay link and the invoice's page.
    let emails = outbox(&app, "invoice").await;
    assert_eq!(emails.len(), 1);
    let text = emails[0].get_str("text").unwrap();
    assert!(text.contains(&format!("Pay $201.56 now: {url}")), "{text}");
    assert!(text.contains(public_url));

    // The client's page shows it.
    let token = public_url.rsplit('/').next().unwrap();
    let public = app.call("/api/public/invoice", &[("token", token)]).await;
    let public: Value = public.json().await.unwrap();
    assert_eq!(public["pay_url"], url);

    // Sending again is refused and makes no second link.
    assert_eq!(user.send(&id).await.status, 422);
    assert_eq!(stripe.objects("payment_link", &account).len(), 1);
}

#[tokio::test]
async fn a_signed_paid_event_marks_the_invoice_paid_once_and_stops_its_reminders() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "paid@example.com", KEY, "Globex").await;
    let sent = send_one(&user, &client).await;
    assert!(
        jobs_in(&app, &sent.id, "scheduled").await >= 1,
        "a reminder is planned"
    );

    let event = stripe.pay(&sent.link, "paid").await.unwrap();
    assert_eq!(event["type"], "checkout.session.completed");

    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["payments"][0]["method"], "Stripe");
    assert_eq!(invoice["document"]["pay_url"], Value::Null);
    assert_eq!(jobs_in(&app, &sent.id, "scheduled").await, 0);
    let reminders = timeline(&user, &sent.id).await;
    assert_eq!(reminders["state"], "done");
    let skipped: Vec<&Value> = reminders["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["step"] != "invoice")
        .collect();
    assert!(!skipped.is_empty());
    assert!(
        skipped
            .iter()
            .all(|item| item["status"] == "Skipped"
                && item["note"].as_str().unwrap().contains("paid")),
        "{skipped:?}"
    );

    // "You got paid" to the user, a receipt to the client.
    let got_paid = outbox(&app, "got_paid").await;
    assert_eq!(got_paid.len(), 1);
    assert_eq!(got_paid[0].get_str("to").unwrap(), "paid@example.com");
    assert!(
        got_paid[0]
            .get_str("text")
            .unwrap()
            .contains("Globex paid $201.56")
    );
    let receipts = outbox(&app, "receipt").await;
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].get_str("to").unwrap(), "globex@client.test");

    // The same event delivered again changes nothing.
    let delivered = redeliver(&app, &stripe, &event).await;
    assert_eq!(delivered, 200);
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["payments"].as_array().unwrap().len(), 1);
    assert_eq!(outbox(&app, "got_paid").await.len(), 1);
    let dashboard = user.form("/api/dashboard", &[]).await.body.to_string();
    assert!(dashboard.contains("Paid through Stripe"), "{dashboard}");
}

#[tokio::test]
async fn two_users_on_one_stripe_account_each_see_their_own_payments() {
    let (app, stripe) = app_with_stripe().await;
    // Bob connects first, so his endpoint hears each event of the account before Ada's does.
    let (bob, bobs_client) = with_client(&app, "bob@example.com", KEY, "Initech").await;
    let (ada, adas_client) = with_client(&app, "ada@example.com", KEY, "Globex").await;
    let adas = send_one(&ada, &adas_client).await;
    let bobs = send_one(&bob, &bobs_client).await;

    stripe.pay(&adas.link, "paid").await.unwrap();
    let invoice = ada.invoice(&adas.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    // Bob's endpoint heard it too and changed nothing of his.
    let invoice = bob.invoice(&bobs.id).await.body;
    assert_eq!(invoice["document"]["status"], "Open", "{invoice}");

    stripe.pay(&bobs.link, "paid").await.unwrap();
    let invoice = bob.invoice(&bobs.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(outbox(&app, "got_paid").await.len(), 2);
}

/// Posts `event` again to the connection's endpoint, signed with its secret, as Stripe would
/// on a redelivery.
pub async fn redeliver(app: &TestApp, stripe: &StripeStandIn, event: &Value) -> u16 {
    let account = event["__account"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| StripeStandIn::account_of(KEY));
    let endpoint = &stripe.objects("webhook_endpoint", &account)[0];
    let url = endpoint["url"].as_str().unwrap();
    assert!(url.starts_with(&app.address));
    stripe
        .deliver(url, endpoint["__secret"].as_str().unwrap(), event)
        .await
}

#[tokio::test]
async fn a_bank_debit_holds_reminders_until_it_settles_or_fails() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "debits@example.com", KEY, "Initech").await;

    // Settles.
    let first = send_one(&user, &client).await;
    let completed = stripe.pay(&first.link.clone(), "processing").await.unwrap();
    let invoice = user.invoice(&first.id).await.body;
    assert_eq!(invoice["document"]["status"], "Open");
    assert_eq!(invoice["document"]["payment_processing"], true);
    assert_eq!(jobs_in(&app, &first.id, "scheduled").await, 0);
    let reminders = timeline(&user, &first.id).await;
    assert_eq!(reminders["state"], "processing");
    assert_eq!(reminders["can_resume"], false);
    assert_eq!(
        user.form("/api/reminders/resume", &[("id", first.id.as_str())])
            .await
            .status,
        422
    );
    let session = completed["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let succeeded = stripe.pay(&session, "succeeded").await.unwrap();
    assert_eq!(
        succeeded["type"],
        "checkout.session.async_payment_succeeded"
    );
    let invoice = user.invoice(&first.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid");
    assert_eq!(invoice["document"]["payment_processing"], false);

    // Out of order: the older "completed" event arrives after the payment settled. Stripe's
    // answer now is "paid", so nothing moves back.
    assert_eq!(redeliver(&app, &stripe, &completed).await, 200);
    assert_eq!(
        user.invoice(&first.id).await.body["document"]["status"],
        "Paid"
    );

    // Fails: chasing starts again.
    let second = send_one(&user, &client).await;
    let completed = stripe
        .pay(&second.link.clone(), "processing")
        .await
        .unwrap();
    let session = completed["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    stripe.pay(&session, "failed").await.unwrap();
    let invoice = user.invoice(&second.id).await.body;
    assert_eq!(invoice["document"]["status"], "Open");
    assert_eq!(invoice["document"]["payment_processing"], false);
    assert!(
        invoice["document"]["pay_url"].is_string(),
        "the link still takes a payment"
    );
    assert_eq!(
        jobs_in(&app, &second.id, "scheduled").await,
        1,
        "the next reminder is planned again"
    );
    assert_ne!(timeline(&user, &second.id).await["state"], "processing");
}

#[tokio::test]
async fn voiding_or_a_part_payment_replaces_or_closes_the_link() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "changes@example.com", KEY, "Hooli").await;

    let voided = send_one(&user, &client).await;
    assert_eq!(
        user.form("/api/invoices/void", &[("id", voided.id.as_str())])
            .await
            .status,
        200
    );
    let link = stripe.object(&voided.link).unwrap();
    assert_eq!(
        link["active"], false,
        "a void invoice's link takes no payment"
    );

    let part = send_one(&user, &client).await;
    let paid = user.pay(&part.id, "100.00").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let old = stripe.object(&part.link).unwrap();
    assert_eq!(old["active"], false);
    let invoice = user.invoice(&part.id).await.body;
    let new_url = invoice["document"]["pay_url"].as_str().unwrap();
    assert_ne!(new_url, part.url);
    let new_link = stripe
        .object(new_url.rsplit("test_").next().unwrap())
        .unwrap();
    assert_eq!(new_link["__amount"], TOTAL - 10_000);
    assert_eq!(new_link["active"], true);

    // Paid in full by hand: the link closes.
    let rest = user.pay(&part.id, "101.56").await;
    assert_eq!(rest.status, 200, "{}", rest.body);
    assert_eq!(
        stripe.object(new_link["id"].as_str().unwrap()).unwrap()["active"],
        false
    );
}
