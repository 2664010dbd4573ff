//! A credit note as stored on the invoice it corrects: the one that cancelled a voided
//! invoice (`credit_note`), or one of those that reduced it (`reductions`).

use mongodb::bson::DateTime;
use serde::{Deserialize, Serialize};

use crate::domain::credit_note::{CreditNoteView, Reduces};
use crate::domain::date::CalendarDate;
use crate::domain::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteDoc {
    /// Its place in the owner's credit note series (`invoice_sequences`, field `credit_notes`).
    pub sequence: i64,
    pub number: String,
    /// The owner's date when the invoice was voided or reduced.
    pub issued_on: CalendarDate,
    /// Where it was emailed, and when, once the email went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emailed_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emailed_at: Option<DateTime>,
    /// What it took off, when it reduced the invoice rather than cancelled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduces: Option<ReductionDoc>,
    /// Until when the engine emails it if it has not gone (`credit_note_emails`); absent once
    /// it went, or once PayTrack gave up (no address, refused, or a day gone by).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_owed_until: Option<DateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionDoc {
    pub amount_minor: i64,
    pub reason: String,
    /// What was left to pay once it was issued.
    pub owed_after_minor: i64,
}

impl CreditNoteDoc {
    /// A credit note issued at `now`, its email owed until the engine's window closes.
    pub fn issued(
        sequence: i64,
        issued_on: CalendarDate,
        reduces: Option<ReductionDoc>,
        owed_until: DateTime,
    ) -> Self {
        CreditNoteDoc {
            sequence,
            number: crate::domain::credit_note::credit_note_number(sequence),
            issued_on,
            emailed_to: None,
            emailed_at: None,
            reduces,
            email_owed_until: Some(owed_until),
        }
    }

    /// Whether its email is still to go at `now` (the engine tries it).
    pub fn email_owed(&self, now: DateTime) -> bool {
        self.emailed_to.is_none() && self.email_owed_until.is_some_and(|until| until > now)
    }

    pub fn view(&self, currency: Currency) -> CreditNoteView {
        CreditNoteView {
            number: self.number.clone(),
            issued_on: self.issued_on,
            emailed_to: self.emailed_to.clone(),
            email_retrying: self.email_owed(DateTime::now()),
            reduces: self.reduces.as_ref().map(|reduces| Reduces {
                amount: Money::from_minor(reduces.amount_minor, currency),
                reason: reduces.reason.clone(),
                owed_after: Money::from_minor(reduces.owed_after_minor, currency),
            }),
        }
    }
}

impl super::InvoiceDoc {
    /// The credit note that cancelled it, then those that reduced it, in order.
    pub fn credit_notes(&self) -> impl Iterator<Item = &CreditNoteDoc> {
        self.credit_note.iter().chain(&self.reductions)
    }

    /// Its credit note `number` (`None`: the one that cancelled it).
    pub fn credit_note_numbered(&self, number: Option<&str>) -> Option<&CreditNoteDoc> {
        match number {
            None => self.credit_note.as_ref(),
            Some(number) => self.credit_notes().find(|note| note.number == number),
        }
    }
}
