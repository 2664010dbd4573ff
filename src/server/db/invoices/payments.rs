//! Payments on an invoice, added or taken off: each in one transaction with the month's
//! collected total (`db::collected`) and what the invoice owes (`update_in`), both or neither.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc, to_bson};

use super::super::collected;
use super::super::transaction::{self, Finished};
use super::model::*;
use super::writes::update_in;
use crate::domain::pause::PauseReason;
use crate::domain::payment::Payment;
use crate::domain::status::InvoiceStatus;

/// Adds `payment` if the invoice is still in `from` with `paid_before` paid; `None` if it
/// changed meanwhile (the caller re-reads and decides again).
#[allow(clippy::too_many_arguments)]
pub async fn add_payment(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    from: InvoiceStatus,
    paid_before: i64,
    payment: &Payment,
    stripe_payment: Option<&str>,
    to: InvoiceStatus,
    due_after: i64,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let record = PaymentDoc {
        id: ObjectId::new(),
        amount_minor: payment.amount.minor(),
        date: payment.date,
        method: payment.method,
        recorded_at: now,
        stripe_payment: stripe_payment.map(str::to_string),
        refunded_minor: 0,
        dispute: None,
    };
    let mut set = doc! {
        "status": status_bson(to),
        "updated_at": now,
        "due_minor": due_after,
    };
    if to == InvoiceStatus::Paid {
        set.insert("paid_on", payment.date.to_string());
    }
    let update = doc! {
        "$set": set,
        "$inc": { "paid_minor": payment.amount.minor() },
        "$push": { "payments": to_bson(&record)? },
    };
    let mut filter = doc! { "_id": id, "user_id": owner, "status": status_bson(from), "paid_minor": paid_before };
    // A Stripe payment is on an invoice once, however many events tell of it.
    if let Some(intent) = stripe_payment {
        filter.insert("payments.stripe_payment", doc! { "$ne": intent });
    }
    let date = payment.date.to_string();
    Ok(moving_collected(db, &filter, &update, &date, payment.amount.minor()).await?)
}

/// Where an invoice stands after money comes off it, for the write that takes it off.
pub struct MoneyOff<'a> {
    pub owner: ObjectId,
    pub id: ObjectId,
    /// The status and amount paid the decision was made from: the write happens only if
    /// the invoice still has them.
    pub from: InvoiceStatus,
    pub paid_before: i64,
    pub payment: &'a PaymentDoc,
    pub amount_minor: i64,
    pub to: InvoiceStatus,
    pub due_after: i64,
    pub now: DateTime,
}

impl MoneyOff<'_> {
    /// The filter and the update common to taking money off: status, due and paid moved,
    /// `paid_on` dropped unless it stays paid; `set` is added to the update's `$set`.
    fn write(&self, mut set: Document) -> (Document, Document) {
        set.insert("status", status_bson(self.to));
        set.insert("updated_at", self.now);
        set.insert("due_minor", self.due_after);
        let mut update = doc! { "$set": set, "$inc": { "paid_minor": -self.amount_minor } };
        if self.to != InvoiceStatus::Paid {
            update.insert("$unset", doc! { "paid_on": "" });
        }
        let filter = doc! {
            "_id": self.id, "user_id": self.owner, "status": status_bson(self.from),
            "paid_minor": self.paid_before, "payments.id": self.payment.id,
        };
        (filter, update)
    }
}

/// Takes the payment off the invoice (one typed by mistake); `None` if the invoice changed
/// meanwhile.
pub async fn remove_payment(
    db: &Database,
    off: &MoneyOff<'_>,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let (filter, mut update) = off.write(Document::new());
    update.insert("$pull", doc! { "payments": { "id": off.payment.id } });
    let date = off.payment.date.to_string();
    moving_collected(db, &filter, &update, &date, -off.amount_minor).await
}

/// Takes `amount_minor` of a payment off the invoice because the money left the user (a
/// refund, in Stripe or recorded by hand; a dispute): the invoice's payments become
/// `payments_after` (with what took it noted), and the collected total of the payment's month
/// drops with it; `None` if the invoice changed meanwhile. An invoice owed again has its
/// reminders paused for `why` in the same write, so no reminder can go out before the user
/// decides.
pub async fn take_back(
    db: &Database,
    off: &MoneyOff<'_>,
    payments_after: &[PaymentDoc],
    why: PauseReason,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = doc! { "payments": to_bson(payments_after)? };
    if off.to.is_collectable() {
        set.insert(
            "reminders_paused",
            doc! { "reason": why.as_str(), "at": off.now },
        );
    }
    let (filter, update) = off.write(set);
    let date = off.payment.date.to_string();
    Ok(moving_collected(db, &filter, &update, &date, -off.amount_minor).await?)
}

