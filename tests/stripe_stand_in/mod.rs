//! A local stand-in for Stripe's API, for tests: the endpoints PayTrack calls, answering with
//! Stripe's own object shapes (`tests/fixtures/stripe/fixtures3.json`) filled with the
//! request's values. Like Stripe it takes form-encoded bodies with bracketed keys, needs a
//! bearer key, honours `Idempotency-Key` (same key and parameters, in any order → the saved answer
//! again; same key, other parameters → 400; a key still in flight → 409, `pace.rs`), answers errors in Stripe's
//! `{"error": {…}}` form, and signs the webhook events it delivers with the signing secret of
//! the endpoint it registered. It can take Stripe's time over each request (`set_latency`).
//!
//! Each API key is its own account, except that `sk_live_X` opens the same account as
//! `sk_test_X`, in live mode, whose objects are apart from the test mode's. A key containing
//! `invalid` is refused (401); a revoked key too; a restricted key containing `nowebhooks`
//! lacks the webhook endpoint permission (403), one containing `noevents` the permission to
//! read events.
//!
//! Test control lives under `/_stand_in/` (not Stripe's): script failures, revoke a key, pay a
//! payment link or an invoice (which delivers the signed event), set a latency, read the
//! request log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};
use serde_json::{Map, Value};

mod api;
mod billing;
mod control;
mod events;
mod invoices;
mod money_back;
mod pace;
mod paying;
mod wire;

/// One request the stand-in received (for assertions).
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub key: String,
    pub idempotency_key: Option<String>,
    pub form: Value,
    pub status: u16,
}

#[derive(Default)]
struct Books {
    objects: HashMap<String, Value>,
    /// (account, idempotency key) → (request fingerprint, status, body).
    idempotent: HashMap<(String, String), (String, u16, Value)>,
    revoked: Vec<String>,
    /// Answered, in order, instead of the next requests (to their path, if it is named).
    failures: Vec<Failure>,
    received: Vec<Received>,
    next_id: u64,
    /// Webhook endpoints added in the dashboard, not through the API: (account, url, secret).
    dashboard_endpoints: Vec<(String, String, String)>,
}

/// A scripted Stripe error: status, error type, code, message; `at` a path prefix, or any path.
struct Failure {
    at: Option<String>,
    status: u16,
    kind: String,
    code: Option<String>,
    message: String,
}

#[derive(Clone)]
pub struct StripeStandIn {
    books: Arc<Mutex<Books>>,
    pace: pace::Shared,
    fixtures: Arc<Map<String, Value>>,
    http: reqwest::Client,
}

impl StripeStandIn {
    pub fn new() -> Self {
        let text = include_str!("../fixtures/stripe/fixtures3.json");
        let all: Value = serde_json::from_str(text).expect("the Stripe fixtures are JSON");
        let fixtures = all["resources"]
            .as_object()
            .cloned()
            .expect("fixtures have resources");
        StripeStandIn {
            books: Arc::default(),
            pace: Arc::default(),
            fixtures: Arc::new(fixtures),
            http: reqwest::Client::new(),
        }
    }

