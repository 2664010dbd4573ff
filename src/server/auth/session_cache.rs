//! Signed-in requests without a database round trip. Who a session cookie belongs to (the
//! session and its user) is kept in memory, bounded in size, for at most [`STALE_AT_MOST`]:
//!
//! - a change this server makes to an account or ends a session (`db::auth_epoch`) drops
//!   everything read before it, so this server's next request reads afresh;
//! - a change made on another server (a webhook, a settings save, a sign-out) is seen here
//!   within `STALE_AT_MOST`;
//! - ending sessions for good (sign out everywhere, account deletion) answers only after
//!   `STALE_AT_MOST` has passed, so once the user is told, no server accepts those cookies.

use std::sync::Arc;
use std::time::Duration;

use mongodb::bson::DateTime;

use crate::server::db::{auth_epoch, sessions::SessionDoc, users::UserDoc};

/// How long another server's change can go unseen here.
pub const STALE_AT_MOST: Duration = Duration::from_secs(2);
/// Sessions kept at once: the busiest of two seconds, with room to spare.
const CAPACITY: u64 = 20_000;

struct Entry {
    session: SessionDoc,
    user: UserDoc,
    /// `auth_epoch::current()` before these were read.
    epoch: u64,
}

#[derive(Clone)]
pub struct SessionCache(moka::sync::Cache<String, Arc<Entry>>);

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache(
            moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(STALE_AT_MOST)
                .build(),
        )
    }
}

impl SessionCache {
    /// The live session with this id hash and its user, when read recently enough and
    /// nothing this server wrote since could have changed them.
    pub fn get(&self, id_hash: &str, now: DateTime) -> Option<(SessionDoc, UserDoc)> {
        let entry = self.0.get(id_hash)?;
        if entry.epoch != auth_epoch::current() || entry.session.expires_at <= now {
            self.0.invalidate(id_hash);
            return None;
        }
        Some((entry.session.clone(), entry.user.clone()))
    }

    /// Keeps what was read at `epoch` (taken before the read).
    pub fn put(&self, id_hash: &str, session: SessionDoc, user: UserDoc, epoch: u64) {
        self.0.insert(
            id_hash.to_string(),
            Arc::new(Entry {
                session,
                user,
                epoch,
            }),
        );
    }

    /// Replaces a kept session with its renewed self; the user and what they were read at stay.
    pub fn renewed(&self, id_hash: &str, session: SessionDoc) {
        if let Some(entry) = self.0.get(id_hash) {
            self.put(id_hash, session, entry.user.clone(), entry.epoch);
        }
    }
}
