//! The invoice as a document: what its page, its PDF and the client's page all show, built
//! once on the server (`server::invoicing::document`) and drawn by the browser or the PDF
//! writer. Nothing of the account beyond what the business profile puts on the invoice.

use serde::{Deserialize, Serialize};

use super::credit_note::CreditNoteView;
use super::date::CalendarDate;
use super::invoice::{Totals, pro_rata};
use super::money::Money;
use super::service_period::ServicePeriod;
use super::status::InvoiceStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillToView {
    pub name: String,
    pub company: Option<String>,
    pub address: Option<String>,
    /// The country's name.
    pub country: Option<String>,
    pub tax_id: Option<String>,
    pub emails: Vec<String>,
}

/// Who the invoice is from, as the business profile names them (with the account's name and
/// address where the profile is silent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerView {
    /// The name clients know the user by.
    pub name: String,
    pub legal_name: Option<String>,
    pub address: Option<String>,
    /// The country's name.
    pub country: Option<String>,
    pub tax_id: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    /// Where the logo is served (a path on PayTrack's site), when there is one.
    pub logo_url: Option<String>,
}

/// One tax on the invoice: "VAT 20%" and what it amounts to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLineView {
    pub label: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub description: String,
    pub quantity: String,
    pub unit_price: Money,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub amount: Money,
    pub date: CalendarDate,
    pub method: String,
    /// How much of it was given back (a refund in Stripe).
    #[serde(default)]
    pub refunded: Option<Money>,
    /// How much of it the client's bank took back (a dispute), while it has.
    #[serde(default)]
    pub disputed: Option<Money>,
}

impl PaymentView {
    /// The payment as the invoice lists it: "2026-12-01 — €100.00 by stripe, €40.00 refunded".
    pub fn line(&self) -> String {
        let paid = format!(
            "{} — {} by {}",
            self.date,
            self.amount,
            self.method.to_lowercase()
        );
        let paid = match &self.refunded {
            Some(refunded) if refunded == &self.amount => format!("{paid}, refunded"),
            Some(refunded) => format!("{paid}, {refunded} refunded"),
            None => paid,
        };
        match &self.disputed {
            Some(disputed) => format!("{paid}, {disputed} taken back by the payer's bank"),
            None => paid,
        }
    }
}

/// What the printed invoice, its PDF and the client's public page show: nothing of the
/// account beyond what the business profile puts on the invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDocument {
    pub number: String,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub days_overdue: i64,
    pub from: SellerView,
    pub bill_to: BillToView,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    /// When the work was done, when the invoice says.
    #[serde(default)]
    pub service_period: Option<ServicePeriod>,
    pub lines: Vec<LineView>,
    /// "Discount (10%)" or "Discount", when there is one.
    pub discount_label: Option<String>,
    /// One line per tax, adding up to `totals.tax`.
    pub taxes: Vec<TaxLineView>,
    pub totals: Totals,
    /// The EU reverse-charge sentence, when it applies.
    pub reverse_charge: Option<String>,
    pub notes: Option<String>,
    /// How to pay by bank, from the business profile.
    pub payment_instructions: Option<String>,
    /// The small print at the bottom, from the business profile.
    pub footer: Option<String>,
    pub payments: Vec<PaymentView>,
    /// Stripe's page where the client pays what is due, while it takes payments.
    pub pay_url: Option<String>,
    /// A payment made through Stripe is settling (a bank debit): not paid yet.
    pub payment_processing: bool,
    /// The client's page carries "Sent with PayTrack" (the sender is on Free).
    pub branded: bool,
    /// The credit note that cancelled it (a sent invoice, voided).
    #[serde(default)]
    pub credit_note: Option<CreditNoteView>,
    /// The credit notes that took part of what was owed off, oldest first (`totals.credited`
    /// is what they took off in all).
    #[serde(default)]
    pub reductions: Vec<CreditNoteView>,
    /// On the client's page: their promise to pay, and whether they can make one.
    #[serde(default)]
    pub promise: Option<crate::domain::promise::Offer>,
    /// On the client's page: a reply to the invoice email reaches PayTrack and holds the
    /// reminders (replies are set up, the invoice went with its reply address, and is owed with
    /// no payment settling), so the page can tell a client who paid already to say so by replying.
    #[serde(default)]
    pub replies_hold_reminders: bool,
}

/// What a credit note of the invoice takes back: net, each tax, and in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credited {
    pub net: Money,
    pub taxes: Vec<TaxLineView>,
    pub total: Money,
}

impl InvoiceDocument {
    /// What `note` takes back: all of the invoice when it cancels it; when it reduces it, its
    /// amount with each tax taking its share pro rata, as the invoice charged them.
    pub fn credited_by(&self, note: &CreditNoteView) -> Credited {
        let Some(reduces) = &note.reduces else {
            let total = self.totals.total;
            let net = total.minor().saturating_sub(self.totals.tax.minor());
            return Credited {
                net: Money::from_minor(net, total.currency()),
                taxes: self.taxes.clone(),
                total,
            };
        };
        let money = |minor| Money::from_minor(minor, reduces.amount.currency());
        let charged: Vec<i64> = self.taxes.iter().map(|tax| tax.amount.minor()).collect();
        let (net, shares) = pro_rata(reduces.amount.minor(), self.totals.total.minor(), &charged)
            .unwrap_or((reduces.amount.minor(), Vec::new()));
        Credited {
            net: money(net),
            taxes: self
                .taxes
                .iter()
                .zip(shares)
                .map(|(tax, share)| TaxLineView {
                    label: tax.label.clone(),
                    amount: money(share),
                })
                .collect(),
            total: reduces.amount,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn payment(refunded: Option<i64>) -> PaymentView {
        PaymentView {
            amount: Money::from_minor(10_000, Currency::EUR),
            date: CalendarDate::parse("2026-12-01").unwrap(),
            method: "Stripe".to_string(),
            refunded: refunded.map(|minor| Money::from_minor(minor, Currency::EUR)),
            disputed: None,
        }
    }

    #[test]
    fn a_payment_line_says_what_of_it_was_refunded() {
        let paid = payment(None).line();
        assert!(paid.starts_with("2026-12-01 — "), "{paid}");
        assert!(paid.ends_with(" by stripe"), "{paid}");
        let part = payment(Some(4_000)).line();
        assert!(part.starts_with(&paid), "{part}");
        assert!(part.ends_with(" refunded") && part.contains("40"), "{part}");
        assert_eq!(payment(Some(10_000)).line(), format!("{paid}, refunded"));
        let disputed = PaymentView {
            disputed: Some(Money::from_minor(10_000, Currency::EUR)),
            ..payment(None)
        }
        .line();
        assert!(disputed.starts_with(&paid), "{disputed}");
        assert!(
            disputed.ends_with("taken back by the payer's bank"),
            "{disputed}"
        );
    }
}
