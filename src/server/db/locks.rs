//! Short locks shared by every server process, for the few checks that must not interleave
//! with the write they allow (a plan limit's count and the insert it allows). A lock is a
//! lease: a holder that dies lets go when its time runs out.
//!
//! Not an upsert: the local server lets two concurrent upserts of one `_id` both insert. The
//! document is created first (a duplicate is fine), then taken by a conditional update, which
//! is atomic on it everywhere.

use mongodb::Database;
use mongodb::bson::{DateTime, Document, doc};

use super::schema::{LOCKS, is_duplicate_key};

/// Takes the lock `name` for `holder` until `until`, if no one holds it at `now`.
pub async fn try_take(
    db: &Database,
    name: &str,
    holder: &str,
    now: DateTime,
    until: DateTime,
) -> Result<bool, mongodb::error::Error> {
    let locks = db.collection::<Document>(LOCKS);
    let fresh = doc! { "_id": name, "held_until": DateTime::from_millis(0), "expires_at": until };
    if let Err(err) = locks.insert_one(fresh).await
        && !is_duplicate_key(&err)
    {
        return Err(err);
    }
    // Kept a minute past the lease, then removed by the TTL index.
    let expires = DateTime::from_millis(until.timestamp_millis() + 60_000);
    let taken = locks
        .update_one(
            doc! { "_id": name, "held_until": { "$lte": now } },
            doc! { "$set": { "held_until": until, "holder": holder, "expires_at": expires } },
        )
        .await?;
    Ok(taken.modified_count == 1)
}

/// Lets go of `name` if `holder` still holds it.
pub async fn release(db: &Database, name: &str, holder: &str) -> Result<(), mongodb::error::Error> {
    db.collection::<Document>(LOCKS)
        .update_one(
            doc! { "_id": name, "holder": holder },
            doc! { "$set": { "held_until": DateTime::from_millis(0) } },
        )
        .await
        .map(|_| ())
}
