//! Money paid on a checkout page of a payment link that stopped taking new payments — replaced
//! after a part payment or a refund, closed once the invoice was paid another way — reaches a
//! webhook like any payment. An account without one hears of it only by asking: for the day
//! such a page can stay open (`quiet_links_until`), reconciliation reads each quiet link's paid
//! checkout sessions and records what the invoice does not have yet, as the webhook would
//! (`retired_link::settle_retired`: owed money recorded, the rest noted as paid twice).

use super::retired_link::settle_retired;
use crate::domain::pay_with::PayWith;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;
use crate::server::stripe::client::StripeProblem;
use crate::server::stripe::link_sessions::paid_through_link;
use crate::server::stripe::payments::Remote;
use crate::server::stripe_account::Connected;

/// Asks about every quiet link of `invoice` and records the money found that it lacks.
pub async fn poll(
    state: &AppState,
    connected: &Connected,
    user: &UserDoc,
    invoice: &InvoiceDoc,
) -> Result<(), StripeProblem> {
    let mut links: Vec<String> = invoice.retired_links.clone();
    if let Some(pay) = invoice
        .stripe
        .as_ref()
        .filter(|pay| pay.mode == PayWith::PaymentLink && !pay.takes_payments())
    {
        links.push(pay.object_id.clone());
    }
    for link in links {
        for remote in paid_through_link(&connected.api, &connected.key, &link).await? {
            // Read again each time: the money just recorded is known from here on.
            let fresh = match invoices::get(&state.db, user.id, invoice.id).await {
                Ok(Some(fresh)) => fresh,
                Ok(None) => return Ok(()),
                Err(err) => {
                    tracing::warn!(error = %err, invoice = %invoice.id, "reading an invoice to check its quiet links");
                    return Err(StripeProblem::Unreachable);
                }
            };
            if knows(&fresh, &remote) {
                continue;
            }
            if let Err(err) = settle_retired(state, user, &fresh, remote).await {
                tracing::warn!(error = %err, invoice = %invoice.id, "recording money paid through a quiet link");
                return Err(StripeProblem::Unreachable);
            }
        }
    }
    Ok(())
}

/// The invoice has this money already: as one of its payments, or noted as paid twice.
fn knows(invoice: &InvoiceDoc, remote: &Remote) -> bool {
    let Remote::Paid {
        reference,
        payment_intent,
        ..
    } = remote
    else {
        return true;
    };
    let intent = payment_intent.as_deref();
    intent.is_some_and(|intent| invoice.has_stripe_payment(intent))
        || invoice.extra_payments.iter().any(|extra| {
            &extra.reference == reference
                || (intent.is_some() && extra.stripe_payment.as_deref() == intent)
        })
}
