//! Google sign-ins in progress: the PKCE verifier and where to go next, keyed by the hash of
//! the `state` value that is also in the browser's short-lived cookie.

use mongodb::Database;
use mongodb::bson::{DateTime, doc};
use serde::{Deserialize, Serialize};

use super::schema::OAUTH_STATES;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OAuthStateDoc {
    #[serde(rename = "_id")]
    pub state_hash: String,
    pub pkce_verifier: String,
    pub next: String,
    pub time_zone: String,
    pub expires_at: DateTime,
}

pub async fn insert(db: &Database, state: &OAuthStateDoc) -> Result<(), mongodb::error::Error> {
    db.collection::<OAuthStateDoc>(OAUTH_STATES)
        .insert_one(state)
        .await
        .map(|_| ())
}

/// Uses a live state up (each Google round trip completes once).
pub async fn consume(
    db: &Database,
    state_hash: &str,
    now: DateTime,
) -> Result<Option<OAuthStateDoc>, mongodb::error::Error> {
    db.collection::<OAuthStateDoc>(OAUTH_STATES)
        .find_one_and_delete(doc! { "_id": state_hash, "expires_at": { "$gt": now } })
        .await
}
