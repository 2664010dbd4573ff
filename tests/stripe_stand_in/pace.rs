//! How the stand-in takes its time, as Stripe does: each API request can take a set latency
//! (Stripe answers in a few hundred milliseconds), requests overlap, and a request whose
//! idempotency key is still in flight for the same account is refused with Stripe's 409. It
//! counts the most requests it had in flight at once.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use super::StripeStandIn;

#[derive(Default)]
pub struct Pace {
    latency: Duration,
    in_flight: usize,
    most: usize,
    /// (bearer key, idempotency key) of the POSTs being answered.
    keys: HashSet<(String, String)>,
}

pub type Shared = Arc<Mutex<Pace>>;

impl StripeStandIn {
    /// Every API request from now on takes `latency` before it is answered.
    pub fn set_latency(&self, latency: Duration) {
        self.pace.lock().expect("stand-in lock").latency = latency;
    }

    /// The most API requests that were in flight at once.
    pub fn most_at_once(&self) -> usize {
        self.pace.lock().expect("stand-in lock").most
    }
}

/// The middleware in front of the API routes (not the stand-in's own controls).
pub async fn pace(State(s): State<StripeStandIn>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/_stand_in/") {
        return next.run(request).await;
    }
    let (latency, slot) = match s.enter(&request) {
        Ok(entered) => entered,
        Err(refused) => return super::wire::reply(refused),
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let response = next.run(request).await;
    s.leave(slot);
    response
}

/// (bearer key, idempotency key) of a POST.
type Slot = Option<(String, String)>;

impl StripeStandIn {
    /// Counts `request` in flight: its latency and its key's slot, or Stripe's 409 when a
    /// request with its key is still in flight.
    fn enter(&self, request: &Request) -> Result<(Duration, Slot), (u16, Value)> {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
        };
        let slot = match (request.method(), header("idempotency-key")) {
            (&Method::POST, Some(key)) => Some((header("authorization").unwrap_or_default(), key)),
            _ => None,
        };
        let mut pace = self.pace.lock().expect("stand-in lock");
        if let Some((bearer, key)) = &slot
            && !pace.keys.insert((bearer.clone(), key.clone()))
        {
            self.books
                .lock()
                .expect("stand-in lock")
                .received
                .push(super::Received {
                    method: request.method().to_string(),
                    path: request.uri().path().to_string(),
                    key: bearer.trim_start_matches("Bearer ").to_string(),
                    idempotency_key: Some(key.clone()),
                    form: Value::Null,
                    status: 409,
                });
            return Err(super::wire::stripe_error(
                409,
                "idempotency_error",
                None,
                "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.",
            ));
        }
        pace.in_flight += 1;
        pace.most = pace.most.max(pace.in_flight);
        Ok((pace.latency, slot))
    }

    fn leave(&self, slot: Slot) {
        let mut pace = self.pace.lock().expect("stand-in lock");
        pace.in_flight -= 1;
        if let Some(slot) = slot {
            pace.keys.remove(&slot);
        }
    }
}
