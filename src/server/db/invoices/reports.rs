//! Sums over invoices: a client's balance, and what the clients of a list page owe. (What is
//! owed per due date, for the dashboard's aging, is kept as it changes in `db::owed`; cash
//! collected per month in `db::collected`.)

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;
use serde::Deserialize;

use super::super::schema::INVOICES;
use super::super::whole;
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

/// An open invoice as the client list counts it: whose, how much is due, and by when.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenAmount {
    pub client_id: ObjectId,
    pub currency: Currency,
    pub due_minor: i64,
    pub due_date: CalendarDate,
}

/// The open invoices of `clients` (the owner's; a page of the client list), only the fields
/// that say what each owes: the read follows their open invoices, not their history.
pub async fn open_amounts(
    db: &Database,
    owner: ObjectId,
    clients: &[ObjectId],
) -> Result<Vec<OpenAmount>, mongodb::error::Error> {
    db.collection::<OpenAmount>(INVOICES)
        .find(doc! {
            "user_id": owner,
            "client_id": { "$in": clients },
            "status": { "$in": collectable() },
        })
        .projection(doc! { "_id": 0, "client_id": 1, "currency": 1, "due_minor": 1, "due_date": 1 })
        .await?
        .try_collect()
        .await
}
