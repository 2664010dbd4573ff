//! What a client's payment record is read from (their paid and promised invoices, projected
//! to the few fields it needs), and the record kept on the client, so the dashboard can list
//! the clients who pay latest without reading any invoice.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{doc, to_bson};
use serde::Deserialize;

use super::clients::ClientDoc;
use super::invoices::PromiseDoc;
use super::schema::{CLIENTS, INVOICES};
use crate::domain::date::CalendarDate;
use crate::domain::pay_habits::PayHabits;
use crate::domain::status::InvoiceStatus;

/// One invoice as the payment record reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct PayRecord {
    pub status: InvoiceStatus,
    pub due_date: CalendarDate,
    #[serde(default)]
    pub paid_on: Option<CalendarDate>,
    #[serde(default)]
    pub promises: Vec<PromiseDoc>,
}

impl PayRecord {
    /// The day the invoice was paid in full, if it is paid.
    pub fn paid_in_full_on(&self) -> Option<CalendarDate> {
        self.paid_on.filter(|_| self.status == InvoiceStatus::Paid)
    }
}

/// The client's invoices that were paid in full or promised.
pub async fn records_of_client(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
) -> Result<Vec<PayRecord>, mongodb::error::Error> {
    let paid = to_bson(&InvoiceStatus::Paid)?;
    db.collection::<PayRecord>(INVOICES)
        .find(doc! {
            "user_id": owner,
            "client_id": client,
            "$or": [ { "status": paid }, { "promises.0": { "$exists": true } } ],
        })
        .projection(doc! { "_id": 0, "status": 1, "due_date": 1, "paid_on": 1, "promises": 1 })
        .await?
        .try_collect()
        .await
}

/// Keeps `habits` on the owner's client.
pub async fn store(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
    habits: &PayHabits,
) -> Result<(), mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .update_one(
            doc! { "_id": client, "user_id": owner },
            doc! { "$set": { "habits": to_bson(habits)? } },
        )
        .await
        .map(|_| ())
}

/// The owner's active clients who pay latest on average (at least a day), latest first.
pub async fn latest_payers(
    db: &Database,
    owner: ObjectId,
    limit: i64,
) -> Result<Vec<ClientDoc>, mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .find(doc! {
            "user_id": owner,
            "archived": false,
            "habits.average_days_late": { "$gte": 1 },
        })
        .sort(doc! { "habits.average_days_late": -1, "_id": 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}
