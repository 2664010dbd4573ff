//! Reading jobs back: what waits on a batch, an invoice's emails, and delivery reports
//! matched by the provider's id.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use mongodb::options::ReturnDocument;

use super::super::schema::EMAIL_JOBS;
use super::model::*;

/// The jobs still waiting on `batch` (not yet recorded).
pub async fn waiting_on(
    db: &Database,
    batch: ObjectId,
) -> Result<Vec<ObjectId>, mongodb::error::Error> {
    let waiting: Vec<mongodb::bson::Document> = db
        .collection::<mongodb::bson::Document>(EMAIL_JOBS)
        .find(doc! { "batch": batch, "state": JobState::Batched.code() })
        .projection(doc! { "_id": 1 })
        .await?
        .try_collect()
        .await?;
    Ok(waiting
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect())
}

/// Every email of one invoice, oldest step first (for the timeline and the email log).
pub async fn of_invoice(
    db: &Database,
    owner: ObjectId,
    invoice: ObjectId,
) -> Result<Vec<EmailJobDoc>, mongodb::error::Error> {
    jobs(db)
        .find(doc! { "user_id": owner, "invoice_id": invoice })
        .sort(doc! { "due_at": 1, "_id": 1 })
        .await?
        .try_collect()
        .await
}

/// The job behind a provider's email id (for delivery webhooks).
pub async fn by_provider_id(
    db: &Database,
    provider_id: &str,
) -> Result<Option<EmailJobDoc>, mongodb::error::Error> {
    jobs(db).find_one(doc! { "provider_id": provider_id }).await
}

/// Notes what the provider reported after sending. A bounce or complaint is never
/// overwritten by a later "delivered" (Resend's events can arrive out of order).
pub async fn set_delivery(
    db: &Database,
    provider_id: &str,
    delivery: &str,
) -> Result<Option<EmailJobDoc>, mongodb::error::Error> {
    let mut filter = doc! { "provider_id": provider_id };
    if delivery == "delivered" {
        filter.insert("delivery", doc! { "$nin": ["bounced", "complained"] });
    }
    jobs(db)
        .find_one_and_update(
            filter,
            doc! { "$set": { "delivery": delivery, "updated_at": DateTime::now() } },
        )
        .return_document(ReturnDocument::After)
        .await
}
