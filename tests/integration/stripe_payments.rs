//! Getting paid through the user's own Stripe, against the Stripe stand-in: sending makes a
//! payment link (or a hosted invoice) once, the link is in the emails and on the client's
//! page, and a signed webhook — or reconciliation, without one — marks the invoice paid,
//! stops its reminders and sends the confirmations. Wrong signatures, stale or replayed
//! events, events out of order and events about unknown invoices change nothing.

use mongodb::bson::{DateTime, Document, doc};
use serde_json::{Value, json};

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
async fn forged_stale_and_unknown_events_change_nothing() {
    use stripe_webhook::Webhook;

    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "careful@example.com", KEY, "Umbrella").await;
    let sent = send_one(&user, &client).await;
    let account = StripeStandIn::account_of(KEY);
    let endpoint = stripe.objects("webhook_endpoint", &account)[0].clone();
    let url = endpoint["url"].as_str().unwrap().to_string();
    let secret = endpoint["__secret"].as_str().unwrap().to_string();

    let event = json!({
        "id": "evt_forged0000000001", "object": "event", "api_version": null, "created": 1_700_000_000,
        "livemode": false, "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null },
        "type": "checkout.session.completed",
        "data": { "object": checkout_session(&sent.link) },
    })
    .to_string();
    let post = |signature: String, to: String, body: String| {
        let http = app.http.clone();
        async move {
            http.post(to)
                .header("stripe-signature", signature)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let wrong = Webhook::generate_test_header(&event, "whsec_notTheEndpoints1", None);
    assert_eq!(post(wrong, url.clone(), event.clone()).await, 400);
    let stale = Webhook::generate_test_header(
        &event,
        &secret,
        Some(jiff::Timestamp::now().as_second() - 600),
    );
    assert_eq!(post(stale, url.clone(), event.clone()).await, 400);
    assert_eq!(post(String::new(), url.clone(), event.clone()).await, 400);
    let good = Webhook::generate_test_header(&event, &secret, None);
    let unknown_hook = format!(
        "{}/webhooks/stripe/connected/{}",
        app.address,
        "A".repeat(43)
    );
    assert_eq!(post(good.clone(), unknown_hook, event.clone()).await, 404);
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Open"
    );

    // Properly signed, but Stripe has no such session when asked: the "paid" in the body is
    // not believed.
    assert_eq!(post(good, url.clone(), event.clone()).await, 200);
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Open"
    );

    // An event about a payment link PayTrack did not make is acknowledged and ignored.
    let foreign = json!({
        "id": "evt_foreign000000001", "object": "event", "api_version": null, "created": 1_700_000_000,
        "livemode": false, "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null },
        "type": "checkout.session.completed",
        "data": { "object": checkout_session("plink_notpaytracks") },
    })
    .to_string();
    let signed = Webhook::generate_test_header(&foreign, &secret, None);
    let response = app
        .http
        .post(&url)
        .header("stripe-signature", signed)
        .body(foreign)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("not a PayTrack invoice")
    );
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Open"
    );
}

/// A completed, paid-looking checkout session of `link`, in Stripe's shape.
fn checkout_session(link: &str) -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/stripe/fixtures3.json"
    ))
    .unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    let mut session = all["resources"]["checkout.session"].clone();
    let link = if link.starts_with("plink_") {
        link.to_string()
    } else {
        format!("plink_{link}")
    };
    session["payment_link"] = json!(link);

    session["payment_status"] = json!("paid");
    session["status"] = json!("complete");
    session
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

#[tokio::test]
async fn a_hosted_invoice_mirrors_the_total_reuses_the_customer_and_reports_paid() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("hosted@example.com").await;
    user.connect_stripe(KEY).await;
    assert_eq!(
        user.form("/api/stripe/pay-with", &[("mode", "hosted_invoice")])
            .await
            .status,
        200
    );
    let client = user.client("Stark Industries").await;
    let account = StripeStandIn::account_of(KEY);

    let (id, number) = user.draft(&client).await;
    let sent = user.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let url = sent.body["document"]["pay_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.starts_with("https://invoice.stripe.com/"), "{url}");
    let invoices = stripe.objects("invoice", &account);
    assert_eq!(invoices.len(), 1);
    let stripe_invoice = &invoices[0];
    assert_eq!(stripe_invoice["status"], "open");
    assert_eq!(stripe_invoice["amount_due"], TOTAL);
    assert_eq!(stripe_invoice["collection_method"], "send_invoice");
    assert_eq!(stripe_invoice["metadata"]["paytrack_number"], number);
    let customers = stripe.objects("customer", &account);
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0]["email"], "stark.industries@client.test");
    // Stripe's own emails stay off: PayTrack never asks Stripe to send the invoice.
    assert!(!stripe.received().iter().any(|r| r.path.ends_with("/send")));

    // A second invoice for the same client reuses the customer.
    let (second, _) = user.draft(&client).await;
    assert_eq!(user.send(&second).await.status, 200);
    assert_eq!(stripe.objects("customer", &account).len(), 1);

    // Receipts to clients switched off: only the user hears of it.
    let emails = user
        .form(
            "/api/stripe/payment-emails",
            &[("notify_paid", "true"), ("client_receipts", "false")],
        )
        .await;
    assert_eq!(emails.status, 200);
    let event = stripe
        .pay(stripe_invoice["id"].as_str().unwrap(), "paid")
        .await
        .unwrap();
    assert_eq!(event["type"], "invoice.paid");
    let invoice = user.invoice(&id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid");
    assert_eq!(
        invoice["document"]["payments"][0]["amount"]["minor"], TOTAL,
        "{invoice}"
    );
    assert_eq!(invoice["document"]["pay_url"], Value::Null);
    assert_eq!(outbox(&app, "got_paid").await.len(), 1);
    assert!(outbox(&app, "receipt").await.is_empty());
}