    /// Serves on 127.0.0.1:`port` (0: any) and returns the base URL to give PayTrack.
    pub async fn serve(&self, port: u16) -> String {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("a port for the Stripe stand-in");
        let addr = listener.local_addr().expect("a bound address");
        let router = self.router();
        tokio::spawn(async move {
            axum::serve(listener, router).await.ok();
        });
        format!("http://{addr}/")
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/account", get(api::account))
            .route(
                "/v1/customers",
                get(api::list_customers).post(api::create_customer),
            )
            .route(
                "/v1/customers/{id}",
                get(api::retrieve).post(api::update_customer),
            )
            .route("/v1/charges/{id}", get(api::retrieve))
            .route("/v1/prices/{id}", get(api::retrieve))
            .route("/v1/payment_links", post(api::create_payment_link))
            .route(
                "/v1/payment_links/{id}",
                get(api::retrieve).post(api::update_payment_link),
            )
            .route(
                "/v1/checkout/sessions",
                get(api::list_sessions).post(billing::create_checkout_session),
            )
            .route(
                "/v1/subscriptions/{id}",
                get(api::retrieve).delete(billing::cancel_subscription),
            )
            .route(
                "/v1/billing_portal/sessions",
                post(billing::create_portal_session),
            )
            .route("/v1/checkout/sessions/{id}", get(api::retrieve))
            .route("/v1/invoiceitems", post(invoices::create_invoice_item))
            .route(
                "/v1/invoices",
                get(invoices::list_invoices).post(invoices::create_invoice),
            )
            .route(
                "/v1/invoices/{id}",
                get(api::retrieve).delete(invoices::delete_invoice),
            )
            .route("/v1/invoice_payments", get(api::list_invoice_payments))
            .route(
                "/v1/invoices/{id}/finalize",
                post(invoices::finalize_invoice),
            )
            .route("/v1/invoices/{id}/void", post(invoices::void_invoice))
            .route("/v1/events", get(events::list_events))
            .route(
                "/v1/webhook_endpoints",
                post(events::create_webhook_endpoint),
            )
            .route(
                "/v1/webhook_endpoints/{id}",
                axum::routing::delete(events::delete_webhook_endpoint)
                    .post(events::update_webhook_endpoint),
            )
            .route("/_stand_in/fail", post(control::control_fail))
            .route("/_stand_in/revoke", post(control::control_revoke))
            .route("/_stand_in/pay", post(control::control_pay))
            .route("/_stand_in/refund", post(control::control_refund))
            .route("/_stand_in/dispute", post(control::control_dispute))
            .route(
                "/_stand_in/decide_dispute",
                post(control::control_decide_dispute),
            )
            .route("/_stand_in/endpoint", post(control::control_endpoint))
            .route("/_stand_in/price", post(control::control_price))
            .route("/_stand_in/latency", post(control::control_latency))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                pace::pace,
            ))
            .with_state(self.clone())
    }

    /// The next `count` API requests get this Stripe error instead of an answer.
    pub fn fail_next(
        &self,
        count: usize,
        status: u16,
        kind: &str,
        code: Option<&str>,
        message: &str,
    ) {
        self.fail(None, count, status, kind, code, message);
    }

    /// The next `count` API requests to a path starting with `at` get this Stripe error.
    pub fn fail_next_at(
        &self,
        at: &str,
        count: usize,
        status: u16,
        kind: &str,
        code: Option<&str>,
        message: &str,
    ) {
        self.fail(Some(at), count, status, kind, code, message);
    }

    fn fail(
        &self,
        at: Option<&str>,
        count: usize,
        status: u16,
        kind: &str,
        code: Option<&str>,
        message: &str,
    ) {
        let mut books = self.books.lock().expect("stand-in lock");
        for _ in 0..count {
            books.failures.push(Failure {
                at: at.map(str::to_string),
                status,
                kind: kind.into(),
                code: code.map(str::to_string),
                message: message.into(),
            });
        }
    }

    /// A day goes by: Stripe keeps idempotency keys for 24 hours, then a key makes anew.
    pub fn forget_idempotency_keys(&self) {
        self.books.lock().expect("stand-in lock").idempotent.clear();
    }

    /// A webhook endpoint added by hand in the account of `key` (as an operator does for
    /// PayTrack's own billing webhook).
    pub fn add_endpoint(&self, key: &str, url: &str, secret: &str) {
        self.books
            .lock()
            .expect("stand-in lock")
            .dashboard_endpoints
            .push((Self::account_of(key), url.to_string(), secret.to_string()));
    }

    pub fn revoke(&self, key: &str) {
        self.books
            .lock()
            .expect("stand-in lock")
            .revoked
            .push(key.to_string());
    }

    pub fn received(&self) -> Vec<Received> {
        self.books.lock().expect("stand-in lock").received.clone()
    }

    pub fn object(&self, id: &str) -> Option<Value> {
        self.books
            .lock()
            .expect("stand-in lock")
            .objects
            .get(id)
            .cloned()
    }

    /// Changes a stored object as the account's owner would in the dashboard.
    pub fn edit(&self, id: &str, edit: impl FnOnce(&mut Value)) {
        let mut books = self.books.lock().expect("stand-in lock");
        if let Some(object) = books.objects.get_mut(id) {
            edit(object);
        }
    }

    /// Objects of one kind (`"payment_link"`, `"invoice"`, …) in one account.
    pub fn objects(&self, kind: &str, account: &str) -> Vec<Value> {
        let books = self.books.lock().expect("stand-in lock");
        let mut found: Vec<Value> = books
            .objects
            .values()
            .filter(|o| o["object"] == kind && o["__account"] == account)
            .cloned()
            .collect();
        found.sort_by_key(|o| o["created"].as_i64());
        found
    }

    /// Where a key's objects live: its account and, within it, the key's mode — an account's
    /// test and live objects never meet, as on Stripe. `acct_…` for a test key, `acct_…/live`
    /// for a live one.
    pub fn account_of(key: &str) -> String {
        let account = Self::account_id_of(key);
        if key.contains("_live_") {
            format!("{account}/live")
        } else {
            account
        }
    }

    /// The account a key opens. A live key and the test key that differs from it only in
    /// `_live_`/`_test_` open the same account.
    pub fn account_id_of(key: &str) -> String {
        let digest: u64 = key
            .replacen("_live_", "_test_", 1)
            .bytes()
            .fold(1469598103934665603, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(1099511628211)
            });
        format!("acct_{:016X}", digest)
    }

    fn fixture(&self, name: &str) -> Value {
        self.fixtures.get(name).cloned().unwrap_or(Value::Null)
    }
}

impl Default for StripeStandIn {
    fn default() -> Self {
        Self::new()
    }
}
