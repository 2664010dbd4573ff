//! Fixed-window counters for rate limiting, shared by every server process.

use std::time::Duration;

use mongodb::Database;
use mongodb::bson::{DateTime, doc};

use super::schema::RATE_LIMITS;
use super::upsert_inc;

/// Counts one attempt for `key` in the current window of `window` length and returns the
/// number of attempts in that window so far, with the time the window ends.
pub async fn hit(
    db: &Database,
    key: &str,
    window: Duration,
    now: DateTime,
) -> Result<(i64, DateTime), mongodb::error::Error> {
    let window_ms = window.as_millis().max(1) as i64;
    let index = now.timestamp_millis() / window_ms;
    let ends = DateTime::from_millis((index + 1) * window_ms);
    let count = upsert_inc(
        &db.collection(RATE_LIMITS),
        &format!("{key}:{index}"),
        "count",
        doc! { "expires_at": ends },
    )
    .await?;
    Ok((count, ends))
}
