//! Money paid through a payment link PayTrack has since replaced: a checkout page the client
//! opened before a payment by hand, a refund or a correction changed what is owed, and paid
//! after (deactivating a link stops new checkouts; nothing promises it ends one already open).
//! The money is real: it is recorded like any Stripe payment (what it brings beyond what is
//! owed is noted as paid twice), and the invoice's current link is closed, or made anew for
//! what is owed then.

use super::links;
use super::settle::{Settled, after_taking, extra, record_taken};
use crate::error::AppError;
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;
use crate::server::stripe::payments::Remote;

/// Records what a checkout session of one of `invoice`'s retired links says now. Only money
/// counts: a bank debit started there is recorded when it succeeds (an event of its own).
pub async fn settle_retired(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    remote: Remote,
) -> Result<Settled, AppError> {
    let Remote::Paid {
        reference,
        amount_minor,
        payment_intent,
    } = remote
    else {
        return Ok(Settled::Unchanged);
    };
    if payment_intent
        .as_deref()
        .is_some_and(|intent| invoice.has_stripe_payment(intent))
    {
        return Ok(Settled::Unchanged);
    }
    let taken = extra(reference, amount_minor, payment_intent);
    let recorded = match record_taken(state, user, invoice, &taken).await? {
        Ok(recorded) => recorded,
        Err(settled) => return Ok(settled),
    };
    let Some(saved) = after_taking(state, user, invoice, recorded, taken).await? else {
        return Ok(Settled::Unchanged);
    };
    links::follow_owed(state, user, &saved).await;
    Ok(Settled::Paid)
}
