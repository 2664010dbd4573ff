//! Refunds and disputes reach an invoice without the webhook too: reconciliation reads the
//! account's own list of events — every 15 minutes for an account without a webhook, every six
//! hours under one — records each event once however it is heard, never touches another user
//! of the same Stripe account, and leaves a key that may not read events working.

use mongodb::bson::{DateTime, Document, doc};
use paytrack::server::jobs::reconcile::pass;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::stripe_payments::{TOTAL, send_one, with_client};
use crate::stripe_refunds::payment_intent;
use crate::stripe_stand_in::StripeStandIn;
use crate::write_off::stored;

/// A key without the webhook permission: no endpoint is registered.
const QUIET_KEY: &str = "rk_test_51nowebhooksMissedEvents00001";

fn later(minutes: i64) -> DateTime {
    DateTime::from_millis(DateTime::now().timestamp_millis() + minutes * 60_000)
}

/// How many times PayTrack has read the account's list of events.
fn event_reads(stripe: &StripeStandIn) -> usize {
    stripe
        .received()
        .iter()
        .filter(|r| r.path == "/v1/events")
        .count()
}

async fn connection(app: &TestApp, email: &str) -> Document {
    let user = app.user_document(email).await;
    app.db
        .collection::<Document>("stripe_connections")
        .find_one(doc! { "user_id": user.get_object_id("_id").unwrap() })
        .await
        .unwrap()
        .unwrap()
}

async fn invoice_of(user: &crate::common::billing::User<'_>, id: &str) -> Value {
    user.invoice(id).await.body["document"].clone()
}

#[tokio::test]
async fn without_a_webhook_refunds_and_disputes_are_read_from_the_accounts_events() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let (ada, client) = with_client(&app, "ada-missed@example.com", QUIET_KEY, "Globex").await;
    // Bob uses the same Stripe account: he reads the same events and must not be touched.
    let (bob, bobs_client) =
        with_client(&app, "bob-missed@example.com", QUIET_KEY, "Initech").await;
    assert_eq!(ada.stripe_view().await["webhook"], "Missing");
    let bobs = send_one(&bob, &bobs_client).await;
    let sent = send_one(&ada, &client).await;
    stripe.pay(&sent.link, "paid").await.unwrap();
    // The payment itself is found by asking about the link, ten minutes after sending.
    let report = pass(&app.state, later(11)).await.unwrap();
    assert_eq!(report.paid, 1, "{report:?}");
    assert_eq!(report.money_back, 0);
    assert_eq!(invoice_of(&ada, &sent.id).await["status"], "Paid");
    let reads = event_reads(&stripe);
    assert_eq!(reads, 2, "each connection's list read once");

    // Part of it given back in Stripe: no webhook tells PayTrack.
    let intent = payment_intent(&app, &sent.id).await;
    stripe.refund(&intent, 5_000).await.unwrap();
    assert_eq!(invoice_of(&ada, &sent.id).await["status"], "Paid");
    // Not read again before its time…
    pass(&app.state, later(20)).await.unwrap();
    assert_eq!(event_reads(&stripe), reads);
    // …then read: owed again with reminders paused, as through the webhook.
    let report = pass(&app.state, later(27)).await.unwrap();
    assert_eq!(report.money_back, 1, "{report:?}");
    let invoice = invoice_of(&ada, &sent.id).await;
    assert_eq!(invoice["status"], "PartiallyPaid", "{invoice}");
    assert_eq!(invoice["totals"]["due"]["minor"], 5_000);
    assert_eq!(invoice["payments"][0]["refunded"]["minor"], 5_000);
    let paused = stored(&app, &sent.id).await;
    assert_eq!(
        paused
            .get_document("reminders_paused")
            .unwrap()
            .get_str("reason"),
        Ok("refunded")
    );

    // The bank disputes what is left of the payment: read at the next turn, once.
    stripe.dispute(&intent, TOTAL - 5_000, false).await.unwrap();
    let report = pass(&app.state, later(43)).await.unwrap();
    // Both its events (created, funds withdrawn) carry the money taken: one changes the invoice.
    assert_eq!(report.money_back, 1, "{report:?}");
    let invoice = ada.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Open", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], TOTAL);
    assert_eq!(invoice["disputes"][0]["state"], "Open", "{invoice}");
    // Read again (the lists overlap), nothing changes twice.
    let report = pass(&app.state, later(59)).await.unwrap();
    assert_eq!(report.money_back, 0, "{report:?}");
    assert_eq!(
        invoice_of(&ada, &sent.id).await["totals"]["due"]["minor"],
        TOTAL
    );

    // Bob's invoice on the same account is as he left it.
    let bobs_invoice = invoice_of(&bob, &bobs.id).await;
    assert_eq!(bobs_invoice["status"], "Open");
    assert_eq!(bobs_invoice["payments"], json!([]));
    assert!(
        stored(&app, &bobs.id)
            .await
            .get("reminders_paused")
            .is_none()
    );
}

