//! Recording a payment on an invoice: the one way money is added, whether the user typed it
//! or Stripe reported it. A conditional update: if another payment lands between the read and
//! the write, the invoice is read again and the payment decided against the new balance.

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::domain::date::CalendarDate;
use crate::domain::money::Money;
use crate::domain::payment::{Payment, PaymentErrors, PaymentInput, PaymentMethod};
use crate::domain::status::{InvoiceEvent, InvoiceStatus};
use crate::domain::usage::UsageEvent;
use crate::error::AppError;
use crate::server::db::activity::ActivityKind;
use crate::server::db::email_jobs::Cancel;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::invoicing::effects::{count, note, stop_emails};
use crate::server::invoicing::load;
use crate::server::state::AppState;

/// Where a payment comes from.
pub enum PaymentSource<'a> {
    /// Typed by the user: checked against what is owed (never more) and today (never later).
    Manual(&'a PaymentInput),
    /// Reported by Stripe: recorded up to what is owed, dated today.
    Stripe {
        amount_minor: i64,
        payment_intent: Option<&'a str>,
    },
}

impl PaymentSource<'_> {
    fn stripe_payment(&self) -> Option<&str> {
        match self {
            PaymentSource::Stripe { payment_intent, .. } => *payment_intent,
            PaymentSource::Manual(_) => None,
        }
    }
}

pub enum Recorded {
    /// The invoice with the payment on it; `paid` when this payment settled it in full.
    Saved {
        invoice: Box<InvoiceDoc>,
        paid: bool,
    },
    /// What is wrong with the typed payment (nothing saved).
    Invalid(PaymentErrors),
    /// Stripe's money arrived for an invoice paid or voided meanwhile (nothing saved).
    NotCollectable,
    /// This Stripe payment is on the invoice already (nothing saved).
    AlreadyRecorded,
}

/// How many times a payment is decided again when the invoice changed under it.
const ATTEMPTS: usize = 3;

/// Adds a payment to `id`, with its activity, usage count and (when paid in full) the end of
/// its emails. A payment typed by hand goes through `by_hand::record_by_hand`, which also
/// closes or replaces the invoice's Stripe link.
pub async fn record(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    source: PaymentSource<'_>,
    today: CalendarDate,
) -> Result<Recorded, AppError> {
    for _ in 0..ATTEMPTS {
        let invoice = load(state, user.id, id).await?;
        let payment = match decide(&invoice, &source, today)? {
            Ok(payment) => payment,
            Err(outcome) => return Ok(outcome),
        };
        let amount = payment.amount.minor();
        let event = if amount == invoice.due_minor {
            InvoiceEvent::FullPayment
        } else {
            InvoiceEvent::PartPayment
        };
        let to = invoice.status.apply(event).map_err(AppError::Rejected)?;
        let due_after = invoice.due_minor.checked_sub(amount).ok_or_else(|| {
            tracing::error!(invoice = %invoice.id, "a payment larger than what is owed");
            AppError::Internal
        })?;
        let saved = invoices::add_payment(
            &state.db,
            user.id,
            id,
            invoice.status,
            invoice.paid_minor,
            &payment,
            source.stripe_payment(),
            to,
            due_after,
            DateTime::now(),
        )
        .await
        .map_err(|e| e.user_facing("recording a payment"))?;
        if let Some(saved) = saved {
            let paid = to == InvoiceStatus::Paid;
            after_recording(state, user, &saved, &source, amount, paid).await;
            return Ok(Recorded::Saved {
                invoice: Box::new(saved),
                paid,
            });
        }
    }
    Err(AppError::Rejected(
        "This invoice keeps changing; reload it and try again.".to_string(),
    ))
}

/// The payment to add to `invoice`, or the outcome that ends the attempt.
fn decide(
    invoice: &InvoiceDoc,
    source: &PaymentSource<'_>,
    today: CalendarDate,
) -> Result<Result<Payment, Recorded>, AppError> {
    match source {
        PaymentSource::Manual(input) => {
            invoice
                .status
                .apply(InvoiceEvent::PartPayment)
                .map_err(AppError::Rejected)?;
            let due = Money::from_minor(invoice.due_minor, invoice.currency);
            Ok(input.parse(due, today).map_err(|e| Recorded::Invalid(*e)))
        }
        PaymentSource::Stripe {
            payment_intent: Some(intent),
            ..
        } if invoice.has_stripe_payment(intent) => Ok(Err(Recorded::AlreadyRecorded)),
        PaymentSource::Stripe { .. } if !invoice.status.takes_payments() => {
            Ok(Err(Recorded::NotCollectable))
        }
        PaymentSource::Stripe { amount_minor, .. } => Ok(Ok(Payment {
            amount: Money::from_minor((*amount_minor).min(invoice.due_minor), invoice.currency),
            date: today,
            method: PaymentMethod::Stripe,
        })),
    }
}

async fn after_recording(
    state: &AppState,
    user: &UserDoc,
    saved: &InvoiceDoc,
    source: &PaymentSource<'_>,
    amount: i64,
    paid: bool,
) {
    let by_hand = matches!(source, PaymentSource::Manual(_));
    note(state, saved, ActivityKind::PaymentRecorded, amount).await;
    if paid {
        let kind = if by_hand {
            ActivityKind::Paid
        } else {
            ActivityKind::PaidWithStripe
        };
        note(state, saved, kind, saved.total_minor).await;
        count(state, UsageEvent::InvoicePaid).await;
        stop_emails(state, saved.id, Cancel::All, "paid").await;
        crate::server::pay_habits::refresh(state, user, saved.client_id).await;
    }
}
