//! A count of the writes this process made to accounts and sessions. The session cache
//! (`auth::session_cache`) keeps what it read only while the count is unchanged, so a change
//! made on this server is seen by its very next request; other servers see it within the
//! cache's time bound.

use std::future::IntoFuture;
use std::sync::atomic::{AtomicU64, Ordering};

static WRITES: AtomicU64 = AtomicU64::new(0);

/// The count now: read it before loading what is to be cached.
pub fn current() -> u64 {
    WRITES.load(Ordering::Acquire)
}

/// Runs a write to users or sessions, then advances the count — after it, so a read that
/// raced the write is dropped, and whatever the outcome, since a failed answer may hide a
/// write that landed.
pub async fn write<T, E>(op: impl IntoFuture<Output = Result<T, E>>) -> Result<T, E> {
    let result = op.await;
    WRITES.fetch_add(1, Ordering::AcqRel);
    result
}
