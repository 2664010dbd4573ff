//! Voiding an invoice, and the credit note a sent one gets: its number is taken from the
//! owner's series in the void's own transaction, so the series has no gaps.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc, to_bson};

use super::super::invoice_sequences;
use super::super::schema::INVOICES;
use super::super::transaction::{self, Finished};
use super::credit_note_doc::CreditNoteDoc;
use super::credit_note_emails::{EMAILS_DUE, email_times};
use super::model::{InvoiceDoc, status_bson};
use super::writes::{update_in, update_keeping_owed};
use crate::domain::date::CalendarDate;
use crate::domain::status::InvoiceStatus;

/// Draft or open with nothing paid → void. The public link stops working.
///
/// With `credit_note_on` (a sent invoice: the client has it), the void issues a credit note
/// dated that day: its number comes from the owner's credit note series in the same
/// transaction, so a void that does not happen takes no number and the series has no gaps.
pub async fn mark_void(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    from: InvoiceStatus,
    now: DateTime,
    credit_note_on: Option<CalendarDate>,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    // Not once a credit note reduced it: the void's credit note cancels the invoice in full.
    let filter = doc! {
        "_id": id, "user_id": owner, "status": status_bson(from), "paid_minor": 0_i64,
        "reductions": { "$exists": false },
    };
    let update = doc! { "$set": {
            "status": status_bson(InvoiceStatus::Void),
            "voided_at": now,
            "updated_at": now,
            "due_minor": 0_i64,
        },
        "$unset": { "public_token": "" },
    };
    let Some(issued_on) = credit_note_on else {
        return update_keeping_owed(db, filter, update, "voiding the invoice").await;
    };
    let mut session = transaction::session(db).await?;
    for attempt in 1..=transaction::ATTEMPTS {
        session.start_transaction().await?;
        let outcome = void_crediting(db, &mut session, (&filter, &update), issued_on, now).await;
        if let Finished::Done(voided) = transaction::finish(&mut session, outcome, attempt).await? {
            return Ok(voided);
        }
    }
    Err(mongodb::error::Error::custom(
        "voiding the invoice collided with other writes on every attempt",
    ))
}

/// The void and its credit note, inside the caller's transaction.
async fn void_crediting(
    db: &Database,
    session: &mut mongodb::ClientSession,
    (filter, update): (&Document, &Document),
    issued_on: CalendarDate,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let Some((_, voided)) = update_in(db, session, filter, update).await? else {
        return Ok(None);
    };
    let sequence = invoice_sequences::next_credit_note_in(db, session, voided.user_id).await?;
    let (look_at, owed_until) = email_times(now);
    let note = CreditNoteDoc::issued(sequence, issued_on, None, owed_until);
    db.collection::<Document>(INVOICES)
        .update_one(
            doc! { "_id": voided.id },
            doc! { "$set": { "credit_note": to_bson(&note)?, EMAILS_DUE: look_at } },
        )
        .session(&mut *session)
        .await?;
    Ok(Some(InvoiceDoc {
        credit_note: Some(note),
        ..voided
    }))
}
