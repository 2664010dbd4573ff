//! A payment the user records by hand (a bank transfer, cash): recorded like any payment, and
//! then the invoice's Stripe link must not take the same money again — closed when the invoice
//! is paid in full, replaced by one for what is still owed after a part payment. One recorded
//! by mistake can be taken off again; then the invoice is owed and chased as before.

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::links;
use super::record::{PaymentSource, Recorded, record};
use crate::domain::date::CalendarDate;
use crate::domain::payment::PaymentInput;
use crate::domain::payment::PaymentMethod;
use crate::error::AppError;
use crate::server::db::activity::ActivityKind;
use crate::server::db::invoices::{self, InvoiceDoc};
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
    let payment = invoice
        .payments
        .iter()
        .find(|p| p.id == payment_id)
        .ok_or_else(|| AppError::NotFound("That payment isn't on this invoice.".to_string()))?;
    if payment.method == PaymentMethod::Stripe {
        return Err(AppError::Rejected(
            "A payment made through Stripe can't be removed here: refund it in Stripe.".to_string(),
        ));
    }
    let paid_after = invoice.paid_minor.checked_sub(payment.amount_minor);
    let due_after = invoice.due_minor.checked_add(payment.amount_minor);
    let (Some(paid_after), Some(due_after)) = (paid_after, due_after) else {
        tracing::error!(invoice = %invoice.id, "a payment larger than what was paid");
        return Err(AppError::Internal);
    };
    let to = invoice
        .status
        .without_payment(paid_after, invoice.written_off_at.is_some())
        .map_err(AppError::Rejected)?;
    let off = invoices::MoneyOff {
        owner: user.id,
        id,
        from: invoice.status,
        paid_before: invoice.paid_minor,
        payment,
        amount_minor: payment.amount_minor,
        to,
        due_after,
        now: DateTime::now(),
    };
    let saved = invoices::remove_payment(&state.db, &off)
        .await
        .map_err(crate::server::db::failed("removing a payment"))?
        .ok_or_else(changed_meanwhile)?;
    note(
        state,
        &saved,
        ActivityKind::PaymentRemoved,
        payment.amount_minor,
    )
    .await;
    links::follow_owed(state, user, &saved).await;
    if let Err(err) = crate::server::jobs::plan::replan(&state.db, user, &saved).await {
        tracing::error!(error = %err, invoice = %saved.id, "planning reminders after a removed payment");
    }
    crate::server::pay_habits::refresh(state, user, saved.client_id).await;
    // Read again: the new payment link is on it now.
    load(state, user.id, id).await
}
