//! The API endpoints PayTrack calls for its users' invoices: the account, customers, payment
//! links, checkout sessions and hosted invoices' payments; objects read back (the hosted
//! invoices themselves are `invoices.rs`).

use std::collections::HashMap;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde_json::{Value, json};

use super::StripeStandIn;
use super::wire::{change, int, listed, merge, owned, parse_form, stripe_error};

pub(super) async fn account(State(s): State<StripeStandIn>, headers: HeaderMap) -> Response {
    s.handle(Method::GET, "/v1/account", &headers, "", |_, call| {
        let mut account = s.fixture("account");
        merge(
            &mut account,
            &json!({
                "id": call.account.trim_end_matches("/live"),
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

pub(super) async fn retrieve(
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

pub(super) async fn create_customer(
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
pub(super) async fn list_customers(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    s.handle(Method::GET, "/v1/customers", &headers, "", |books, call| {
        let email = query.get("email");
        listed(books, call, "customer", &query, |o| {
            email.is_none_or(|e| o["email"] == e.as_str())
        })
    })
}

pub(super) async fn create_payment_link(
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
                    "after_completion": call.form.get("after_completion"),
                }),
            );
            let id = link["id"].as_str().unwrap_or_default().to_string();
            link["url"] = json!(format!("https://buy.stripe.com/test_{id}"));
            books.objects.insert(id, link.clone());
            (status, link)
        },
    )
}

/// `POST /v1/customers/{id}`: the fields given are set; an empty value unsets one, as on Stripe.
pub(super) async fn update_customer(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let path = format!("/v1/customers/{id}");
    s.handle(Method::POST, &path, &headers, &body, |books, call| {
        change(books, call, &id, |customer, form| {
            for field in ["name", "email", "description"] {
                if let Some(value) = form.get(field).and_then(Value::as_str) {
                    customer[field] = if value.is_empty() {
                        Value::Null
                    } else {
                        json!(value)
                    };
                }
            }
            Ok(())
        })
    })
}

pub(super) async fn update_payment_link(
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
            if let Some(after) = form.get("after_completion") {
                link["after_completion"] = after.clone();
            }
            Ok(())
        })
    })
}

/// `GET /v1/invoice_payments?payment[type]=payment_intent&payment[payment_intent]=pi_…`.
pub(super) async fn list_invoice_payments(
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

pub(super) async fn list_sessions(
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
