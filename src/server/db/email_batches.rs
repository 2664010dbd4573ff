//! Emails that go to Resend together in one request. A batch is written, with every email in
//! it rendered, before it is sent, so a retry — after Resend was unavailable, or after the
//! engine died mid-send — repeats exactly the same request under the same idempotency key, and
//! Resend sends each email once. Its jobs (state `batched`) are recorded only through it.
//!
//! Accepted by Resend, the batch first stores Resend's ids (one write), then records its
//! jobs; an engine that dies in between leaves a `sent` batch whose jobs the next one records
//! without sending anything. Once recorded, the rendered emails are dropped (the jobs keep
//! who, what and Resend's id) and the batch expires a day later.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use serde::{Deserialize, Serialize};

use super::Lease;
use super::schema::EMAIL_BATCHES;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchEmail {
    pub job_id: ObjectId,
    pub user_id: ObjectId,
    pub invoice_id: ObjectId,
    pub step: String,
    pub to: String,
    pub cc: Vec<String>,
    pub reply_to: Option<String>,
    pub sender_name: Option<String>,
    pub subject: String,
    pub html: String,
    pub text: String,
    pub kind: String,
    /// The email's own key, `paytrack-<invoice>-<step>`: used if the batch is split up.
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentId {
    pub job_id: ObjectId,
    /// `None` when Resend's `409 invalid_idempotent_request` said the email went but no
    /// earlier request could be asked again for its id.
    #[serde(default)]
    pub provider_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    /// Being sent, or waiting for `lease_until` to be tried again (Resend was unavailable).
    Claimed,
    /// Resend refused the batch as a whole; each email goes on its own under its own key.
    Split,
    /// Resend accepted it (`sent_ids`); its jobs are being recorded.
    Sent,
    Recorded,
}

impl BatchState {
    fn code(self) -> &'static str {
        match self {
            BatchState::Claimed => "claimed",
            BatchState::Split => "split",
            BatchState::Sent => "sent",
            BatchState::Recorded => "recorded",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub state: BatchState,
    #[serde(default)]
    pub emails: Vec<BatchEmail>,
    #[serde(default)]
    pub lease_until: Option<DateTime>,
    #[serde(default)]
    pub claim: Option<String>,
    pub attempts: i32,
    /// Every distinct request sent under the batch's key, as the jobs it held, oldest first;
    /// each is a subset of the one before (a retry only leaves emails out). Written before the
    /// request goes, so a crash cannot hide one.
    #[serde(default)]
    pub tried: Vec<Vec<ObjectId>>,
    /// Resend's id for each job's email, once accepted.
    #[serde(default)]
    pub sent_ids: Vec<SentId>,
    pub created_at: DateTime,
    /// When a sent batch is deleted.
    #[serde(default)]
    pub expires_at: Option<DateTime>,
}

impl BatchDoc {
    /// The idempotency key of the whole batch.
    pub fn key(&self) -> String {
        format!("paytrack-batch-{}", self.id)
    }
}

fn batches(db: &Database) -> mongodb::Collection<BatchDoc> {
    db.collection::<BatchDoc>(EMAIL_BATCHES)
}

/// Writes a new batch, claimed by `claim` until `lease_until`.
pub async fn create(
    db: &Database,
    emails: Vec<BatchEmail>,
    lease: &Lease,
) -> Result<BatchDoc, mongodb::error::Error> {
    let batch = BatchDoc {
        id: ObjectId::new(),
        state: BatchState::Claimed,
        emails,
        lease_until: Some(lease.until),
        claim: Some(lease.claim.clone()),
        attempts: 1,
        tried: Vec::new(),
        sent_ids: Vec::new(),
        created_at: lease.now,
        expires_at: None,
    };
    batches(db).insert_one(&batch).await?;
    Ok(batch)
}

/// Claims batches whose retry time has come or whose engine died: their lease ran out.
pub async fn claim_due(
    db: &Database,
    lease: &Lease,
    limit: i64,
) -> Result<Vec<BatchDoc>, mongodb::error::Error> {
    let now = lease.now;
    let mut claimed = Vec::new();
    for ready in [
        doc! { "state": BatchState::Claimed.code(), "lease_until": { "$lte": now } },
        doc! { "state": BatchState::Split.code(), "lease_until": { "$lte": now } },
        doc! { "state": BatchState::Sent.code(), "lease_until": { "$lte": now } },
    ] {
        if claimed.len() as i64 >= limit {
            break;
        }
        let candidates: Vec<mongodb::bson::Document> = db
            .collection::<mongodb::bson::Document>(EMAIL_BATCHES)
            .find(ready.clone())
            .projection(doc! { "_id": 1 })
            .limit(limit - claimed.len() as i64)
            .await?
            .try_collect()
            .await?;
        for candidate in candidates {
            let Ok(id) = candidate.get_object_id("_id") else {
                continue;
            };
            let mut filter = ready.clone();
            filter.insert("_id", id);
            let won = batches(db)
                .find_one_and_update(
                    filter,
                    doc! {
                        "$set": { "lease_until": lease.until, "claim": &lease.claim },
                        "$inc": { "attempts": 1 },
                    },
                )
                .return_document(mongodb::options::ReturnDocument::After)
                .await?;
            if let Some(batch) = won {
                claimed.push(batch);
            }
        }
    }
    Ok(claimed)
}

async fn set_state(
    db: &Database,
    id: ObjectId,
    claim: &str,
    state: BatchState,
) -> Result<bool, mongodb::error::Error> {
    let result = batches(db)
        .update_one(
            doc! { "_id": id, "claim": claim },
            doc! { "$set": { "state": state.code() } },
        )
        .await?;
    Ok(result.matched_count == 1)
}

/// Resend refused the batch as a whole: its emails go one by one from now on.
pub async fn mark_split(
    db: &Database,
    id: ObjectId,
    claim: &str,
) -> Result<bool, mongodb::error::Error> {
    set_state(db, id, claim, BatchState::Split).await
}

/// Resend was unavailable: the same batch is tried again from `at` (it stays as it is,
/// batch or split, and nobody claims it before then).
pub async fn retry_at(
    db: &Database,
    id: ObjectId,
    claim: &str,
    at: DateTime,
) -> Result<bool, mongodb::error::Error> {
    let result = batches(db)
        .update_one(
            doc! { "_id": id, "claim": claim },
            doc! { "$set": { "lease_until": at } },
        )
        .await?;
    Ok(result.matched_count == 1)
}

/// Notes, before it goes, a request of the batch holding `jobs`. False when the claim was lost.
pub async fn note_tried(
    db: &Database,
    id: ObjectId,
    claim: &str,
    jobs: &[ObjectId],
) -> Result<bool, mongodb::error::Error> {
    let result = batches(db)
        .update_one(
            doc! { "_id": id, "claim": claim },
            doc! { "$push": { "tried": jobs } },
        )
        .await?;
    Ok(result.matched_count == 1)
}

/// Takes a deleted account's rendered emails (its clients' names, addresses, amounts) out of
/// every batch not yet recorded. A batch tried before can then no longer repeat that exact
/// request; see `jobs::batches` for what follows.
pub async fn forget_user(db: &Database, user: ObjectId) -> Result<u64, mongodb::error::Error> {
    let result = batches(db)
        .update_many(
            doc! { "emails.user_id": user },
            doc! { "$pull": { "emails": { "user_id": user } } },
        )
        .await?;
    Ok(result.modified_count)
}

/// Keeps only the emails whose jobs made it into the batch (before it is first sent).
pub async fn keep_only(
    db: &Database,
    id: ObjectId,
    emails: &[BatchEmail],
) -> Result<(), mongodb::error::Error> {
    let emails =
        mongodb::bson::to_bson(emails).map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    batches(db)
        .update_one(doc! { "_id": id }, doc! { "$set": { "emails": emails } })
        .await
        .map(|_| ())
}

/// Resend accepted the batch: its ids, stored in one write before any job is recorded.
pub async fn mark_sent(
    db: &Database,
    id: ObjectId,
    claim: &str,
    sent_ids: &[SentId],
) -> Result<bool, mongodb::error::Error> {
    let sent_ids = mongodb::bson::to_bson(sent_ids)
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    let result = batches(db)
        .update_one(
            doc! { "_id": id, "claim": claim },
            doc! { "$set": { "state": BatchState::Sent.code(), "sent_ids": sent_ids } },
        )
        .await?;
    Ok(result.matched_count == 1)
}

/// Every job recorded: the rendered emails are dropped, and the batch goes a day later.
pub async fn mark_recorded(
    db: &Database,
    id: ObjectId,
    claim: &str,
    now: DateTime,
) -> Result<bool, mongodb::error::Error> {
    let expires = DateTime::from_millis(now.timestamp_millis() + 24 * 3600 * 1000);
    let result = batches(db)
        .update_one(
            doc! { "_id": id, "claim": claim },
            doc! {
                "$set": { "state": BatchState::Recorded.code(), "expires_at": expires },
                "$unset": { "emails": "", "lease_until": "" },
            },
        )
        .await?;
    Ok(result.matched_count == 1)
}
