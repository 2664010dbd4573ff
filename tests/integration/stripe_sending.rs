//! What sending needs from the user's Stripe: a draft says beforehand how its client will
//! pay; a revoked key stops the send with what to do, the user is told once, and a new key
//! mends it. A client who pays through the link returns to their page, also after it moved.

use serde_json::{Value, json};

use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{KEY, outbox, send_one, with_client};
use crate::stripe_stand_in::StripeStandIn;

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

/// Where the stand-in's payment link `link` sends a client who has paid.
fn returns_to(stripe: &StripeStandIn, link: &str) -> Value {
    let link = stripe.object(link).expect("the payment link exists");
    assert_eq!(link["after_completion"]["type"], "redirect", "{link}");
    link["after_completion"]["redirect"]["url"].clone()
}

#[tokio::test]
async fn a_client_who_pays_returns_to_their_page_also_after_its_link_was_replaced() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "new-link@example.com", KEY, "Initrode").await;
    let sent = send_one(&user, &client).await;
    let page = user.invoice(&sent.id).await.body["public_url"].clone();
    assert!(page.is_string());
    assert_eq!(returns_to(&stripe, &sent.link), page);

    let replaced = user
        .form("/api/invoices/new-link", &[("id", &sent.id)])
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let moved = replaced.body["public_url"].clone();
    assert_ne!(moved, page);
    assert_eq!(returns_to(&stripe, &sent.link), moved);

    // Stripe down: the page stays where it is, and the user is told why.
    stripe.fail_next_at(
        "/v1/payment_links",
        3,
        500,
        "api_error",
        None,
        "Something went wrong on Stripe's end.",
    );
    let refused = user
        .form("/api/invoices/new-link", &[("id", &sent.id)])
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body["Rejected"]
            .as_str()
            .is_some_and(|m| m.contains("could not reach Stripe")),
        "{}",
        refused.body
    );
    assert_eq!(user.invoice(&sent.id).await.body["public_url"], moved);
    assert_eq!(returns_to(&stripe, &sent.link), moved);
}
