//! An invoice's credit notes, emailed to the client who received the invoice, with the PDF
//! attached (`jobs::credit_note_emails`). The void or reduction has happened whatever the email
//! does: one that did not go is tried again by the engine for a day, the invoice page says how
//! it stands, and the owner can download the credit note or email it again.

use mongodb::bson::oid::ObjectId;

use crate::domain::credit_note::NONE_ISSUED;
use crate::error::AppError;
use crate::server::db::invoices::{CreditNoteDoc, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::invoicing::load;
use crate::server::jobs::credit_note_emails::CreditNoteEmail;
use crate::server::state::AppState;

/// The user's "email it to your client" for credit note `number` (`None`: the one that
/// cancelled the invoice) whose email did not go when it was issued.
pub async fn email_again(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    number: Option<&str>,
) -> Result<InvoiceDoc, AppError> {
    let invoice = load(state, user.id, id).await?;
    let note = match invoice.credit_note_numbered(number) {
        None if number.is_none() => return Err(AppError::Rejected(NONE_ISSUED.to_string())),
        None => return Err(AppError::not_found("credit note")),
        Some(CreditNoteDoc {
            emailed_to: Some(to),
            ..
        }) => {
            return Err(AppError::Rejected(format!(
                "The credit note already went to {to}; download it to send it again yourself."
            )));
        }
        Some(note) => note.clone(),
    };
    match state.engine.email_credit_note(user, &invoice, &note).await {
        emailed @ CreditNoteEmail::Emailed { .. } => Ok(noted(invoice, &note, &emailed)),
        CreditNoteEmail::NotNow => Err(AppError::Rejected(
            "The credit note could not be emailed just now: try again in a few minutes, or download it and send it yourself."
                .to_string(),
        )),
        CreditNoteEmail::GaveUp(why) => Err(AppError::Rejected(format!(
            "PayTrack can't email this credit note: {why}. Download it and send it to your client yourself."
        ))),
    }
}

/// Emails `invoice`'s credit note `note` to the addresses the invoice went to; the invoice as
/// it is after (the credit note marked as emailed when it went, or no longer tried when
/// PayTrack gave up; the engine tries it again if it did not go now).
pub async fn email_to_client(
    state: &AppState,
    user: &UserDoc,
    invoice: InvoiceDoc,
    note: &CreditNoteDoc,
) -> InvoiceDoc {
    let outcome = state.engine.email_credit_note(user, &invoice, note).await;
    noted(invoice, note, &outcome)
}

/// `invoice` with what became of credit note `note`'s email.
fn noted(invoice: InvoiceDoc, note: &CreditNoteDoc, outcome: &CreditNoteEmail) -> InvoiceDoc {
    let changed = match outcome {
        CreditNoteEmail::NotNow => return invoice,
        CreditNoteEmail::Emailed { to, at } => CreditNoteDoc {
            emailed_to: Some(to.clone()),
            emailed_at: Some(*at),
            email_owed_until: None,
            ..note.clone()
        },
        CreditNoteEmail::GaveUp(_) => CreditNoteDoc {
            email_owed_until: None,
            ..note.clone()
        },
    };
    let updated = |doc: &CreditNoteDoc| {
        if doc.number == note.number {
            changed.clone()
        } else {
            doc.clone()
        }
    };
    InvoiceDoc {
        credit_note: invoice.credit_note.as_ref().map(updated),
        reductions: invoice.reductions.iter().map(updated).collect(),
        ..invoice
    }
}
