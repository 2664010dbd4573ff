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
    use crate::domain::plan::Plan;

    let state = crate::api::ssr::state()?;
    let found = crate::server::invoicing::public::by_token(&state, &token).await?;
    let Some((invoice, owner)) = found else {
        return Ok(None);
    };
    let today = crate::server::jobs::plan::today_of(&owner);
    let mut document = crate::server::invoicing::document::build(&invoice, &owner, today);
    document.branded = crate::server::limits::plan_of(&state, &owner) == Plan::Free;
    document.promise = Some(crate::server::chasing::promises::offer(
        &invoice, &owner, today,
    ));
    Ok(Some(document))
}

/// The client behind the link promises to pay by `day` (YYYY-MM-DD): what the page offers
/// after, or why not.
#[server(prefix = "/api", endpoint = "public/promise", output = BrowserJson)]
pub async fn promise_to_pay(token: String, day: String) -> Result<Offer, AppError> {
    let state = crate::api::ssr::state()?;
    crate::server::chasing::promises::make(&state, &token, &day).await
}
