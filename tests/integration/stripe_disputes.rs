//! A client's bank disputing a Stripe payment: the money Stripe takes back is owed again with
//! reminders paused, the collected figure drops, the invoice page says what to do and by when;
//! a dispute won counts the money again and lets reminders go on; one lost leaves it owed. News
//! that comes late or twice changes nothing, an inquiry moves no money, and another user on the
//! same Stripe account is never touched.

use mongodb::bson::Document;
use serde_json::Value;

use crate::stripe_payments::{KEY, TOTAL, jobs_in, redeliver, send_one, with_client};
use crate::stripe_refunds::{collected_usd, paid_twice, payment_intent};
use crate::stripe_stand_in::StripeStandIn;
use crate::write_off::{outstanding_usd, stored};

fn pause_reason(invoice: &Document) -> Option<String> {
    invoice
        .get_document("reminders_paused")
        .ok()
        .and_then(|p| p.get_str("reason").ok().map(str::to_string))
}

/// The same news again under a new event id, as a late delivery of an older event would be,
/// to every endpoint of the account (each user's); the answers.
async fn deliver_late(stripe: &StripeStandIn, event: &Value, id: &str) -> Vec<u16> {
    let mut late = event.clone();
    late["id"] = Value::from(id);
    let mut answers = vec![];
    for endpoint in stripe.objects("webhook_endpoint", &StripeStandIn::account_of(KEY)) {
        let url = endpoint["url"].as_str().unwrap();
        let secret = endpoint["__secret"].as_str().unwrap();
        answers.push(stripe.deliver(url, secret, &late).await);
    }
    answers
}

#[tokio::test]
async fn a_chargeback_is_owed_again_until_the_dispute_is_won() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let (user, client) = with_client(&app, "disputes@example.com", KEY, "Globex").await;
    // Bob uses the same Stripe account: his endpoint hears the same events.
    let (bob, bobs_client) = with_client(&app, "bob-disputes@example.com", KEY, "Initech").await;
    let bobs = send_one(&bob, &bobs_client).await;
    bob.pay(&bobs.id, "10").await;
    let sent = send_one(&user, &client).await;
    stripe.pay(&sent.link, "paid").await.unwrap();
    let collected_before = collected_usd(&app).await;
    let intent = payment_intent(&app, &sent.id).await;

    let opened = stripe.dispute(&intent, TOTAL, false).await.unwrap();
    assert_eq!(opened[1]["type"], "charge.dispute.funds_withdrawn");
    let dispute_id = opened[0]["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Open", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], TOTAL);
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], 0);
    assert_eq!(
        invoice["document"]["payments"][0]["disputed"]["minor"],
        TOTAL
    );
    let dispute = &invoice["disputes"][0];
    assert_eq!(dispute["state"], "Open", "{invoice}");
    assert!(dispute["respond_by"].is_string(), "{dispute}");
    assert_eq!(collected_usd(&app).await, collected_before - TOTAL);
    assert_eq!(outstanding_usd(&user).await, TOTAL);
    // Not chased while the client argues with their bank.
    let after = stored(&app, &sent.id).await;
    assert_eq!(pause_reason(&after).as_deref(), Some("disputed"), "{after}");
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
            .contains("took a payment back"),
        "{reminders}"
    );
    let dashboard = user.form("/api/dashboard", &[]).await.body.to_string();
    assert!(dashboard.contains("Payment disputed"), "{dashboard}");

    // Told again: nothing moves twice.
    assert_eq!(redeliver(&app, &stripe, &opened[1]).await, 200);
    assert_eq!(collected_usd(&app).await, collected_before - TOTAL);

    // Won: the money is back, counted, and the invoice paid again with nothing on hold.
    let decided = stripe.decide_dispute(&dispute_id, true).await.unwrap();
    assert_eq!(decided[0]["type"], "charge.dispute.funds_reinstated");
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 0);
    assert!(invoice["document"]["payments"][0]["disputed"].is_null());
    assert_eq!(invoice["disputes"][0]["state"], "Won");
    assert!(invoice["disputes"][0]["to_refund"].is_null());
    assert_eq!(collected_usd(&app).await, collected_before);
    assert_eq!(outstanding_usd(&user).await, 0);
    assert_eq!(pause_reason(&stored(&app, &sent.id).await), None);

    // The taking, delivered late under a new event id, cannot undo the win.
    let answers = deliver_late(&stripe, &opened[1], "evt_late_withdrawal").await;
    assert_eq!(answers, [200, 200]);
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["disputes"][0]["state"], "Won", "{invoice}");
    assert_eq!(collected_usd(&app).await, collected_before);

    // Bob's invoice heard every event and changed not at all.
    let bobs_invoice = stored(&app, &bobs.id).await;
    assert_eq!(bobs_invoice.get_str("status").unwrap(), "PartiallyPaid");
    assert_eq!(bobs_invoice.get_i64("paid_minor").unwrap(), 1_000);
    assert_eq!(pause_reason(&bobs_invoice), None);
}

