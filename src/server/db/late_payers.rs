//! The clients who pay latest, kept per user: one document, `{ _id: user, clients: [...],
//! kept_at }`, holding the few the dashboard lists, so the dashboard reads one document by its
//! id. Against the local database any query of a user's clients cost 2–3 ms of its CPU however
//! few it returned, a third of a dashboard's; the document costs a tenth of that.
//!
//! Every write that can move a client on or off the list (their record, name or archiving;
//! `clients::change`) works it out again afterwards, in a transaction that writes this
//! document only. Not in the client's own transaction: a process killed inside a transaction
//! leaves what it wrote locked until the database gives the transaction up (60 s), and plain
//! writes to the client (a bounce, a Stripe customer) would wait that long. The list is kept
//! for [`FRESH_FOR`] at most, so one missed by a process killed between the two writes, or by
//! a failed refresh, is right again within that.
//!
//! A stale list is worked out by one request of a process at a time ([`Refreshing`]); the
//! user's other requests meanwhile read it as kept. When every dashboard request worked it out
//! at once, their transactions on the one document collided: at 64 connections 58 of 64 gave
//! up, and each then queried the clients and logged a warning, once a minute.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::Duration;

use futures::TryStreamExt;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, DateTime, Document, doc};
use mongodb::{ClientSession, Database};
use serde::{Deserialize, Serialize};

use super::schema::{CLIENTS, LATE_PAYERS};
use super::transaction::{self, Finished};
use crate::domain::pay_habits::PayHabits;

/// How many clients the dashboard lists, and so how many are kept.
pub const KEPT: i64 = 5;

/// How long a kept list is read as it is before it is worked out again.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

/// A client as the dashboard lists it among those who pay latest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LatePayingClient {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub name: String,
    pub habits: PayHabits,
}

#[derive(Deserialize)]
struct Kept {
    clients: Vec<LatePayingClient>,
    kept_at: DateTime,
}

/// The owner's active clients who pay latest on average (at least a day), latest first,
/// newest first among equals: as kept, or worked out again when kept longer than
/// [`FRESH_FOR`] ago (or never). While another request of this process works it out, the
/// list as kept (or, never kept, as the clients say). Should keeping fail, the list is read
/// from the clients.
pub async fn of_user(
    db: &Database,
    owner: ObjectId,
) -> Result<Vec<LatePayingClient>, mongodb::error::Error> {
    let kept = db
        .collection::<Kept>(LATE_PAYERS)
        .find_one(doc! { "_id": owner })
        .await?;
    // Kept "in the future" (another server's clock ahead) counts as old, not as fresh for good.
    let age = |kept: &Kept| DateTime::now().checked_duration_since(kept.kept_at);
    let stale = match kept {
        Some(kept) if age(&kept).is_some_and(|age| age < FRESH_FOR) => return Ok(kept.clients),
        Some(kept) => Some(kept.clients),
        None => None,
    };
    let Some(_refreshing) = Refreshing::claim(owner) else {
        return match stale {
            Some(clients) => Ok(clients),
            None => read(db, owner, None).await,
        };
    };
    match refresh(db, owner).await {
        Ok(clients) => Ok(clients),
        Err(err) => {
            tracing::warn!(error = %err, user = %owner, "the clients who pay latest were not kept");
            read(db, owner, None).await
        }
    }
}

/// The list as the owner's clients say it now (as [`query`] asks), in `session` when given
/// (the driver's cursor is then another type).
async fn read(
    db: &Database,
    owner: ObjectId,
    session: Option<&mut ClientSession>,
) -> Result<Vec<LatePayingClient>, mongodb::error::Error> {
    let (filter, order, fields) = query(owner);
    let clients = db.collection::<LatePayingClient>(CLIENTS);
    let find = clients
        .find(filter)
        .sort(order)
        .projection(fields)
        .limit(KEPT);
    match session {
        None => find.await?.try_collect().await,
        Some(session) => {
            find.session(&mut *session)
                .await?
                .stream(session)
                .try_collect()
                .await
        }
    }
}

