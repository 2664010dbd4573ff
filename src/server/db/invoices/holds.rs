//! Holding and releasing an invoice's reminders: paused by the user, a bounced address, a
//! payment on its way, a snooze.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc};
use mongodb::options::ReturnDocument;

use super::super::schema::INVOICES;
use super::model::*;
use crate::domain::date::CalendarDate;
use crate::domain::pause::PauseReason;

/// Applies `update` to an open or partly paid invoice of `owner`; `None` when there is no
/// such invoice (paid and void ones have no reminders to change).
async fn update_collectable(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    mut update: Document,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let mut set = update.get_document("$set").cloned().unwrap_or_default();
    set.insert("updated_at", now);
    update.insert("$set", set);
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! {
                "_id": id,
                "user_id": owner,
                "status": { "$in": collectable() },
                // A settling payment's hold is lifted only by the payment's outcome.
                "reminders_paused.reason": { "$ne": PauseReason::Processing.as_str() },
            },
            update,
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Holds reminders while a client's payment settles (a bank debit), replacing any other hold.
pub async fn hold_for_processing(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let filter = doc! { "_id": id, "user_id": owner, "status": { "$in": collectable() } };
    put_hold(db, filter, PauseReason::Processing, now).await
}

/// Puts a hold for `reason` on the invoice `filter` finds; the invoice after, if it did.
async fn put_hold(
    db: &Database,
    filter: Document,
    reason: PauseReason,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            filter,
            doc! { "$set": {
                "reminders_paused": { "reason": reason.as_str(), "at": now },
                "updated_at": now,
            } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Lifts the hold of a settling payment (it failed, or the invoice was paid).
pub async fn release_processing(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "reminders_paused.reason": PauseReason::Processing.as_str() },
            doc! { "$unset": { "reminders_paused": "" } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Holds reminders (paused by the user, or the client's address bounced).
pub async fn pause_reminders(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    reason: PauseReason,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let update = doc! { "$set": { "reminders_paused": { "reason": reason.as_str(), "at": now } } };
    update_collectable(db, owner, id, update, now).await
}

/// Holds reminders because the client replied, unless something holds them already (the
/// user's pause, a bounce, a settling payment: each is lifted its own way).
pub async fn hold_for_reply(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let filter = doc! {
        "_id": id,
        "user_id": owner,
        "status": { "$in": collectable() },
        "reminders_paused": { "$exists": false },
    };
    put_hold(db, filter, PauseReason::Replied, now).await
}

/// Lifts a pause and any snooze.
pub async fn resume_reminders(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let update = doc! { "$unset": { "reminders_paused": "", "snoozed_until": "" } };
    update_collectable(db, owner, id, update, now).await
}

/// No reminder before `until` (a snooze also lifts a pause).
pub async fn snooze_reminders(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    until: CalendarDate,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let update = doc! {
        "$set": { "snoozed_until": until.to_string() },
        "$unset": { "reminders_paused": "" },
    };
    update_collectable(db, owner, id, update, now).await
}

/// Lifts the holds a bounce put on a client's invoices (the user fixed the address).
pub async fn lift_bounce_holds(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
) -> Result<u64, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .update_many(
            doc! { "user_id": owner, "client_id": client, "reminders_paused.reason": PauseReason::Bounced.as_str() },
            doc! { "$unset": { "reminders_paused": "" } },
        )
        .await
        .map(|r| r.modified_count)
}
