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

/// Moves the sequence forward to at least `last` (after importing numbered invoices).
pub async fn advance_to(
    db: &Database,
    user_id: ObjectId,
    last: i64,
) -> Result<(), mongodb::error::Error> {
    db.collection::<mongodb::bson::Document>(INVOICE_SEQUENCES)
        .update_one(
            doc! { "_id": user_id.to_hex() },
            doc! { "$max": { "last": last }, "$setOnInsert": { "user_id": user_id } },
        )
        .upsert(true)
        .await
        .map(|_| ())
}
