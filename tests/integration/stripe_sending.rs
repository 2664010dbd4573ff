//! What sending needs from the user's Stripe: a draft says beforehand how its client will
//! pay; a revoked key stops the send with what to do, the user is told once, and a new key
//! mends it.

use serde_json::{Value, json};

use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{KEY, outbox, with_client};

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
