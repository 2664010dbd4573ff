//! Money collected per user, currency and month (the "YYYY-MM" of each payment's date). Each
//! payment adds to its month in the same transaction that records it on the invoice, so the
//! dashboard reads at most twelve small documents per currency instead of a year of payments.

use futures::TryStreamExt;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc};
use mongodb::{ClientSession, Database};
use serde::{Deserialize, Serialize};

use super::schema::{COLLECTED_MONTHLY, INVOICES};
use crate::domain::money::Currency;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CollectedMonth {
    /// `user:currency:month`, so a month is one document however payments race.
    #[serde(rename = "_id")]
    pub id: String,
    pub user_id: ObjectId,
    pub currency: Currency,
    /// "YYYY-MM".
    pub month: String,
    pub amount_minor: i64,
}

fn key(user: ObjectId, currency: Currency, month: &str) -> String {
    format!("{}:{}:{month}", user.to_hex(), currency.code())
}

/// The month ("YYYY-MM") of a payment dated "YYYY-MM-DD".
pub fn month_of(date: &str) -> &str {
    date.get(..7).unwrap_or(date)
}

/// Adds `amount_minor` to the month, inside the payment's transaction.
pub async fn add(
    db: &Database,
    session: &mut ClientSession,
    user: ObjectId,
    currency: Currency,
    month: &str,
    amount_minor: i64,
) -> Result<(), mongodb::error::Error> {
    db.collection::<CollectedMonth>(COLLECTED_MONTHLY)
        .update_one(
            doc! { "_id": key(user, currency, month) },
            doc! {
                "$inc": { "amount_minor": amount_minor },
                "$setOnInsert": { "user_id": user, "currency": currency.code(), "month": month },
            },
        )
        .upsert(true)
        .session(session)
        .await
        .map(|_| ())
}

/// The user's collected months from `since` ("YYYY-MM") on: (month, currency, amount).
pub async fn since(
    db: &Database,
    user: ObjectId,
    since: &str,
) -> Result<Vec<(String, Currency, i64)>, mongodb::error::Error> {
    let months: Vec<CollectedMonth> = db
        .collection::<CollectedMonth>(COLLECTED_MONTHLY)
        .find(doc! { "user_id": user, "month": { "$gte": since } })
        .await?
        .try_collect()
        .await?;
    Ok(months
        .into_iter()
        .map(|m| (m.month, m.currency, m.amount_minor))
        .collect())
}

/// Works the months out from the payments on invoices (of one user, or of everyone) and sets
/// them; returns how many months were written. For books from before the months were kept,
/// and for the demo seed: safe to run again, since it sets totals rather than adding.
pub async fn backfill(db: &Database, user: Option<ObjectId>) -> Result<u64, mongodb::error::Error> {
    let mut matched = doc! { "payments.0": { "$exists": true } };
    if let Some(user) = user {
        matched.insert("user_id", user);
    }
    let rows: Vec<Document> = db
        .collection::<Document>(INVOICES)
        .aggregate([
            doc! { "$match": matched },
            doc! { "$unwind": "$payments" },
            doc! { "$group": {
                "_id": {
                    "user": "$user_id",
                    "currency": "$currency",
                    "month": { "$substrBytes": ["$payments.date", 0, 7] },
                },
                "amount": { "$sum": "$payments.amount_minor" },
            } },
        ])
        .await?
        .try_collect()
        .await?;
    let months = db.collection::<CollectedMonth>(COLLECTED_MONTHLY);
    let mut written = 0;
    for row in rows {
        let Ok(group) = row.get_document("_id") else {
            continue;
        };
        let (Ok(user), Some(currency), Ok(month)) = (
            group.get_object_id("user"),
            group
                .get_str("currency")
                .ok()
                .and_then(|c| Currency::parse(c).ok()),
            group.get_str("month"),
        ) else {
            continue;
        };
        let amount = super::whole(row.get("amount"))?;
        months
            .update_one(
                doc! { "_id": key(user, currency, month) },
                doc! { "$set": {
                    "user_id": user, "currency": currency.code(), "month": month,
                    "amount_minor": amount,
                } },
            )
            .upsert(true)
            .await?;
        written += 1;
    }
    Ok(written)
}
