//! The client's view of an invoice at its unguessable link. No sign-in: the token in the URL
//! is the permission, and the page shows only the invoice itself.

use leptos::prelude::*;

use crate::api::invoices::wire::InvoiceDocument;
use crate::error::AppError;

/// The invoice behind `token`, or `None` when the link is unknown, replaced or the invoice
/// was voided (all said the same way).
#[server(prefix = "/api", endpoint = "public/invoice")]
pub async fn public_invoice(token: String) -> Result<Option<InvoiceDocument>, AppError> {
    use crate::api::invoices::views::document;
    use crate::api::ssr::state;
    use crate::server::auth::token::is_well_formed;
    use crate::server::db::{failed, invoices, users};
    use crate::server::jobs::plan::today_of;

    if !is_well_formed(&token) {
        return Ok(None);
    }
    let state = state()?;
    let Some(invoice) = invoices::by_public_token(&state.db, &token)
        .await
        .map_err(failed("reading a public invoice"))?
    else {
        return Ok(None);
    };
    let Some(owner) = users::find(&state.db, invoice.user_id)
        .await
        .map_err(failed("reading an invoice's sender"))?
    else {
        return Ok(None);
    };
    let mut document = document(&invoice, &owner, today_of(&owner));
    document.branded =
        crate::server::limits::plan_of(&state, &owner) == crate::domain::plan::Plan::Free;
    Ok(Some(document))
}
