//! A credit note that takes part of what is owed off an invoice (a price reduction agreed
//! after it went): what is owed, the status and the credit note's number change in one
//! transaction, so a reduction that does not happen takes no number.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc, to_bson};

use super::super::invoice_sequences;
use super::super::schema::INVOICES;
use super::super::transaction::{self, Finished};
use super::credit_note_doc::{CreditNoteDoc, ReductionDoc};
use super::credit_note_emails::{EMAILS_DUE, email_times};
use super::model::{InvoiceDoc, status_bson};
use super::writes::update_in;
use crate::domain::date::CalendarDate;
use crate::domain::status::InvoiceStatus;

/// A reduction, decided from the invoice as it was read: it happens only if the invoice is
/// still in `from` owing `due_before`.
pub struct Reducing<'a> {
    pub owner: ObjectId,
    pub id: ObjectId,
    pub from: InvoiceStatus,
    pub due_before: i64,
    pub amount_minor: i64,
    pub reason: &'a str,
    /// The owner's date: the credit note's, and the day paid when it settles the invoice.
    pub issued_on: CalendarDate,
    pub now: DateTime,
}

/// Takes `amount_minor` off what invoice `id` owes and issues the credit note that says so;
/// `None` if the invoice changed meanwhile (the caller re-reads and decides again).
pub async fn reduce(
    db: &Database,
    reducing: &Reducing<'_>,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let due_after = reducing
        .due_before
        .checked_sub(reducing.amount_minor)
        .filter(|due| *due >= 0)
        .ok_or_else(|| mongodb::error::Error::custom("a reduction larger than what is owed"))?;
    let to = reducing
        .from
        .after_reduction(reducing.amount_minor, reducing.due_before);
    let mut set = doc! {
        "status": status_bson(to),
        "due_minor": due_after,
        "updated_at": reducing.now,
    };
    if to == InvoiceStatus::Paid {
        set.insert("paid_on", reducing.issued_on.to_string());
    }
    let filter = doc! {
        "_id": reducing.id, "user_id": reducing.owner,
        "status": status_bson(reducing.from), "due_minor": reducing.due_before,
    };
    let update = doc! { "$set": set, "$inc": { "credited_minor": reducing.amount_minor } };
    let mut session = transaction::session(db).await?;
    for attempt in 1..=transaction::ATTEMPTS {
        session.start_transaction().await?;
        let outcome = reduce_in(db, &mut session, (&filter, &update), reducing, due_after).await;
        if let Finished::Done(reduced) = transaction::finish(&mut session, outcome, attempt).await?
        {
            return Ok(reduced);
        }
    }
    Err(mongodb::error::Error::custom(
        "reducing the invoice collided with other writes on every attempt",
    ))
}

async fn reduce_in(
    db: &Database,
    session: &mut mongodb::ClientSession,
    (filter, update): (&Document, &Document),
    reducing: &Reducing<'_>,
    due_after: i64,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let Some((_, reduced)) = update_in(db, session, filter, update).await? else {
        return Ok(None);
    };
    let sequence = invoice_sequences::next_credit_note_in(db, session, reduced.user_id).await?;
    let reduces = ReductionDoc {
        amount_minor: reducing.amount_minor,
        reason: reducing.reason.to_string(),
        owed_after_minor: due_after,
    };
    let (look_at, owed_until) = email_times(reducing.now);
    let note = CreditNoteDoc::issued(sequence, reducing.issued_on, Some(reduces), owed_until);
    db.collection::<Document>(INVOICES)
        .update_one(
            doc! { "_id": reduced.id },
            doc! {
                "$push": { "reductions": to_bson(&note)? },
                "$set": { EMAILS_DUE: look_at },
            },
        )
        .session(&mut *session)
        .await?;
    let mut reductions = reduced.reductions;
    reductions.push(note);
    Ok(Some(InvoiceDoc {
        reductions,
        ..reduced
    }))
}
