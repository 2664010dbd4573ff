//! The hosted-invoice endpoints PayTrack calls in its users' accounts: invoices and their
//! items made, finalized, voided, deleted while drafts, and listed per customer.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde_json::{Value, json};

use super::StripeStandIn;
use super::wire::{change, int, listed, merge, missing, owned, refused_param, stripe_error};

pub(super) async fn create_invoice_item(
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

pub(super) async fn create_invoice(
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
        // A number given is kept; one the account has used, on any invoice, is refused.
        let number = f["number"].as_str().filter(|n| !n.is_empty());
        if let Some(number) = number {
            let used = books.objects.values().any(|o| {
                o["object"] == "invoice" && o["__account"] == call.account.as_str() && o["number"] == number
            });
            if used {
                return refused_param("number", &format!("Invoice number '{number}' is already in use in this account."));
            }
        }
        let (status, invoice) = s.create(books, call, "invoice", "in", json!({
            "customer": customer, "status": "draft", "currency": f["currency"], "number": number,
            "description": f.get("description"),
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

pub(super) async fn finalize_invoice(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let path = format!("/v1/invoices/{id}/finalize");
    s.handle(Method::POST, &path, &headers, &body, |books, call| {
        // Stripe copies who the invoice is to from its customer, and keeps that copy after.
        let addressee = owned(books, call, &id)
            .ok()
            .and_then(|invoice| books.objects.get(invoice["customer"].as_str()?).cloned())
            .unwrap_or(Value::Null);
        change(books, call, &id, |invoice, _| {
            if invoice["status"] != "draft" {
                return Err(stripe_error(
                    400,
                    "invalid_request_error",
                    Some("invoice_not_editable"),
                    "This invoice is already finalized.",
                ));
            }
            // Numbered when finalized, unless a number was given.
            if invoice["number"].is_null() {
                invoice["number"] = json!(format!("STANDIN-{}", &id[3..]));
            }
            merge(
                invoice,
                &json!({
                    "status": "open",
                    "customer_name": addressee["name"],
                    "customer_email": addressee["email"],
                    "hosted_invoice_url": format!("https://invoice.stripe.com/i/test_{id}"),
                }),
            );
            Ok(())
        })
    })
}

pub(super) async fn void_invoice(
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

/// `GET /v1/invoices?customer=…&limit=…`: the customer's invoices in this account, newest
/// first.
pub(super) async fn list_invoices(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    s.handle(Method::GET, "/v1/invoices", &headers, "", |books, call| {
        let customer = query.get("customer");
        listed(books, call, "invoice", &query, |o| {
            customer.is_none_or(|c| o["customer"] == c.as_str())
        })
    })
}

/// `DELETE /v1/invoices/{id}`: only a draft can be deleted, and then it is gone, with its items.
pub(super) async fn delete_invoice(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/v1/invoices/{id}");
    s.handle(Method::DELETE, &path, &headers, "", |books, call| {
        match owned(books, call, &id) {
            Ok(invoice) if invoice["status"] == "draft" => {}
            Ok(_) => {
                return stripe_error(
                    400,
                    "invalid_request_error",
                    Some("invoice_not_editable"),
                    "You can only delete draft invoices.",
                );
            }
            Err(_) => return missing(&id),
        }
        books.objects.remove(&id);
        books
            .objects
            .retain(|_, o| !(o["object"] == "invoiceitem" && o["invoice"] == id.as_str()));
        (
            200,
            json!({ "id": id, "object": "invoice", "deleted": true }),
        )
    })
}
