//! What crosses the wire about invoices: the list's rows, the printable document, the owner's
//! detail view, and the outcomes of saving a draft or recording a payment.

use serde::{Deserialize, Serialize};

use crate::domain::credit_note::ReductionErrors;
use crate::domain::date::CalendarDate;
pub use crate::domain::dispute::DisputeView;
use crate::domain::invoice_draft::{InvoiceErrors, InvoiceInput};
use crate::domain::money::Money;
pub use crate::domain::pay_way::PayWay;
use crate::domain::payment::PaymentErrors;
use crate::domain::status::InvoiceStatus;

/// One line of the invoice list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub client_id: String,
    pub client_name: String,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    pub total: Money,
    pub due: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next: Option<String>,
}

pub use crate::domain::invoice_document::{
    BillToView, InvoiceDocument, LineView, PaymentView, SellerView, TaxLineView,
};

/// The owner's view of one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    pub id: String,
    pub client_id: String,
    pub document: InvoiceDocument,
    /// The client's link, once sent (and until voided or replaced).
    pub public_url: Option<String>,
    /// The editor's text for this invoice (drafts are edited with it).
    pub input: InvoiceInput,
    /// Today in the user's time zone (the payment form's default date).
    pub today: CalendarDate,
    /// Money that arrived through Stripe after the invoice was paid or voided: to refund.
    pub extra_payments: Vec<ExtraPaymentView>,
    /// A draft's: how its client will be able to pay once it is sent.
    pub pay_way: Option<PayWay>,
    /// Payments the user recorded by hand, which they can take off again (typed by mistake).
    pub hand_payments: Vec<HandPaymentView>,
    /// The day (in the user's zone) what was left stopped being expected (kept when the
    /// client paid in full after all).
    pub written_off_on: Option<CalendarDate>,
    /// Disputes of its Stripe payments by the payer's bank, newest last.
    #[serde(default)]
    pub disputes: Vec<DisputeView>,
}

/// A payment recorded by hand, with the id that takes it off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandPaymentView {
    pub id: String,
    pub amount: Money,
    pub date: CalendarDate,
    pub method: String,
    /// What of it went back to the client, recorded as a refund.
    pub refunded: Option<Money>,
}

/// A payment the invoice did not expect, for the owner to refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraPaymentView {
    pub amount: Money,
    /// The day it arrived, in the user's zone.
    pub on: CalendarDate,
    /// The checkout session or Stripe invoice it was paid through, to find it in Stripe.
    pub reference: String,
    /// What has been given back of it so far, and what is still to give back.
    pub refunded: Option<Money>,
    pub to_refund: Money,
    /// What the payer's bank took back of it (a dispute), while it has: not to give back.
    #[serde(default)]
    pub taken_back: Option<Money>,
}

impl ExtraPaymentView {
    /// What the invoice page says of it; `why` is "after it was voided" and the like.
    pub fn sentence(&self, why: &str) -> String {
        let arrived = format!(
            "{} arrived through Stripe on {} {why}",
            self.amount,
            self.on.long()
        );
        if let Some(taken) = &self.taken_back {
            return match self.to_refund.minor() {
                0 => format!(
                    "{arrived}; the payer's bank took it back (a dispute), so there is nothing left to refund."
                ),
                _ => format!(
                    "{arrived}; the payer's bank took {taken} of it back (a dispute). Refund the other {} from your Stripe dashboard (reference {}).",
                    self.to_refund, self.reference
                ),
            };
        }
        match &self.refunded {
            Some(_) if self.to_refund.minor() == 0 => format!("{arrived} and was refunded."),
            Some(refunded) => format!(
                "{arrived}; {refunded} of it was refunded. Refund the other {} from your Stripe dashboard (reference {}).",
                self.to_refund, self.reference
            ),
            None => format!(
                "{arrived}. PayTrack has not counted it: refund it from your Stripe dashboard (reference {}).",
                self.reference
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceSave {
    Saved { id: String, number: String },
    Invalid(InvoiceErrors),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentSave {
    Recorded(Box<InvoiceDetail>),
    Invalid(PaymentErrors),
}

/// What reducing an invoice by a credit note gave: the invoice after it, or what to correct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReductionSave {
    Reduced(Box<InvoiceDetail>),
    Invalid(ReductionErrors),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn extra(refunded: i64) -> ExtraPaymentView {
        ExtraPaymentView {
            amount: Money::from_minor(5_000, Currency::USD),
            on: CalendarDate::parse("2026-12-02").unwrap(),
            reference: "cs_test_1".to_string(),
            refunded: (refunded > 0).then(|| Money::from_minor(refunded, Currency::USD)),
            to_refund: Money::from_minor(5_000 - refunded, Currency::USD),
            taken_back: None,
        }
    }

    #[test]
    fn money_paid_twice_asks_for_a_refund_until_it_is_all_given_back() {
        let why = "after it was already paid";
        let asked = extra(0).sentence(why);
        assert!(
            asked.contains(why) && asked.contains("refund it"),
            "{asked}"
        );
        assert!(asked.contains("cs_test_1"), "{asked}");
        let part = extra(2_000).sentence(why);
        assert!(part.contains("$20.00 of it was refunded"), "{part}");
        assert!(part.contains("Refund the other $30.00"), "{part}");
        let done = extra(5_000).sentence(why);
        assert!(done.ends_with("and was refunded."), "{done}");
        assert!(!done.contains("cs_test_1"), "{done}");
    }

    #[test]
    fn money_paid_twice_that_the_bank_took_back_is_not_asked_for() {
        let why = "after it was already paid";
        let all = ExtraPaymentView {
            taken_back: Some(Money::from_minor(5_000, Currency::USD)),
            to_refund: Money::from_minor(0, Currency::USD),
            ..extra(0)
        }
        .sentence(why);
        assert!(all.contains("nothing left to refund"), "{all}");
        let part = ExtraPaymentView {
            taken_back: Some(Money::from_minor(3_000, Currency::USD)),
            to_refund: Money::from_minor(2_000, Currency::USD),
            ..extra(0)
        }
        .sentence(why);
        assert!(part.contains("took $30.00 of it back"), "{part}");
        assert!(part.contains("Refund the other $20.00"), "{part}");
    }
}