/// Where an invoice stands after money taken back comes back to one of its payments (a
/// dispute decided for the user), for the write that counts it again.
pub struct MoneyBack<'a> {
    pub owner: ObjectId,
    pub id: ObjectId,
    /// The status and amount paid the decision was made from.
    pub from: InvoiceStatus,
    pub paid_before: i64,
    pub payment: &'a PaymentDoc,
    pub amount_minor: i64,
    pub to: InvoiceStatus,
    pub due_after: i64,
    /// The hold the taking put on reminders is still there, and goes.
    pub lift_hold: Option<PauseReason>,
    pub now: DateTime,
}

/// Counts `amount_minor` of a payment again (`payments_after` says why), and adds it back to
/// the collected total of the payment's month; `None` if the invoice changed meanwhile.
pub async fn money_back(
    db: &Database,
    back: &MoneyBack<'_>,
    payments_after: &[PaymentDoc],
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = doc! {
        "payments": to_bson(payments_after)?,
        "status": status_bson(back.to),
        "updated_at": back.now,
        "due_minor": back.due_after,
    };
    if back.to == InvoiceStatus::Paid {
        set.insert("paid_on", back.payment.date.to_string());
    }
    let mut update = doc! { "$set": set, "$inc": { "paid_minor": back.amount_minor } };
    let mut filter = doc! {
        "_id": back.id, "user_id": back.owner, "status": status_bson(back.from),
        "paid_minor": back.paid_before, "payments.id": back.payment.id,
    };
    if let Some(hold) = back.lift_hold {
        filter.insert("reminders_paused.reason", hold.as_str());
        update.insert("$unset", doc! { "reminders_paused": "" });
    }
    let date = back.payment.date.to_string();
    Ok(moving_collected(db, &filter, &update, &date, back.amount_minor).await?)
}

/// Applies a payment's `update` to the invoice and moves the collected total of the month of
/// `date` by `amount_minor` (negative to take it off), both or neither.
async fn moving_collected(
    db: &Database,
    filter: &Document,
    update: &Document,
    date: &str,
    amount_minor: i64,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let month = collected::month_of(date);
    let mut session = transaction::session(db).await?;
    for attempt in 1..=transaction::ATTEMPTS {
        session.start_transaction().await?;
        let outcome = payment_in(db, &mut session, filter, update, month, amount_minor).await;
        if let Finished::Done(saved) = transaction::finish(&mut session, outcome, attempt).await? {
            return Ok(saved);
        }
    }
    Err(mongodb::error::Error::custom(
        "the payment collided with other writes on every attempt".to_string(),
    ))
}

/// A payment's writes, inside its transaction.
async fn payment_in(
    db: &Database,
    session: &mut mongodb::ClientSession,
    filter: &Document,
    update: &Document,
    month: &str,
    amount: i64,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let saved = update_in(db, session, filter, update)
        .await?
        .map(|(_, after)| after);
    if let Some(invoice) = &saved {
        collected::add(
            db,
            session,
            invoice.user_id,
            invoice.currency,
            month,
            amount,
        )
        .await?;
    }
    Ok(saved)
}

/// What of a payment was not given back (refunds never exceed it; never below zero).
fn not_refunded(amount_minor: i64, refunded_minor: i64) -> i64 {
    amount_minor.saturating_sub(refunded_minor).max(0)
}

impl PaymentDoc {
    pub fn not_refunded_minor(&self) -> i64 {
        not_refunded(self.amount_minor, self.refunded_minor)
    }
}

impl ExtraPayment {
    pub fn not_refunded_minor(&self) -> i64 {
        not_refunded(self.amount_minor, self.refunded_minor)
    }
}

impl InvoiceDoc {
    /// The invoice's payments with the one `id` changed by `change`, to store in their place.
    pub fn payments_with(
        &self,
        id: ObjectId,
        change: impl FnOnce(&mut PaymentDoc),
    ) -> Vec<PaymentDoc> {
        let mut payments = self.payments.clone();
        if let Some(payment) = payments.iter_mut().find(|p| p.id == id) {
            change(payment);
        }
        payments
    }

    /// PaymentIntent `intent` is one of the invoice's payments.
    pub fn has_stripe_payment(&self, intent: &str) -> bool {
        self.payments
            .iter()
            .any(|p| p.stripe_payment.as_deref() == Some(intent))
    }
}
