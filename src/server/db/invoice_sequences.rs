//! Each user's invoice number sequence: one document per user, incremented atomically, so
//! concurrent creates get distinct, consecutive numbers.

use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;

use super::schema::INVOICE_SEQUENCES;
use super::upsert_inc;

/// The next sequence value for `user_id` (1 for the first invoice).
pub async fn next(db: &Database, user_id: ObjectId) -> Result<i64, mongodb::error::Error> {
    upsert_inc(
        &db.collection(INVOICE_SEQUENCES),
        &user_id.to_hex(),
        "last",
        doc! { "user_id": user_id },
    )
    .await
}
