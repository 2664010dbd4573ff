//! What clients wrote back to an invoice's reply address: one document per message Resend
//! received (its id is unique, so a webhook delivered twice stores it once), with how far
//! forwarding it to the user went.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use serde::{Deserialize, Serialize};

use super::schema::{REPLIES, is_duplicate_key};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplyDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub user_id: ObjectId,
    pub invoice_id: ObjectId,
    /// The invoice's client (absent on replies kept before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ObjectId>,
    /// Resend's id of the received message.
    pub provider_id: String,
    pub from_address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    pub subject: String,
    pub text: String,
    /// Cleaned of scripts, styles and remote content when stored (`chasing::replies`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// An out-of-office or other automatic answer: noted, chasing goes on.
    pub automatic: bool,
    /// Whether this reply put the invoice's reminders on hold.
    pub held: bool,
    pub received_at: DateTime,
    /// When forwarding to the user was first tried (its idempotency key lasts 24 hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_tried_at: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded_at: Option<DateTime>,
}

/// Stores `reply` unless the same message is already stored; returns the stored one.
pub async fn store(db: &Database, reply: &ReplyDoc) -> Result<ReplyDoc, mongodb::error::Error> {
    let replies = db.collection::<ReplyDoc>(REPLIES);
    match replies.insert_one(reply).await {
        Ok(_) => Ok(reply.clone()),
        Err(err) if is_duplicate_key(&err) => Ok(replies
            .find_one(doc! { "provider_id": &reply.provider_id })
            .await?
            .unwrap_or_else(|| reply.clone())),
        Err(err) => Err(err),
    }
}

/// Notes the first try to forward `id`; returns the reply as it is now.
pub async fn forward_tried(
    db: &Database,
    id: ObjectId,
    now: DateTime,
) -> Result<Option<ReplyDoc>, mongodb::error::Error> {
    let replies = db.collection::<ReplyDoc>(REPLIES);
    replies
        .update_one(
            doc! { "_id": id, "forward_tried_at": { "$exists": false } },
            doc! { "$set": { "forward_tried_at": now } },
        )
        .await?;
    replies.find_one(doc! { "_id": id }).await
}

pub async fn forwarded(
    db: &Database,
    id: ObjectId,
    now: DateTime,
) -> Result<(), mongodb::error::Error> {
    db.collection::<ReplyDoc>(REPLIES)
        .update_one(
            doc! { "_id": id, "forwarded_at": { "$exists": false } },
            doc! { "$set": { "forwarded_at": now } },
        )
        .await
        .map(|_| ())
}

/// The replies to one of the owner's invoices, newest first.
pub async fn of_invoice(
    db: &Database,
    owner: ObjectId,
    invoice: ObjectId,
) -> Result<Vec<ReplyDoc>, mongodb::error::Error> {
    db.collection::<ReplyDoc>(REPLIES)
        .find(doc! { "user_id": owner, "invoice_id": invoice })
        .sort(doc! { "received_at": -1, "_id": -1 })
        .limit(50)
        .await?
        .try_collect()
        .await
}

/// The latest reply from one of the owner's clients, automatic answers aside.
pub async fn latest_of_client(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
) -> Result<Option<ReplyDoc>, mongodb::error::Error> {
    db.collection::<ReplyDoc>(REPLIES)
        .find_one(doc! { "user_id": owner, "client_id": client, "automatic": false })
        .sort(doc! { "received_at": -1, "_id": -1 })
        .await
}
