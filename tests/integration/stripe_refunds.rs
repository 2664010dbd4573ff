//! Money given back in Stripe comes off the invoice: what a refund gave back is owed again
//! (reminders paused until the user decides), the month's collected figure drops, the invoice
//! lists the refund, and money paid twice shows as refunded once it is — for the account's
//! owner only, through the same webhook that reports payments — also for endpoints registered
//! before PayTrack read refunds.

use mongodb::bson::{DateTime, Document, doc};
use paytrack::server::jobs::reconcile::pass;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::billing::User;
use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{KEY, Sent, TOTAL, jobs_in, redeliver, send_one, with_client};
use crate::stripe_stand_in::StripeStandIn;
use crate::write_off::{outstanding_usd, stored};

/// Every month's collected total in USD, added up.
pub async fn collected_usd(app: &TestApp) -> i64 {
    use futures::TryStreamExt;
    let months: Vec<Document> = app
        .db
        .collection::<Document>("collected_monthly")
        .find(doc! { "currency": "USD" })
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    months
        .iter()
        .map(|m| m.get_i64("amount_minor").unwrap())
        .sum()
}

/// The PaymentIntent PayTrack recorded for the invoice's first payment.
pub async fn payment_intent(app: &TestApp, id: &str) -> String {
    let invoice = stored(app, id).await;
    let payments = invoice.get_array("payments").unwrap();
    payments[0]
        .as_document()
        .unwrap()
        .get_str("stripe_payment")
        .unwrap()
        .to_string()
}

/// An invoice paid by hand and then through its link before the link closed (Stripe was
/// down): the invoice and the PaymentIntent of the money paid twice.
pub async fn paid_twice(
    app: &TestApp,
    stripe: &StripeStandIn,
    user: &User<'_>,
    client: &str,
) -> (Sent, String) {
    let sent = send_one(user, client).await;
    stripe.fail_next(3, 503, "api_error", None, "Stripe is down");
    let paid = user.pay(&sent.id, "201.56").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    stripe.pay(&sent.link, "paid").await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["extra_payments"].as_array().unwrap().len(), 1);
    let extra = stored(app, &sent.id).await;
    let intent = extra.get_array("extra_payments").unwrap()[0]
        .as_document()
        .unwrap()
        .get_str("stripe_payment")
        .unwrap()
        .to_string();
    (sent, intent)
}

/// Whether the stored `invoice` has its reminders paused for a refund.
pub fn paused(invoice: &Document) -> bool {
    invoice
        .get_document("reminders_paused")
        .is_ok_and(|p| p.get_str("reason") == Ok("refunded"))
}

#[tokio::test]
async fn a_refund_in_stripe_makes_what_it_gave_back_owed_again_with_reminders_paused() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "refunds@example.com", KEY, "Globex").await;
    // Bob uses the same Stripe account: his endpoint hears the same events.
    let (bob, bobs_client) = with_client(&app, "bob-refunds@example.com", KEY, "Initech").await;
    let bobs = send_one(&bob, &bobs_client).await;
    bob.pay(&bobs.id, "10").await;
    let sent = send_one(&user, &client).await;
    stripe.pay(&sent.link, "paid").await.unwrap();
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Paid"
    );
    let collected_before = collected_usd(&app).await;
    let intent = payment_intent(&app, &sent.id).await;
    assert!(intent.starts_with("pi_"), "{intent}");

    // Part of it given back in Stripe.
    let event = stripe.refund(&intent, 5_000).await.unwrap();
    assert_eq!(event["type"], "charge.refunded");
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "PartiallyPaid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 5_000);
    assert_eq!(
        invoice["document"]["totals"]["paid"]["minor"],
        TOTAL - 5_000
    );
    let payment = &invoice["document"]["payments"][0];
    assert_eq!(
        payment["amount"]["minor"], TOTAL,
        "the payment stays as made"
    );
    assert_eq!(payment["refunded"]["minor"], 5_000);
    assert_eq!(collected_usd(&app).await, collected_before - 5_000);
    assert_eq!(outstanding_usd(&user).await, 5_000);
    // Owed, but not chased until the user says so; payable again through a new link.
    let after = stored(&app, &sent.id).await;
    assert!(paused(&after), "{after}");
    assert_eq!(jobs_in(&app, &sent.id, "scheduled").await, 0);
    let reminders = user
        .form("/api/reminders/invoice", &[("id", &sent.id)])
        .await
        .body;
    assert_eq!(reminders["state"], "paused");
    assert!(
        reminders["summary"]
            .as_str()
            .unwrap()
            .contains("because you refunded a payment."),
        "{reminders}"
    );
    let new_url = invoice["document"]["pay_url"].as_str().unwrap_or_default();
    assert!(!new_url.is_empty() && new_url != sent.url, "{invoice}");
    let new_link = stripe
        .object(new_url.rsplit("test_").next().unwrap())
        .unwrap();
    assert_eq!(new_link["__amount"], 5_000);
    let dashboard = user.form("/api/dashboard", &[]).await.body.to_string();
    assert!(dashboard.contains("Refunded through Stripe"), "{dashboard}");

    // The same news again, as Stripe redelivers it, changes nothing.
    assert_eq!(redeliver(&app, &stripe, &event).await, 200);
    assert_eq!(collected_usd(&app).await, collected_before - 5_000);
    let again = user.invoice(&sent.id).await.body;
    assert_eq!(again["document"]["totals"]["due"]["minor"], 5_000);

    // The rest given back: nothing paid, all owed; now it can be voided if it was a mistake,
    // or chased again.
    stripe.refund(&intent, TOTAL - 5_000).await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Open", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], 0);
    assert_eq!(
        invoice["document"]["payments"][0]["refunded"]["minor"],
        TOTAL
    );
    assert_eq!(collected_usd(&app).await, collected_before - TOTAL);
    let resumed = user
        .form("/api/reminders/resume", &[("id", &sent.id)])
        .await;
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert!(jobs_in(&app, &sent.id, "scheduled").await >= 1);

    // Bob's invoice, in the same Stripe account, heard every event and changed not at all.
    let bobs_invoice = stored(&app, &bobs.id).await;
    assert_eq!(bobs_invoice.get_str("status").unwrap(), "PartiallyPaid");
    assert_eq!(bobs_invoice.get_i64("paid_minor").unwrap(), 1_000);
    assert!(!paused(&bobs_invoice));
}

