//! Credit notes: an invoice the client already received is a document, so taking back all of
//! it (a void) or part of it (a price reduction agreed after it went) is a document of its
//! own — numbered in its own unbroken series (CN-0001, …), dated, and naming the invoice it
//! corrects — as EU VAT rules (and most tax offices) expect.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;
use super::money::Money;
use super::text::{self, Shape};

/// Why an invoice has no credit note to download or email.
pub const NONE_ISSUED: &str =
    "This invoice has no credit note: one is issued when a sent invoice is voided or reduced.";

/// The longest reason a reduction may give (it is printed on the credit note).
pub const REASON_LIMIT: usize = 200;

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
    /// Not emailed yet, and PayTrack still tries (for a day after it was issued).
    #[serde(default)]
    pub email_retrying: bool,
    /// What it takes off when it reduces the invoice; `None` when it cancels all of it.
    #[serde(default)]
    pub reduces: Option<Reduces>,
}

/// A reduction of an invoice by part of what was owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reduces {
    /// Taken off, taxes included.
    pub amount: Money,
    pub reason: String,
    /// What was left to pay once it was issued.
    pub owed_after: Money,
}

impl CreditNoteView {
    /// What the credit note does, in the words it says it with.
    pub fn says(&self, invoice_number: &str, invoice_issued: CalendarDate) -> String {
        match &self.reduces {
            None => format!(
                "This credit note cancels invoice {invoice_number} of {invoice_issued} in full: nothing is owed on it."
            ),
            Some(reduces) => format!(
                "This credit note reduces invoice {invoice_number} of {invoice_issued} by {} ({}). Left to pay on the invoice after it: {}.",
                reduces.amount, reduces.reason, reduces.owed_after
            ),
        }
    }

    /// A reduction as a list of the invoice's credit notes says it after its number (the
    /// owner's page and the client's); `None` for one that cancels.
    pub fn listed(&self) -> Option<String> {
        self.reduces.as_ref().map(|reduces| {
            format!(
                " of {}: −{} ({}). Left to pay after it: {}",
                self.issued_on.long(),
                reduces.amount,
                reduces.reason,
                reduces.owed_after
            )
        })
    }
}

/// What the user types to reduce an invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionInput {
    pub amount: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionErrors {
    pub amount: Option<String>,
    pub reason: Option<String>,
}

/// A checked reduction: above zero, no more than what is owed, and with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduction {
    pub amount: Money,
    pub reason: String,
}

impl ReductionInput {
    /// `due` is what is still owed of `total`. Taking off all of an invoice nothing was paid
    /// or credited on is a void, which says so in its own words.
    pub fn parse(&self, due: Money, total: Money) -> Result<Reduction, Box<ReductionErrors>> {
        let mut errors = ReductionErrors::default();
        let amount = match Money::parse(&self.amount, due.currency()) {
            Ok(amount) if amount.minor() <= 0 => {
                errors.amount = Some("Enter an amount above zero.".to_string());
                None
            }
            Ok(amount) if amount.minor() > due.minor() => {
                errors.amount = Some(format!(
                    "That is more than the {due} still owed: a credit note takes off only what is owed. Money already paid is given back by a refund."
                ));
                None
            }
            Ok(amount) if amount.minor() == due.minor() && due.minor() == total.minor() => {
                errors.amount = Some(
                    "That is the whole invoice: void it instead, which issues a credit note for all of it."
                        .to_string(),
                );
                None
            }
            Ok(amount) => Some(amount),
            Err(message) => {
                errors.amount = Some(message);
                None
            }
        };
        let reason = self.reason.split_whitespace().collect::<Vec<_>>().join(" ");
        let reason = text::required(
            &reason,
            REASON_LIMIT,
            Shape::OneLine,
            "reason",
            "Say why, as the credit note will (e.g. “one day less than invoiced”).",
        )
        .map_err(|m| errors.reason = Some(m))
        .ok();
        match (amount, reason) {
            (Some(amount), Some(reason)) => Ok(Reduction { amount, reason }),
            _ => Err(Box::new(errors)),
        }
    }
}

#[cfg(test)]
mod tests;
