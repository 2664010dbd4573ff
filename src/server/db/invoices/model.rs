//! Invoices as stored: the document, who it bills, its payments and holds, and the fields a
//! draft's content sets.

use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, DateTime, Document, doc, to_bson};
use serde::{Deserialize, Serialize};

use super::super::clients::ClientDoc;
use super::credit_note_doc::CreditNoteDoc;
use super::dispute_doc::DisputeDoc;
use super::search::search_fields;
use crate::domain::country::Country;
use crate::domain::date::CalendarDate;
use crate::domain::invoice::{Discount, LineItem, Totals};
use crate::domain::invoice_draft::InvoiceDraft;
use crate::domain::money::Currency;
use crate::domain::pause::PauseReason;
use crate::domain::payment::PaymentMethod;
use crate::domain::service_period::ServicePeriod;
use crate::domain::status::InvoiceStatus;
use crate::domain::stripe_pay::{PayState, StripePay};
use crate::domain::tax::Tax;

/// Who the invoice is addressed to, as it was when the invoice was written (a sent invoice is
/// a document; renaming the client later does not rewrite it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BillTo {
    pub name: String,
    pub company: Option<String>,
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// The client's tax or VAT number (business clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    pub emails: Vec<String>,
}

impl From<&ClientDoc> for BillTo {
    fn from(client: &ClientDoc) -> Self {
        BillTo {
            name: client.name.clone(),
            company: client.company.clone(),
            address: client.address.clone(),
            country: client.country,
            tax_id: client.tax_id.clone(),
            emails: client.emails.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentDoc {
    pub id: ObjectId,
    pub amount_minor: i64,
    pub date: CalendarDate,
    pub method: PaymentMethod,
    pub recorded_at: DateTime,
    /// Stripe's PaymentIntent that took it (`pi_…`): how a refund in Stripe finds it. Absent
    /// for payments recorded by hand, and for Stripe's recorded before refunds were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_payment: Option<String>,
    /// How much of it was given back through Stripe; what it paid is the difference (less
    /// what a dispute keeps off it).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub refunded_minor: i64,
    /// The client's bank disputing it (a chargeback), once Stripe told of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<DisputeDoc>,
}

fn is_zero(amount: &i64) -> bool {
    *amount == 0
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoiceDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub user_id: ObjectId,
    pub client_id: ObjectId,
    pub sequence: i64,
    pub number: String,
    /// Where the number sits in its year's series, when the owner numbers by year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<SeriesPlace>,
    pub bill_to: BillTo,
    /// The seller as sent (absent on drafts, and on invoices sent before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<SellerDoc>,
    /// Lower-cased client name, for sorting by client.
    pub client_sort: String,
    /// Lower-cased number, client name and company: what the search box matches.
    pub search: String,
    pub status: InvoiceStatus,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    /// When the work was done, when the owner said (absent or null otherwise).
    #[serde(default)]
    pub service_period: Option<ServicePeriod>,
    pub currency: Currency,
    pub lines: Vec<LineItem>,
    pub discount: Discount,
    /// Stored as `tax_rates` (bare rates) before taxes had names; the migration
    /// `TAXES_BY_NAME` renames the field and `Tax` reads the bare rates.
    pub taxes: Vec<Tax>,
    pub notes: Option<String>,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub due_minor: i64,
    pub payments: Vec<PaymentDoc>,
    /// The secret in the client's link to the public invoice page; replaced to revoke it.
    /// Absent (never null) when there is none: the unique index is sparse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_token: Option<String>,
    /// The public token a draft is being sent with, chosen at its first try and kept until it
    /// is sent (then it is `public_token`): the payment link's return address carries it, so a
    /// send tried again asks Stripe for the same link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_token: Option<String>,
    /// The secret in the invoice's reply address (`reply+<token>@<inbound domain>`), set when
    /// it is sent. Absent on drafts and on invoices sent before replies were received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_token: Option<String>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub sent_at: Option<DateTime>,
    pub paid_on: Option<CalendarDate>,
    pub voided_at: Option<DateTime>,
    /// The credit note that cancelled it, when it was voided after it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_note: Option<CreditNoteDoc>,
    /// Credit notes that took part of what was owed off, oldest first, and what they took.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reductions: Vec<CreditNoteDoc>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub credited_minor: i64,
    /// When the user stopped expecting what is left (`due_minor` keeps the amount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_off_at: Option<DateTime>,
    /// Why reminders are held for this invoice (paused by the user, or its address bounced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders_paused: Option<ReminderPause>,
    /// No reminder before this local date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<CalendarDate>,
    /// The client's promises to pay, oldest first; the last one not cleared is the one that
    /// counts (see `open_promise`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseDoc>,
    /// What the client pays through in the user's Stripe account, once sent with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe: Option<StripePay>,
    /// When reconciliation next asks Stripe about `stripe` (absent: never, e.g. settled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_check_at: Option<DateTime>,
    /// Set with the status change that sends the invoice, and cleared once its email is on
    /// the schedule: while set, the engine's sweep schedules it (a crash or a database error
    /// between the two writes cannot leave a sent invoice without its email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_pending_since: Option<DateTime>,
    /// Money that arrived through Stripe after the invoice was paid another way or voided:
    /// the user is told to refund it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_payments: Vec<ExtraPayment>,
    /// Payment links PayTrack replaced on this invoice (`plink_…`): a checkout page opened
    /// before can still be paid, and that money must find its invoice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_links: Vec<String>,
    /// Until when a payment link of this invoice that stopped taking new payments (replaced,
    /// closed, paid) may still be paid on a checkout page opened before: Stripe keeps a
    /// checkout session open for a day. Reconciliation asks about them meanwhile for accounts
    /// without a webhook (`payments::quiet_links`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_links_until: Option<DateTime>,
}

/// Who the invoice is from, as it was when it was sent: a sent invoice is a document, and
/// editing the business details later does not rewrite it (drafts follow the profile).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SellerDoc {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub business: crate::domain::business::BusinessProfile,
}

impl SellerDoc {
    pub fn of(user: &super::super::users::UserDoc) -> Self {
        Self {
            name: user.name.clone(),
            email: user.email.clone(),
            business: user.business.clone().unwrap_or_default(),
        }
    }
}

/// An invoice's place in a yearly series: INV-2026-0007 is number 7 of 2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPlace {
    pub year: i32,
    pub number: i64,
}

/// A payment the invoice did not expect, as Stripe reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraPayment {
    /// The checkout session or Stripe invoice that took it.
    pub reference: String,
    pub amount_minor: i64,
    pub at: DateTime,
    /// Stripe's PaymentIntent that took it, for the refund the user is asked to make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_payment: Option<String>,
    /// How much of it the user gave back through Stripe.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub refunded_minor: i64,
    /// The payer's bank disputing it; while its money is taken back (`uncounted_minor`), that
    /// much is not the user's to give back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<DisputeDoc>,
}

