//! Credit notes: voiding an invoice the client already received does not unsend it, so the
//! cancellation is a document of its own — numbered in its own unbroken series (CN-0001, …),
//! dated, and naming the invoice it cancels — as EU VAT rules (and most tax offices) expect.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;

/// Why an invoice has no credit note to download or email.
pub const NONE_ISSUED: &str =
    "This invoice has no credit note: one is issued when a sent invoice is voided.";

/// The printed number of credit note `sequence` (1 for the user's first).
pub fn credit_note_number(sequence: i64) -> String {
    format!("CN-{sequence:04}")
}

/// A credit note as the invoice page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteView {
    pub number: String,
    pub issued_on: CalendarDate,
    /// Where PayTrack emailed it, once it did.
    #[serde(default)]
    pub emailed_to: Option<String>,
}

impl CreditNoteView {
    /// What the credit note does, in the words it says it with.
    pub fn cancels(&self, invoice_number: &str, invoice_issued: CalendarDate) -> String {
        format!(
            "This credit note cancels invoice {invoice_number} of {invoice_issued} in full: nothing is owed on it."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_notes_count_in_their_own_series_and_name_the_invoice() {
        assert_eq!(credit_note_number(1), "CN-0001");
        assert_eq!(credit_note_number(12_345), "CN-12345");
        let note = CreditNoteView {
            number: credit_note_number(7),
            issued_on: CalendarDate::parse("2026-12-05").unwrap(),
            emailed_to: None,
        };
        assert_eq!(
            note.cancels("INV-0042", CalendarDate::parse("2026-11-01").unwrap()),
            "This credit note cancels invoice INV-0042 of 2026-11-01 in full: nothing is owed on it."
        );
    }
}
