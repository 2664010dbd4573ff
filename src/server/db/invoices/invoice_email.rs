//! The link between sending an invoice and scheduling its email: `mark_sent` sets
//! `email_pending_since` in the same write as the status, and it is cleared only once the
//! invoice email's job exists, so the engine can find every sent invoice whose email was
//! never put on the schedule.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc};

use super::super::schema::INVOICES;

/// The invoice's email is on the schedule.
pub async fn invoice_email_scheduled(
    db: &Database,
    id: ObjectId,
) -> Result<(), mongodb::error::Error> {
    db.collection::<Document>(INVOICES)
        .update_one(
            doc! { "_id": id },
            doc! { "$unset": { "email_pending_since": "" } },
        )
        .await
        .map(|_| ())
}

/// Up to `limit` sent invoices whose email is not on the schedule yet: (owner, invoice).
pub async fn awaiting_invoice_email(
    db: &Database,
    limit: i64,
) -> Result<Vec<(ObjectId, ObjectId)>, mongodb::error::Error> {
    let rows: Vec<Document> = db
        .collection::<Document>(INVOICES)
        .find(doc! { "email_pending_since": { "$exists": true } })
        .projection(doc! { "_id": 1, "user_id": 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some((
                row.get_object_id("user_id").ok()?,
                row.get_object_id("_id").ok()?,
            ))
        })
        .collect())
}