/// "I'll pay by …", from the client's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseDoc {
    pub day: CalendarDate,
    pub made_at: DateTime,
    /// The user set it aside: it holds nothing and counts for nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleared_at: Option<DateTime>,
    /// The reminder step that told the client the day had passed (one, once it broke).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followed_up_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReminderPause {
    pub reason: PauseReason,
    pub at: DateTime,
}

impl InvoiceDoc {
    /// A payment's money was taken back by a dispute the bank has not decided yet.
    pub fn dispute_undecided(&self) -> bool {
        self.payments
            .iter()
            .filter_map(|p| p.dispute.as_ref())
            .any(|d| {
                d.moves == 1
                    && crate::domain::dispute::DisputeState::of(&d.status)
                        == crate::domain::dispute::DisputeState::Open
            })
    }

    /// A payment through Stripe (a bank debit) has started and is not money yet.
    pub fn stripe_payment_processing(&self) -> bool {
        self.stripe
            .as_ref()
            .is_some_and(|pay| pay.state == PayState::Processing)
    }

    /// The promise that counts, with its place in `promises`: the latest one not cleared.
    pub fn open_promise(&self) -> Option<(usize, &PromiseDoc)> {
        self.promises
            .iter()
            .enumerate()
            .rev()
            .find(|(_, p)| p.cleared_at.is_none())
    }

