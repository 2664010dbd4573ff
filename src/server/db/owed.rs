//! What each user's open invoices still owe, per currency and due date: one document per user
//! and currency, `{ days: { "YYYY-MM-DD": { minor, invoices } } }`. Every write that opens,
//! pays or voids an invoice moves its day in the same transaction, so the dashboard reads one
//! small document per currency instead of every open invoice, and "coming due" knows how far
//! to read.
//!
//! Each move also moves the client's own days (`client_owed`), for the client list.
//!
//! `rebuild` works the days out from the invoices themselves, for books from before they were
//! kept and for the demo seed; `tests/integration/owed.rs` checks the kept days against it.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, Document, RawDocumentBuf, doc};
use mongodb::{ClientSession, Database};

use super::client_owed;
use super::invoices::InvoiceDoc;
use super::owed_days::{days_of, grouped_sums};
use super::schema::{INVOICES, OWED};
use super::transaction::{self, Finished};
use crate::domain::aging::OwedOn;
use crate::domain::date::CalendarDate;
use crate::domain::money::Currency;

fn key(user: ObjectId, currency: Currency) -> String {
    format!("{}:{}", user.to_hex(), currency.code())
}

/// One invoice's move on its due date: what it owes more (or less) and whether it joins
/// (+1) or leaves (-1) the open invoices.
#[derive(Debug, Clone, Copy)]
struct Move {
    user: ObjectId,
    client: ObjectId,
    currency: Currency,
    due: CalendarDate,
    minor: i64,
    invoices: i64,
}

/// Applies `change` inside the caller's transaction. A day no open invoice is due on any more
/// is removed, so the document holds the open days only.
async fn apply(
    db: &Database,
    session: &mut ClientSession,
    change: Move,
) -> Result<(), mongodb::error::Error> {
    let owed = db.collection::<Document>(OWED);
    let id = key(change.user, change.currency);
    let day = format!("days.{}", change.due);
    owed.update_one(
        doc! { "_id": &id },
        doc! {
            "$inc": { format!("{day}.minor"): change.minor, format!("{day}.invoices"): change.invoices },
            "$setOnInsert": { "user_id": change.user, "currency": change.currency.code() },
        },
    )
    .upsert(true)
    .session(&mut *session)
    .await?;
    if change.invoices < 0 {
        owed.update_one(
            doc! { "_id": &id, format!("{day}.invoices"): { "$lte": 0_i64 } },
            doc! { "$unset": { &day: "" } },
        )
        .session(&mut *session)
        .await?;
    }
    client_owed::apply(
        db,
        session,
        (change.user, change.client, change.currency),
        &day,
        change.minor,
        change.invoices,
    )
    .await
}

/// What an open invoice adds to what is owed; nothing once it is paid, voided or a draft.
fn share(invoice: &InvoiceDoc) -> Option<Move> {
    invoice.status.is_collectable().then_some(Move {
        user: invoice.user_id,
        client: invoice.client_id,
        currency: invoice.currency,
        due: invoice.due_date,
        minor: invoice.due_minor,
        invoices: 1,
    })
}

/// Moves what is owed from the invoice as it was (`before`) to as it is (`after`), inside the
/// transaction that changed it: one write when it stays open on the same day, else its
/// share leaves the old day and joins the new one.
pub async fn follow(
    db: &Database,
    session: &mut ClientSession,
    before: &InvoiceDoc,
    after: &InvoiceDoc,
) -> Result<(), mongodb::error::Error> {
    let too_large =
        || mongodb::error::Error::custom("an amount owed too large to hold".to_string());
    match (share(before), share(after)) {
        (Some(was), Some(now))
            if (was.client, was.currency, was.due) == (now.client, now.currency, now.due) =>
        {
            let minor = now.minor.checked_sub(was.minor).ok_or_else(too_large)?;
            if minor != 0 {
                apply(
                    db,
                    session,
                    Move {
                        minor,
                        invoices: 0,
                        ..now
                    },
                )
                .await?;
            }
        }
        (was, now) => {
            if let Some(was) = was {
                let minor = was.minor.checked_neg().ok_or_else(too_large)?;
                apply(
                    db,
                    session,
                    Move {
                        minor,
                        invoices: -1,
                        ..was
                    },
                )
                .await?;
            }
            if let Some(now) = now {
                apply(db, session, now).await?;
            }
        }
    }
    Ok(())
}

