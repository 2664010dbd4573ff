//! Putting steps on the schedule, recording a step skipped before it was due, and
//! cancelling what has not gone out.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};

use super::super::schema::is_duplicate_key;
use super::model::*;

/// Puts `step` of an invoice on the schedule at `due_at`: creates its job, or reschedules it
/// if it is scheduled or was cancelled. A job already claimed or finished is left alone, so
/// scheduling can never bring back an email that went out. Returns whether it is scheduled.
pub async fn schedule(
    db: &Database,
    owner: ObjectId,
    invoice: ObjectId,
    step: &str,
    due_at: DateTime,
) -> Result<bool, mongodb::error::Error> {
    let now = DateTime::now();
    // One upsert: it moves a scheduled or cancelled job, or creates the step's job; if the
    // step already has one that is claimed or finished, the insert hits the unique index.
    let upserted = jobs(db)
        .update_one(
            doc! {
                "invoice_id": invoice,
                "step": step,
                "state": { "$in": [JobState::Scheduled.code(), JobState::Cancelled.code()] },
            },
            doc! {
                "$set": {
                    "state": JobState::Scheduled.code(),
                    "due_at": due_at,
                    "updated_at": now,
                },
                "$unset": { "reason": "" },
                "$setOnInsert": {
                    "_id": ObjectId::new(),
                    "user_id": owner,
                    "attempts": 0,
                    "to": [],
                    "created_at": now,
                },
            },
        )
        .upsert(true)
        .await;
    match upserted {
        Ok(_) => Ok(true),
        Err(err) if is_duplicate_key(&err) => Ok(false),
        Err(err) => Err(err),
    }
}

/// Records a step that will never be sent (it fell before the invoice went out, or a later
/// one superseded it), unless it already has a job.
pub async fn record_skipped(
    db: &Database,
    owner: ObjectId,
    invoice: ObjectId,
    step: &str,
    reason: &str,
    at: DateTime,
) -> Result<(), mongodb::error::Error> {
    let now = DateTime::now();
    jobs(db)
        .update_one(
            doc! { "invoice_id": invoice, "step": step },
            doc! {
                "$setOnInsert": {
                    "_id": ObjectId::new(),
                    "user_id": owner,
                    "state": JobState::Skipped.code(),
                    "due_at": at,
                    "attempts": 0,
                    "to": [],
                    "reason": reason,
                    "created_at": now,
                    "updated_at": now,
                },
            },
        )
        .upsert(true)
        .await
        .map(|_| ())
        .or_else(|err| {
            if is_duplicate_key(&err) {
                Ok(())
            } else {
                Err(err)
            }
        })
}

/// Which of an invoice's scheduled emails to cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// Everything (paid, voided): nothing more goes out.
    All,
    /// Reminders only (paused, re-planned): a scheduled invoice email still goes.
    Reminders,
}

/// Cancels an invoice's scheduled emails, so nothing not yet claimed goes out. A job claimed
/// meanwhile re-reads the invoice before sending.
pub async fn cancel_scheduled(
    db: &Database,
    invoice: ObjectId,
    which: Cancel,
    reason: &str,
) -> Result<u64, mongodb::error::Error> {
    let mut filter = doc! { "invoice_id": invoice, "state": JobState::Scheduled.code() };
    if which == Cancel::Reminders {
        filter.insert("step", doc! { "$regex": "^reminder:" });
    }
    jobs(db)
        .update_many(
            filter,
            doc! { "$set": {
                "state": JobState::Cancelled.code(),
                "reason": reason,
                "updated_at": DateTime::now(),
            }},
        )
        .await
        .map(|r| r.modified_count)
}
