//! Sums over invoices: a client's balance, aging of what is owed, cash collected per month.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, doc};

use super::super::schema::INVOICES;
use super::model::*;
use crate::domain::date::CalendarDate;
use crate::domain::money::Currency;

/// What a client owes, per currency: (currency, amount due, invoices).
pub async fn balances_of_client(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
) -> Result<Vec<(Currency, i64)>, mongodb::error::Error> {
    let rows = super::super::aggregate(
        db,
        INVOICES,
        vec![
            doc! { "$match": { "user_id": owner, "client_id": client, "status": { "$in": collectable() } } },
            doc! { "$group": { "_id": "$currency", "due": { "$sum": "$due_minor" } } },
        ],
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let currency = Currency::parse(row.get_str("_id").ok()?).ok()?;
            Some((currency, as_i64(row.get("due"))))
        })
        .collect())
}

/// Outstanding amounts by currency and age bucket (days past due: ≤0, 1–30, 31–60, 61–90, 90+).
pub async fn aging(
    db: &Database,
    owner: ObjectId,
    today: CalendarDate,
) -> Result<Vec<(Currency, [i64; 5], [u32; 5])>, mongodb::error::Error> {
    let boundary = |days: i64| {
        today
            .add_days(-days)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let bucket = doc! { "$switch": {
        "branches": [
            { "case": { "$gte": ["$due_date", boundary(0)] }, "then": 0 },
            { "case": { "$gte": ["$due_date", boundary(30)] }, "then": 1 },
            { "case": { "$gte": ["$due_date", boundary(60)] }, "then": 2 },
            { "case": { "$gte": ["$due_date", boundary(90)] }, "then": 3 },
        ],
        "default": 4,
    }};
    let rows = super::super::aggregate(
        db,
        INVOICES,
        vec![
            doc! { "$match": { "user_id": owner, "status": { "$in": collectable() } } },
            doc! { "$group": {
                "_id": { "currency": "$currency", "bucket": bucket },
                "due": { "$sum": "$due_minor" },
                "count": { "$sum": 1 },
            }},
        ],
    )
    .await?;
    let mut result: Vec<(Currency, [i64; 5], [u32; 5])> = Vec::new();
    for row in rows {
        let Ok(key) = row.get_document("_id") else {
            continue;
        };
        let Some(currency) = key
            .get_str("currency")
            .ok()
            .and_then(|c| Currency::parse(c).ok())
        else {
            continue;
        };
        let index = usize::try_from(as_i64(key.get("bucket")))
            .unwrap_or(4)
            .min(4);
        let entry = match result.iter_mut().find(|(c, _, _)| *c == currency) {
            Some(entry) => entry,
            None => {
                result.push((currency, [0; 5], [0; 5]));
                let last = result.len() - 1;
                &mut result[last]
            }
        };
        entry.1[index] += as_i64(row.get("due"));
        entry.2[index] += u32::try_from(as_i64(row.get("count"))).unwrap_or(0);
    }
    result.sort_by_key(|(currency, _, _)| *currency);
    Ok(result)
}

/// Payments received per month ("YYYY-MM") and currency, from `since` on.
pub async fn cash_by_month(
    db: &Database,
    owner: ObjectId,
    since: CalendarDate,
) -> Result<Vec<(String, Currency, i64)>, mongodb::error::Error> {
    let since = since.to_string();
    let rows = super::super::aggregate(
        db,
        INVOICES,
        vec![
            doc! { "$match": { "user_id": owner, "payments.date": { "$gte": &since } } },
            doc! { "$unwind": "$payments" },
            doc! { "$match": { "payments.date": { "$gte": &since } } },
            doc! { "$group": {
                "_id": { "currency": "$currency", "month": { "$substrBytes": ["$payments.date", 0, 7] } },
                "amount": { "$sum": "$payments.amount_minor" },
            }},
        ],
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let key = row.get_document("_id").ok()?;
            let currency = Currency::parse(key.get_str("currency").ok()?).ok()?;
            let month = key.get_str("month").ok()?.to_string();
            Some((month, currency, as_i64(row.get("amount"))))
        })
        .collect())
}

/// `$sum` answers Int32 or Int64 depending on magnitude.
fn as_i64(value: Option<&Bson>) -> i64 {
    match value {
        Some(Bson::Int32(v)) => i64::from(*v),
        Some(Bson::Int64(v)) => *v,
        _ => 0,
    }
}
