//! Each user's invoice number sequences, in one document per user (a unique index on the
//! owner), incremented atomically so concurrent creates get distinct, consecutive numbers:
//! `last`, the one for ever (it also orders the list), and `years.y<year>`, one per year of
//! issue for users who number by year.

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

/// The next number of `user_id`'s credit note series, inside the caller's transaction (the
/// void that issues it), so it is taken only if the void happens.
pub async fn next_credit_note_in(
    db: &Database,
    session: &mut mongodb::ClientSession,
    user_id: ObjectId,
) -> Result<i64, mongodb::error::Error> {
    let updated = db
        .collection::<mongodb::bson::Document>(INVOICE_SEQUENCES)
        .find_one_and_update(
            doc! { "_id": user_id.to_hex() },
            doc! { "$inc": { "credit_notes": 1_i64 }, "$setOnInsert": { "user_id": user_id } },
        )
        .upsert(true)
        .return_document(mongodb::options::ReturnDocument::After)
        .session(session)
        .await?;
    updated
        .and_then(|d| d.get_i64("credit_notes").ok())
        .ok_or_else(|| mongodb::error::Error::custom("the credit note series has no count"))
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

/// Where a year's series is kept in the user's document ("years.y2026": a plain key, never read
/// as an array position).
fn year_field(year: i32) -> String {
    format!("years.y{year}")
}

fn series_field(year: Option<i32>) -> String {
    year.map_or_else(|| "last".to_string(), year_field)
}

/// The value at a dotted `field` of `document`.
fn read(document: &mongodb::bson::Document, field: &str) -> Option<i64> {
    match field.split_once('.') {
        Some((outer, inner)) => document.get_document(outer).ok()?.get_i64(inner).ok(),
        None => document.get_i64(field).ok(),
    }
}

/// The next number of `user_id`'s series for `year` (1 for the year's first invoice).
pub async fn next_in_year(
    db: &Database,
    user_id: ObjectId,
    year: i32,
) -> Result<i64, mongodb::error::Error> {
    let sequences = db.collection::<mongodb::bson::Document>(INVOICE_SEQUENCES);
    let field = year_field(year);
    loop {
        let updated = sequences
            .find_one_and_update(
                doc! { "_id": user_id.to_hex() },
                doc! { "$inc": { &field: 1_i64 } },
            )
            .return_document(mongodb::options::ReturnDocument::After)
            .await?;
        if let Some(value) = updated.as_ref().and_then(|d| read(d, &field)) {
            return Ok(value);
        }
        // No document yet: made as `next` makes it (a racing insert is as good).
        let fresh = doc! { "_id": user_id.to_hex(), "user_id": user_id, "last": 0_i64 };
        match sequences.insert_one(fresh).await {
            Ok(_) => {}
            Err(err) if super::schema::is_duplicate_key(&err) => {}
            Err(err) => return Err(err),
        }
    }
}

/// The last number given out in a series: for ever (`year` None) or in `year`.
pub async fn last(
    db: &Database,
    user_id: ObjectId,
    year: Option<i32>,
) -> Result<i64, mongodb::error::Error> {
    Ok(db
        .collection::<mongodb::bson::Document>(INVOICE_SEQUENCES)
        .find_one(doc! { "_id": user_id.to_hex() })
        .await?
        .and_then(|d| read(&d, &series_field(year)))
        .unwrap_or(0))
}

/// Makes `next` the series' next number (the caller has checked no invoice has it or a later
/// one).
pub async fn set_next(
    db: &Database,
    user_id: ObjectId,
    year: Option<i32>,
    next: i64,
) -> Result<(), mongodb::error::Error> {
    let mut update = doc! { "$set": { series_field(year): next - 1 } };
    update.insert(
        "$setOnInsert",
        match year {
            None => doc! { "user_id": user_id },
            Some(_) => doc! { "user_id": user_id, "last": 0_i64 },
        },
    );
    db.collection::<mongodb::bson::Document>(INVOICE_SEQUENCES)
        .update_one(doc! { "_id": user_id.to_hex() }, update)
        .upsert(true)
        .await
        .map(|_| ())
}

/// Gives back the newest number of `year`'s series (its draft was deleted).
pub async fn give_back_in_year(
    db: &Database,
    user_id: ObjectId,
    year: i32,
    number: i64,
) -> Result<(), mongodb::error::Error> {
    let field = year_field(year);
    db.collection::<mongodb::bson::Document>(INVOICE_SEQUENCES)
        .update_one(
            doc! { "_id": user_id.to_hex(), &field: number },
            doc! { "$inc": { &field: -1_i64 } },
        )
        .await
        .map(|_| ())
}
