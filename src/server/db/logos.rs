//! Business logos, one per user: the image as uploaded (checked first by `accounts::logo`),
//! kept apart from the account so reading a user does not read their image.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Binary, DateTime, doc, spec::BinarySubtype};
use serde::{Deserialize, Serialize};

use super::schema::LOGOS;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogoDoc {
    /// The owner: one logo per user.
    #[serde(rename = "_id")]
    pub id: ObjectId,
    /// The owner again, under the name data export and deletion look for.
    pub user_id: ObjectId,
    /// "image/png" or "image/jpeg".
    pub content_type: String,
    pub bytes: Binary,
    /// Changes with each upload; part of the logo's address.
    pub version: String,
    pub updated_at: DateTime,
}

/// Stores `bytes` as `owner`'s logo, replacing any other.
pub async fn put(
    db: &Database,
    owner: ObjectId,
    content_type: &str,
    bytes: Vec<u8>,
    version: &str,
    now: DateTime,
) -> Result<(), mongodb::error::Error> {
    let logo = LogoDoc {
        id: owner,
        user_id: owner,
        content_type: content_type.to_string(),
        bytes: Binary {
            subtype: BinarySubtype::Generic,
            bytes,
        },
        version: version.to_string(),
        updated_at: now,
    };
    db.collection::<LogoDoc>(LOGOS)
        .replace_one(doc! { "_id": owner }, logo)
        .upsert(true)
        .await
        .map(|_| ())
}

pub async fn get(db: &Database, owner: ObjectId) -> Result<Option<LogoDoc>, mongodb::error::Error> {
    db.collection::<LogoDoc>(LOGOS)
        .find_one(doc! { "_id": owner })
        .await
}

pub async fn remove(db: &Database, owner: ObjectId) -> Result<(), mongodb::error::Error> {
    db.collection::<LogoDoc>(LOGOS)
        .delete_one(doc! { "_id": owner })
        .await
        .map(|_| ())
}
