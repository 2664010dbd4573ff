//! Webhook events PayTrack must not believe: a wrong signature, a forged or replayed event,
//! one older than what is known, events out of order and events about unknown invoices all
//! change nothing.

use serde_json::{Value, json};

use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{KEY, send_one, with_client};
use crate::stripe_stand_in::StripeStandIn;

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
