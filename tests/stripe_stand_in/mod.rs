//! A local stand-in for Stripe's API, for tests: the endpoints PayTrack calls, answering with
//! Stripe's own object shapes (`tests/fixtures/stripe/fixtures3.json`) filled with the
//! request's values. Like Stripe it takes form-encoded bodies with bracketed keys, needs a
//! bearer key, honours `Idempotency-Key` (same key and body → the saved answer again; same key,
//! other body → 400; a key still in flight → 409, `pace.rs`), answers errors in Stripe's
//! `{"error": {…}}` form, and signs the webhook events it delivers with the signing secret of
//! the endpoint it registered. It can take Stripe's time over each request (`set_latency`).
//!
//! Each API key is its own account. A key containing `invalid` is refused (401); a revoked key
//! too; a restricted key containing `nowebhooks` lacks the webhook endpoint permission (403),
//! one containing `noevents` the permission to read events.
//!
//! Test control lives under `/_stand_in/` (not Stripe's): script failures, revoke a key, pay a
//! payment link or an invoice (which delivers the signed event), set a latency, read the
//! request log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

mod pace;

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
            .route("/v1/account", get(account))
            .route("/v1/customers", get(list_customers).post(create_customer))
            .route("/v1/customers/{id}", get(retrieve))
            .route("/v1/charges/{id}", get(retrieve))
            .route("/v1/payment_links", post(create_payment_link))
            .route(
                "/v1/payment_links/{id}",
                get(retrieve).post(update_payment_link),
            )
            .route(
                "/v1/checkout/sessions",
                get(list_sessions).post(create_checkout_session),
            )
            .route(
                "/v1/subscriptions/{id}",
                get(retrieve).delete(cancel_subscription),
            )
            .route("/v1/billing_portal/sessions", post(create_portal_session))
            .route("/v1/checkout/sessions/{id}", get(retrieve))
            .route("/v1/invoiceitems", post(create_invoice_item))
            .route("/v1/invoices", post(create_invoice))
            .route("/v1/invoices/{id}", get(retrieve))
            .route("/v1/invoice_payments", get(list_invoice_payments))
            .route("/v1/invoices/{id}/finalize", post(finalize_invoice))
            .route("/v1/invoices/{id}/void", post(void_invoice))
            .route("/v1/events", get(list_events))
            .route("/v1/webhook_endpoints", post(create_webhook_endpoint))
            .route(
                "/v1/webhook_endpoints/{id}",
                axum::routing::delete(delete_webhook_endpoint).post(update_webhook_endpoint),
            )
            .route("/_stand_in/fail", post(control_fail))
            .route("/_stand_in/revoke", post(control_revoke))
            .route("/_stand_in/pay", post(control_pay))
            .route("/_stand_in/refund", post(control_refund))
            .route("/_stand_in/dispute", post(control_dispute))
            .route("/_stand_in/decide_dispute", post(control_decide_dispute))
            .route("/_stand_in/endpoint", post(control_endpoint))
            .route("/_stand_in/latency", post(control_latency))
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

    /// The account a key stands for.
    pub fn account_of(key: &str) -> String {
        let digest: u64 = key.bytes().fold(1469598103934665603, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(1099511628211)
        });
        format!("acct_{:016X}", digest)
    }

    /// A client pays: a payment link gets a completed checkout session, an open checkout
    /// session completes, an invoice is paid. `outcome` is `paid`, `processing` (a bank debit
    /// under way), `succeeded` (that debit settles) or `failed`. Delivers the event to the account's webhook endpoints and returns
    /// it.
    pub async fn pay(&self, target: &str, outcome: &str) -> Result<Value, String> {
        let (events, endpoints) = {
            let mut books = self.books.lock().expect("stand-in lock");
            let Some(object) = books.objects.get(target).cloned() else {
                return Err(format!("no object {target}"));
            };
            let account = object["__account"].as_str().unwrap_or_default().to_string();
            let changes: Vec<(&'static str, Value)> = match object["object"].as_str() {
                Some("payment_link") => vec![self.settle_link(&mut books, &object, outcome)?],
                Some("checkout.session") if object["mode"] == "subscription" => {
                    self.subscribe(&mut books, &object)?
                }
                Some("checkout.session") if object["status"] == "open" => {
                    vec![self.complete(&mut books, &object, outcome)?]
                }
                Some("checkout.session") => {
                    vec![self.settle_session(&mut books, &object, outcome)?]
                }
                Some("invoice") => vec![self.settle_invoice(&mut books, &object, outcome)?],
                Some("subscription") => self.change_subscription(&mut books, &object, outcome)?,
                _ => return Err(format!("{target} cannot be paid")),
            };
            let events: Vec<Value> = changes
                .iter()
                .map(|(kind, changed)| self.event(&mut books, &account, kind, changed))
                .collect();
            let endpoints = events
                .iter()
                .map(|event| endpoints_of(&books, &account, event["type"].as_str()))
                .collect::<Vec<_>>();
            (events, endpoints)
        };
        self.deliver_all(&events, &endpoints).await;
        events
            .into_iter()
            .next()
            .ok_or_else(|| "no event".to_string())
    }

    async fn deliver_all(&self, events: &[Value], endpoints: &[Vec<(String, String)>]) {
        for (event, endpoints) in events.iter().zip(endpoints) {
            for (url, secret) in endpoints {
                self.deliver(url, secret, event).await;
            }
        }
    }

    /// A client opens the checkout page of payment link `link` and leaves it open; `pay` with
    /// the session's id completes it later, even after the link was deactivated. Returns the
    /// session's id.
    pub fn open_checkout(&self, link: &str) -> Result<String, String> {
        let mut books = self.books.lock().expect("stand-in lock");
        let Some(link) = books.objects.get(link).cloned() else {
            return Err(format!("no payment link {link}"));
        };
        let session = self.open_session(&mut books, &link)?;
        Ok(session["id"].as_str().unwrap_or_default().to_string())
    }

    /// The account gives back `amount` more of what PaymentIntent `payment_intent` took, as
    /// from the Stripe dashboard: a refund, the charge's `amount_refunded` raised, and
    /// `charge.refunded` delivered to the endpoints that asked for it. Returns the event.
    pub async fn refund(&self, payment_intent: &str, amount: i64) -> Result<Value, String> {
        let (event, endpoints) = {
            let mut books = self.books.lock().expect("stand-in lock");
            let mut charge = charge_of(&books, payment_intent)?;
            let refunded = int(&charge["amount_refunded"]) + amount;
            if amount <= 0 || refunded > int(&charge["amount"]) {
                return Err("Refund amount is greater than unrefunded amount on charge".into());
            }
            let id = new_id(&mut books, "re");
            let mut refund = self.fixture("refund");
            merge(
                &mut refund,
                &json!({
                    "id": id, "amount": amount, "charge": charge["id"], "currency": charge["currency"],
                    "payment_intent": payment_intent, "status": "succeeded", "created": now(),
                    "__account": charge["__account"],
                }),
            );
            books.objects.insert(id, refund.clone());
            let whole = refunded == int(&charge["amount"]);
            merge(
                &mut charge,
                &json!({ "amount_refunded": refunded, "refunded": whole }),
            );
            let charge_id = charge["id"].as_str().unwrap_or_default().to_string();
            books.objects.insert(charge_id, charge.clone());
            self.events_about(&mut books, &charge, &["charge.refunded"])
        };
        self.deliver_all(&event, &endpoints).await;
        event
            .into_iter()
            .next()
            .ok_or_else(|| "no event".to_string())
    }

    /// The payer's bank disputes `amount` of what PaymentIntent `payment_intent` took. A
    /// chargeback takes the money back at once (one balance transaction on the dispute) and
    /// sends `charge.dispute.created` and `charge.dispute.funds_withdrawn`; an inquiry
    /// (`inquiry`) moves no money and sends only `created`. Returns the events.
    pub async fn dispute(
        &self,
        payment_intent: &str,
        amount: i64,
        inquiry: bool,
    ) -> Result<Vec<Value>, String> {
        let (events, endpoints) = {
            let mut books = self.books.lock().expect("stand-in lock");
            let charge = charge_of(&books, payment_intent)?;
            let id = new_id(&mut books, "dp");
            let mut dispute = self.fixture("dispute");
            merge(
                &mut dispute,
                &json!({
                    "id": id, "amount": amount, "charge": charge["id"],
                    "currency": charge["currency"], "payment_intent": payment_intent,
                    "created": now(), "livemode": false, "is_charge_refundable": inquiry,
                    "status": if inquiry { "warning_needs_response" } else { "needs_response" },
                    "__account": charge["__account"],
                }),
            );
            dispute["evidence_details"]["due_by"] = json!(now() + 14 * 86_400);
            let mut kinds = vec!["charge.dispute.created"];
            if !inquiry {
                self.move_money(&mut books, &mut dispute, -amount);
                kinds.push("charge.dispute.funds_withdrawn");
            }
            books.objects.insert(id, dispute.clone());
            self.events_about(&mut books, &dispute, &kinds)
        };
        self.deliver_all(&events, &endpoints).await;
        Ok(events)
    }

    /// The bank decides dispute `id`: won, the money comes back (a second balance transaction,
    /// `charge.dispute.funds_reinstated`); lost, it stays away. Then `charge.dispute.closed`.
    pub async fn decide_dispute(&self, id: &str, won: bool) -> Result<Vec<Value>, String> {
        let (events, endpoints) = {
            let mut books = self.books.lock().expect("stand-in lock");
            let Some(mut dispute) = books.objects.get(id).cloned() else {
                return Err(format!("no dispute {id}"));
            };
            let moved = dispute["balance_transactions"]
                .as_array()
                .is_some_and(|moves| !moves.is_empty());
            let mut kinds = vec![];
            if won && moved {
                let amount = int(&dispute["amount"]);
                self.move_money(&mut books, &mut dispute, amount);
                kinds.push("charge.dispute.funds_reinstated");
            }
            let status = match (won, moved) {
                (true, _) => "won",
                (false, true) => "lost",
                (false, false) => "warning_closed",
            };
            dispute["status"] = json!(status);
            kinds.push("charge.dispute.closed");
            books.objects.insert(id.to_string(), dispute.clone());
            self.events_about(&mut books, &dispute, &kinds)
        };
        self.deliver_all(&events, &endpoints).await;
        Ok(events)
    }

    /// A balance transaction of `amount` on `dispute` (negative: taken from the account).
    fn move_money(&self, books: &mut Books, dispute: &mut Value, amount: i64) {
        let id = new_id(books, "txn");
        let mut transaction = self.fixture("balance_transaction");
        merge(
            &mut transaction,
            &json!({
                "id": id, "amount": amount, "net": amount, "currency": dispute["currency"],
                "source": dispute["id"], "created": now(), "available_on": now(),
                "type": "adjustment", "reporting_category": "dispute",
            }),
        );
        if let Some(moves) = dispute["balance_transactions"].as_array_mut() {
            moves.push(transaction);
        }
    }

    /// One event per kind about `object`, each with the endpoints of its account that asked.
    fn events_about(
        &self,
        books: &mut Books,
        object: &Value,
        kinds: &[&str],
    ) -> (Vec<Value>, Vec<Vec<(String, String)>>) {
        let account = object["__account"].as_str().unwrap_or_default().to_string();
        let events: Vec<Value> = kinds
            .iter()
            .map(|kind| self.event(books, &account, kind, object))
            .collect();
        let endpoints = events
            .iter()
            .map(|event| endpoints_of(books, &account, event["type"].as_str()))
            .collect();
        (events, endpoints)
    }

    /// The charge through which PaymentIntent `payment_intent` took `amount` (in `account`).
    fn charge(
        &self,
        books: &mut Books,
        account: &Value,
        payment_intent: &str,
        amount: i64,
        currency: &Value,
    ) {
        let id = new_id(books, "ch");
        let mut charge = self.fixture("charge");
        merge(
            &mut charge,
            &json!({
                "id": id, "amount": amount, "amount_captured": amount, "amount_refunded": 0,
                "refunded": false, "captured": true, "paid": true, "status": "succeeded",
                "currency": currency, "payment_intent": payment_intent, "created": now(),
                "livemode": false, "metadata": {}, "__account": account,
            }),
        );
        charge["refunds"]["url"] = json!(format!("/v1/charges/{id}/refunds"));
        books.objects.insert(id, charge);
    }

    /// A subscription checkout completes: a customer (if new) and an active subscription.
    fn subscribe(
        &self,
        books: &mut Books,
        session: &Value,
    ) -> Result<Vec<(&'static str, Value)>, String> {
        if session["status"] != "open" {
            return Err("this checkout session is not open".into());
        }
        let account = session["__account"].clone();
        let customer = match session["customer"].as_str() {
            Some(customer) => customer.to_string(),
            None => {
                let id = new_id(books, "cus");
                let mut customer = self.fixture("customer");
                merge(
                    &mut customer,
                    &json!({
                        "id": id, "email": session["customer_email"], "created": now(), "livemode": false,
                        "metadata": {}, "discount": Value::Null, "__account": account,
                    }),
                );
                books.objects.insert(id.clone(), customer);
                id
            }
        };
        let price = session["__price"]
            .as_str()
            .unwrap_or("price_unknown")
            .to_string();
        let yearly = price.contains("year");
        let id = new_id(books, "sub");
        let mut subscription = self.fixture("subscription");
        let mut item = subscription["items"]["data"][0].clone();
        item["id"] = json!(format!("si_{}", &id[4..]));
        item["price"]["id"] = json!(price);
        item["price"]["recurring"]["interval"] = json!(if yearly { "year" } else { "month" });
        item["current_period_start"] = json!(now());
        item["current_period_end"] = json!(now() + if yearly { 365 } else { 30 } * 86_400);
        item["subscription"] = json!(id);
        merge(
            &mut subscription,
            &json!({
                "id": id, "customer": customer, "status": "active", "created": now(), "livemode": false,
                "cancel_at_period_end": false, "cancel_at": Value::Null, "canceled_at": Value::Null,
                "ended_at": Value::Null, "metadata": session["__sub_metadata"].clone(),
                "items": { "object": "list", "data": [item], "has_more": false, "url": "/v1/subscription_items" },
                "__account": account,
            }),
        );
        books.objects.insert(id.clone(), subscription.clone());
        let mut session = session.clone();
        merge(
            &mut session,
            &json!({
                "status": "complete", "payment_status": "paid", "customer": customer, "subscription": id,
            }),
        );
        let session_id = session["id"].as_str().unwrap_or_default().to_string();
        books.objects.insert(session_id, session.clone());
        Ok(vec![
            ("checkout.session.completed", session),
            ("customer.subscription.created", subscription),
        ])
    }

    /// A subscription's life: `renew` (a paid renewal), `fail` (a renewal fails: past due),
    /// `cancel_at_period_end`, `end` (canceled now).
    fn change_subscription(
        &self,
        books: &mut Books,
        subscription: &Value,
        what: &str,
    ) -> Result<Vec<(&'static str, Value)>, String> {
        let mut sub = subscription.clone();
        let period = |sub: &Value| {
            sub["items"]["data"][0]["current_period_end"]
                .as_i64()
                .unwrap_or(0)
        };
        let invoice = |books: &mut Books, sub: &Value, paid: bool| {
            let id = new_id(books, "in");
            let mut invoice = self.fixture("invoice");
            merge(
                &mut invoice,
                &json!({
                    "id": id, "customer": sub["customer"], "status": if paid { "paid" } else { "open" },
                    "created": now(), "livemode": false, "metadata": {}, "__account": sub["__account"],
                }),
            );
            books.objects.insert(id, invoice.clone());
            invoice
        };
        let events = match what {
            "renew" => {
                let yearly = sub["items"]["data"][0]["price"]["recurring"]["interval"] == "year";
                let next = period(&sub) + if yearly { 365 } else { 30 } * 86_400;
                sub["items"]["data"][0]["current_period_end"] = json!(next);
                sub["status"] = json!("active");
                let paid = invoice(books, &sub, true);
                vec![
                    ("invoice.paid", paid),
                    ("customer.subscription.updated", sub.clone()),
                ]
            }
            "fail" => {
                sub["status"] = json!("past_due");
                let failed = invoice(books, &sub, false);
                vec![
                    ("invoice.payment_failed", failed),
                    ("customer.subscription.updated", sub.clone()),
                ]
            }
            "cancel_at_period_end" => {
                sub["cancel_at_period_end"] = json!(true);
                sub["cancel_at"] = json!(period(&sub));
                vec![("customer.subscription.updated", sub.clone())]
            }
            "end" => {
                sub["status"] = json!("canceled");
                sub["ended_at"] = json!(now());
                vec![("customer.subscription.deleted", sub.clone())]
            }
            other => return Err(format!("a subscription cannot {other}")),
        };
        let id = sub["id"].as_str().unwrap_or_default().to_string();
        books.objects.insert(id, sub);
        Ok(events)
    }

    /// Posts `event` to `url` signed with `secret`, as Stripe does.
    pub async fn deliver(&self, url: &str, secret: &str, event: &Value) -> u16 {
        let payload = public(event).to_string();
        let signature = stripe_webhook::Webhook::generate_test_header(&payload, secret, None);
        match self
            .http
            .post(url)
            .header("stripe-signature", signature)
            .header("content-type", "application/json")
            .body(payload)
            .send()
            .await
        {
            Ok(response) => response.status().as_u16(),
            Err(_) => 0,
        }
    }

    fn settle_link(
        &self,
        books: &mut Books,
        link: &Value,
        outcome: &str,
    ) -> Result<(&'static str, Value), String> {
        let session = self.open_session(books, link)?;
        self.complete(books, &session, outcome)
    }

    /// The checkout page of payment link `link`, opened: a session `open` and unpaid.
    fn open_session(&self, books: &mut Books, link: &Value) -> Result<Value, String> {
        if link["active"] != true {
            return Err("this payment link is deactivated".into());
        }
        let id = new_id(books, "cs_test");
        let amount: i64 = link["__amount"].as_i64().unwrap_or(0);
        let mut session = self.fixture("checkout.session");
        let fields = json!({
            "id": id,
            "payment_link": link["id"],
            "metadata": link["metadata"],
            "mode": "payment",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "amount_subtotal": amount,
            "currency": link["currency"],
            "created": now(),
            "livemode": false,
            "payment_intent": format!("pi_{}", &id[8..]),
            "__account": link["__account"],
        });
        merge(&mut session, &fields);
        books.objects.insert(id, session.clone());
        Ok(session)
    }

    /// The client pays on an open checkout page: by card (`paid`) or by a bank debit that
    /// settles later (`processing`). The page works whether or not its link is still active.
    fn complete(
        &self,
        books: &mut Books,
        session: &Value,
        outcome: &str,
    ) -> Result<(&'static str, Value), String> {
        let event = match outcome {
            "paid" | "processing" => "checkout.session.completed",
            _ => return Err(format!("an open session cannot be {outcome}")),
        };
        let mut session = session.clone();
        session["status"] = json!("complete");
        session["url"] = Value::Null;
        session["payment_status"] = json!(if outcome == "paid" { "paid" } else { "unpaid" });
        if outcome == "paid" {
            let intent = session["payment_intent"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let amount = int(&session["amount_total"]);
            self.charge(
                books,
                &session["__account"],
                &intent,
                amount,
                &session["currency"],
            );
        }
        let id = session["id"].as_str().unwrap_or_default().to_string();
        books.objects.insert(id, session.clone());
        Ok((event, session))
    }

    fn settle_session(
        &self,
        books: &mut Books,
        session: &Value,
        outcome: &str,
    ) -> Result<(&'static str, Value), String> {
        let (status, event) = match outcome {
            "succeeded" => ("paid", "checkout.session.async_payment_succeeded"),
            "failed" => ("unpaid", "checkout.session.async_payment_failed"),
            _ => return Err(format!("a session cannot become {outcome}")),
        };
        let mut session = session.clone();
        session["payment_status"] = json!(status);
        if outcome == "succeeded" {
            let intent = session["payment_intent"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let amount = int(&session["amount_total"]);
            self.charge(
                books,
                &session["__account"],
                &intent,
                amount,
                &session["currency"],
            );
        }
        let id = session["id"].as_str().unwrap_or_default().to_string();
        books.objects.insert(id, session.clone());
        Ok((event, session))
    }

    fn settle_invoice(
        &self,
        books: &mut Books,
        invoice: &Value,
        outcome: &str,
    ) -> Result<(&'static str, Value), String> {
        if invoice["status"] != "open" {
            return Err(format!("the invoice is {}", invoice["status"]));
        }
        let mut invoice = invoice.clone();
        let event = match outcome {
            "paid" => {
                let due = invoice["amount_due"].clone();
                let id = invoice["id"].as_str().unwrap_or_default().to_string();
                let intent = format!("pi_{}", &id[3..]);
                self.charge(
                    books,
                    &invoice["__account"],
                    &intent,
                    int(&due),
                    &invoice["currency"],
                );
                let mut payment = self.fixture("invoice_payment");
                merge(
                    &mut payment,
                    &json!({
                        "id": format!("inpay_{}", &id[3..]), "invoice": id, "amount_paid": due,
                        "amount_requested": due, "currency": invoice["currency"], "status": "paid",
                        "livemode": false, "created": now(),
                        "payment": { "type": "payment_intent", "payment_intent": intent },
                    }),
                );
                // Only in answers that ask for it (`expand[]=payments`), as in Stripe.
                invoice["__payments"] = json!({
                    "object": "list", "data": [payment], "has_more": false,
                    "url": format!("/v1/invoice_payments?invoice={id}"),
                });
                merge(
                    &mut invoice,
                    &json!({"status": "paid", "amount_paid": due, "amount_remaining": 0, "paid": true}),
                );
                "invoice.paid"
            }
            "failed" => {
                invoice["attempt_count"] =
                    json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
                "invoice.payment_failed"
            }
            _ => return Err(format!("an invoice cannot be {outcome}")),
        };
        let id = invoice["id"].as_str().unwrap_or_default().to_string();
        books.objects.insert(id, invoice.clone());
        Ok((event, invoice))
    }

    fn event(&self, books: &mut Books, account: &str, kind: &str, object: &Value) -> Value {
        let id = new_id(books, "evt");
        let mut event = self.fixture("event");
        merge(
            &mut event,
            &json!({
                "id": id,
                "type": kind,
                "created": now(),
                "livemode": false,
                "pending_webhooks": 1,
                "request": {"id": Value::Null, "idempotency_key": Value::Null},
                "__account": account,
            }),
        );
        event["data"] = json!({ "object": public(object) });
        books.objects.insert(id, event.clone());
        event
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

/// Where an account's events go: endpoints registered through the API and added by hand.
/// Endpoints registered through the API get only the events they were enabled for.
fn endpoints_of(books: &Books, account: &str, kind: Option<&str>) -> Vec<(String, String)> {
    let enabled = |o: &Value| {
        o["enabled_events"].as_array().is_none_or(|events| {
            events
                .iter()
                .any(|e| e == "*" || kind.is_some_and(|kind| e == kind))
        })
    };
    let mut endpoints: Vec<(String, String)> = books
        .objects
        .values()
        .filter(|o| o["object"] == "webhook_endpoint" && o["__account"] == account && enabled(o))
        .map(|o| {
            (
                o["url"].as_str().unwrap_or_default().to_string(),
                o["__secret"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    endpoints.extend(
        books
            .dashboard_endpoints
            .iter()
            .filter(|(a, _, _)| a == account)
            .map(|(_, url, secret)| (url.clone(), secret.clone())),
    );
    endpoints
}

/// The charge through which PaymentIntent `payment_intent` took its money.
fn charge_of(books: &Books, payment_intent: &str) -> Result<Value, String> {
    books
        .objects
        .values()
        .find(|o| o["object"] == "charge" && o["payment_intent"] == payment_intent)
        .cloned()
        .ok_or_else(|| format!("no charge for {payment_intent}"))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn new_id(books: &mut Books, prefix: &str) -> String {
    books.next_id += 1;
    format!("{prefix}_{:014}", books.next_id)
}

/// Sets every field of `fields` on `target` (objects merge one level deep).
fn merge(target: &mut Value, fields: &Value) {
    if let (Some(target), Some(fields)) = (target.as_object_mut(), fields.as_object()) {
        for (key, value) in fields {
            target.insert(key.clone(), value.clone());
        }
    }
}

/// An object as Stripe shows it: without the stand-in's own `__` fields.
fn public(object: &Value) -> Value {
    match object {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !key.starts_with("__"))
                .map(|(key, value)| (key.clone(), public(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(public).collect()),
        other => other.clone(),
    }
}

/// Stripe's form encoding (`line_items[0][price_data][currency]=eur`) as nested JSON; lists
/// come back as arrays. Values stay strings, as on the wire.
pub fn parse_form(body: &str) -> Value {
    let mut root = Value::Object(Map::new());
    for (key, value) in url::form_urlencoded::parse(body.as_bytes()) {
        let mut path: Vec<String> = Vec::new();
        let (head, rest) = key.split_once('[').unwrap_or((&key, ""));
        path.push(head.to_string());
        for part in rest.split('[') {
            let part = part.trim_end_matches(']');
            if !part.is_empty() || !rest.is_empty() {
                path.push(part.to_string());
            }
        }
        let mut at = &mut root;
        for (i, part) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let map = at.as_object_mut().expect("form levels are objects");
            if last {
                map.insert(part.clone(), Value::String(value.to_string()));
                break;
            }
            at = map
                .entry(part.clone())
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
    arrays(root)
}

fn arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let numbered = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
            if numbered {
                let mut items: Vec<(usize, Value)> = map
                    .into_iter()
                    .map(|(k, v)| (k.parse().unwrap_or(0), arrays(v)))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(map.into_iter().map(|(k, v)| (k, arrays(v))).collect())
            }
        }
        other => other,
    }
}

fn int(value: &Value) -> i64 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| value.as_i64())
        .unwrap_or(0)
}

fn stripe_error(status: u16, kind: &str, code: Option<&str>, message: &str) -> (u16, Value) {
    (
        status,
        json!({ "error": { "type": kind, "code": code, "message": message } }),
    )
}

fn reply((status, body): (u16, Value)) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [
            ("content-type", "application/json"),
            ("request-id", "req_standin"),
        ],
        public(&body).to_string(),
    )
        .into_response()
}

/// What every API request goes through: the key, scripted failures, idempotency, the log.
struct Call {
    account: String,
    form: Value,
}

impl StripeStandIn {
    fn handle(
        &self,
        method: Method,
        path: &str,
        headers: &HeaderMap,
        body: &str,
        act: impl FnOnce(&mut Books, &Call) -> (u16, Value),
    ) -> Response {
        let key = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_string();
        let idempotency_key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let form = parse_form(body);
        let mut books = self.books.lock().expect("stand-in lock");
        let answer = self.answer(
            &mut books,
            &method,
            path,
            &key,
            idempotency_key.as_deref(),
            body,
            &form,
            act,
        );
        books.received.push(Received {
            method: method.to_string(),
            path: path.to_string(),
            key,
            idempotency_key,
            form,
            status: answer.0,
        });
        reply(answer)
    }

    #[allow(clippy::too_many_arguments)]
    fn answer(
        &self,
        books: &mut Books,
        method: &Method,
        path: &str,
        key: &str,
        idempotency_key: Option<&str>,
        body: &str,
        form: &Value,
        act: impl FnOnce(&mut Books, &Call) -> (u16, Value),
    ) -> (u16, Value) {
        let well_formed = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
            .iter()
            .any(|p| key.starts_with(p))
            && key.len() >= 20;
        if !well_formed || key.contains("invalid") {
            let shown = key.get(key.len().saturating_sub(4)..).unwrap_or_default();
            return stripe_error(
                401,
                "invalid_request_error",
                None,
                &format!("Invalid API Key provided: sk_****{shown}"),
            );
        }
        if books.revoked.iter().any(|k| k == key) {
            return stripe_error(
                401,
                "invalid_request_error",
                Some("api_key_expired"),
                "Expired API Key provided.",
            );
        }
        let scripted = books
            .failures
            .iter()
            .position(|f| f.at.as_deref().is_none_or(|at| path.starts_with(at)));
        if let Some(at) = scripted {
            let failure = books.failures.remove(at);
            return stripe_error(
                failure.status,
                &failure.kind,
                failure.code.as_deref(),
                &failure.message,
            );
        }
        if key.starts_with("rk_")
            && key.contains("nowebhooks")
            && path.starts_with("/v1/webhook_endpoints")
        {
            return stripe_error(
                403,
                "invalid_request_error",
                None,
                "The provided key does not have the required permissions for this endpoint: rak_webhook_write.",
            );
        }
        if key.starts_with("rk_") && key.contains("noevents") && path.starts_with("/v1/events") {
            return stripe_error(
                403,
                "invalid_request_error",
                None,
                "The provided key does not have the required permissions for this endpoint: rak_event_read.",
            );
        }
        let account = Self::account_of(key);
        let fingerprint = format!("{method} {path} {body}");
        if let Some(idem) = idempotency_key.filter(|_| method == Method::POST) {
            let slot = (account.clone(), idem.to_string());
            if let Some((seen, status, saved)) = books.idempotent.get(&slot) {
                if *seen != fingerprint {
                    return stripe_error(
                        400,
                        "idempotency_error",
                        None,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                    );
                }
                return (*status, saved.clone());
            }
            let answer = act(
                books,
                &Call {
                    account,
                    form: form.clone(),
                },
            );
            books
                .idempotent
                .insert(slot, (fingerprint, answer.0, answer.1.clone()));
            return answer;
        }
        act(
            books,
            &Call {
                account,
                form: form.clone(),
            },
        )
    }

    fn create(
        &self,
        books: &mut Books,
        call: &Call,
        kind: &str,
        prefix: &str,
        fields: Value,
    ) -> (u16, Value) {
        let id = new_id(books, prefix);
        let mut object = self.fixture(kind);
        merge(
            &mut object,
            &json!({
                "id": id,
                "created": now(),
                "livemode": false,
                "metadata": call.form.get("metadata").cloned().unwrap_or(json!({})),
                "__account": call.account,
            }),
        );
        merge(&mut object, &fields);
        books.objects.insert(id, object.clone());
        (200, object)
    }
}

fn missing(id: &str) -> (u16, Value) {
    stripe_error(
        404,
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such object: '{id}'"),
    )
}

/// The object `id` if it belongs to the caller's account.
fn owned(books: &Books, call: &Call, id: &str) -> Result<Value, (u16, Value)> {
    books
        .objects
        .get(id)
        .filter(|o| o["__account"] == call.account.as_str())
        .cloned()
        .ok_or_else(|| missing(id))
}

/// Changes the caller's object `id` with `edit` (which may refuse with a Stripe error) and
/// answers with the object as changed.
fn change(
    books: &mut Books,
    call: &Call,
    id: &str,
    edit: impl FnOnce(&mut Value, &Value) -> Result<(), (u16, Value)>,
) -> (u16, Value) {
    let mut object = match owned(books, call, id) {
        Ok(object) => object,
        Err(err) => return err,
    };
    if let Err(err) = edit(&mut object, &call.form) {
        return err;
    }
    books.objects.insert(id.to_string(), object.clone());
    (200, object)
}

async fn account(State(s): State<StripeStandIn>, headers: HeaderMap) -> Response {
    s.handle(Method::GET, "/v1/account", &headers, "", |_, call| {
        let mut account = s.fixture("account");
        merge(
            &mut account,
            &json!({
                "id": call.account,
                "country": "FR",
                "default_currency": "eur",
                "email": "owner@studio.test",
                "charges_enabled": true,
            }),
        );
        account["business_profile"]["name"] = json!("Studio Test SARL");
        account["settings"]["dashboard"]["display_name"] = json!("Studio Test");
        (200, account)
    })
}

async fn retrieve(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let path = format!("/v1/…/{id}");
    let query = query.unwrap_or_default();
    let asked = url::form_urlencoded::parse(query.as_bytes())
        .any(|(key, value)| key.starts_with("expand") && value == "payments");
    s.handle(
        Method::GET,
        &path,
        &headers,
        "",
        |books, call| match owned(books, call, &id) {
            Ok(mut object) => {
                if asked && object.get("__payments").is_some() {
                    object["payments"] = object["__payments"].clone();
                }
                (200, object)
            }
            Err(err) => err,
        },
    )
}

async fn create_customer(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    body: String,
) -> Response {
    s.handle(
        Method::POST,
        "/v1/customers",
        &headers,
        &body,
        |books, call| {
            let f = &call.form;
            s.create(books, call, "customer", "cus", json!({
            "email": f.get("email"), "name": f.get("name"), "description": f.get("description"),
            "discount": Value::Null,
        }))
        },
    )
}

/// `GET /v1/customers?email=…&limit=…`: the account's customers, newest first; the address
/// filter is exact (case-sensitive), as Stripe's is.
async fn list_customers(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    s.handle(Method::GET, "/v1/customers", &headers, "", |books, call| {
        let email = query.get("email").cloned();
        let limit = query
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(10_usize)
            .min(100);
        let mut data: Vec<Value> = books
            .objects
            .values()
            .filter(|o| o["object"] == "customer" && o["__account"] == call.account.as_str())
            .filter(|o| email.as_ref().is_none_or(|e| o["email"] == e.as_str()))
            .cloned()
            .collect();
        data.sort_by_key(|o| {
            std::cmp::Reverse((o["created"].as_i64(), o["id"].as_str().map(str::to_string)))
        });
        let has_more = data.len() > limit;
        data.truncate(limit);
        (
            200,
            json!({ "object": "list", "data": data, "has_more": has_more, "url": "/v1/customers" }),
        )
    })
}

async fn create_payment_link(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    body: String,
) -> Response {
    s.handle(
        Method::POST,
        "/v1/payment_links",
        &headers,
        &body,
        |books, call| {
            let Some(item) = call.form["line_items"].get(0) else {
                return stripe_error(
                    400,
                    "invalid_request_error",
                    Some("parameter_missing"),
                    "Missing required param: line_items.",
                );
            };
            let price = &item["price_data"];
            let amount = int(&price["unit_amount"]) * int(&item["quantity"]).max(1);
            if amount <= 0 || price["currency"].as_str().is_none() {
                return stripe_error(
                    400,
                    "invalid_request_error",
                    Some("parameter_invalid_integer"),
                    "Invalid line_items[0][price_data]: unit_amount and currency are required.",
                );
            }
            let (status, mut link) = s.create(
                books,
                call,
                "payment_link",
                "plink",
                json!({
                    "active": true,
                    "currency": price["currency"],
                    "__amount": amount,
                    "__product": price["product_data"]["name"],
                }),
            );
            let id = link["id"].as_str().unwrap_or_default().to_string();
            link["url"] = json!(format!("https://buy.stripe.com/test_{id}"));
            books.objects.insert(id, link.clone());
            (status, link)
        },
    )
}

async fn update_payment_link(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let path = format!("/v1/payment_links/{id}");
    s.handle(Method::POST, &path, &headers, &body, |books, call| {
        change(books, call, &id, |link, form| {
            if let Some(active) = form.get("active").and_then(Value::as_str) {
                link["active"] = json!(active == "true");
            }
            Ok(())
        })
    })
}

/// `GET /v1/invoice_payments?payment[type]=payment_intent&payment[payment_intent]=pi_…`.
async fn list_invoice_payments(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = parse_form(&query.unwrap_or_default());
    let intent = query["payment"]["payment_intent"]
        .as_str()
        .map(str::to_string);
    s.handle(Method::GET, "/v1/invoice_payments", &headers, "", |books, call| {
        let data: Vec<Value> = books
            .objects
            .values()
            .filter(|o| o["object"] == "invoice" && o["__account"] == call.account.as_str())
            .filter_map(|o| o["__payments"]["data"].as_array().cloned())
            .flatten()
            .filter(|p| intent.as_ref().is_none_or(|i| p["payment"]["payment_intent"] == i.as_str()))
            .collect();
        (200, json!({ "object": "list", "data": data, "has_more": false, "url": "/v1/invoice_payments" }))
    })
}

/// The account's events, newest first as Stripe lists them: filtered by `types[]` and
/// `created[gte|gt|lte|lt]`, paged by `limit` (10 unless given, 100 at most) and
/// `starting_after`.
async fn list_events(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = parse_form(&query.unwrap_or_default());
    s.handle(Method::GET, "/v1/events", &headers, "", |books, call| {
        let types: Vec<&str> = query["types"]
            .as_array()
            .map(|types| types.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let created = &query["created"];
        let bound = |name: &str| created[name].as_str().and_then(|v| v.parse::<i64>().ok());
        let in_range = |at: i64| {
            bound("gte").is_none_or(|b| at >= b)
                && bound("gt").is_none_or(|b| at > b)
                && bound("lte").is_none_or(|b| at <= b)
                && bound("lt").is_none_or(|b| at < b)
        };
        let mut data: Vec<&Value> = books
            .objects
            .values()
            .filter(|o| o["object"] == "event" && o["__account"] == call.account.as_str())
            .filter(|o| types.is_empty() || types.iter().any(|t| o["type"] == *t))
            .filter(|o| in_range(o["created"].as_i64().unwrap_or(0)))
            .collect();
        // Ids grow with time, so they order events of the same second.
        data.sort_by(|a, b| {
            (b["created"].as_i64(), b["id"].as_str())
                .cmp(&(a["created"].as_i64(), a["id"].as_str()))
        });
        if let Some(after) = query["starting_after"].as_str() {
            match data.iter().position(|o| o["id"] == after) {
                Some(at) => data = data.split_off(at + 1),
                None => return missing(after),
            }
        }
        let limit = int(&query["limit"]);
        let limit = if limit == 0 { 10 } else { limit.clamp(1, 100) } as usize;
        let has_more = data.len() > limit;
        let page: Vec<Value> = data.into_iter().take(limit).cloned().collect();
        (
            200,
            json!({ "object": "list", "data": page, "has_more": has_more, "url": "/v1/events" }),
        )
    })
}

async fn list_sessions(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    s.handle(Method::GET, "/v1/checkout/sessions", &headers, "", |books, call| {
        let link = query.get("payment_link").cloned();
        let intent = query.get("payment_intent").cloned();
        let mut data: Vec<Value> = books
            .objects
            .values()
            .filter(|o| o["object"] == "checkout.session" && o["__account"] == call.account.as_str())
            .filter(|o| link.as_ref().is_none_or(|l| o["payment_link"] == l.as_str()))
            .filter(|o| intent.as_ref().is_none_or(|i| o["payment_intent"] == i.as_str()))
            .cloned()
            .collect();
        data.sort_by_key(|o| std::cmp::Reverse(o["created"].as_i64()));
        (200, json!({ "object": "list", "data": data, "has_more": false, "url": "/v1/checkout/sessions" }))
    })
}

async fn create_invoice_item(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    body: String,
) -> Response {
    s.handle(Method::POST, "/v1/invoiceitems", &headers, &body, |books, call| {
        let f = &call.form;
        let customer = f["customer"].as_str().unwrap_or_default().to_string();
        if owned(books, call, &customer).is_err() {
            return missing(&customer);
        }
        let amount = int(&f["amount"]);
        // Added to a draft invoice when one is named (as PayTrack does).
        if let Some(invoice) = f["invoice"].as_str() {
            let total = match owned(books, call, invoice) {
                Ok(found) if found["status"] == "draft" => found["amount_due"].as_i64().unwrap_or(0) + amount,
                Ok(_) => {
                    return stripe_error(400, "invalid_request_error", Some("invoice_not_editable"), "The invoice is finalized.");
                }
                Err(err) => return err,
            };
            if let Some(target) = books.objects.get_mut(invoice) {
                merge(target, &json!({"amount_due": total, "amount_remaining": total, "total": total, "subtotal": total}));
            }
        }
        s.create(
            books,
            call,
            "invoiceitem",
            "ii",
            json!({
                "customer": customer, "amount": amount, "currency": f["currency"],
                "description": f.get("description"), "invoice": f.get("invoice"),
            }),
        )
    })
}

async fn create_invoice(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    body: String,
) -> Response {
    s.handle(Method::POST, "/v1/invoices", &headers, &body, |books, call| {
        let f = &call.form;
        let customer = f["customer"].as_str().unwrap_or_default().to_string();
        if owned(books, call, &customer).is_err() {
            return missing(&customer);
        }
        let (status, invoice) = s.create(books, call, "invoice", "in", json!({
            "customer": customer, "status": "draft", "currency": f["currency"],
            "collection_method": f.get("collection_method"), "auto_advance": false,
            "amount_due": 0, "amount_paid": 0, "amount_remaining": 0, "hosted_invoice_url": Value::Null,
        }));
        // Pending items of this customer join the new invoice, as on Stripe.
        let id = invoice["id"].as_str().unwrap_or_default().to_string();
        let mut total = 0;
        for item in books.objects.values_mut() {
            if item["object"] == "invoiceitem" && item["customer"] == customer.as_str() && item["invoice"].is_null() {
                item["invoice"] = json!(id);
                total += item["amount"].as_i64().unwrap_or(0);
            }
        }
        let mut invoice = invoice;
        merge(&mut invoice, &json!({"amount_due": total, "amount_remaining": total, "total": total, "subtotal": total}));
        books.objects.insert(id, invoice.clone());
        (status, invoice)
    })
}

async fn finalize_invoice(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let path = format!("/v1/invoices/{id}/finalize");
    s.handle(Method::POST, &path, &headers, &body, |books, call| {
        change(books, call, &id, |invoice, _| {
            if invoice["status"] != "draft" {
                return Err(stripe_error(
                    400,
                    "invalid_request_error",
                    Some("invoice_not_editable"),
                    "This invoice is already finalized.",
                ));
            }
            merge(
                invoice,
                &json!({
                    "status": "open",
                    "number": format!("STANDIN-{}", &id[3..]),
                    "hosted_invoice_url": format!("https://invoice.stripe.com/i/test_{id}"),
                }),
            );
            Ok(())
        })
    })
}

async fn void_invoice(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let path = format!("/v1/invoices/{id}/void");
    s.handle(Method::POST, &path, &headers, &body, |books, call| {
        change(books, call, &id, |invoice, _| {
            if invoice["status"] != "open" {
                return Err(stripe_error(
                    400,
                    "invalid_request_error",
                    Some("invoice_not_editable"),
                    "Only open invoices can be voided.",
                ));
            }
            invoice["status"] = json!("void");
            Ok(())
        })
    })
}

async fn create_webhook_endpoint(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    body: String,
) -> Response {
    s.handle(
        Method::POST,
        "/v1/webhook_endpoints",
        &headers,
        &body,
        |books, call| {
            let f = &call.form;
            let secret = format!("whsec_standin{:020}", books.next_id * 7919 + 17);
            let (status, mut endpoint) = s.create(
                books,
                call,
                "webhook_endpoint",
                "we",
                json!({
                    "url": f["url"], "enabled_events": f["enabled_events"], "status": "enabled",
                    "description": f.get("description"), "__secret": secret,
                }),
            );
            let id = endpoint["id"].as_str().unwrap_or_default().to_string();
            books.objects.insert(id, endpoint.clone());
            // Stripe shows the secret only in the creation answer.
            endpoint["secret"] = json!(secret);
            (status, endpoint)
        },
    )
}

async fn update_webhook_endpoint(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let path = format!("/v1/webhook_endpoints/{id}");
    s.handle(Method::POST, &path, &headers, &body, |books, call| {
        change(books, call, &id, |endpoint, form| {
            if let Some(events) = form.get("enabled_events") {
                endpoint["enabled_events"] = events.clone();
            }
            Ok(())
        })
    })
}

async fn delete_webhook_endpoint(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/v1/webhook_endpoints/{id}");
    s.handle(Method::DELETE, &path, &headers, "", |books, call| {
        if owned(books, call, &id).is_err() {
            return missing(&id);
        }
        books.objects.remove(&id);
        (
            200,
            json!({ "id": id, "object": "webhook_endpoint", "deleted": true }),
        )
    })
}

async fn control_fail(
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
async fn control_latency(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> StatusCode {
    let ms = q.get("ms").and_then(|ms| ms.parse().ok()).unwrap_or(0);
    s.set_latency(std::time::Duration::from_millis(ms));
    StatusCode::NO_CONTENT
}

async fn control_revoke(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> StatusCode {
    s.revoke(q.get("key").map(String::as_str).unwrap_or_default());
    StatusCode::NO_CONTENT
}

/// `POST /_stand_in/dispute?payment_intent=pi_…&amount=…[&inquiry=true]`: the payer's bank
/// disputes a payment. Answers the events sent.
async fn control_dispute(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let intent = q.get("payment_intent").cloned().unwrap_or_default();
    let amount = q.get("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    let inquiry = q.get("inquiry").is_some_and(|i| i == "true");
    events_answer(s.dispute(&intent, amount, inquiry).await)
}

/// `POST /_stand_in/decide_dispute?id=dp_…&won=true|false`: the bank decides.
async fn control_decide_dispute(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let id = q.get("id").cloned().unwrap_or_default();
    let won = q.get("won").is_some_and(|w| w == "true");
    events_answer(s.decide_dispute(&id, won).await)
}

fn events_answer(events: Result<Vec<Value>, String>) -> Response {
    match events {
        Ok(events) => {
            let events: Vec<Value> = events.iter().map(public).collect();
            (StatusCode::OK, Value::from(events).to_string()).into_response()
        }
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

/// `POST /_stand_in/refund?payment_intent=pi_…&amount=…`: the account refunds.
async fn control_refund(
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
async fn control_pay(
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

async fn create_checkout_session(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    body: String,
) -> Response {
    s.handle(Method::POST, "/v1/checkout/sessions", &headers, &body, |books, call| {
        let f = &call.form;
        let Some(price) = f["line_items"][0]["price"].as_str().map(str::to_string) else {
            return stripe_error(400, "invalid_request_error", Some("parameter_missing"), "Missing required param: line_items[0][price].");
        };
        if f["mode"] != "subscription" {
            return stripe_error(400, "invalid_request_error", Some("parameter_invalid_empty"), "The stand-in makes subscription sessions only.");
        }
        if let Some(customer) = f["customer"].as_str()
            && owned(books, call, customer).is_err()
        {
            return missing(customer);
        }
        let (status, mut session) = s.create(books, call, "checkout.session", "cs_test", json!({
            "mode": "subscription", "status": "open", "payment_status": "unpaid",
            "client_reference_id": f.get("client_reference_id"), "customer": f.get("customer"),
            "customer_email": f.get("customer_email"), "success_url": f.get("success_url"),
            "cancel_url": f.get("cancel_url"), "payment_link": Value::Null, "subscription": Value::Null,
            "amount_total": Value::Null, "currency": Value::Null,
            "__price": price, "__sub_metadata": f["subscription_data"]["metadata"].clone(),
        }));
        let id = session["id"].as_str().unwrap_or_default().to_string();
        session["url"] = json!(format!("https://checkout.stripe.com/c/pay/{id}"));
        books.objects.insert(id, session.clone());
        (status, session)
    })
}

async fn cancel_subscription(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/v1/subscriptions/{id}");
    s.handle(Method::DELETE, &path, &headers, "", |books, call| {
        change(books, call, &id, |sub, _| {
            sub["status"] = json!("canceled");
            sub["ended_at"] = json!(now());
            Ok(())
        })
    })
}

async fn create_portal_session(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    body: String,
) -> Response {
    s.handle(Method::POST, "/v1/billing_portal/sessions", &headers, &body, |books, call| {
        let f = &call.form;
        let customer = f["customer"].as_str().unwrap_or_default().to_string();
        if owned(books, call, &customer).is_err() {
            return missing(&customer);
        }
        let (status, mut portal) = s.create(books, call, "billing_portal.session", "bps", json!({
            "customer": customer, "return_url": f.get("return_url"), "flow": Value::Null,
            "configuration": "bpc_standin", "on_behalf_of": Value::Null, "locale": Value::Null,
        }));
        portal["url"] = json!(format!("https://billing.stripe.com/p/session/test_{}", portal["id"].as_str().unwrap_or_default()));
        (status, portal)
    })
}

/// `POST /_stand_in/endpoint?key=…&url=…&secret=…`: a webhook endpoint added by hand.
async fn control_endpoint(
    State(s): State<StripeStandIn>,
    Query(q): Query<HashMap<String, String>>,
) -> StatusCode {
    let get = |name: &str| q.get(name).map(String::as_str).unwrap_or_default();
    s.add_endpoint(get("key"), get("url"), get("secret"));
    StatusCode::NO_CONTENT
}
