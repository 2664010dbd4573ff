//! The emails of each invoice: one document per (invoice, step), which is both the job that
//! sends it and the log of what became of it.
//!
//! A job is `scheduled` with a due time, `claimed` by one engine for a lease, then `sent`,
//! `skipped` (with a reason), `failed` (with the provider's message) or `cancelled` (paused,
//! paid or voided before its time; it can be scheduled again). The unique index on
//! `(invoice_id, step)` is what makes a second email for the same step impossible, whatever
//! number of engines run: a step has one document, and only its claimant may record it.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

use super::schema::{EMAIL_JOBS, is_duplicate_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Scheduled,
    Claimed,
    /// Handed to a batch (`email_batches`), which records it: no claim can take it back.
    Batched,
    Sent,
    Skipped,
    Failed,
    Cancelled,
}

impl JobState {
    fn code(self) -> &'static str {
        match self {
            JobState::Scheduled => "scheduled",
            JobState::Claimed => "claimed",
            JobState::Batched => "batched",
            JobState::Sent => "sent",
            JobState::Skipped => "skipped",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailJobDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub user_id: ObjectId,
    pub invoice_id: ObjectId,
    /// `Step::key()`: "invoice" or "reminder:<offset>".
    pub step: String,
    pub state: JobState,
    /// When it is to go out (scheduled), or went out.
    pub due_at: DateTime,
    #[serde(default)]
    pub lease_until: Option<DateTime>,
    /// Which claim holds the lease; recording requires it, so a claim that lost its lease
    /// cannot overwrite the one that took over.
    #[serde(default)]
    pub claim: Option<String>,
    /// The batch it went into, if it went out with others.
    #[serde(default)]
    pub batch: Option<ObjectId>,
    #[serde(default)]
    pub attempts: i32,
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub provider_id: Option<String>,
    #[serde(default)]
    pub sent_at: Option<DateTime>,
    /// A `SkipReason` code, or the provider's message for a failure.
    #[serde(default)]
    pub reason: Option<String>,
    /// What Resend reported afterwards: "delivered", "bounced" or "complained".
    #[serde(default)]
    pub delivery: Option<String>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl EmailJobDoc {
    /// A new job for `step` of an invoice, due at `due_at`.
    pub fn scheduled(owner: ObjectId, invoice: ObjectId, step: &str, due_at: DateTime) -> Self {
        let now = DateTime::now();
        EmailJobDoc {
            id: ObjectId::new(),
            user_id: owner,
            invoice_id: invoice,
            step: step.to_string(),
            state: JobState::Scheduled,
            due_at,
            lease_until: None,
            claim: None,
            batch: None,
            attempts: 0,
            to: Vec::new(),
            subject: None,
            provider_id: None,
            sent_at: None,
            reason: None,
            delivery: None,
            created_at: now,
            updated_at: now,
        }
    }
}

fn jobs(db: &Database) -> mongodb::Collection<EmailJobDoc> {
    db.collection::<EmailJobDoc>(EMAIL_JOBS)
}

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

/// What claiming does to a job: claimed by `claim` until `lease_until`, one attempt more.
fn claim_update(lease_until: DateTime, claim: &str) -> mongodb::bson::Document {
    doc! {
        "$set": {
            "state": JobState::Claimed.code(),
            "lease_until": lease_until,
            "claim": claim,
            "updated_at": DateTime::now(),
        },
        "$inc": { "attempts": 1 },
    }
}

/// Claims up to `limit` jobs whose time has come — scheduled ones due by `now`, and claimed
/// ones whose lease ran out (their engine died) — for `lease` under the claim id `claim`.
///
/// Claiming is one conditional `update_many` over candidate ids: a job another engine took
/// first no longer matches, and only the jobs this claim id won come back.
pub async fn claim_due(
    db: &Database,
    now: DateTime,
    lease_until: DateTime,
    claim: &str,
    limit: i64,
) -> Result<Vec<EmailJobDoc>, mongodb::error::Error> {
    let mut candidates: Vec<ObjectId> = Vec::new();
    // One pass per kind of claimable job, each a flat filter its own index serves (an `$or`
    // would make the local server scan the collection).
    for ready in [
        doc! { "state": JobState::Claimed.code(), "lease_until": { "$lte": now } },
        doc! { "state": JobState::Scheduled.code(), "due_at": { "$lte": now } },
    ] {
        let room = limit - candidates.len() as i64;
        if room <= 0 {
            break;
        }
        let found: Vec<mongodb::bson::Document> = db
            .collection::<mongodb::bson::Document>(EMAIL_JOBS)
            .find(ready.clone())
            .projection(doc! { "_id": 1 })
            .limit(room)
            .await?
            .try_collect()
            .await?;
        let ids: Vec<ObjectId> = found
            .iter()
            .filter_map(|d| d.get_object_id("_id").ok())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let mut filter = ready;
        filter.insert("_id", doc! { "$in": &ids });
        jobs(db)
            .update_many(filter, claim_update(lease_until, claim))
            .await?;
        candidates.extend(ids);
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    jobs(db)
        .find(doc! { "_id": { "$in": &candidates }, "claim": claim, "state": JobState::Claimed.code() })
        .await?
        .try_collect()
        .await
}

/// Claims one step of an invoice if it is scheduled and due (the invoice email, sent while
/// the user waits).
pub async fn claim_one(
    db: &Database,
    invoice: ObjectId,
    step: &str,
    now: DateTime,
    lease_until: DateTime,
    claim: &str,
) -> Result<Option<EmailJobDoc>, mongodb::error::Error> {
    jobs(db)
        .find_one_and_update(
            doc! {
                "invoice_id": invoice,
                "step": step,
                "state": JobState::Scheduled.code(),
                "due_at": { "$lte": now },
            },
            claim_update(lease_until, claim),
        )
        .return_document(ReturnDocument::After)
        .await
}

/// What became of a claimed job.
pub enum Outcome<'a> {
    Sent {
        to: &'a [String],
        subject: &'a str,
        provider_id: &'a str,
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
