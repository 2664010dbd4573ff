//! Test control under `/_stand_in/` (not Stripe's), for the end-to-end tests: script failures,
//! revoke a key, pay, refund, dispute, take Stripe's time, add an endpoint or a price by hand.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::StripeStandIn;
use super::wire::public;

pub(super) async fn control_fail(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> StatusCode {
    let count = q.get("count").and_then(|c| c.parse().ok()).unwrap_or(1);
    let status = q.get("status").and_then(|c| c.parse().ok()).unwrap_or(500);
    let kind = q.get("type").map(String::as_str).unwrap_or("api_error");
    let message = q
        .get("message")
        .map(String::as_str)
        .unwrap_or("Scripted failure.");
    s.fail_next(
        count,
        status,
        kind,
        q.get("code").map(String::as_str),
        message,
    );
    StatusCode::NO_CONTENT
}

/// `POST /_stand_in/latency?ms=300`: every API request from now on takes that long.
pub(super) async fn control_latency(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> StatusCode {
    let ms = q.get("ms").and_then(|ms| ms.parse().ok()).unwrap_or(0);
    s.set_latency(std::time::Duration::from_millis(ms));
    StatusCode::NO_CONTENT
}

pub(super) async fn control_revoke(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> StatusCode {
    s.revoke(q.get("key").map(String::as_str).unwrap_or_default());
    StatusCode::NO_CONTENT
}

/// `POST /_stand_in/dispute?payment_intent=pi_…&amount=…[&inquiry=true]`: the payer's bank
/// disputes a payment. Answers the events sent.
pub(super) async fn control_dispute(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let intent = q.get("payment_intent").cloned().unwrap_or_default();
    let amount = q.get("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    let inquiry = q.get("inquiry").is_some_and(|i| i == "true");
    events_answer(s.dispute(&intent, amount, inquiry).await)
}

/// `POST /_stand_in/decide_dispute?id=dp_…&won=true|false`: the bank decides.
pub(super) async fn control_decide_dispute(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let id = q.get("id").cloned().unwrap_or_default();
    let won = q.get("won").is_some_and(|w| w == "true");
    events_answer(s.decide_dispute(&id, won).await)
}

pub(super) fn events_answer(events: Result<Vec<Value>, String>) -> Response {
    match events {
        Ok(events) => {
            let events: Vec<Value> = events.iter().map(public).collect();
            (StatusCode::OK, Value::from(events).to_string()).into_response()
        }
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

/// `POST /_stand_in/refund?payment_intent=pi_…&amount=…`: the account refunds.
pub(super) async fn control_refund(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let intent = q.get("payment_intent").cloned().unwrap_or_default();
    let amount = q.get("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    match s.refund(&intent, amount).await {
        Ok(event) => (StatusCode::OK, public(&event).to_string()).into_response(),
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

/// `POST /_stand_in/pay?target=plink_…&outcome=paid`: the client pays.
pub(super) async fn control_pay(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let target = q.get("target").cloned().unwrap_or_default();
    let outcome = q.get("outcome").cloned().unwrap_or_else(|| "paid".into());
    match s.pay(&target, &outcome).await {
        Ok(event) => (StatusCode::OK, public(&event).to_string()).into_response(),
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

/// `POST /_stand_in/endpoint?key=…&url=…&secret=…`: a webhook endpoint added by hand.
pub(super) async fn control_endpoint(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> StatusCode {
    let get = |name: &str| q.get(name).map(String::as_str).unwrap_or_default();
    s.add_endpoint(get("key"), get("url"), get("secret"));
    StatusCode::NO_CONTENT
}

/// `POST /_stand_in/price?key=…&id=…&currency=eur&unit_amount=1200&interval=month`: a price
/// made by hand in the dashboard.
pub(super) async fn control_price(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> StatusCode {
    let get = |name: &str| q.get(name).map(String::as_str).unwrap_or_default();
    let Ok(amount) = get("unit_amount").parse() else {
        return StatusCode::BAD_REQUEST;
    };
    s.add_price(
        get("key"),
        get("id"),
        get("currency"),
        amount,
        get("interval"),
    );
    StatusCode::NO_CONTENT
}
