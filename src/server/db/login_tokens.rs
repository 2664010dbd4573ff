//! Emailed login links: only the hash of each token is stored, with its expiry.

use mongodb::Database;
use mongodb::bson::{DateTime, doc};
use serde::{Deserialize, Serialize};

use super::schema::LOGIN_TOKENS;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginTokenDoc {
    #[serde(rename = "_id")]
    pub token_hash: String,
    pub email: String,
    /// The browser's time zone when the link was requested (used if the account is new).
    pub time_zone: String,
    /// Same-site path to land on after signing in.
    pub next: String,
    pub created_at: DateTime,
    pub expires_at: DateTime,
    /// Set when the link confirms a new sign-in address for this account instead of signing
    /// in; `email` is then the new address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_for: Option<mongodb::bson::oid::ObjectId>,
}

/// What a link is for: a sign-in link never changes an address, and the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    ChangeAddress,
}

fn live(token_hash: &str, purpose: Purpose, now: DateTime) -> mongodb::bson::Document {
    let kind = match purpose {
        Purpose::SignIn => doc! { "change_for": null },
        Purpose::ChangeAddress => doc! { "change_for": { "$type": "objectId" } },
    };
    let mut filter = doc! { "_id": token_hash, "expires_at": { "$gt": now } };
    filter.extend(kind);
    filter
}

pub async fn insert(db: &Database, token: &LoginTokenDoc) -> Result<(), mongodb::error::Error> {
    db.collection::<LoginTokenDoc>(LOGIN_TOKENS)
        .insert_one(token)
        .await
        .map(|_| ())
}

/// Looks at a live token without using it up (for the confirmation page).
pub async fn peek(
    db: &Database,
    token_hash: &str,
    purpose: Purpose,
    now: DateTime,
) -> Result<Option<LoginTokenDoc>, mongodb::error::Error> {
    db.collection::<LoginTokenDoc>(LOGIN_TOKENS)
        .find_one(live(token_hash, purpose, now))
        .await
}

/// Uses a live token up: a single atomic delete, so of two concurrent uses exactly one wins.
pub async fn consume(
    db: &Database,
    token_hash: &str,
    purpose: Purpose,
    now: DateTime,
) -> Result<Option<LoginTokenDoc>, mongodb::error::Error> {
    db.collection::<LoginTokenDoc>(LOGIN_TOKENS)
        .find_one_and_delete(live(token_hash, purpose, now))
        .await
}
