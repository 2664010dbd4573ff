//! Recording what Stripe says about an invoice's payment — from a webhook or from
//! reconciliation, through this one function, so "paid" is recorded once whichever path sees
//! it first. Safe to call again with the same news: each change is conditional on the state
//! it changes from.

use super::pay_state::mark;
use super::record::{PaymentSource, Recorded, record};
use crate::domain::date::CalendarDate;
use crate::domain::money::Money;
use crate::domain::status::InvoiceStatus;
use crate::domain::stripe_pay::PayState;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::activity::ActivityKind;
use crate::server::db::email_jobs::Cancel;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::stripe_connections;
use crate::server::db::users::UserDoc;
use crate::server::email::{invoice_emails, notify, templates};
use crate::server::invoicing::effects::{note, stop_emails};
use crate::server::jobs::plan::{replan, today_of};
use crate::server::state::AppState;
use crate::server::stripe::payments::Remote;

/// What `settle` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Paid,
    Processing,
    Failed,
    Closed,
    /// Money arrived for an invoice already paid or voided; the user was told.
    PaidTwice,
    /// Nothing new (already recorded, or still open).
    Unchanged,
}

pub async fn settle(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    remote: Remote,
) -> Result<Settled, AppError> {
    let Some(pay) = invoice.stripe.clone() else {
        return Ok(Settled::Unchanged);
    };
    match remote {
        Remote::Open => Ok(Settled::Unchanged),
        Remote::Paid {
            reference,
            amount_minor,
            payment_intent,
        } => {
            if pay.state == PayState::Paid {
                return Ok(Settled::Unchanged);
            }
            let taken = extra(reference, amount_minor, payment_intent);
            let recorded = match record_taken(state, user, invoice, &taken).await? {
                Ok(recorded) => recorded,
                Err(settled) => return Ok(settled),
            };
            mark(state, invoice, &pay, PayState::Paid, Some(&taken.reference)).await?;
            if let Err(err) = invoices::release_processing(&state.db, user.id, invoice.id).await {
                tracing::warn!(error = %err, "lifting a processing hold");
            }
            after_taking(state, user, invoice, recorded, taken).await?;
            Ok(Settled::Paid)
        }
        Remote::Processing { reference } => {
            if pay.state == PayState::Processing || !invoice.status.is_collectable() {
                return Ok(Settled::Unchanged);
            }
            mark(state, invoice, &pay, PayState::Processing, Some(&reference)).await?;
            invoices::hold_for_processing(
                &state.db,
                user.id,
                invoice.id,
                mongodb::bson::DateTime::now(),
            )
            .await
            .map_err(db::failed("holding reminders"))?;
            stop_emails(state, invoice.id, Cancel::Reminders, "payment_processing").await;
            note(
                state,
                invoice,
                ActivityKind::StripePaymentProcessing,
                pay.amount_minor,
            )
            .await;
            Ok(Settled::Processing)
        }
        Remote::Failed { reference } => {
            if pay.state == PayState::Failed && pay.reference.as_deref() == Some(reference.as_str())
            {
                return Ok(Settled::Unchanged);
            }
            mark(state, invoice, &pay, PayState::Failed, Some(&reference)).await?;
            note(
                state,
                invoice,
                ActivityKind::StripePaymentFailed,
                pay.amount_minor,
            )
            .await;
            // Chasing starts again where it stood.
            if let Ok(Some(released)) =
                invoices::release_processing(&state.db, user.id, invoice.id).await
                && let Err(err) = replan(&state.db, user, &released).await
            {
                tracing::warn!(error = %err, "re-planning reminders after a failed payment");
            }
            Ok(Settled::Failed)
        }
        Remote::Voided => {
            if pay.state == PayState::Closed {
                return Ok(Settled::Unchanged);
            }
            mark(state, invoice, &pay, PayState::Closed, None).await?;
            Ok(Settled::Closed)
        }
    }
}

/// Money Stripe took, before it is known how much of it the invoice wanted.
pub(super) fn extra(
    reference: String,
    amount_minor: i64,
    payment_intent: Option<String>,
) -> invoices::ExtraPayment {
    invoices::ExtraPayment {
        reference,
        amount_minor,
        at: mongodb::bson::DateTime::now(),
        stripe_payment: payment_intent,
        refunded_minor: 0,
        dispute: None,
    }
}

