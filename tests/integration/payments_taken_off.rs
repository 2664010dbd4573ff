//! A payment recorded by mistake is taken off: the invoice is owed again, gets a payment
//! link for what it owes, is chased again, and the month's collected total goes down.

use mongodb::bson::{Document, doc};
use serde_json::json;

use crate::common::TestApp;
use crate::common::billing::User;
use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{KEY, TOTAL, jobs_in, send_one, with_client};
use crate::stripe_refunds::paused;
use crate::write_off::stored;

/// Takes payment `payment` (recorded by hand) off invoice `id`, as `who`.
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

/// Records that `amount` of payment `payment` (recorded by hand) went back to the client.
async fn refund(
    who: &User<'_>,
    id: &str,
    payment: &str,
    amount: &str,
) -> crate::common::billing::Answer {
    who.form(
        "/api/invoices/refund-payment",
        &[("id", id), ("payment_id", payment), ("amount", amount)],
    )
    .await
}

#[tokio::test]
async fn money_of_a_payment_recorded_by_hand_given_back_is_owed_again_with_reminders_paused() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "given-back@example.com", KEY, "Initech").await;
    let sent = send_one(&user, &client).await;
    assert_eq!(user.pay(&sent.id, "201.56").await.status, 200);
    let invoice = user.invoice(&sent.id).await.body;
    let payment = invoice["hand_payments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // More than the payment, nothing, or another user: refused, and nothing changes.
    for (amount, said) in [
        ("201.57", "more than the $201.56"),
        ("0", "above zero"),
        ("lots", ""),
    ] {
        let refused = refund(&user, &sent.id, &payment, amount).await;
        assert_eq!(refused.status, 422, "{amount}: {}", refused.body);
        assert!(refused.body.to_string().contains(said), "{}", refused.body);
    }
    let bob = app.user("bob-given-back@example.com").await;
    assert_eq!(refund(&bob, &sent.id, &payment, "50").await.status, 404);
    assert_eq!(collected_in_january(&app).await, TOTAL);
    assert!(!paused(&stored(&app, &sent.id).await));

    let refunded = refund(&user, &sent.id, &payment, "50").await;
    assert_eq!(refunded.status, 200, "{}", refunded.body);
    let view = &refunded.body;
    assert_eq!(view["document"]["status"], "PartiallyPaid");
    assert_eq!(view["document"]["totals"]["due"]["minor"], 5_000);
    assert_eq!(view["document"]["payments"][0]["refunded"]["minor"], 5_000);
    assert_eq!(view["hand_payments"][0]["refunded"]["minor"], 5_000);
    assert_eq!(collected_in_january(&app).await, TOTAL - 5_000);
    // Owed, but not chased until the user says so; payable through a link for what is owed.
    assert!(paused(&stored(&app, &sent.id).await));
    assert_eq!(jobs_in(&app, &sent.id, "scheduled").await, 0);
    let link_id = view["document"]["pay_url"]
        .as_str()
        .unwrap()
        .rsplit("test_")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(stripe.object(&link_id).unwrap()["__amount"], 5_000);
    let dashboard = user.form("/api/dashboard", &[]).await.body.to_string();
    assert!(dashboard.contains("Refund recorded"), "{dashboard}");

    // Only what is left of it can still be given back.
    let too_much = refund(&user, &sent.id, &payment, "151.57").await;
    assert!(
        too_much.body.to_string().contains("more than the $151.56"),
        "{}",
        too_much.body
    );

    // Taken off after all (typed by mistake): only what it still paid leaves the totals.
    let removed = remove(&user, &sent.id, &payment).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(removed.body["document"]["status"], "Open");
    assert_eq!(removed.body["document"]["totals"]["due"]["minor"], TOTAL);
    assert_eq!(
        collected_in_january(&app).await,
        0,
        "not below what was collected"
    );

    // One given back in full holds no money: it stays listed as refunded, and can go.
    assert_eq!(user.pay(&sent.id, "201.56").await.status, 200);
    let paid = user.invoice(&sent.id).await.body;
    let payment = paid["hand_payments"][0]["id"].as_str().unwrap().to_string();
    let all_back = refund(&user, &sent.id, &payment, "201.56").await;
    assert_eq!(
        all_back.body["document"]["status"], "Open",
        "{}",
        all_back.body
    );
    assert_eq!(
        all_back.body["hand_payments"][0]["refunded"]["minor"],
        TOTAL
    );
    let again = refund(&user, &sent.id, &payment, "1").await;
    assert!(
        again.body.to_string().contains("refunded already"),
        "{}",
        again.body
    );
    let removed = remove(&user, &sent.id, &payment).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(removed.body["document"]["status"], "Open");
    assert_eq!(removed.body["hand_payments"], json!([]));
    assert_eq!(collected_in_january(&app).await, 0);
}
