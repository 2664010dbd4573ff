//! An invoice's credit notes, emailed to the client who received the invoice, with the PDF
//! attached. Best effort: the void or reduction has happened whatever the email does; the
//! invoice page says whether it went, and the owner can download the credit note either way.

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
    let after = email_to_client(state, user, invoice, &note).await;
    match after.credit_note_numbered(Some(&note.number)) {
        Some(CreditNoteDoc {
            emailed_to: Some(_),
            ..
        }) => Ok(after),
        _ => Err(AppError::Rejected(
            "The credit note could not be emailed just now: try again in a few minutes, or download it and send it yourself."
                .to_string(),
        )),
    }
}

/// Emails `invoice`'s credit note `note` to the addresses the invoice went to; the invoice as
/// it is after (the credit note marked as emailed when it went).
pub async fn email_to_client(
    state: &AppState,
    user: &UserDoc,
    invoice: InvoiceDoc,
    note: &CreditNoteDoc,
) -> InvoiceDoc {
    let mut recipients = invoice
        .bill_to
        .emails
        .iter()
        .filter_map(|address| EmailAddress::parse(address).ok());
    let Some(to) = recipients.next() else {
        return invoice;
    };
    let pdf = match pdf::render_credit_note(&state.db, &invoice, user, note).await {
        Ok(pdf) => pdf,
        Err(err) => {
            tracing::error!(error = %err, invoice = %invoice.id, "credit note not emailed: its PDF failed");
            return invoice;
        }
    };
    let facts = InvoiceFacts::of(user, &invoice, &state.config.base_url, note.issued_on);
    let rendered = invoice_emails::credit_note_email(&facts, &note.view(invoice.currency));
    let email = Email {
        to: to.clone(),
        cc: recipients.collect(),
        sender_name: Some(user.name.clone()),
        reply_to: EmailAddress::parse(&user.email).ok(),
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        kind: "credit_note",
        idempotency_key: format!("paytrack-{}-{}", invoice.id.to_hex(), note.number),
        attachments: vec![Attachment {
            filename: pdf.filename,
            content_type: "application/pdf",
            bytes: pdf.bytes,
        }],
    };
    if let Err(err) = state.mailer.send(&email).await {
        tracing::warn!(error = %err, invoice = %invoice.id, "credit note not emailed");
        return invoice;
    }
    let (to, now) = (to.to_string(), DateTime::now());
    let noted = invoices::credit_note_emailed(&state.db, user.id, invoice.id, note, &to, now).await;
    if let Err(err) = noted {
        tracing::warn!(error = %err, invoice = %invoice.id, "credit note emailed but not noted as sent");
    }
    let emailed = |doc: &CreditNoteDoc| {
        if doc.number == note.number {
            CreditNoteDoc {
                emailed_to: Some(to.clone()),
                emailed_at: Some(now),
                ..doc.clone()
            }
        } else {
            doc.clone()
        }
    };
    InvoiceDoc {
        credit_note: invoice.credit_note.as_ref().map(emailed),
        reductions: invoice.reductions.iter().map(emailed).collect(),
        ..invoice
    }
}
