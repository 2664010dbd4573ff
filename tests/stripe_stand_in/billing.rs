//! PayTrack's own subscription at Stripe: Checkout in subscription mode, the customer portal, a
//! subscription's renewals, failures and end.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde_json::{Value, json};

use super::wire::{change, merge, missing, new_id, now, owned, stripe_error};
use super::{Books, StripeStandIn};

impl StripeStandIn {
    /// A flat recurring price made by hand in the dashboard of `key`'s account, as an operator
    /// makes Pro's, under the id given (`interval`: "month" or "year").
    pub fn add_price(&self, key: &str, id: &str, currency: &str, unit_amount: i64, interval: &str) {
        let mut price = self.fixture("price");
        merge(
            &mut price,
            &json!({
                "id": id, "currency": currency, "unit_amount": unit_amount,
                "unit_amount_decimal": unit_amount.to_string(), "created": now(),
                "livemode": key.contains("_live_"), "product": "prod_PayTrackPro",
                "custom_unit_amount": Value::Null, "transform_quantity": Value::Null,
                "recurring": {
                    "interval": interval, "interval_count": 1, "meter": Value::Null,
                    "usage_type": "licensed", "trial_period_days": Value::Null,
                },
                "__account": Self::account_of(key),
            }),
        );
        self.books
            .lock()
            .expect("stand-in lock")
            .objects
            .insert(id.to_string(), price);
    }

    /// A subscription checkout completes: a customer (if new) and an active subscription.
    pub(super) fn subscribe(
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
        // A price made in the dashboard says its interval; one never made, its id.
        let yearly = match books.objects.get(&price) {
            Some(made) => made["recurring"]["interval"] == "year",
            None => price.contains("year"),
        };
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
    pub(super) fn change_subscription(
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
}

pub(super) async fn create_checkout_session(
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

pub(super) async fn cancel_subscription(
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

pub(super) async fn create_portal_session(
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