#[tokio::test]
async fn a_refunded_hosted_invoice_payment_is_found_through_its_payment_intent() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("hosted-refund@example.com").await;
    user.connect_stripe(KEY).await;
    let mode = user
        .form("/api/stripe/pay-with", &[("mode", "hosted_invoice")])
        .await;
    assert_eq!(mode.status, 200);
    let client = user.client("Stark Industries").await;
    let sent = send_one(&user, &client).await;
    let account = StripeStandIn::account_of(KEY);
    let stripe_invoice = stripe.objects("invoice", &account)[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    stripe.pay(&stripe_invoice, "paid").await.unwrap();
    let intent = payment_intent(&app, &sent.id).await;

    stripe.refund(&intent, TOTAL).await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Open", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], TOTAL);
    assert!(paused(&stored(&app, &sent.id).await));
}

#[tokio::test]
async fn refunding_money_paid_twice_is_shown_as_refunded_and_leaves_the_invoice_alone() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "twice-refund@example.com", KEY, "Hooli").await;
    let (sent, intent) = paid_twice(&app, &stripe, &user, &client).await;
    let collected_before = collected_usd(&app).await;

    stripe.refund(&intent, 1_000).await.unwrap();
    let view: Value = user.invoice(&sent.id).await.body;
    let extra = &view["extra_payments"][0];
    assert_eq!(extra["refunded"]["minor"], 1_000);
    assert_eq!(extra["to_refund"]["minor"], TOTAL - 1_000);
    stripe.refund(&intent, TOTAL - 1_000).await.unwrap();
    let view: Value = user.invoice(&sent.id).await.body;
    assert_eq!(view["extra_payments"][0]["to_refund"]["minor"], 0);
    assert_eq!(view["document"]["status"], "Paid");
    assert_eq!(view["document"]["totals"]["paid"]["minor"], TOTAL);
    assert_eq!(collected_usd(&app).await, collected_before);
    let dashboard = user.form("/api/dashboard", &[]).await.body.to_string();
    assert!(
        dashboard.contains("Payment made twice refunded"),
        "{dashboard}"
    );
}