#[tokio::test]
async fn without_a_webhook_reconciliation_finds_the_payment_and_backs_off_on_rate_limits() {
    use paytrack::server::jobs::reconcile::pass;

    let (app, stripe) = app_with_stripe().await;
    let user = app.user("polling@example.com").await;
    let connected = user
        .connect_stripe("rk_test_51nowebhooksPollingKey222233")
        .await;
    assert_eq!(connected["Connected"]["webhook"], "Missing");
    let client = user.client("Wayne Enterprises").await;
    let sent = send_one(&user, &client).await;

    // Nothing is due yet: the first look is ten minutes after sending.
    let report = pass(&app.state, DateTime::now()).await.unwrap();
    assert_eq!(report.checked, 0);
    let later =
        |minutes: i64| DateTime::from_millis(DateTime::now().timestamp_millis() + minutes * 60_000);

    // Still unpaid: looked at, and the next look is 15 minutes on.
    let report = pass(&app.state, later(11)).await.unwrap();
    assert_eq!((report.checked, report.paid), (1, 0));

    // The client pays; no webhook arrives (none is registered).
    stripe.pay(&sent.link, "paid").await.unwrap();
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Open"
    );

    // A rate limit defers the check.
    stripe.fail_next(
        3,
        429,
        "rate_limit_error",
        Some("rate_limit"),
        "Too many requests",
    );
    let report = pass(&app.state, later(30)).await.unwrap();
    assert_eq!((report.checked, report.deferred), (0, 1));
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Open"
    );
    // Not again within the backoff…
    let report = pass(&app.state, later(31)).await.unwrap();
    assert_eq!(report.checked + report.deferred, 0);
    // …then found paid, with the same confirmations as from a webhook, and never looked at again.
    let report = pass(&app.state, later(45)).await.unwrap();
    assert_eq!((report.checked, report.paid), (1, 1));
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid");
    assert_eq!(outbox(&app, "got_paid").await.len(), 1);
    let report = pass(&app.state, later(24 * 60)).await.unwrap();
    assert_eq!(report.checked, 0);
}

#[tokio::test]
async fn a_revoked_key_stops_sends_with_what_to_do_and_the_user_is_told_once() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "revoked@example.com", KEY, "Cyberdyne").await;
    stripe.revoke(KEY);

    let (id, _) = user.draft(&client).await;
    let refused = user.send(&id).await;
    assert_eq!(refused.status, 422);
    let message = refused.body.to_string();
    assert!(message.contains("revoked or has expired"), "{message}");
    assert_eq!(user.invoice(&id).await.body["document"]["status"], "Draft");
    assert!(
        outbox(&app, "invoice").await.is_empty(),
        "no invoice email without its link"
    );

    let view = user.stripe_view().await;
    assert!(
        view["broken"].as_str().unwrap().contains("revoked"),
        "{view}"
    );
    let before = stripe.received().len();
    let again = user.send(&id).await;
    assert_eq!(again.status, 422);
    assert!(
        again.body.to_string().contains("Connect a new key"),
        "{}",
        again.body
    );
    assert_eq!(
        stripe.received().len(),
        before,
        "a broken connection is not tried again"
    );
    let told = outbox(&app, "stripe_key_broken").await;
    assert_eq!(told.len(), 1);
    assert!(told[0].get_str("text").unwrap().contains("ending in 1111"));

    // A working key mends it.
    user.connect_stripe("rk_test_51PaymentsStandInKeyNewOne9999")
        .await;
    assert_eq!(user.stripe_view().await["broken"], Value::Null);
    assert_eq!(user.send(&id).await.status, 200);
}

