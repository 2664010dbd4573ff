//! The client's view of an invoice at its unguessable link. No sign-in: the token in the URL
//! is the permission, and the page shows only the invoice itself.

use leptos::prelude::*;

use crate::api::invoices::wire::InvoiceDocument;
use crate::browser_json::BrowserJson;
use crate::domain::promise::Offer;
use crate::error::AppError;

/// The invoice behind `token`, or `None` when the link is unknown, replaced or the invoice
/// was voided (all said the same way).
#[server(prefix = "/api", endpoint = "public/invoice", output = BrowserJson)]
pub async fn public_invoice(token: String) -> Result<Option<InvoiceDocument>, AppError> {
    let state = crate::api::ssr::state()?;
    crate::server::invoicing::client_page::document(&state, &token).await
}

/// The client behind the link promises to pay by `day` (YYYY-MM-DD): what the page offers
/// after, or why not.
#[server(prefix = "/api", endpoint = "public/promise", output = BrowserJson)]
pub async fn promise_to_pay(token: String, day: String) -> Result<Offer, AppError> {
    let state = crate::api::ssr::state()?;
    crate::server::chasing::promises::make(&state, &token, &day).await
}
