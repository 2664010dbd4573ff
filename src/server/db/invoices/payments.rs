//! Payments on an invoice, added or taken off: each in one transaction with the month's
//! collected total (`db::collected`) and what the invoice owes (`update_in`), both or neither.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc, to_bson};

use super::super::collected;
use super::super::transaction::{self, Finished};
use super::model::*;
use super::writes::update_in;
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
    let filter = doc! { "_id": id, "user_id": owner, "status": status_bson(from), "paid_minor": paid_before };
    let date = payment.date.to_string();
    Ok(moving_collected(db, &filter, &update, &date, payment.amount.minor()).await?)
}

/// Takes `payment` off the invoice if it is still in `from` with `paid_before` paid and the
/// payment on it; `None` if it changed meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn remove_payment(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    from: InvoiceStatus,
    paid_before: i64,
    payment: &PaymentDoc,
    to: InvoiceStatus,
    due_after: i64,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let mut update = doc! {
        "$set": { "status": status_bson(to), "updated_at": now, "due_minor": due_after },
        "$inc": { "paid_minor": -payment.amount_minor },
        "$pull": { "payments": { "id": payment.id } },
    };
    if to != InvoiceStatus::Paid {
        update.insert("$unset", doc! { "paid_on": "" });
    }
    let filter = doc! {
        "_id": id, "user_id": owner, "status": status_bson(from), "paid_minor": paid_before,
        "payments.id": payment.id,
    };
    let date = payment.date.to_string();
    moving_collected(db, &filter, &update, &date, -payment.amount_minor).await
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
