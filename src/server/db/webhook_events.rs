//! Webhook events already handled, by the sender's event id. Kept a week: providers redeliver
//! for about three days.

use mongodb::Database;
use mongodb::bson::{DateTime, doc};

use super::schema::{WEBHOOK_EVENTS, is_duplicate_key};

const KEEP_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Whether `id` was handled before.
pub async fn handled(db: &Database, id: &str) -> Result<bool, mongodb::error::Error> {
    db.collection::<mongodb::bson::Document>(WEBHOOK_EVENTS)
        .find_one(doc! { "_id": id })
        .await
        .map(|found| found.is_some())
}

/// Records `id` (e.g. "resend:msg_…") as handled; false if it already was.
pub async fn record(db: &Database, id: &str) -> Result<bool, mongodb::error::Error> {
    let now = DateTime::now();
    let inserted = db
        .collection::<mongodb::bson::Document>(WEBHOOK_EVENTS)
        .insert_one(doc! {
            "_id": id,
            "received_at": now,
            "expires_at": DateTime::from_millis(now.timestamp_millis() + KEEP_MS),
        })
        .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if is_duplicate_key(&err) => Ok(false),
        Err(err) => Err(err),
    }
}
