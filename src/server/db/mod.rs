//! MongoDB: connecting, the collections and indexes PayTrack relies on, and one repository
//! module per collection. Every query lives here, behind functions with names that say what
//! they do, so access rules (owner scoping, from the sign-in issue on) sit in one layer.

pub mod account_data;
pub mod activity;
pub mod auth_epoch;
pub mod client_choices;
pub mod client_owed;
pub mod client_rows;
pub mod clients;
pub mod collected;
pub mod email_batches;
pub mod email_jobs;
pub mod invoice_sequences;
pub mod invoices;
pub mod late_payers;
pub mod locks;
pub mod login_tokens;
pub mod logos;
pub mod migrations;
pub mod oauth_states;
pub mod outbox;
pub mod owed;
pub mod owed_days;
pub mod pay_habits;
pub mod rate_limits;
pub mod replies;
pub mod schema;
pub mod sealed;
pub mod sessions;
pub mod stripe_connections;
pub mod stripe_customers;
pub mod transaction;
pub mod usage;
pub mod users;
pub mod webhook_events;

use std::time::Duration;

use mongodb::bson::{Document, doc};
use mongodb::options::{ClientOptions, ReturnDocument};
use mongodb::{Client, Collection, Database};

use crate::error::AppError;

/// How long an operation waits for a reachable server before failing. Short, so that a lost
/// database shows up as "not ready" within seconds instead of hanging requests for 30 s.
const SERVER_SELECTION_TIMEOUT: Duration = Duration::from_secs(3);

/// Builds a client for `uri`. The driver connects lazily and reconnects by itself, so this
/// succeeds even while the database is down; `ping` tells whether it is reachable.
pub async fn client(uri: &str) -> Result<Client, mongodb::error::Error> {
    let mut options = ClientOptions::parse(uri).await?;
    options.app_name = Some("paytrack".to_string());
    options.server_selection_timeout = Some(SERVER_SELECTION_TIMEOUT);
    options.connect_timeout = Some(SERVER_SELECTION_TIMEOUT);
    Client::with_options(options)
}

/// The configured database with its collections and indexes in place, for commands run from
/// the shell (`paytrack seed`, `paytrack send-due`); the message says what failed.
pub async fn open_for_command(uri: &str, name: &str) -> Result<Database, String> {
    let client = client(uri)
        .await
        .map_err(|e| format!("cannot reach the database: {e}"))?;
    let database = client.database(name);
    schema::ensure(&database)
        .await
        .map_err(|e| format!("cannot prepare the database: {e}"))?;
    Ok(database)
}

/// Ends the database's sessions and closes its connections, as a command or the server stops.
/// Left to the driver, the last handle's drop spawns the same work onto a runtime that is
/// shutting down, where it panicked (`paytrack seed` printed a driver panic about one run in
/// three). Immediate: a handle some task still holds must not keep a stopping server waiting.
pub async fn close(db: &Database) {
    db.client().clone().shutdown().immediate(true).await;
}

pub async fn ping(db: &Database) -> Result<(), mongodb::error::Error> {
    db.run_command(doc! { "ping": 1 }).await.map(|_| ())
}

/// Turns a driver error into what the user may see, logging the cause under `context`.
pub fn user_facing(context: &'static str, err: mongodb::error::Error) -> AppError {
    use mongodb::error::ErrorKind;
    // A server stepping down, shutting down or interrupted refuses for now, not for good.
    const NOT_NOW: [i32; 9] = [6, 7, 89, 91, 189, 9001, 10107, 11600, 11602];
    let unavailable = matches!(
        *err.kind,
        ErrorKind::ServerSelection { .. }
            | ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. }
    ) || matches!(&*err.kind, ErrorKind::Command(c) if NOT_NOW.contains(&c.code))
        || err.contains_label("RetryableWriteError");
    // Logged under one target, with the operation and kind as fields: the telemetry layer
    // counts these as the database-error metric.
    if unavailable {
        tracing::warn!(target: "paytrack::database", operation = context, kind = "unavailable", error = %err, "{context}: database unavailable");
        AppError::Unavailable
    } else {
        tracing::error!(target: "paytrack::database", operation = context, kind = "failed", error = %err, "{context}");
        AppError::Internal
    }
}

/// An id from the browser. One that does not parse reads exactly like one that belongs to
/// someone else: `what` was not found.
pub fn parse_id(text: &str, what: &str) -> Result<mongodb::bson::oid::ObjectId, AppError> {
    mongodb::bson::oid::ObjectId::parse_str(text.trim()).map_err(|_| AppError::not_found(what))
}

/// `user_facing` under `context`, for `map_err`.
pub fn failed(context: &'static str) -> impl Fn(mongodb::error::Error) -> AppError {
    move |err| user_facing(context, err)
}