/// What `user`'s open invoices owe, per currency and due date. Read in place from the raw
/// documents: a book's hundreds of days, parsed into documents first, were the dashboard's
/// largest cost in the server's own CPU (15% of a `/dashboard` page, in allocations).
pub async fn of_user(db: &Database, user: ObjectId) -> Result<Vec<OwedOn>, mongodb::error::Error> {
    let documents: Vec<RawDocumentBuf> = db
        .collection::<RawDocumentBuf>(OWED)
        .find(doc! { "user_id": user })
        .await?
        .try_collect()
        .await?;
    let mut owed = Vec::new();
    for document in &documents {
        owed.extend(days_of(document)?);
    }
    Ok(owed)
}

/// Works one user's days out from their open invoices and sets them, in a transaction, so a
/// payment recorded meanwhile either is in the sum or collides and the rebuild runs again.
pub async fn rebuild(db: &Database, user: ObjectId) -> Result<(), mongodb::error::Error> {
    let mut session = transaction::session(db).await?;
    for attempt in 1..=transaction::ATTEMPTS {
        session.start_transaction().await?;
        let outcome = rebuild_in(db, &mut session, user).await;
        if let Finished::Done(()) = transaction::finish(&mut session, outcome, attempt).await? {
            return Ok(());
        }
    }
    Err(mongodb::error::Error::custom(
        "summing what is owed collided with other writes on every attempt".to_string(),
    ))
}

async fn rebuild_in(
    db: &Database,
    session: &mut ClientSession,
    user: ObjectId,
) -> Result<(), mongodb::error::Error> {
    let mut by_currency: BTreeMap<Currency, Document> = BTreeMap::new();
    for day in sum_of_invoices(db, session, user).await? {
        by_currency.entry(day.currency).or_default().insert(
            day.due.to_string(),
            doc! { "minor": day.minor, "invoices": i64::from(day.invoices) },
        );
    }
    let owed = db.collection::<Document>(OWED);
    let kept: Vec<String> = by_currency.keys().map(|c| key(user, *c)).collect();
    owed.delete_many(doc! { "user_id": user, "_id": { "$nin": &kept } })
        .session(&mut *session)
        .await?;
    for (currency, days) in by_currency {
        owed.replace_one(
            doc! { "_id": key(user, currency) },
            doc! { "user_id": user, "currency": currency.code(), "days": days },
        )
        .upsert(true)
        .session(&mut *session)
        .await?;
    }
    client_owed::rebuild_in(db, session, user).await
}

/// What `user`'s open invoices owe per currency and due date, added up from the invoices
/// themselves as `session` sees them: what `rebuild` sets, and what the kept days must equal.
pub async fn sum_of_invoices(
    db: &Database,
    session: &mut ClientSession,
    user: ObjectId,
) -> Result<Vec<OwedOn>, mongodb::error::Error> {
    let sums = grouped_sums(db, session, user, false).await?;
    Ok(sums.into_iter().map(|(_, day)| day).collect())
}

/// Rebuilds every user with invoices; returns how many. For the migration that starts
/// keeping the days.
pub async fn rebuild_all(db: &Database) -> Result<u64, mongodb::error::Error> {
    let users = db
        .collection::<Document>(INVOICES)
        .distinct("user_id", doc! {})
        .await?;
    let mut rebuilt = 0;
    for user in users {
        if let Bson::ObjectId(user) = user {
            rebuild(db, user).await?;
            rebuilt += 1;
        }
    }
    Ok(rebuilt)
}
