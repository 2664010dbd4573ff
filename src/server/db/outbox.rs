//! The development outbox: emails stored instead of sent, readable at /dev/outbox.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use serde::{Deserialize, Serialize};

use super::schema::{OUTBOX, is_duplicate_key};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub to: String,
    #[serde(default)]
    pub cc: Vec<String>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub html: String,
    pub text: String,
    pub kind: String,
    pub idempotency_key: String,
    /// What was attached, without the bytes: the outbox shows that a file went, not the file.
    #[serde(default)]
    pub attachments: Vec<OutboxAttachment>,
    /// Who wrote a message received in development (kind "received": a client's reply typed
    /// in the outbox, standing in for mail Resend would receive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// A received message marked as an automatic answer (an out-of-office).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub automatic: bool,
    pub created_at: DateTime,
}

/// The kind of a message received in development.
pub const RECEIVED: &str = "received";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxAttachment {
    pub filename: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
}

/// Stores the email unless one with the same idempotency key is already there (which is what
/// a retried send must look like). Returns the stored email's id.
pub async fn store(db: &Database, email: &OutboxDoc) -> Result<ObjectId, mongodb::error::Error> {
    let outbox = db.collection::<OutboxDoc>(OUTBOX);
    match outbox.insert_one(email).await {
        Ok(_) => Ok(email.id),
        Err(err) if is_duplicate_key(&err) => {
            let existing = outbox
                .find_one(doc! { "idempotency_key": &email.idempotency_key })
                .await?;
            Ok(existing.map_or(email.id, |e| e.id))
        }
        Err(err) => Err(err),
    }
}

pub async fn latest(db: &Database, limit: i64) -> Result<Vec<OutboxDoc>, mongodb::error::Error> {
    use futures::TryStreamExt;
    db.collection::<OutboxDoc>(OUTBOX)
        .find(doc! {})
        .sort(doc! { "created_at": -1, "_id": -1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}

pub async fn find(db: &Database, id: ObjectId) -> Result<Option<OutboxDoc>, mongodb::error::Error> {
    db.collection::<OutboxDoc>(OUTBOX)
        .find_one(doc! { "_id": id })
        .await
}