/// Runs `pipeline` on `collection` and collects its rows.
pub async fn aggregate(
    db: &Database,
    collection: &str,
    pipeline: Vec<Document>,
) -> Result<Vec<Document>, mongodb::error::Error> {
    use futures::TryStreamExt;
    db.collection::<Document>(collection)
        .aggregate(pipeline)
        .await?
        .try_collect()
        .await
}

/// A `$sum` as the database answered it: Int32 or Int64 by magnitude. A sum of integers that
/// overflows comes back as a double; it is refused, never read as 0 or rounded.
pub fn whole(value: Option<&mongodb::bson::Bson>) -> Result<i64, mongodb::error::Error> {
    use mongodb::bson::Bson;
    match value {
        None => Ok(0),
        Some(Bson::Int32(v)) => Ok(i64::from(*v)),
        Some(Bson::Int64(v)) => Ok(*v),
        Some(other) => Err(mongodb::error::Error::custom(format!(
            "a sum of amounts that is not a whole number of minor units: {other}"
        ))),
    }
}

/// [`whole`], for a value read in place from a raw document (a number is copied, not
/// allocated).
pub fn whole_raw(
    value: Option<mongodb::bson::RawBsonRef<'_>>,
) -> Result<i64, mongodb::error::Error> {
    let value = value
        .map(|v| mongodb::bson::Bson::try_from(v.to_raw_bson()))
        .transpose()?;
    whole(value.as_ref())
}

/// The instant `minutes` after `at` (before it, when negative): when a background job looks
/// next.
pub fn minutes_after(at: mongodb::bson::DateTime, minutes: i64) -> mongodb::bson::DateTime {
    mongodb::bson::DateTime::from_millis(
        at.timestamp_millis()
            .saturating_add(minutes.saturating_mul(60_000)),
    )
}

/// `total + more`, refused when it does not fit.
pub fn add(total: i64, more: i64) -> Result<i64, mongodb::error::Error> {
    total.checked_add(more).ok_or_else(|| {
        mongodb::error::Error::custom("a sum of amounts too large to hold".to_string())
    })
}

/// A claim on work: taken at `now`, exclusive until `until`, under the id `claim`. Only the
/// holder of a live lease may record what became of the work.
#[derive(Debug, Clone)]
pub struct Lease {
    pub claim: String,
    pub now: mongodb::bson::DateTime,
    pub until: mongodb::bson::DateTime,
}

/// Adds one to the integer `field` of document `id` and returns the new value, creating the
/// document (with `on_insert` and the field at 0) if needed.
///
/// Not a single `$inc` upsert: SecantusDB (the local server) lets two concurrent upserts of
/// the same `_id` both insert, so both callers would see 1. Creating the document first
/// (ignoring a duplicate) and then incrementing without upsert is atomic on it and on MongoDB.
pub async fn upsert_inc(
    collection: &Collection<Document>,
    id: &str,
    field: &str,
    on_insert: Document,
) -> Result<i64, mongodb::error::Error> {
    loop {
        let updated = collection
            .find_one_and_update(doc! { "_id": id }, doc! { "$inc": { field: 1_i64 } })
            .return_document(ReturnDocument::After)
            .await?;
        if let Some(value) = updated.and_then(|d| d.get_i64(field).ok()) {
            return Ok(value);
        }
        let mut fresh = on_insert.clone();
        fresh.insert("_id", id);
        fresh.insert(field, 0_i64);
        match collection.insert_one(fresh).await {
            Ok(_) => {}
            Err(err) if schema::is_duplicate_key(&err) => {}
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::Bson;

    #[test]
    fn sums_are_whole_numbers_or_refused() {
        assert_eq!(whole(Some(&Bson::Int32(7))).unwrap(), 7);
        assert_eq!(whole(Some(&Bson::Int64(1 << 40))).unwrap(), 1 << 40);
        assert_eq!(whole(None).unwrap(), 0);
        assert!(whole(Some(&Bson::Double(9.3e18))).is_err());
        assert!(add(i64::MAX, 1).is_err());
        assert_eq!(add(2, 3).unwrap(), 5);
    }

    #[test]
    fn sums_read_in_place_are_whole_numbers_or_refused() {
        use mongodb::bson::RawBsonRef;
        assert_eq!(whole_raw(Some(RawBsonRef::Int32(7))).unwrap(), 7);
        assert_eq!(
            whole_raw(Some(RawBsonRef::Int64(1 << 40))).unwrap(),
            1 << 40
        );
        assert_eq!(whole_raw(None).unwrap(), 0);
        assert!(whole_raw(Some(RawBsonRef::Double(9.3e18))).is_err());
        assert!(whole_raw(Some(RawBsonRef::String("12"))).is_err());
    }
}
