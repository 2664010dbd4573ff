//! Money of a payment leaving the user again — a refund (in Stripe, or recorded by hand), a
//! client's bank disputing a Stripe payment — taken off its invoice: owed again with reminders
//! paused in the same write (or more written off), and what follows any such move, also when
//! the money comes back.

use mongodb::bson::DateTime;

use super::links;
use crate::domain::pause::PauseReason;
use crate::error::AppError;
use crate::server::db::activity::ActivityKind;
use crate::server::db::invoices::{self, InvoiceDoc, PaymentDoc};
use crate::server::db::users::UserDoc;
use crate::server::invoicing::effects::note;
use crate::server::state::AppState;

/// `amount` of `payment` on `invoice` leaving, and why.
pub(super) struct Leaving<'a> {
    pub invoice: &'a InvoiceDoc,
    pub payment: &'a PaymentDoc,
    pub amount: i64,
    /// The invoice's payments with what took the money noted on this one.
    pub payments_after: &'a [PaymentDoc],
    pub why: PauseReason,
    pub kind: ActivityKind,
}

/// Takes the money off; the invoice as saved, or `None` when it changed since it was read.
pub(super) async fn money_left(
    state: &AppState,
    user: &UserDoc,
    leaving: Leaving<'_>,
) -> Result<Option<InvoiceDoc>, AppError> {
    let Leaving {
        invoice, amount, ..
    } = leaving;
    let context = match leaving.why {
        PauseReason::Disputed => "recording a dispute",
        _ => "recording a refund",
    };
    let paid_after = invoice.paid_minor.checked_sub(amount);
    let due_after = invoice.due_minor.checked_add(amount);
    let (Some(paid_after), Some(due_after)) = (paid_after, due_after) else {
        tracing::error!(invoice = %invoice.id, "more money left than was paid");
        return Err(AppError::Internal);
    };
    let off = invoices::MoneyOff {
        owner: user.id,
        id: invoice.id,
        from: invoice.status,
        paid_before: invoice.paid_minor,
        payment: leaving.payment,
        amount_minor: amount,
        to: invoice
            .status
            .after_refund(paid_after, invoice.written_off_at.is_some()),
        due_after,
        now: DateTime::now(),
    };
    let saved = invoices::take_back(&state.db, &off, leaving.payments_after, leaving.why)
        .await
        .map_err(|e| e.user_facing(context))?;
    if let Some(saved) = &saved {
        tracing::info!(invoice = %saved.id, amount, why = leaving.why.as_str(), "money taken off an invoice");
        money_moved(state, user, saved, leaving.kind, amount).await;
    }
    Ok(saved)
}

/// What follows money of a payment leaving or coming back (a refund, a dispute): the
/// activity, a payment link for what is owed now, reminders planned again, the client's record.
pub(super) async fn money_moved(
    state: &AppState,
    user: &UserDoc,
    saved: &InvoiceDoc,
    kind: ActivityKind,
    amount: i64,
) {
    note(state, saved, kind, amount).await;
    links::follow_owed(state, user, saved).await;
    if let Err(err) = crate::server::jobs::plan::replan(&state.db, user, saved).await {
        tracing::error!(error = %err, invoice = %saved.id, "planning reminders after money moved");
    }
    crate::server::pay_habits::refresh(state, user, saved.client_id).await;
}