/// Records Stripe's money `taken` on `invoice` (a written-off one too: paid after all) — or,
/// when the invoice no longer wants money (paid another way or voided first), notes it as paid
/// twice: the money is the client's, and only the user can give it back.
pub(super) async fn record_taken(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    taken: &invoices::ExtraPayment,
) -> Result<Result<Recorded, Settled>, AppError> {
    if !invoice.status.takes_payments() {
        return paid_twice(state, user, invoice, taken.clone())
            .await
            .map(Err);
    }
    let source = PaymentSource::Stripe {
        amount_minor: taken.amount_minor,
        payment_intent: taken.stripe_payment.as_deref(),
    };
    record(state, user, invoice.id, source, today_of(user))
        .await
        .map(Ok)
}

/// After `record` was given Stripe's money `taken` for `invoice`: thanks when it paid the
/// invoice in full, and what it brought beyond what was owed (a bank debit that settled after
/// a payment by hand, a checkout page paid after its link was replaced) noted as paid twice,
/// as is all of it when the invoice stopped wanting money meanwhile. The invoice as saved, or
/// `None` when nothing was added to it.
pub(super) async fn after_taking(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    recorded: Recorded,
    taken: invoices::ExtraPayment,
) -> Result<Option<InvoiceDoc>, AppError> {
    let (saved, paid) = match recorded {
        Recorded::Saved { invoice, paid } => (*invoice, paid),
        Recorded::NotCollectable => {
            paid_twice(state, user, invoice, taken).await?;
            return Ok(None);
        }
        Recorded::AlreadyRecorded | Recorded::Invalid(_) => return Ok(None),
    };
    if paid {
        confirm(state, user, &saved, taken.amount_minor).await;
    }
    let kept = saved.payments.last().map_or(0, |p| p.amount_minor);
    if let Some(excess) = taken.amount_minor.checked_sub(kept).filter(|e| *e > 0) {
        let rest = invoices::ExtraPayment {
            amount_minor: excess,
            ..taken
        };
        paid_twice(state, user, &saved, rest).await?;
    }
    Ok(Some(saved))
}

/// Notes money that arrived for an invoice already paid or voided, once per payment, and tells
/// the user: on the invoice, in the activity, by email.
async fn paid_twice(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    extra: invoices::ExtraPayment,
) -> Result<Settled, AppError> {
    let amount_minor = extra.amount_minor;
    let noted = invoices::note_extra_payment(&state.db, user.id, invoice.id, &extra)
        .await
        .map_err(|err| {
            tracing::error!(error = ?err, invoice = %invoice.id, "noting a payment made twice");
            AppError::Internal
        })?;
    if !noted {
        return Ok(Settled::Unchanged);
    }
    tracing::warn!(invoice = %invoice.id, "a Stripe payment arrived for an invoice that is not open");
    note(state, invoice, ActivityKind::PaidTwice, amount_minor).await;
    let why = match invoice.status {
        InvoiceStatus::Void => "was voided",
        InvoiceStatus::WrittenOff => "was written off",
        _ => "was already paid",
    };
    let rendered = templates::paid_twice(
        &user.name,
        &invoice.number,
        &invoice.bill_to.name,
        &Money::from_minor(amount_minor, invoice.currency).to_string(),
        why,
        &format!("{}/invoices/{}", state.config.base_url, invoice.id.to_hex()),
    );
    let key = format!(
        "paytrack-{}-paid-twice-{}",
        invoice.id.to_hex(),
        extra.reference
    );
    notify::send_to(state, &user.email, None, rendered, "paid_twice", key).await;
    Ok(Settled::PaidTwice)
}

/// "You got paid" to the user and a receipt to the client, each unless switched off.
async fn confirm(state: &AppState, user: &UserDoc, paid: &InvoiceDoc, amount_minor: i64) {
    let Ok(Some(connection)) = stripe_connections::of_user(&state.db, user.id).await else {
        return;
    };
    let amount = Money::from_minor(amount_minor, paid.currency).to_string();
    if connection.notify_paid {
        let rendered = templates::got_paid(
            &user.name,
            &paid.number,
            &paid.bill_to.name,
            &amount,
            &format!("{}/invoices/{}", state.config.base_url, paid.id.to_hex()),
        );
        let key = format!("paytrack-{}-got-paid", paid.id.to_hex());
        notify::send_to(state, &user.email, None, rendered, "got_paid", key).await;
    }
    if connection.client_receipts
        && let Some(to) = paid.bill_to.emails.first()
    {
        let today: CalendarDate = paid.paid_on.unwrap_or(paid.issue_date);
        let facts = invoice_emails::InvoiceFacts::of(user, paid, &state.config.base_url, today);
        let rendered = invoice_emails::receipt_email(&facts, &amount, today);
        let key = format!("paytrack-{}-receipt", paid.id.to_hex());
        notify::send_to(state, to, Some(user), rendered, "receipt", key).await;
    }
}
