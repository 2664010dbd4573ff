//! Taking part of what a sent invoice owes off its price (a reduction agreed after it went):
//! a credit note says so, numbered in the owner's series, and is emailed to the client. What
//! is owed, the payment link and the reminders follow; taking off all that is left of a
//! partly paid invoice settles it.

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::effects::{note, stop_emails};
use super::{changed_meanwhile, credit_notes, load};
use crate::domain::credit_note::{ReductionErrors, ReductionInput};
use crate::domain::money::Money;
use crate::domain::status::{InvoiceEvent, InvoiceStatus};
use crate::error::AppError;
use crate::server::db::activity::ActivityKind;
use crate::server::db::invoices::{self, InvoiceDoc, Reducing};
use crate::server::db::users::UserDoc;
use crate::server::db::{self, email_jobs};
use crate::server::jobs::plan::today_of;
use crate::server::payments::links;
use crate::server::state::AppState;

pub enum Reduced {
    /// The invoice after it, with the credit note last among its reductions.
    Saved(Box<InvoiceDoc>),
    Invalid(Box<ReductionErrors>),
}

pub async fn reduce(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    input: &ReductionInput,
) -> Result<Reduced, AppError> {
    let invoice = load(state, user.id, id).await?;
    invoice
        .status
        .apply(InvoiceEvent::Reduce)
        .map_err(AppError::Rejected)?;
    if invoice.stripe_payment_processing() {
        return Err(AppError::Rejected(
            "A payment is on its way through Stripe: wait until it arrives or fails before taking anything off."
                .to_string(),
        ));
    }
    let money = |minor| Money::from_minor(minor, invoice.currency);
    let reduction = match input.parse(money(invoice.due_minor), money(invoice.total_minor)) {
        Ok(reduction) => reduction,
        Err(errors) => return Ok(Reduced::Invalid(errors)),
    };
    let reducing = Reducing {
        owner: user.id,
        id,
        from: invoice.status,
        due_before: invoice.due_minor,
        amount_minor: reduction.amount.minor(),
        reason: &reduction.reason,
        issued_on: today_of(user),
        now: DateTime::now(),
    };
    let reduced = invoices::reduce(&state.db, &reducing)
        .await
        .map_err(db::failed("reducing an invoice"))?
        .ok_or_else(changed_meanwhile)?;
    note(
        state,
        &reduced,
        ActivityKind::Reduced,
        reducing.amount_minor,
    )
    .await;
    if reduced.status == InvoiceStatus::Paid {
        stop_emails(
            state,
            id,
            email_jobs::Cancel::All,
            "settled by a credit note",
        )
        .await;
        crate::server::pay_habits::refresh(state, user, reduced.client_id).await;
    }
    // The payment link asks for what is owed now (or closes once nothing is).
    links::follow_owed(state, user, &reduced).await;
    if let Some(issued) = reduced.reductions.last().cloned() {
        credit_notes::email_to_client(state, user, reduced, &issued).await;
    }
    // Read again: the new payment link and the email's outcome are on it now.
    load(state, user.id, id)
        .await
        .map(|after| Reduced::Saved(Box::new(after)))
}
