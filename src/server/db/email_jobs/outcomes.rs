//! Recording what became of a claimed job, only by the claim that still holds its lease,
//! and handing jobs to a batch.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};

use super::super::schema::EMAIL_JOBS;
use super::model::*;

/// What became of a claimed job.
pub enum Outcome<'a> {
    /// Sent; Resend's id unless only its `409 invalid_idempotent_request` told so.
    Sent {
        to: &'a [String],
        subject: &'a str,
        provider_id: Option<&'a str>,
        at: DateTime,
    },
    Skipped {
        reason: &'a str,
    },
    Failed {
        to: &'a [String],
        subject: &'a str,
        message: &'a str,
    },
    /// Try again at `due_at` (the provider was unavailable, or the invoice is snoozed).
    Retry {
        due_at: DateTime,
        message: Option<&'a str>,
    },
    /// Back to cancelled (paused while claimed): scheduling again brings it back.
    Cancelled {
        reason: &'a str,
    },
}

/// Records the outcome of job `id` if `claim` still holds it. Returns false when the lease
/// was lost (another engine took over and will record it).
pub async fn finish(
    db: &Database,
    id: ObjectId,
    claim: &str,
    outcome: Outcome<'_>,
) -> Result<bool, mongodb::error::Error> {
    let holder = doc! { "_id": id, "claim": claim, "state": JobState::Claimed.code() };
    record(db, holder, outcome).await
}

/// Records the outcome of a job that went into `batch`.
pub async fn finish_batched(
    db: &Database,
    id: ObjectId,
    batch: ObjectId,
    outcome: Outcome<'_>,
) -> Result<bool, mongodb::error::Error> {
    let holder = doc! { "_id": id, "batch": batch, "state": JobState::Batched.code() };
    record(db, holder, outcome).await
}

/// Notes that the job's email is about to go to the mailer for the first time (a repeat
/// after that is only safe while Resend still knows the key). False when the lease was lost.
pub async fn mark_tried(
    db: &Database,
    id: ObjectId,
    claim: &str,
    at: DateTime,
) -> Result<bool, mongodb::error::Error> {
    let result = jobs(db)
        .update_one(
            doc! { "_id": id, "claim": claim, "state": JobState::Claimed.code() },
            doc! { "$set": { "tried_at": at } },
        )
        .await?;
    Ok(result.matched_count == 1)
}

/// Hands claimed jobs to `batch`; returns the ids this claim still held (only those are in
/// the batch).
pub async fn hand_to_batch(
    db: &Database,
    ids: &[ObjectId],
    claim: &str,
    batch: ObjectId,
) -> Result<Vec<ObjectId>, mongodb::error::Error> {
    jobs(db)
        .update_many(
            doc! { "_id": { "$in": ids }, "claim": claim, "state": JobState::Claimed.code() },
            doc! { "$set": {
                "state": JobState::Batched.code(),
                "batch": batch,
                "updated_at": DateTime::now(),
            }, "$unset": { "lease_until": "" } },
        )
        .await?;
    let handed: Vec<mongodb::bson::Document> = db
        .collection::<mongodb::bson::Document>(EMAIL_JOBS)
        .find(doc! { "_id": { "$in": ids }, "batch": batch })
        .projection(doc! { "_id": 1 })
        .await?
        .try_collect()
        .await?;
    Ok(handed
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect())
}

async fn record(
    db: &Database,
    holder: mongodb::bson::Document,
    outcome: Outcome<'_>,
) -> Result<bool, mongodb::error::Error> {
    let now = DateTime::now();
    let update = match outcome {
        Outcome::Sent {
            to,
            subject,
            provider_id,
            at,
        } => doc! { "$set": {
            "state": JobState::Sent.code(), "to": to, "subject": subject,
            "provider_id": provider_id, "sent_at": at, "updated_at": now,
        }, "$unset": { "lease_until": "", "reason": "" } },
        Outcome::Skipped { reason } => doc! { "$set": {
            "state": JobState::Skipped.code(), "reason": reason, "updated_at": now,
        }, "$unset": { "lease_until": "" } },
        Outcome::Failed {
            to,
            subject,
            message,
        } => doc! { "$set": {
            "state": JobState::Failed.code(), "to": to, "subject": subject,
            "reason": message, "updated_at": now,
        }, "$unset": { "lease_until": "" } },
        Outcome::Retry { due_at, message } => doc! { "$set": {
            "state": JobState::Scheduled.code(), "due_at": due_at,
            "reason": message, "updated_at": now,
        }, "$unset": { "lease_until": "" } },
        Outcome::Cancelled { reason } => doc! { "$set": {
            "state": JobState::Cancelled.code(), "reason": reason, "updated_at": now,
        }, "$unset": { "lease_until": "" } },
    };
    let result = jobs(db).update_one(holder, update).await?;
    Ok(result.matched_count == 1)
}