#[tokio::test]
async fn an_endpoint_registered_before_refunds_were_read_is_made_to_ask_for_them() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "old-endpoint@example.com", KEY, "Globex").await;
    // As PayTrack registered endpoints before: the six payment events, no version noted.
    let account = StripeStandIn::account_of(KEY);
    let endpoint = stripe.objects("webhook_endpoint", &account)[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    stripe.edit(&endpoint, |e| {
        e["enabled_events"] = json!([
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
            "checkout.session.async_payment_failed",
            "invoice.paid",
            "invoice.payment_failed",
            "invoice.voided"
        ])
    });
    app.db
        .collection::<Document>("stripe_connections")
        .update_one(doc! {}, doc! { "$unset": { "webhook.events_version": "" } })
        .await
        .unwrap();
    let sent = send_one(&user, &client).await;
    stripe.pay(&sent.link, "paid").await.unwrap();
    let intent = payment_intent(&app, &sent.id).await;
    stripe.refund(&intent, 1_000).await.unwrap();
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Paid",
        "not heard: the endpoint does not ask for refunds"
    );

    pass(&app.state, DateTime::now()).await.unwrap();
    let events = stripe.object(&endpoint).unwrap()["enabled_events"].clone();
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "charge.refunded"),
        "{events}"
    );
    let connection = app
        .db
        .collection::<Document>("stripe_connections")
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        connection
            .get_document("webhook")
            .unwrap()
            .get("events_version")
            .and_then(|v| v.as_i64().or(v.as_i32().map(i64::from))),
        Some(i64::from(paytrack::server::stripe::account::EVENTS_VERSION))
    );

    // The next refund is heard, with all that Stripe says was given back by then.
    stripe.refund(&intent, 1_000).await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "PartiallyPaid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 2_000);

    // Once up to date, a pass leaves the endpoint alone.
    let updates = |stripe: &StripeStandIn| {
        stripe
            .received()
            .iter()
            .filter(|r| r.method == "POST" && r.path.starts_with("/v1/webhook_endpoints/"))
            .count()
    };
    let before = updates(&stripe);
    pass(&app.state, DateTime::now()).await.unwrap();
    assert_eq!(updates(&stripe), before);
}

#[tokio::test]
async fn a_refund_while_a_bank_debit_settles_keeps_that_debit_tracked() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "refund-debit@example.com", KEY, "Initech").await;
    let sent = send_one(&user, &client).await;
    stripe.pay(&sent.link, "paid").await.unwrap();
    let intent = payment_intent(&app, &sent.id).await;

    // 50.00 given back: a new link for it, and the client starts a bank debit through it.
    stripe.refund(&intent, 5_000).await.unwrap();
    let url = user.invoice(&sent.id).await.body["document"]["pay_url"]
        .as_str()
        .unwrap()
        .to_string();
    let link = url.rsplit("test_").next().unwrap().to_string();
    let completed = stripe.pay(&link, "processing").await.unwrap();
    let session = completed["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["payment_processing"],
        true
    );

    // 20.00 more given back meanwhile: the settling debit's link stays the invoice's.
    stripe.refund(&intent, 2_000).await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 7_000);
    assert_eq!(stripe.object(&link).unwrap()["active"], true);

    // The debit settles and is recorded: 20.00 still owed.
    stripe.pay(&session, "succeeded").await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "PartiallyPaid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 2_000);
    assert_eq!(invoice["document"]["payments"].as_array().unwrap().len(), 2);
}

/// Takes the PaymentIntent off the invoice's payments, as they were stored before PayTrack
/// kept it.
async fn forget_payment_intents(app: &TestApp, id: &str) {
    let mut invoice = stored(app, id).await;
    let mut payments = invoice.get_array("payments").unwrap().clone();
    for payment in payments.iter_mut() {
        payment.as_document_mut().unwrap().remove("stripe_payment");
    }
    invoice.insert("payments", payments);
    app.db
        .collection::<Document>("invoices")
        .replace_one(
            doc! { "_id": invoice.get_object_id("_id").unwrap() },
            invoice,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_payment_recorded_before_payment_intents_were_kept_is_found_through_what_it_paid() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "legacy-refund@example.com", KEY, "Globex").await;
    let account = StripeStandIn::account_of(KEY);

    // Through a payment link.
    let by_link = send_one(&user, &client).await;
    stripe.pay(&by_link.link, "paid").await.unwrap();
    let link_intent = payment_intent(&app, &by_link.id).await;
    forget_payment_intents(&app, &by_link.id).await;

    // Through a Stripe-hosted invoice.
    let mode = user
        .form("/api/stripe/pay-with", &[("mode", "hosted_invoice")])
        .await;
    assert_eq!(mode.status, 200);
    let hosted = send_one(&user, &client).await;
    let stripe_invoice = stripe.objects("invoice", &account)[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    stripe.pay(&stripe_invoice, "paid").await.unwrap();
    let hosted_intent = payment_intent(&app, &hosted.id).await;
    forget_payment_intents(&app, &hosted.id).await;

    for (id, intent) in [(&by_link.id, &link_intent), (&hosted.id, &hosted_intent)] {
        stripe.refund(intent, 3_000).await.unwrap();
        let invoice = user.invoice(id).await.body;
        assert_eq!(invoice["document"]["status"], "PartiallyPaid", "{invoice}");
        assert_eq!(invoice["document"]["totals"]["due"]["minor"], 3_000);
        // Named now: the next refund finds it directly.
        assert_eq!(&payment_intent(&app, id).await, intent);
    }
}
