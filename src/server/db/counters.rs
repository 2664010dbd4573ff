//! Named counters shared by the whole site (no user data): the landing page's status check.

use mongodb::Database;
use mongodb::bson::doc;

use super::schema::COUNTERS;
use super::upsert_inc;

/// Adds one to the counter `name` (creating it at 1) and returns the new value. Atomic, so
/// concurrent callers each see a distinct value.
pub async fn increment(db: &Database, name: &str) -> Result<i64, mongodb::error::Error> {
    upsert_inc(&db.collection(COUNTERS), name, "value", doc! {}).await
}
