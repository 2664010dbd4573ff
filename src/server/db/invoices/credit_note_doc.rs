//! The credit note that cancelled a sent invoice, as stored on the invoice it cancels.

use mongodb::bson::DateTime;
use serde::{Deserialize, Serialize};

use crate::domain::credit_note::CreditNoteView;
use crate::domain::date::CalendarDate;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteDoc {
    /// Its place in the owner's credit note series (`invoice_sequences`, field `credit_notes`).
    pub sequence: i64,
    pub number: String,
    /// The owner's date when the invoice was voided.
    pub issued_on: CalendarDate,
    /// Where it was emailed, and when, once the email went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emailed_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emailed_at: Option<DateTime>,
}

impl CreditNoteDoc {
    pub fn view(&self) -> CreditNoteView {
        CreditNoteView {
            number: self.number.clone(),
            issued_on: self.issued_on,
            emailed_to: self.emailed_to.clone(),
        }
    }
}
