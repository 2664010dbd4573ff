//! The stored state of an invoice's Stripe payment, moved in one place.

use crate::domain::stripe_pay::{PayState, StripePay};
use crate::error::AppError;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::state::AppState;

/// Moves the stored state of `invoice`'s Stripe payment.
pub async fn mark(
    state: &AppState,
    invoice: &InvoiceDoc,
    pay: &StripePay,
    to: PayState,
    reference: Option<&str>,
) -> Result<(), AppError> {
    invoices::set_pay_state(
        &state.db,
        invoice.user_id,
        invoice.id,
        &pay.object_id,
        to,
        reference,
    )
    .await
    .map(|_| ())
    .map_err(|err| {
        tracing::error!(error = ?err, ?to, "recording a Stripe payment's state");
        AppError::Internal
    })
}
