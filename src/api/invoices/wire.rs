//! What crosses the wire about invoices: the list's rows, the printable document, the owner's
//! detail view, and the outcomes of saving a draft or recording a payment.

use serde::{Deserialize, Serialize};

use crate::domain::date::CalendarDate;
use crate::domain::invoice::Totals;
use crate::domain::invoice_draft::{InvoiceErrors, InvoiceInput};
use crate::domain::money::Money;
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillToView {
    pub name: String,
    pub company: Option<String>,
    pub address: Option<String>,
    pub emails: Vec<String>,
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
}

/// What the printed invoice and the client's public page show: nothing of the account beyond
/// the sender's name and address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDocument {
    pub number: String,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub days_overdue: i64,
    pub from_name: String,
    pub from_email: String,
    pub bill_to: BillToView,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    pub lines: Vec<LineView>,
    /// "Discount (10%)" or "Discount", when there is one.
    pub discount_label: Option<String>,
    /// "Tax (5% + 9.975%)", when there is tax.
    pub tax_label: Option<String>,
    pub totals: Totals,
    pub notes: Option<String>,
    pub payments: Vec<PaymentView>,
    /// Stripe's page where the client pays what is due, while it takes payments.
    pub pay_url: Option<String>,
    /// A payment made through Stripe is settling (a bank debit): not paid yet.
    pub payment_processing: bool,
    /// The client's page carries "Sent with PayTrack" (the sender is on Free).
    pub branded: bool,
}

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
}

/// A payment the invoice did not expect, for the owner to refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraPaymentView {
    pub amount: Money,
    /// The day it arrived, in the user's zone.
    pub on: CalendarDate,
    /// The checkout session or Stripe invoice it was paid through, to find it in Stripe.
    pub reference: String,
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
