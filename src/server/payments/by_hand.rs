//! A payment the user records by hand (a bank transfer, cash): recorded like any payment, and
//! then the invoice's Stripe link must not take the same money again — closed when the invoice
//! is paid in full, replaced by one for what is still owed after a part payment. One recorded
//! by mistake can be taken off again; then the invoice is owed and chased as before. Money of
//! one given back to the client outside Stripe is recorded as a refund, as Stripe's own are.

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::links;
use super::record::{PaymentSource, Recorded, record};
use super::taken_back::{self, Leaving};
use crate::domain::date::CalendarDate;
use crate::domain::money::Money;
use crate::domain::pause::PauseReason;
use crate::domain::payment::{PaymentInput, PaymentMethod, refund_amount};
use crate::domain::status::InvoiceStatus;
use crate::error::AppError;
use crate::server::db::activity::ActivityKind;
use crate::server::db::invoices::{self, InvoiceDoc, PaymentDoc};
use crate::server::db::users::UserDoc;
use crate::server::invoicing::{changed_meanwhile, effects::note, load};
use crate::server::state::AppState;

pub async fn record_by_hand(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    payment: &PaymentInput,
    today: CalendarDate,
) -> Result<Recorded, AppError> {
    let recorded = record(state, user, id, PaymentSource::Manual(payment), today).await?;
    if let Recorded::Saved { invoice, .. } = &recorded {
        links::follow_owed(state, user, invoice).await;
    }
    Ok(recorded)
}

/// Takes a payment recorded by hand off the invoice (typed by mistake): what it paid is owed
/// again, the month's collected total drops with it, a Stripe link is opened for the new amount
/// and reminders are planned again. Stripe's own payments are undone by a refund in Stripe.
pub async fn remove_by_hand(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    payment_id: ObjectId,
) -> Result<InvoiceDoc, AppError> {
    let invoice = load(state, user.id, id).await?;
    let payment = typed_payment(
        &invoice,
        payment_id,
        "A payment made through Stripe can't be removed here: refund it in Stripe.",
    )?;
    // What a refund gave back already left the invoice with it.
    let still_paid = payment.not_refunded_minor();
    let paid_after = invoice.paid_minor.checked_sub(still_paid);
    let due_after = invoice.due_minor.checked_add(still_paid);
    let (Some(paid_after), Some(due_after)) = (paid_after, due_after) else {
        tracing::error!(invoice = %invoice.id, "a payment larger than what was paid");
        return Err(AppError::Internal);
    };
    let to = match invoice
        .status
        .without_payment(paid_after, invoice.written_off_at.is_some())
    {
        // Given back in full, it holds no money any more: only its line goes.
        Err(_) if still_paid == 0 && invoice.status != InvoiceStatus::Void => invoice.status,
        to => to.map_err(AppError::Rejected)?,
    };
    let off = invoices::MoneyOff {
        owner: user.id,
        id,
        from: invoice.status,
        paid_before: invoice.paid_minor,
        payment,
        amount_minor: still_paid,
        to,
        due_after,
        now: DateTime::now(),
    };
    let saved = invoices::remove_payment(&state.db, &off)
        .await
        .map_err(crate::server::db::failed("removing a payment"))?
        .ok_or_else(changed_meanwhile)?;
    note(state, &saved, ActivityKind::PaymentRemoved, still_paid).await;
    links::follow_owed(state, user, &saved).await;
    if let Err(err) = crate::server::jobs::plan::replan(&state.db, user, &saved).await {
        tracing::error!(error = %err, invoice = %saved.id, "planning reminders after a removed payment");
    }
    crate::server::pay_habits::refresh(state, user, saved.client_id).await;
    // Read again: the new payment link is on it now.
    load(state, user.id, id).await
}

/// Records that `amount` of a payment recorded by hand went back to the client (a bank
/// transfer back, cash returned): the payment lists it as refunded, what it gave back is owed
/// again with reminders paused (or, written off, is written off too), the month's collected
/// total drops, and the Stripe link follows what is owed — as a refund made in Stripe does.
/// A payment made through Stripe is refunded in Stripe, which tells PayTrack.
pub async fn refund_by_hand(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    payment_id: ObjectId,
    amount: &str,
) -> Result<InvoiceDoc, AppError> {
    let invoice = load(state, user.id, id).await?;
    let payment = typed_payment(
        &invoice,
        payment_id,
        "A payment made through Stripe is refunded in Stripe; PayTrack records it then.",
    )?;
    let left = Money::from_minor(payment.not_refunded_minor(), invoice.currency);
    let amount = refund_amount(amount, left)
        .map_err(AppError::Rejected)?
        .minor();
    // At most what was paid: `refund_amount` keeps it within what is left.
    let refunded_now = payment.refunded_minor.checked_add(amount).ok_or_else(|| {
        tracing::error!(invoice = %invoice.id, "a refund larger than what was paid");
        AppError::Internal
    })?;
    let payments_after = invoice.payments_with(payment.id, |p| p.refunded_minor = refunded_now);
    let leaving = Leaving {
        invoice: &invoice,
        payment,
        amount,
        payments_after: &payments_after,
        why: PauseReason::Refunded,
        kind: ActivityKind::RefundedByHand,
    };
    taken_back::money_left(state, user, leaving)
        .await?
        .ok_or_else(changed_meanwhile)?;
    // Read again: a new payment link may be on it now.
    load(state, user.id, id).await
}

/// Payment `id` of `invoice`, when the user recorded it by hand; one made through Stripe is
/// refused with `through_stripe`, since only Stripe changes it.
fn typed_payment<'a>(
    invoice: &'a InvoiceDoc,
    id: ObjectId,
    through_stripe: &str,
) -> Result<&'a PaymentDoc, AppError> {
    let payment = invoice
        .payments
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| AppError::NotFound("That payment isn't on this invoice.".to_string()))?;
    if payment.method == PaymentMethod::Stripe {
        return Err(AppError::Rejected(through_stripe.to_string()));
    }
    Ok(payment)
}