#[tokio::test]
async fn a_lost_dispute_leaves_the_money_owed_and_the_user_decides() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let (user, client) = with_client(&app, "lost-dispute@example.com", KEY, "Hooli").await;
    let sent = send_one(&user, &client).await;
    stripe.pay(&sent.link, "paid").await.unwrap();
    let intent = payment_intent(&app, &sent.id).await;

    // Part of the payment disputed.
    let opened = stripe.dispute(&intent, 5_000, false).await.unwrap();
    let dispute_id = opened[0]["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "PartiallyPaid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 5_000);
    // Payable again through a link for what is owed.
    let new_url = invoice["document"]["pay_url"].as_str().unwrap_or_default();
    assert!(!new_url.is_empty() && new_url != sent.url, "{invoice}");

    stripe.decide_dispute(&dispute_id, false).await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "PartiallyPaid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 5_000);
    assert_eq!(invoice["disputes"][0]["state"], "Lost");
    assert_eq!(
        pause_reason(&stored(&app, &sent.id).await).as_deref(),
        Some("disputed")
    );
    let reminders = user
        .form("/api/reminders/invoice", &[("id", &sent.id)])
        .await
        .body;
    assert!(
        reminders["summary"]
            .as_str()
            .unwrap()
            .contains("the dispute is over"),
        "{reminders}"
    );
    // The user chases it again, or writes it off: both are theirs to choose.
    let resumed = user
        .form("/api/reminders/resume", &[("id", &sent.id)])
        .await;
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert!(jobs_in(&app, &sent.id, "scheduled").await >= 1);
}

#[tokio::test]
async fn an_inquiry_moves_no_money_and_money_won_back_after_the_invoice_was_settled_is_to_refund() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let (user, client) = with_client(&app, "inquiry@example.com", KEY, "Umbrella").await;
    let sent = send_one(&user, &client).await;
    stripe.pay(&sent.link, "paid").await.unwrap();
    let intent = payment_intent(&app, &sent.id).await;
    let collected_before = collected_usd(&app).await;

    // An inquiry: the bank asks, the money stays, the page says so.
    let asked = stripe.dispute(&intent, TOTAL, true).await.unwrap();
    assert_eq!(asked.len(), 1);
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["disputes"][0]["state"], "Inquiry");
    assert_eq!(collected_usd(&app).await, collected_before);
    let inquiry = asked[0]["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    stripe.decide_dispute(&inquiry, false).await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["disputes"][0]["state"], "Closed", "{invoice}");
    assert_eq!(invoice["document"]["status"], "Paid");
    // The bank escalates after all: a chargeback under a new id, followed from then on.
    stripe.dispute(&intent, TOTAL, false).await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Open", "{invoice}");
    assert_eq!(invoice["disputes"][0]["state"], "Open", "{invoice}");
    assert_eq!(invoice["disputes"].as_array().unwrap().len(), 1);

    // A second invoice: its payment disputed, then the client pays by bank transfer, then
    // the bank decides for the user — the money came back to an invoice already settled.
    let second = send_one(&user, &client).await;
    stripe.pay(&second.link, "paid").await.unwrap();
    let intent = payment_intent(&app, &second.id).await;
    let opened = stripe.dispute(&intent, TOTAL, false).await.unwrap();
    let dispute_id = opened[0]["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let paid = user.pay(&second.id, "201.56").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    stripe.decide_dispute(&dispute_id, true).await.unwrap();
    let invoice = user.invoice(&second.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], TOTAL);
    assert_eq!(invoice["disputes"][0]["state"], "Won");
    assert_eq!(invoice["disputes"][0]["to_refund"]["minor"], TOTAL);

    // Refunding that money, as the page asks, leaves the invoice as it is.
    stripe.refund(&intent, TOTAL).await.unwrap();
    let invoice = user.invoice(&second.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], TOTAL);
    assert!(invoice["disputes"][0]["to_refund"].is_null(), "{invoice}");
    assert_eq!(jobs_in(&app, &second.id, "scheduled").await, 0);
}

#[tokio::test]
async fn money_paid_twice_that_the_bank_takes_back_is_not_asked_to_be_refunded() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let (user, client) = with_client(&app, "twice-dispute@example.com", KEY, "Hooli").await;
    let (sent, intent) = paid_twice(&app, &stripe, &user, &client).await;
    let collected_before = collected_usd(&app).await;

    let opened = stripe.dispute(&intent, TOTAL, false).await.unwrap();
    let view = user.invoice(&sent.id).await.body;
    let extra = &view["extra_payments"][0];
    assert_eq!(extra["taken_back"]["minor"], TOTAL, "{view}");
    assert_eq!(extra["to_refund"]["minor"], 0, "{view}");
    assert_eq!(view["document"]["status"], "Paid");
    assert_eq!(view["document"]["totals"]["paid"]["minor"], TOTAL);
    assert_eq!(collected_usd(&app).await, collected_before);

    // Decided for the user: the money is theirs again, and so is the refund to make.
    let dispute_id = opened[0]["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    stripe.decide_dispute(&dispute_id, true).await.unwrap();
    let view = user.invoice(&sent.id).await.body;
    let extra = &view["extra_payments"][0];
    assert!(extra["taken_back"].is_null(), "{view}");
    assert_eq!(extra["to_refund"]["minor"], TOTAL, "{view}");
    assert_eq!(collected_usd(&app).await, collected_before);
}
