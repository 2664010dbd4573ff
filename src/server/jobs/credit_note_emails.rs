//! Credit notes by email, the PDF attached, under the key `paytrack-<invoice>-<number>`: sent
//! by the request that issues one, and by each engine pass for a day after when that did not
//! go (Resend down, or the process stopped first; `db::invoices::credit_note_emails`). The key
//! is the same every time, so Resend sends it once.

use mongodb::bson::DateTime;

use super::engine::Engine;
use super::plan::to_bson;
use crate::domain::email::EmailAddress;
use crate::server::db::invoices::{self, CreditNoteDoc, InvoiceDoc};
use crate::server::db::users::{self, UserDoc};
use crate::server::email::invoice_emails::{self, InvoiceFacts};
use crate::server::email::{Attachment, Email, MailError};
use crate::server::invoicing::pdf;

/// What became of a credit note's email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditNoteEmail {
    Emailed {
        to: String,
        at: DateTime,
    },
    /// Not now (Resend unreachable, the database): the engine tries again while it is owed.
    NotNow,
    /// Never by PayTrack, and why (no address, refused): the owner sends it.
    GaveUp(String),
}

impl Engine {
    /// Emails credit note `note` of `invoice` to the addresses the invoice went to, and
    /// records what became of it.
    pub async fn email_credit_note(
        &self,
        user: &UserDoc,
        invoice: &InvoiceDoc,
        note: &CreditNoteDoc,
    ) -> CreditNoteEmail {
        let outcome = self.send_credit_note(user, invoice, note).await;
        let recorded = match &outcome {
            CreditNoteEmail::Emailed { to, at } => {
                invoices::credit_note_emailed(&self.db, user.id, invoice.id, note, to, *at).await
            }
            CreditNoteEmail::GaveUp(_) => {
                invoices::credit_note_email_given_up(&self.db, user.id, invoice.id, note).await
            }
            CreditNoteEmail::NotNow => Ok(()),
        };
        if let Err(err) = recorded {
            // Emailed but not noted: the next try is the same email under the same key.
            tracing::warn!(error = %err, invoice = %invoice.id, note = %note.number, "what became of a credit note's email was not recorded");
        }
        outcome
    }

    async fn send_credit_note(
        &self,
        user: &UserDoc,
        invoice: &InvoiceDoc,
        note: &CreditNoteDoc,
    ) -> CreditNoteEmail {
        let mut recipients = invoice
            .bill_to
            .emails
            .iter()
            .filter_map(|address| EmailAddress::parse(address).ok());
        let Some(to) = recipients.next() else {
            tracing::warn!(invoice = %invoice.id, note = %note.number, "credit note not emailed: the invoice has no client address");
            return CreditNoteEmail::GaveUp(
                "the invoice has no email address for your client".to_string(),
            );
        };
        let pdf = match pdf::render_credit_note(&self.db, invoice, user, note).await {
            Ok(pdf) => pdf,
            Err(err @ pdf::RenderError::Database(_)) => {
                tracing::warn!(error = %err, invoice = %invoice.id, "credit note not emailed yet: its PDF could not be made");
                return CreditNoteEmail::NotNow;
            }
            Err(err @ pdf::RenderError::Writer(_)) => {
                tracing::error!(error = %err, invoice = %invoice.id, "credit note not emailed: its PDF failed");
                return CreditNoteEmail::GaveUp("its PDF could not be made".to_string());
            }
        };
        let facts = InvoiceFacts::of(user, invoice, &self.base_url, note.issued_on);
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
        match self.mailer.send(&email).await {
            // Accepted before under this key: it went then.
            Ok(_) | Err(MailError::AlreadyAccepted) => CreditNoteEmail::Emailed {
                to: to.to_string(),
                at: to_bson(self.clock.now()),
            },
            Err(MailError::Rejected(message)) => {
                tracing::warn!(%message, invoice = %invoice.id, "Resend refused a credit note's email");
                CreditNoteEmail::GaveUp(format!("the email service refused it ({message})"))
            }
            Err(err) => {
                tracing::warn!(error = %err, invoice = %invoice.id, "credit note not emailed yet");
                CreditNoteEmail::NotNow
            }
        }
    }

    /// Emails the credit notes whose email is owed and whose time has come; how many went.
    pub(super) async fn email_owed_credit_notes(&self) -> Result<usize, mongodb::error::Error> {
        let now = to_bson(self.clock.now());
        let next_look = self.lease().until;
        let mut emailed = 0;
        for invoice in invoices::credit_note_emails_due(&self.db, now, self.batch).await? {
            if !invoices::claim_credit_note_emails(&self.db, invoice.id, now, next_look).await? {
                continue;
            }
            if self.email_owed_of(&invoice, now, &mut emailed).await? {
                invoices::credit_note_emails_done(&self.db, invoice.id, next_look).await?;
            }
        }
        Ok(emailed)
    }

    /// Emails `invoice`'s owed credit notes, counting those that went into `emailed`; whether
    /// none is owed any more.
    async fn email_owed_of(
        &self,
        invoice: &InvoiceDoc,
        now: DateTime,
        emailed: &mut usize,
    ) -> Result<bool, mongodb::error::Error> {
        let Some(user) = users::find(&self.db, invoice.user_id).await? else {
            return Ok(true);
        };
        let mut settled = true;
        // Owed once, and not given up: those the engine still has to settle.
        let pending = invoice
            .credit_notes()
            .filter(|note| note.emailed_to.is_none() && note.email_owed_until.is_some());
        for note in pending {
            if !note.email_owed(now) {
                tracing::warn!(invoice = %invoice.id, note = %note.number, "a credit note's email did not go within a day; the owner sends it");
                invoices::credit_note_email_given_up(&self.db, user.id, invoice.id, note).await?;
                continue;
            }
            match self.email_credit_note(&user, invoice, note).await {
                CreditNoteEmail::Emailed { .. } => *emailed += 1,
                CreditNoteEmail::NotNow => settled = false,
                CreditNoteEmail::GaveUp(_) => {}
            }
        }
        Ok(settled)
    }
}
