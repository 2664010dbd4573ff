//! An invoice as lists read it: the row fields, and the projection that reads only those.

use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document};
use serde::Deserialize;

use super::credit_note_doc::CreditNoteDoc;
use super::model::BillTo;
use crate::domain::date::CalendarDate;
use crate::domain::money::Currency;
use crate::domain::service_period::ServicePeriod;
use crate::domain::status::InvoiceStatus;

/// An invoice as lists read it (the list page and its CSV, a client's page, what comes due):
/// its heading, who it bills and its figures — not its lines, payments, seller or history,
/// which a row never shows and which make up most of a stored invoice.
#[derive(Debug, Clone, Deserialize)]
pub struct ListedInvoice {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub client_id: ObjectId,
    pub sequence: i64,
    pub number: String,
    pub bill_to: BillTo,
    pub client_sort: String,
    pub status: InvoiceStatus,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    #[serde(default)]
    pub service_period: Option<ServicePeriod>,
    pub currency: Currency,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub due_minor: i64,
    #[serde(default)]
    pub sent_at: Option<DateTime>,
    #[serde(default)]
    pub paid_on: Option<CalendarDate>,
    /// The credit note that cancelled it, if it was voided after it was sent.
    #[serde(default)]
    pub credit_note: Option<CreditNoteDoc>,
    #[serde(default)]
    pub reductions: Vec<CreditNoteDoc>,
    #[serde(default)]
    pub credited_minor: i64,
}

/// The fields of a [`ListedInvoice`], for a query's projection.
pub(super) fn listed_fields() -> Document {
    let mut fields = Document::new();
    for field in [
        "_id",
        "client_id",
        "sequence",
        "number",
        "bill_to",
        "client_sort",
        "status",
        "issue_date",
        "due_date",
        "service_period",
        "currency",
        "subtotal_minor",
        "discount_minor",
        "tax_minor",
        "total_minor",
        "paid_minor",
        "due_minor",
        "sent_at",
        "paid_on",
        "credit_note",
        "reductions",
        "credited_minor",
    ] {
        fields.insert(field, 1);
    }
    fields
}