    /// What became of `promise`, seen on `today`.
    pub fn promise_outcome(
        &self,
        promise: &PromiseDoc,
        today: CalendarDate,
    ) -> crate::domain::promise::Outcome {
        let paid_on = self.paid_on.filter(|_| self.status == InvoiceStatus::Paid);
        crate::domain::promise::outcome(promise.day, paid_on, today)
    }

    pub fn draft(&self) -> InvoiceDraft {
        InvoiceDraft {
            client_id: self.client_id.to_hex(),
            issue_date: self.issue_date,
            due_date: self.due_date,
            service_period: self.service_period,
            currency: self.currency,
            lines: self.lines.clone(),
            discount: self.discount,
            taxes: self.taxes.clone(),
            notes: self.notes.clone(),
        }
    }
}

pub(super) fn status_bson(status: InvoiceStatus) -> Bson {
    to_bson(&status).unwrap_or(Bson::Null)
}

pub(in crate::server::db) fn collectable() -> Bson {
    Bson::Array(vec![
        status_bson(InvoiceStatus::Open),
        status_bson(InvoiceStatus::PartiallyPaid),
    ])
}

/// What a draft says: its parsed form, the totals computed from it, and who it bills.
#[derive(Clone, Copy)]
pub struct Content<'a> {
    pub draft: &'a InvoiceDraft,
    pub totals: &'a Totals,
    pub client: &'a ClientDoc,
}

/// The fields a draft's content sets (shared by create and edit).
pub(super) fn content(
    Content {
        draft,
        totals,
        client,
    }: Content<'_>,
    number: &str,
) -> Result<Document, mongodb::bson::ser::Error> {
    let mut fields = doc! {
        "client_id": client.id,
        "issue_date": draft.issue_date.to_string(),
        "due_date": draft.due_date.to_string(),
        "service_period": to_bson(&draft.service_period)?,
        "currency": draft.currency.code(),
        "lines": to_bson(&draft.lines)?,
        "discount": to_bson(&draft.discount)?,
        "taxes": to_bson(&draft.taxes)?,
        "notes": &draft.notes,
        "subtotal_minor": totals.subtotal.minor(),
        "discount_minor": totals.discount.minor(),
        "tax_minor": totals.tax.minor(),
        "total_minor": totals.total.minor(),
        "due_minor": totals.due.minor(),
    };
    fields.extend(addressed_to(client, number)?);
    Ok(fields)
}

/// The fields that follow whom invoice `number` bills: `client` as it is now, how the list
/// sorts by it, and what a search finds it by (shared by create, edit and readdressing drafts).
pub(super) fn addressed_to(
    client: &ClientDoc,
    number: &str,
) -> Result<Document, mongodb::bson::ser::Error> {
    let bill_to = BillTo::from(client);
    let mut fields = doc! {
        "client_sort": client.name.to_lowercase(),
        "bill_to": to_bson(&bill_to)?,
    };
    fields.extend(search_fields(
        number,
        &bill_to.name,
        bill_to.company.as_deref(),
    ));
    Ok(fields)
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Db(#[from] mongodb::error::Error),
    #[error(transparent)]
    Encode(#[from] mongodb::bson::ser::Error),
}

impl WriteError {
    /// What the user may see, with the cause logged under `context`.
    pub fn user_facing(self, context: &'static str) -> crate::error::AppError {
        match self {
            WriteError::Db(err) => crate::server::db::user_facing(context, err),
            WriteError::Encode(err) => {
                tracing::error!(error = %err, "{context}: encoding");
                crate::error::AppError::Internal
            }
        }
    }
}