/// The users whose stale list a request of this process is working out.
static REFRESHING: LazyLock<Mutex<HashSet<ObjectId>>> = LazyLock::new(Default::default);

/// The one turn of this process to work out a user's stale list on reading it, given back
/// when dropped, also by a request cancelled halfway. Other processes may work it out at the
/// same time; their transactions keep the newer list. Changes do not take turns: a refresh
/// after a change must read the change.
pub struct Refreshing(ObjectId);

impl Refreshing {
    /// The turn for `owner`, unless a request of this process holds it.
    pub fn claim(owner: ObjectId) -> Option<Refreshing> {
        let claimed = REFRESHING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(owner);
        // Made only once claimed: a turn not taken would give back the holder's on drop.
        claimed.then(|| Refreshing(owner))
    }
}

impl Drop for Refreshing {
    fn drop(&mut self) {
        REFRESHING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.0);
    }
}

/// Works the owner's list out again after one of their clients changed. Best effort: a list
/// not kept now is worked out again once it is older than [`FRESH_FOR`].
pub async fn follow(db: &Database, owner: ObjectId) {
    if let Err(err) = refresh(db, owner).await {
        tracing::warn!(error = %err, user = %owner, "the clients who pay latest are stale");
    }
}

/// Works the owner's list out from their clients and keeps it, in a transaction, so of two
/// refreshes at once the later to commit collides with the earlier and reads again: an
/// older list never replaces a newer one.
pub async fn refresh(
    db: &Database,
    owner: ObjectId,
) -> Result<Vec<LatePayingClient>, mongodb::error::Error> {
    let mut session = transaction::session(db).await?;
    for attempt in 1..=transaction::ATTEMPTS {
        session.start_transaction().await?;
        let outcome = keep(db, &mut session, owner).await;
        if let Finished::Done(clients) = transaction::finish(&mut session, outcome, attempt).await?
        {
            return Ok(clients);
        }
    }
    Err(mongodb::error::Error::custom(
        "listing the clients who pay latest collided with other writes on every attempt"
            .to_string(),
    ))
}

/// Keeps the list of every user with a client late on average, returning how many. The
/// others' lists are kept on their first read.
pub async fn refresh_all(db: &Database) -> Result<u64, mongodb::error::Error> {
    let owners = db
        .collection::<Document>(CLIENTS)
        .distinct(
            "user_id",
            doc! { "habits.average_days_late": { "$gte": 1 } },
        )
        .await?;
    let mut kept = 0;
    for owner in owners {
        if let Bson::ObjectId(owner) = owner {
            refresh(db, owner).await?;
            kept += 1;
        }
    }
    Ok(kept)
}

async fn keep(
    db: &Database,
    session: &mut ClientSession,
    owner: ObjectId,
) -> Result<Vec<LatePayingClient>, mongodb::error::Error> {
    let clients = read(db, owner, Some(&mut *session)).await?;
    db.collection::<Document>(LATE_PAYERS)
        .replace_one(
            doc! { "_id": owner },
            doc! {
                "user_id": owner,
                "clients": mongodb::bson::to_bson(&clients)?,
                "kept_at": DateTime::now(),
            },
        )
        .upsert(true)
        .session(&mut *session)
        .await?;
    Ok(clients)
}

/// What `keep` asks the clients for: filter, order and fields (public for the test that
/// checks the plan). Both keys of the order descend, so `by_lateness` read backwards gives it
/// and the database stops after the limit; `_id` ascending would sort every late client in
/// memory first.
pub fn query(owner: ObjectId) -> (Document, Document, Document) {
    (
        doc! {
            "user_id": owner,
            "archived": false,
            "habits.average_days_late": { "$gte": 1 },
        },
        doc! { "habits.average_days_late": -1, "_id": -1 },
        doc! { "name": 1, "habits": 1 },
    )
}