#[tokio::test]
async fn an_endpoint_deaf_to_refunds_is_backed_by_the_list_and_nothing_is_heard_twice() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let key = "rk_test_51MissedEventsWithWebhook0002";
    let (ada, client) = with_client(&app, "ada-net@example.com", key, "Globex").await;
    assert_eq!(ada.stripe_view().await["webhook"], "Registered");
    let sent = send_one(&ada, &client).await;
    stripe.pay(&sent.link, "paid").await.unwrap();
    let intent = payment_intent(&app, &sent.id).await;
    pass(&app.state, DateTime::now()).await.unwrap();

    // Heard through the webhook, then read from the list six hours on: recorded once.
    stripe.refund(&intent, 1_000).await.unwrap();
    assert_eq!(
        invoice_of(&ada, &sent.id).await["totals"]["due"]["minor"],
        1_000
    );
    let report = pass(&app.state, later(6 * 60 + 1)).await.unwrap();
    assert_eq!(report.money_back, 0, "{report:?}");
    assert_eq!(
        invoice_of(&ada, &sent.id).await["totals"]["due"]["minor"],
        1_000
    );

    // The endpoint stops asking for refunds (as one the user edited in Stripe): the next
    // refund reaches the invoice through the list.
    let account = StripeStandIn::account_of(key);
    for endpoint in stripe.objects("webhook_endpoint", &account) {
        stripe.edit(endpoint["id"].as_str().unwrap(), |e| {
            e["enabled_events"] = json!(["checkout.session.completed"]);
        });
    }
    stripe.refund(&intent, 2_000).await.unwrap();
    assert_eq!(
        invoice_of(&ada, &sent.id).await["totals"]["due"]["minor"],
        1_000
    );
    let report = pass(&app.state, later(12 * 60 + 2)).await.unwrap();
    assert_eq!(report.money_back, 1, "{report:?}");
    let invoice = invoice_of(&ada, &sent.id).await;
    assert_eq!(invoice["totals"]["due"]["minor"], 3_000, "{invoice}");
    assert_eq!(invoice["payments"][0]["refunded"]["minor"], 3_000);
}

#[tokio::test]
async fn a_key_that_may_not_read_events_is_asked_again_a_day_later_and_keeps_working() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let key = "rk_test_51nowebhooksnoeventsKey000003";
    let (ada, client) = with_client(&app, "ada-noevents@example.com", key, "Globex").await;
    let sent = send_one(&ada, &client).await;
    let before = DateTime::now();
    pass(&app.state, before).await.unwrap();
    assert_eq!(event_reads(&stripe), 1);
    let stored = connection(&app, "ada-noevents@example.com").await;
    assert!(stored.get("broken").is_none(), "{stored}");
    assert!(stored.get("events_read_to").is_none(), "{stored}");
    // The Stripe page says what the key lacks.
    let view = ada.stripe_view().await;
    assert_eq!(view["events_refused"], "rak_event_read", "{view}");
    let next = stored.get_datetime("events_check_at").unwrap();
    let hours = (next.timestamp_millis() - before.timestamp_millis()) / 3_600_000;
    assert_eq!(hours, 24, "{stored}");

    // Payments are still found by asking about the link.
    stripe.pay(&sent.link, "paid").await.unwrap();
    let report = pass(&app.state, later(11)).await.unwrap();
    assert_eq!(report.paid, 1, "{report:?}");
    assert_eq!(event_reads(&stripe), 1);
}

#[tokio::test]
async fn a_permission_granted_later_clears_the_notice_at_the_next_read() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let key = "rk_test_51nowebhooksMissedEvents00004";
    let (ada, _) = with_client(&app, "ada-granted@example.com", key, "Globex").await;
    stripe.fail_next(
        1,
        403,
        "invalid_request_error",
        None,
        "The provided key does not have the required permissions for this endpoint: rak_event_read.",
    );
    pass(&app.state, DateTime::now()).await.unwrap();
    assert_eq!(ada.stripe_view().await["events_refused"], "rak_event_read");
    // Not asked again the same day; the next day it reads, and the notice goes.
    pass(&app.state, later(60)).await.unwrap();
    assert_eq!(event_reads(&stripe), 1);
    pass(&app.state, later(24 * 60 + 1)).await.unwrap();
    assert_eq!(event_reads(&stripe), 2);
    let view = ada.stripe_view().await;
    assert!(view["events_refused"].is_null(), "{view}");
    let stored = connection(&app, "ada-granted@example.com").await;
    assert!(stored.get("events_read_to").is_some(), "{stored}");
}

#[tokio::test]
async fn many_accounts_are_read_in_one_pass_a_few_side_by_side() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    for n in 0..6 {
        let user = app.user(&format!("side-{n}@example.com")).await;
        user.connect_stripe(&format!("rk_test_51nowebhooksSideBySide{n:05}"))
            .await;
    }
    assert_eq!(
        stripe.most_at_once(),
        1,
        "connecting asks one thing at a time"
    );
    stripe.set_latency(std::time::Duration::from_millis(150));
    let report = pass(&app.state, DateTime::now()).await.unwrap();
    assert_eq!(report.deferred, 0);
    assert_eq!(
        event_reads(&stripe),
        6,
        "every account read in the one pass"
    );
    let at_once = stripe.most_at_once();
    assert!((2..=4).contains(&at_once), "{at_once} read at once");
    // Each has its next read 15 minutes on.
    let reads = event_reads(&stripe);
    pass(&app.state, later(10)).await.unwrap();
    assert_eq!(event_reads(&stripe), reads);
}
