//! Named counters shared by the whole site (no user data): the landing page's status check.

use mongodb::Database;
use mongodb::bson::{Document, doc};
use mongodb::options::ReturnDocument;

use super::schema::COUNTERS;

/// Adds one to the counter `name` (creating it at 1) and returns the new value. Atomic, so
/// concurrent callers each see a distinct value.
pub async fn increment(db: &Database, name: &str) -> Result<i64, mongodb::error::Error> {
    let updated = db
        .collection::<Document>(COUNTERS)
        .find_one_and_update(doc! { "_id": name }, doc! { "$inc": { "value": 1_i64 } })
        .upsert(true)
        .return_document(ReturnDocument::After)
        .await?;
    Ok(updated
        .and_then(|doc| doc.get_i64("value").ok())
        .unwrap_or(1))
}