/// Before a draft goes out, its page says how the client will pay: through Stripe, by bank
/// transfer from the business details, or not at all yet (and what would change that).
#[tokio::test]
async fn a_draft_says_how_its_client_will_pay_before_it_is_sent() {
    use paytrack::api::business::SaveBusiness;
    use paytrack::domain::business::BusinessInput;

    let (app, _stripe) = app_with_stripe().await;
    let user = app.user("payway@example.com").await;
    let client = user.client("Initech").await;
    let (draft, _) = user.draft(&client).await;
    let pay_way = || async { user.invoice(&draft).await.body["pay_way"].clone() };
    // What the list asks before sending several drafts: the same answer, for the account.
    let pay_way_now = || async { user.form("/api/invoices/pay-way", &[]).await.body };
    assert_eq!(pay_way().await, json!({ "Unsaid": { "needs_pro": false } }));
    assert_eq!(pay_way_now().await, pay_way().await);

    let bank = BusinessInput {
        payment_instructions: "IBAN GB33 BUKB 2020 1555 5555 55".to_string(),
        ..BusinessInput::default()
    };
    let saved = user.call(&SaveBusiness { input: bank }).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(pay_way().await, json!("Bank"));
    assert_eq!(pay_way_now().await, json!("Bank"));

    user.connect_stripe(KEY).await;
    assert_eq!(pay_way().await, json!("Stripe"));
    assert_eq!(pay_way_now().await, json!("Stripe"));

    // Once sent, the document itself says how: its payment page.
    let sent = user.send(&draft).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(
        sent.body["document"]["pay_url"].is_string(),
        "{}",
        sent.body
    );
    assert_eq!(pay_way().await, Value::Null);
    assert_eq!(pay_way_now().await, json!("Stripe"));
}

/// Takes payment `payment` off invoice `id`, as `who`.
/// Takes payment `payment` (recorded by hand) off invoice `id`.
pub async fn remove(who: &User<'_>, id: &str, payment: &str) -> crate::common::billing::Answer {
    who.form(
        "/api/invoices/remove-payment",
        &[("id", id), ("payment_id", payment)],
    )
    .await
}

/// The month total the dashboard's chart reads in USD for January 2026 (the test's payments).
async fn collected_in_january(app: &TestApp) -> i64 {
    app.db
        .collection::<Document>("collected_monthly")
        .find_one(doc! { "currency": "USD", "month": "2026-01" })
        .await
        .unwrap()
        .map_or(0, |month| month.get_i64("amount_minor").unwrap())
}

#[tokio::test]
async fn a_payment_recorded_by_mistake_is_taken_off_and_the_invoice_is_owed_linked_and_chased_again()
 {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "mistake@example.com", KEY, "Initech").await;
    let sent = send_one(&user, &client).await;
    let paid = user.pay(&sent.id, "201.56").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(jobs_in(&app, &sent.id, "scheduled").await, 0);
    assert_eq!(collected_in_january(&app).await, TOTAL);
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid");
    let payment = invoice["hand_payments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Another user can't, and it reads as if there were nothing there.
    let bob = app.user("bob@example.com").await;
    let refused = remove(&bob, &sent.id, &payment).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Paid"
    );

    let removed = remove(&user, &sent.id, &payment).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(removed.body["document"]["status"], "Open");
    assert_eq!(removed.body["document"]["totals"]["due"]["minor"], TOTAL);
    assert_eq!(removed.body["hand_payments"], json!([]));
    assert_eq!(
        collected_in_january(&app).await,
        0,
        "the month's total drops with it"
    );
    // Chased again, and payable again: a new link for what is owed (the old one was closed).
    assert!(
        jobs_in(&app, &sent.id, "scheduled").await >= 1,
        "a reminder is planned"
    );
    let new_url = removed.body["document"]["pay_url"].as_str().unwrap();
    assert_ne!(new_url, sent.url);
    let new_link = stripe
        .object(new_url.rsplit("test_").next().unwrap())
        .unwrap();
    assert_eq!(new_link["__amount"], TOTAL);
    assert_eq!(new_link["active"], true);
    let dashboard = user.form("/api/dashboard", &[]).await.body.to_string();
    assert!(dashboard.contains("Payment removed"), "{dashboard}");

    let again = remove(&user, &sent.id, &payment).await;
    assert_eq!(again.status, 404, "{}", again.body);
    assert!(
        again.body["NotFound"]
            .as_str()
            .unwrap()
            .contains("isn't on this invoice")
    );

    // A payment through Stripe is undone by a refund in Stripe, not here.
    let event = stripe
        .pay(new_link["id"].as_str().unwrap(), "paid")
        .await
        .unwrap();
    assert_eq!(event["type"], "checkout.session.completed");
    let stored = app
        .db
        .collection::<Document>("invoices")
        .find_one(doc! { "_id": mongodb::bson::oid::ObjectId::parse_str(&sent.id).unwrap() })
        .await
        .unwrap()
        .unwrap();
    let through_stripe = stored.get_array("payments").unwrap()[0]
        .as_document()
        .unwrap()
        .get_object_id("id")
        .unwrap()
        .to_hex();
    let refused = remove(&user, &sent.id, &through_stripe).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.to_string().contains("refund it in Stripe"));
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Paid"
    );
}
