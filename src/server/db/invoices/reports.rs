//! Sums over invoices: a client's balance, aging of what is owed (cash collected per month is
//! kept as it happens, in `db::collected`).

use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;

use super::super::schema::INVOICES;
use super::super::{add, whole};
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
    let mut balances = Vec::new();
    for row in &rows {
        if let Some(currency) = row
            .get_str("_id")
            .ok()
            .and_then(|c| Currency::parse(c).ok())
        {
            balances.push((currency, whole(row.get("due"))?));
        }
    }
    Ok(balances)
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
            // Only what the buckets need travels on: not lines, payments or the seller.
            doc! { "$project": { "_id": 0, "currency": 1, "due_date": 1, "due_minor": 1 } },
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
        let index = usize::try_from(whole(key.get("bucket"))?)
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
        entry.1[index] = add(entry.1[index], whole(row.get("due"))?)?;
        let count = u32::try_from(whole(row.get("count"))?).unwrap_or(u32::MAX);
        entry.2[index] = entry.2[index].saturating_add(count);
    }
    result.sort_by_key(|(currency, _, _)| *currency);
    Ok(result)
}
