//! What happened to a user's invoices, newest first: the dashboard's "recent activity".

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc};
use serde::{Deserialize, Serialize};

use super::invoices::InvoiceDoc;
use super::schema::ACTIVITY;
use crate::domain::money::Currency;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityKind {
    Created,
    Sent,
    PaymentRecorded,
    Paid,
    Voided,
    /// Paid through Stripe (the payment itself is also `PaymentRecorded`).
    PaidWithStripe,
    /// A bank debit started through Stripe; not money yet.
    StripePaymentProcessing,
    StripePaymentFailed,
    /// Money arrived through Stripe for an invoice already paid another way, or voided.
    PaidTwice,
    /// The client wrote back to the invoice email (the amount is what was due then).
    ClientReplied,
    /// An automatic answer (out of office) to the invoice email.
    AutomaticReply,
    /// The client promised, on the invoice's page, to pay by a day.
    ClientPromised,
    /// A payment recorded by hand was taken off again (recorded by mistake).
    PaymentRemoved,
    /// What was left is no longer expected (the amount is what was left).
    WrittenOff,
    /// Part or all of a Stripe payment given back in Stripe (the amount is what came back):
    /// owed again with reminders paused, or added to what was written off.
    Refunded,
    /// Part or all of a payment recorded by hand given back outside Stripe, as the user
    /// recorded it: owed again with reminders paused, or added to what was written off.
    RefundedByHand,
    /// A payment made twice, given back in Stripe as the user was asked.
    ExtraRefunded,
    /// The client's bank took a Stripe payment back (the amount is what it took): owed again
    /// with reminders paused.
    Disputed,
    /// A dispute decided for the user: the money came back (the amount is what came back).
    DisputeWon,
    /// A credit note took part of what was owed off the price (the amount is what it took).
    Reduced,
}

impl ActivityKind {
    /// What happened, as the dashboard's activity list says it.
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Created => "Draft created",
            ActivityKind::Sent => "Sent",
            ActivityKind::PaymentRecorded => "Payment recorded",
            ActivityKind::Paid => "Paid in full",
            ActivityKind::Voided => "Voided",
            ActivityKind::PaidWithStripe => "Paid through Stripe",
            ActivityKind::StripePaymentProcessing => "Payment on its way (Stripe)",
            ActivityKind::StripePaymentFailed => "Stripe payment failed",
            ActivityKind::PaidTwice => "Paid twice — refund it from Stripe",
            ActivityKind::ClientReplied => "Client replied — reminders on hold",
            ActivityKind::AutomaticReply => "Automatic reply (out of office)",
            ActivityKind::ClientPromised => "Client promised a day to pay — reminders wait",
            ActivityKind::PaymentRemoved => "Payment removed — owed again",
            ActivityKind::WrittenOff => "Written off — no longer chased",
            ActivityKind::Refunded => "Refunded through Stripe",
            ActivityKind::RefundedByHand => "Refund recorded",
            ActivityKind::ExtraRefunded => "Payment made twice refunded",
            ActivityKind::Disputed => "Payment disputed — taken back by the client's bank",
            ActivityKind::DisputeWon => "Dispute won — the money is back",
            ActivityKind::Reduced => "Reduced by a credit note",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivityDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub user_id: ObjectId,
    pub at: DateTime,
    pub kind: ActivityKind,
    pub invoice_id: ObjectId,
    pub number: String,
    /// Whom the invoice was to (entries written before 2026-12-05 have no id: the name alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ObjectId>,
    pub client_name: String,
    pub amount_minor: i64,
    pub currency: Currency,
}

/// Records `kind` for `invoice`; `amount_minor` is the payment for payments, the total otherwise.
pub async fn record(
    db: &Database,
    invoice: &InvoiceDoc,
    kind: ActivityKind,
    amount_minor: i64,
    at: DateTime,
) -> Result<(), mongodb::error::Error> {
    let entry = ActivityDoc {
        id: ObjectId::new(),
        user_id: invoice.user_id,
        at,
        kind,
        invoice_id: invoice.id,
        number: invoice.number.clone(),
        client_id: Some(invoice.client_id),
        client_name: invoice.bill_to.name.clone(),
        amount_minor,
        currency: invoice.currency,
    };
    db.collection::<ActivityDoc>(ACTIVITY)
        .insert_one(entry)
        .await
        .map(|_| ())
}

