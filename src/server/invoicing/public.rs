//! The client's view of an invoice at its unguessable link: the token is the permission.

use crate::error::AppError;
use crate::server::auth::token::is_well_formed;
use crate::server::db::{self, invoices, invoices::InvoiceDoc, users, users::UserDoc};
use crate::server::state::AppState;

/// The invoice behind `token` and who sent it, or `None` when the link is malformed, unknown,
/// replaced or the invoice was voided (all said the same way).
pub async fn by_token(
    state: &AppState,
    token: &str,
) -> Result<Option<(InvoiceDoc, UserDoc)>, AppError> {
    if !is_well_formed(token) {
        return Ok(None);
    }
    let Some(invoice) = invoices::by_public_token(&state.db, token)
        .await
        .map_err(db::failed("reading a public invoice"))?
    else {
        return Ok(None);
    };
    let owner = users::find(&state.db, invoice.user_id)
        .await
        .map_err(db::failed("reading an invoice's sender"))?;
    Ok(owner.map(|owner| (invoice, owner)))
}
