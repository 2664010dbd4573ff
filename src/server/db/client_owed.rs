//! What each client's open invoices still owe, per currency and due date: one document per
//! client and currency, `{ user_id, client_id, currency, days: { "YYYY-MM-DD": { minor,
//! invoices } } }`, the client's share of `owed`. `owed::apply` moves it in the same
//! transaction as the user's own, so a page of the client list reads one small document per
//! client and currency rather than every open invoice of theirs (at 10,000 invoices the page's
//! open invoices took the local database 83–100 ms a page; these documents a few).

use std::collections::BTreeMap;

use futures::TryStreamExt;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, RawDocumentBuf, doc};
use mongodb::{ClientSession, Database};

use super::owed_days::{days_of, grouped_sums};
use super::schema::CLIENT_OWED;
use crate::domain::aging::OwedOn;
use crate::domain::money::Currency;

fn key(client: ObjectId, currency: Currency) -> String {
    format!("{}:{}", client.to_hex(), currency.code())
}

/// Moves the client's `day` (`days.YYYY-MM-DD`) by `minor` and `invoices`, inside the
/// caller's transaction; a day no open invoice of theirs is due on any more is removed.
pub(super) async fn apply(
    db: &Database,
    session: &mut ClientSession,
    (user, client, currency): (ObjectId, ObjectId, Currency),
    day: &str,
    minor: i64,
    invoices: i64,
) -> Result<(), mongodb::error::Error> {
    let owed = db.collection::<Document>(CLIENT_OWED);
    let id = key(client, currency);
    owed.update_one(
        doc! { "_id": &id },
        doc! {
            "$inc": { format!("{day}.minor"): minor, format!("{day}.invoices"): invoices },
            "$setOnInsert": { "user_id": user, "client_id": client, "currency": currency.code() },
        },
    )
    .upsert(true)
    .session(&mut *session)
    .await?;
    if invoices < 0 {
        owed.update_one(
            doc! { "_id": &id, format!("{day}.invoices"): { "$lte": 0_i64 } },
            doc! { "$unset": { day: "" } },
        )
        .session(&mut *session)
        .await?;
    }
    Ok(())
}

/// What each of the owner's `clients` (every one of theirs when `None`: what the invoices'
/// sums must equal) owes per currency and due date; clients who owe nothing are absent.
pub async fn of_clients(
    db: &Database,
    owner: ObjectId,
    clients: Option<&[ObjectId]>,
) -> Result<Vec<(ObjectId, OwedOn)>, mongodb::error::Error> {
    let mut filter = doc! { "user_id": owner };
    if let Some(clients) = clients {
        filter.insert("client_id", doc! { "$in": clients });
    }
    let documents: Vec<RawDocumentBuf> = db
        .collection::<RawDocumentBuf>(CLIENT_OWED)
        .find(filter)
        .await?
        .try_collect()
        .await?;
    let mut owed = Vec::new();
    for document in &documents {
        let Ok(client) = document.get_object_id("client_id") else {
            continue;
        };
        owed.extend(days_of(document)?.into_iter().map(|day| (client, day)));
    }
    Ok(owed)
}

/// What each of `user`'s clients' open invoices owe per currency and due date, added up from
/// the invoices as `session` sees them.
pub async fn sum_of_invoices(
    db: &Database,
    session: &mut ClientSession,
    user: ObjectId,
) -> Result<Vec<(ObjectId, OwedOn)>, mongodb::error::Error> {
    let sums = grouped_sums(db, session, user, true).await?;
    Ok(sums
        .into_iter()
        .filter_map(|(client, day)| Some((client?, day)))
        .collect())
}

/// Sets every client's days of `user`'s from their open invoices, inside the caller's
/// transaction (`owed::rebuild`).
pub(super) async fn rebuild_in(
    db: &Database,
    session: &mut ClientSession,
    user: ObjectId,
) -> Result<(), mongodb::error::Error> {
    let mut by_key: BTreeMap<(ObjectId, Currency), Document> = BTreeMap::new();
    for (client, day) in sum_of_invoices(db, session, user).await? {
        by_key.entry((client, day.currency)).or_default().insert(
            day.due.to_string(),
            doc! { "minor": day.minor, "invoices": i64::from(day.invoices) },
        );
    }
    let owed = db.collection::<Document>(CLIENT_OWED);
    let kept: Vec<String> = by_key.keys().map(|(c, cur)| key(*c, *cur)).collect();
    owed.delete_many(doc! { "user_id": user, "_id": { "$nin": &kept } })
        .session(&mut *session)
        .await?;
    for ((client, currency), days) in by_key {
        owed.replace_one(
            doc! { "_id": key(client, currency) },
            doc! { "user_id": user, "client_id": client, "currency": currency.code(), "days": days },
        )
        .upsert(true)
        .session(&mut *session)
        .await?;
    }
    Ok(())
}
