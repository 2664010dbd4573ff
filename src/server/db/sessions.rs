//! Sign-in sessions, stored by the hash of their id.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, DateTime, doc, from_bson, from_document};
use serde::{Deserialize, Serialize};

use super::schema::{SESSIONS, USERS};
use super::users::UserDoc;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionDoc {
    /// SHA-256 of the id in the cookie.
    #[serde(rename = "_id")]
    pub id_hash: String,
    pub user_id: ObjectId,
    pub created_at: DateTime,
    pub last_seen_at: DateTime,
    pub expires_at: DateTime,
    pub user_agent: String,
    pub ip: String,
    /// How this session signed in: "email_link" or "google".
    pub method: String,
}

pub async fn insert(db: &Database, session: &SessionDoc) -> Result<(), mongodb::error::Error> {
    db.collection::<SessionDoc>(SESSIONS)
        .insert_one(session)
        .await
        .map(|_| ())
}

/// The session with this id hash, if it has not expired.
pub async fn find_live(
    db: &Database,
    id_hash: &str,
    now: DateTime,
) -> Result<Option<SessionDoc>, mongodb::error::Error> {
    db.collection::<SessionDoc>(SESSIONS)
        .find_one(doc! { "_id": id_hash, "expires_at": { "$gt": now } })
        .await
}

/// The live session with this id hash and its user, in one round trip. The user is `None`
/// when the account is gone.
pub async fn find_live_with_user(
    db: &Database,
    id_hash: &str,
    now: DateTime,
) -> Result<Option<(SessionDoc, Option<UserDoc>)>, mongodb::error::Error> {
    use futures::TryStreamExt;
    let mut found = db
        .collection::<SessionDoc>(SESSIONS)
        .aggregate([
            doc! { "$match": { "_id": id_hash, "expires_at": { "$gt": now } } },
            doc! { "$limit": 1 },
            doc! { "$lookup": {
                "from": USERS, "localField": "user_id", "foreignField": "_id", "as": "user",
            } },
        ])
        .await?;
    let Some(mut row) = found.try_next().await? else {
        return Ok(None);
    };
    let user = match row.remove("user") {
        Some(Bson::Array(users)) => match users.into_iter().next() {
            Some(user) => Some(from_bson::<UserDoc>(user)?),
            None => None,
        },
        _ => None,
    };
    Ok(Some((from_document::<SessionDoc>(row)?, user)))
}

/// Slides the expiry forward; called at most once a day per session.
pub async fn renew(
    db: &Database,
    id_hash: &str,
    now: DateTime,
    expires_at: DateTime,
) -> Result<(), mongodb::error::Error> {
    db.collection::<SessionDoc>(SESSIONS)
        .update_one(
            doc! { "_id": id_hash },
            doc! { "$set": { "last_seen_at": now, "expires_at": expires_at } },
        )
        .await
        .map(|_| ())
}

pub async fn delete(db: &Database, id_hash: &str) -> Result<(), mongodb::error::Error> {
    super::auth_epoch::write(
        db.collection::<SessionDoc>(SESSIONS)
            .delete_one(doc! { "_id": id_hash }),
    )
    .await
    .map(|_| ())
}

/// Ends every session of the user; returns how many there were.
pub async fn delete_all_for(
    db: &Database,
    user_id: ObjectId,
) -> Result<u64, mongodb::error::Error> {
    super::auth_epoch::write(
        db.collection::<SessionDoc>(SESSIONS)
            .delete_many(doc! { "user_id": user_id }),
    )
    .await
    .map(|result| result.deleted_count)
}

/// The user's live sessions, most recently used first.
pub async fn list_live(
    db: &Database,
    user_id: ObjectId,
    now: DateTime,
) -> Result<Vec<SessionDoc>, mongodb::error::Error> {
    use futures::TryStreamExt;
    db.collection::<SessionDoc>(SESSIONS)
        .find(doc! { "user_id": user_id, "expires_at": { "$gt": now } })
        .sort(doc! { "last_seen_at": -1 })
        .await?
        .try_collect()
        .await
}

/// How many users used a session at or after `since`.
pub async fn users_seen_since(
    db: &Database,
    since: DateTime,
) -> Result<u64, mongodb::error::Error> {
    let users = db
        .collection::<SessionDoc>(SESSIONS)
        .distinct("user_id", doc! { "last_seen_at": { "$gte": since } })
        .await?;
    Ok(users.len() as u64)
}
