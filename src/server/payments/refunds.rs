//! Money given back in Stripe. A refund of a payment that paid the invoice makes what it gave
//! back owed again — with reminders paused in the same write, because a freelancer who refunds
//! rarely wants the client chased the next minute: they resume the reminders, or write off or
//! void what is left. A refund of money paid twice (which PayTrack asked the user to give back)
//! is noted on it. Stripe says how much of a charge is refunded in all, so the same news twice,
//! or late, changes nothing. A payment recorded before PayTrack kept Stripe's PaymentIntent is
//! found through the payment link or Stripe invoice it paid (`adopt`).

use super::taken_back::{self, Leaving};
use crate::domain::pause::PauseReason;
use crate::domain::payment::PaymentMethod;
use crate::error::AppError;
use crate::server::db::activity::ActivityKind;
use crate::server::db::invoices::{self, DisputeDoc, InvoiceDoc, PaymentDoc};
use crate::server::db::users::UserDoc;
use crate::server::invoicing::effects::note;
use crate::server::state::AppState;
use crate::server::stripe::client::StripeProblem;
use crate::server::stripe::paid_through::paid_through;
use crate::server::stripe_account;

/// What `record_refund` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refunded {
    /// Part of a payment given back: owed again with reminders paused (or, written off, more
    /// written off).
    Reopened,
    /// Part of a payment made twice given back.
    ExtraRefunded,
    /// Nothing new (known already), or not a payment PayTrack recorded.
    Unchanged,
}

/// How many times a refund is decided again when the invoice changed under it.
const ATTEMPTS: usize = 3;

/// Records that `refunded_minor` of what PaymentIntent `payment_intent` took has been given
/// back in all (Stripe's `amount_refunded` of its charge).
pub async fn record_refund(
    state: &AppState,
    user: &UserDoc,
    payment_intent: &str,
    refunded_minor: i64,
) -> Result<Refunded, AppError> {
    let mut adopted = false;
    for _ in 0..ATTEMPTS {
        let Some(invoice) = invoices::by_stripe_payment(&state.db, user.id, payment_intent)
            .await
            .map_err(crate::server::db::failed("finding a refunded payment"))?
        else {
            if !adopted && adopt(state, user, payment_intent).await? {
                adopted = true;
                continue;
            }
            return Ok(Refunded::Unchanged);
        };
        let paid = invoice
            .payments
            .iter()
            .find(|p| p.stripe_payment.as_deref() == Some(payment_intent));
        let outcome = match paid {
            Some(payment) => give_back(state, user, &invoice, payment, refunded_minor).await?,
            None => note_extra(state, user, &invoice, payment_intent, refunded_minor).await?,
        };
        if let Some(outcome) = outcome {
            return Ok(outcome);
        }
    }
    Err(AppError::Rejected(
        "This invoice keeps changing; the refund will be read again.".to_string(),
    ))
}

/// Gives `payment_intent` to the payment it made, when that payment was recorded before
/// PayTrack kept PaymentIntents: Stripe names the payment link or Stripe invoice it paid, and
/// that invoice's one Stripe payment without a PaymentIntent is it. Whether one was given it.
pub(super) async fn adopt(
    state: &AppState,
    user: &UserDoc,
    payment_intent: &str,
) -> Result<bool, AppError> {
    let Ok(Some(connected)) = stripe_account::connected(state, user.id).await else {
        return Ok(false);
    };
    let object = match paid_through(&connected.api, &connected.key, payment_intent).await {
        Ok(Some(object)) => object,
        Ok(None) | Err(StripeProblem::NotFound) => return Ok(false),
        Err(problem) => {
            stripe_account::note_problem(state, &connected, &problem).await;
            return Err(AppError::Rejected(problem.to_string()));
        }
    };
    let Some(invoice) = invoices::by_stripe_object(&state.db, user.id, &object)
        .await
        .map_err(crate::server::db::failed("finding a refunded payment"))?
    else {
        return Ok(false);
    };
    let unnamed: Vec<&PaymentDoc> = invoice
        .payments
        .iter()
        .filter(|p| p.method == PaymentMethod::Stripe && p.stripe_payment.is_none())
        .collect();
    // Several would leave it a guess which one was refunded.
    let [payment] = unnamed[..] else {
        return Ok(false);
    };
    invoices::name_stripe_payment(&state.db, &invoice, payment.id, payment_intent)
        .await
        .map_err(|e| e.user_facing("recording a refund"))
}

