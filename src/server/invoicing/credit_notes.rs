//! A voided invoice's credit note, emailed to the client who received the invoice, with the
//! PDF attached. Best effort: the void has happened whatever the email does; the invoice page
//! says whether it went, and the owner can download the credit note either way.

use mongodb::bson::DateTime;

use mongodb::bson::oid::ObjectId;

use crate::domain::credit_note::NONE_ISSUED;
use crate::domain::email::EmailAddress;
use crate::error::AppError;
use crate::server::db::invoices::{self, CreditNoteDoc, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::email::invoice_emails::{self, InvoiceFacts};
use crate::server::email::{Attachment, Email};
use crate::server::invoicing::{load, pdf};
use crate::server::state::AppState;

/// The user's "email it to your client" for a credit note whose email did not go at the void.
pub async fn email_again(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<InvoiceDoc, AppError> {
    let invoice = load(state, user.id, id).await?;
    match &invoice.credit_note {
        None => {
            return Err(AppError::Rejected(NONE_ISSUED.to_string()));
        }
        Some(CreditNoteDoc {
            emailed_to: Some(to),
            ..
        }) => {
            return Err(AppError::Rejected(format!(
                "The credit note already went to {to}; download it to send it again yourself."
            )));
        }
        Some(_) => {}
    }
    let after = email_to_client(state, user, invoice).await;
    match after.credit_note.as_ref().and_then(|n| n.emailed_to.as_ref()) {
        Some(_) => Ok(after),
        None => Err(AppError::Rejected(
            "The credit note could not be emailed just now: try again in a few minutes, or download it and send it yourself."
                .to_string(),
        )),
    }
}

/// Emails `voided`'s credit note to the addresses the invoice went to; the invoice as it is
/// after (the credit note marked as emailed when it went).
pub async fn email_to_client(state: &AppState, user: &UserDoc, voided: InvoiceDoc) -> InvoiceDoc {
    let Some(note) = voided.credit_note.clone() else {
        return voided;
    };
    let mut recipients = voided
        .bill_to
        .emails
        .iter()
        .filter_map(|address| EmailAddress::parse(address).ok());
    let Some(to) = recipients.next() else {
        return voided;
    };
    let pdf = match pdf::render_credit_note(&state.db, &voided, user).await {
        Ok(pdf) => pdf,
        Err(err) => {
            tracing::error!(error = %err, invoice = %voided.id, "credit note not emailed: its PDF failed");
            return voided;
        }
    };
    let facts = InvoiceFacts::of(user, &voided, &state.config.base_url, note.issued_on);
    let rendered = invoice_emails::credit_note_email(&facts, &note.view());
    let email = Email {
        to: to.clone(),
        cc: recipients.collect(),
        sender_name: Some(user.name.clone()),
        reply_to: EmailAddress::parse(&user.email).ok(),
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        kind: "credit_note",
        idempotency_key: format!("paytrack-{}-{}", voided.id.to_hex(), note.number),
        attachments: vec![Attachment {
            filename: pdf.filename,
            content_type: "application/pdf",
            bytes: pdf.bytes,
        }],
    };
    if let Err(err) = state.mailer.send(&email).await {
        tracing::warn!(error = %err, invoice = %voided.id, "credit note not emailed");
        return voided;
    }
    let (to, now) = (to.to_string(), DateTime::now());
    if let Err(err) = invoices::credit_note_emailed(&state.db, user.id, voided.id, &to, now).await {
        tracing::warn!(error = %err, invoice = %voided.id, "credit note emailed but not noted as sent");
    }
    InvoiceDoc {
        credit_note: Some(CreditNoteDoc {
            emailed_to: Some(to),
            emailed_at: Some(now),
            ..note
        }),
        ..voided
    }
}
