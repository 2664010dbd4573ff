//! What the client sees at their link: the invoice as a document, with what the sender's plan
//! and reminder settings add to it (the "Sent with PayTrack" line, the promise to pay, whether
//! a reply holds the reminders).

use crate::domain::invoice_document::InvoiceDocument;
use crate::domain::plan::Plan;
use crate::error::AppError;
use crate::server::chasing::{promises, replies};
use crate::server::invoicing::{document, public};
use crate::server::jobs::plan::today_of;
use crate::server::limits;
use crate::server::state::AppState;

/// The invoice behind `token` as its client's page shows it, or `None` when the link is
/// unknown, replaced or the invoice was voided (all said the same way).
pub async fn document(state: &AppState, token: &str) -> Result<Option<InvoiceDocument>, AppError> {
    let Some((invoice, owner)) = public::by_token(state, token).await? else {
        return Ok(None);
    };
    let today = today_of(&owner);
    let mut document = document::build(&invoice, &owner, today);
    document.branded = limits::plan_of(state, &owner) == Plan::Free;
    document.promise = Some(promises::offer(&invoice, &owner, today));
    document.replies_hold_reminders =
        replies::reply_would_hold(state.config.inbound_domain.as_deref(), &invoice);
    Ok(Some(document))
}
