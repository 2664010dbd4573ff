//! Claiming due jobs: a lease plus a claim id, so one engine at a time sends a step.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use mongodb::options::ReturnDocument;

use super::super::Lease;
use super::super::schema::EMAIL_JOBS;
use super::model::*;

/// What claiming does to a job: held by `lease`, one attempt more.
fn claim_update(lease: &Lease) -> mongodb::bson::Document {
    doc! {
        "$set": {
            "state": JobState::Claimed.code(),
            "lease_until": lease.until,
            "claim": &lease.claim,
            "updated_at": DateTime::now(),
        },
        "$inc": { "attempts": 1 },
    }
}

/// Claims up to `limit` jobs whose time has come — scheduled ones due by the lease's `now`,
/// and claimed ones whose lease ran out (their engine died).
///
/// Claiming is one conditional `update_many` over candidate ids: a job another engine took
/// first no longer matches, and only the jobs this claim id won come back.
pub async fn claim_due(
    db: &Database,
    lease: &Lease,
    limit: i64,
) -> Result<Vec<EmailJobDoc>, mongodb::error::Error> {
    let now = lease.now;
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
        jobs(db).update_many(filter, claim_update(lease)).await?;
        candidates.extend(ids);
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    jobs(db)
        .find(doc! { "_id": { "$in": &candidates }, "claim": &lease.claim, "state": JobState::Claimed.code() })
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
    lease: &Lease,
) -> Result<Option<EmailJobDoc>, mongodb::error::Error> {
    jobs(db)
        .find_one_and_update(
            doc! {
                "invoice_id": invoice,
                "step": step,
                "state": JobState::Scheduled.code(),
                "due_at": { "$lte": lease.now },
            },
            claim_update(lease),
        )
        .return_document(ReturnDocument::After)
        .await
}
