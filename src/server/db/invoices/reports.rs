//! Sums over invoices: a client's balance. (What is owed per due date, for the dashboard's
//! aging and the client list, is kept as it changes in `db::owed` and `db::client_owed`; cash
//! collected per month in `db::collected`.)

use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;

use super::super::schema::INVOICES;
use super::super::whole;
use super::model::*;
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