///
/// Read in spans of time going back from `now` (a day, a week, two months, a year, then all
/// that is older) until `limit` are found: the local database reads every match before it
/// sorts and limits, so a book's whole history would be read for ten rows, while a span reads
/// what happened in it. A busy book (the seeded one logs ~70 events a day) finds its ten in
/// the first day; a quiet one pays a few empty index ranges. On Atlas each span is the same
/// index range the limit would have stopped.
pub async fn recent(
    db: &Database,
    owner: ObjectId,
    limit: i64,
    now: DateTime,
) -> Result<Vec<ActivityDoc>, mongodb::error::Error> {
    const SPANS_DAYS: [i64; 4] = [1, 7, 60, 366];
    let limit = usize::try_from(limit).unwrap_or(0);
    if limit == 0 {
        return Ok(Vec::new());
    }
    let mut found: Vec<ActivityDoc> = Vec::with_capacity(limit);
    let mut before: Option<DateTime> = None;
    for days in SPANS_DAYS.map(Some).into_iter().chain([None]) {
        let since = days.map(|days| {
            DateTime::from_millis(now.timestamp_millis().saturating_sub(days * 86_400_000))
        });
        let mut at = Document::new();
        if let Some(before) = before {
            at.insert("$lt", before);
        }
        if let Some(since) = since {
            at.insert("$gte", since);
        }
        let mut filter = doc! { "user_id": owner };
        if !at.is_empty() {
            filter.insert("at", at);
        }
        let rows: Vec<ActivityDoc> = db
            .collection::<ActivityDoc>(ACTIVITY)
            .find(filter)
            .sort(doc! { "at": -1, "_id": -1 })
            .limit((limit - found.len()) as i64)
            .await?
            .try_collect()
            .await?;
        found.extend(rows);
        if found.len() >= limit {
            break;
        }
        before = since;
    }
    Ok(found)
}

/// Stores entries made elsewhere (the seed command's bulk path).
pub async fn insert_many(
    db: &Database,
    entries: Vec<ActivityDoc>,
) -> Result<(), mongodb::error::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    db.collection::<ActivityDoc>(ACTIVITY)
        .insert_many(entries)
        .await
        .map(|_| ())
}

/// What one user's invoices received in one currency.
pub struct Collected {
    pub user_id: ObjectId,
    pub currency: Currency,
    pub minor: i64,
}

/// Payments recorded at or after `since`, summed by the database per user and currency.
pub async fn collected_since(
    db: &Database,
    since: DateTime,
) -> Result<Vec<Collected>, mongodb::error::Error> {
    let rows = super::aggregate(
        db,
        ACTIVITY,
        vec![
            doc! { "$match": { "kind": "PaymentRecorded", "at": { "$gte": since } } },
            doc! { "$group": {
                "_id": { "user": "$user_id", "currency": "$currency" },
                "minor": { "$sum": "$amount_minor" },
            } },
        ],
    )
    .await?;
    let mut collected = Vec::new();
    for row in &rows {
        let Some((user_id, currency)) = collected_key(row) else {
            continue;
        };
        let minor = super::whole(row.get("minor"))?;
        collected.push(Collected {
            user_id,
            currency,
            minor,
        });
    }
    Ok(collected)
}

fn collected_key(row: &mongodb::bson::Document) -> Option<(ObjectId, Currency)> {
    let key = row.get_document("_id").ok()?;
    let currency = Currency::parse(key.get_str("currency").ok()?).ok()?;
    Some((key.get_object_id("user").ok()?, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_label() {
        let kinds = [
            ActivityKind::Created,
            ActivityKind::Sent,
            ActivityKind::PaymentRecorded,
            ActivityKind::Paid,
            ActivityKind::Voided,
            ActivityKind::PaidWithStripe,
            ActivityKind::StripePaymentProcessing,
            ActivityKind::StripePaymentFailed,
            ActivityKind::PaidTwice,
            ActivityKind::ClientReplied,
            ActivityKind::AutomaticReply,
            ActivityKind::ClientPromised,
            ActivityKind::PaymentRemoved,
            ActivityKind::WrittenOff,
            ActivityKind::Refunded,
            ActivityKind::RefundedByHand,
            ActivityKind::ExtraRefunded,
            ActivityKind::Disputed,
            ActivityKind::DisputeWon,
            ActivityKind::Reduced,
        ];
        let mut labels: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), kinds.len());
        assert_eq!(ActivityKind::PaidWithStripe.label(), "Paid through Stripe");
    }
}