/// What Stripe's total `refunded` of a payment of `amount` means against `before` already
/// recorded: the new total (never more than the payment) and the rise, or `None` for no rise.
fn rise(refunded: i64, amount: i64, before: i64) -> Option<(i64, i64)> {
    let now = refunded.clamp(0, amount.max(0));
    now.checked_sub(before)
        .filter(|rise| *rise > 0)
        .map(|rise| (now, rise))
}

/// `None` when the invoice changed between the read and the write.
async fn give_back(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    payment: &PaymentDoc,
    refunded_minor: i64,
) -> Result<Option<Refunded>, AppError> {
    let Some((refunded_now, refunded)) =
        rise(refunded_minor, payment.amount_minor, payment.refunded_minor)
    else {
        return Ok(Some(Refunded::Unchanged));
    };
    // Money a won dispute brought back after the invoice was settled another way is what the
    // user was asked to give back: a refund takes it first, and the invoice does not move.
    let spare = payment.dispute.as_ref().map_or(0, DisputeDoc::spare_minor);
    let from_spare = refunded.min(spare);
    let amount = refunded - from_spare;
    let payments_after = invoice.payments_with(payment.id, |p| {
        p.refunded_minor = refunded_now;
        if let Some(dispute) = p.dispute.as_mut() {
            dispute.uncounted_minor -= from_spare;
        }
    });
    if amount == 0 {
        let saved = invoices::note_on_payment(&state.db, invoice, payment, &payments_after)
            .await
            .map_err(|e| e.user_facing("recording a refund"))?;
        let Some(saved) = saved else {
            return Ok(None);
        };
        note(state, &saved, ActivityKind::ExtraRefunded, from_spare).await;
        return Ok(Some(Refunded::ExtraRefunded));
    }
    let leaving = Leaving {
        invoice,
        payment,
        amount,
        payments_after: &payments_after,
        why: PauseReason::Refunded,
        kind: ActivityKind::Refunded,
    };
    let saved = taken_back::money_left(state, user, leaving).await?;
    Ok(saved.map(|_| Refunded::Reopened))
}

async fn note_extra(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    payment_intent: &str,
    refunded_minor: i64,
) -> Result<Option<Refunded>, AppError> {
    let mut after = invoice.extra_payments.clone();
    let Some(extra) = after
        .iter_mut()
        .find(|e| e.stripe_payment.as_deref() == Some(payment_intent))
    else {
        return Ok(Some(Refunded::Unchanged));
    };
    let Some((refunded_now, amount)) =
        rise(refunded_minor, extra.amount_minor, extra.refunded_minor)
    else {
        return Ok(Some(Refunded::Unchanged));
    };
    extra.refunded_minor = refunded_now;
    let saved = invoices::note_extra_payments(
        &state.db,
        user.id,
        invoice.id,
        &invoice.extra_payments,
        &after,
    )
    .await
    .map_err(|e| e.user_facing("recording a refund"))?;
    if saved.is_none() {
        // Another extra payment was noted meanwhile: read again.
        return Ok(None);
    }
    note(state, invoice, ActivityKind::ExtraRefunded, amount).await;
    Ok(Some(Refunded::ExtraRefunded))
}

#[cfg(test)]
mod tests {
    use super::rise;

    #[test]
    fn only_a_rise_in_what_stripe_says_was_refunded_counts() {
        assert_eq!(rise(3_000, 10_000, 0), Some((3_000, 3_000)));
        assert_eq!(rise(5_000, 10_000, 3_000), Some((5_000, 2_000)));
        // The same news again, or older news late: nothing.
        assert_eq!(rise(5_000, 10_000, 5_000), None);
        assert_eq!(rise(3_000, 10_000, 5_000), None);
        // Never more than the payment (Stripe refunded a charge larger than what was kept).
        assert_eq!(rise(12_000, 10_000, 0), Some((10_000, 10_000)));
        assert_eq!(rise(-1, 10_000, 0), None);
    }
}
