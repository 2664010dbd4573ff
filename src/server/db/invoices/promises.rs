//! The client's promises to pay, as writes that hold under races: each write names how many
//! promises it saw, so two promises made at once cannot both land, and a promise cleared by
//! the user is the one they looked at.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc, to_bson};
use mongodb::options::ReturnDocument;

use super::super::schema::INVOICES;
use super::model::*;

/// Adds `promise` to an invoice still owed that holds `seen` promises; the invoice after, or
/// `None` when it changed meanwhile (paid, voided, or another promise landed first).
pub async fn add_promise(
    db: &Database,
    id: ObjectId,
    seen: usize,
    promise: &PromiseDoc,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let entry = to_bson(promise)?;
    // An invoice without promises has no `promises` field at all.
    let count = match seen {
        0 => {
            doc! { "$or": [ { "promises": { "$exists": false } }, { "promises": { "$size": 0 } } ] }
        }
        n => doc! { "promises": { "$size": i64::try_from(n).unwrap_or(i64::MAX) } },
    };
    let mut filter = doc! { "_id": id, "status": { "$in": collectable() } };
    filter.extend(count);
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            filter,
            doc! {
                "$push": { "promises": entry },
                "$set": { "updated_at": promise.made_at },
            },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Sets aside the promise at `index` of `owner`'s invoice, if it is still the one not
/// cleared; the invoice after, or `None` when it was not.
pub async fn clear_promise(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    index: usize,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let cleared = format!("promises.{index}.cleared_at");
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! {
                "_id": id,
                "user_id": owner,
                "promises": { "$size": i64::try_from(index + 1).unwrap_or(i64::MAX) },
                &cleared: { "$exists": false },
            },
            doc! { "$set": { &cleared: now, "updated_at": now } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Names `step` as the reminder that tells the client the promise at `index` was missed,
/// unless one is named already; the step that carries it either way.
pub async fn follow_up_promise(
    db: &Database,
    id: ObjectId,
    index: usize,
    step: &str,
) -> Result<Option<String>, mongodb::error::Error> {
    let field = format!("promises.{index}.followed_up_by");
    let invoices = db.collection::<InvoiceDoc>(INVOICES);
    let named = invoices
        .find_one_and_update(
            doc! { "_id": id, &field: { "$exists": false } },
            doc! { "$set": { &field: step } },
        )
        .return_document(ReturnDocument::After)
        .await?;
    let invoice = match named {
        Some(invoice) => Some(invoice),
        // Named before (by this job's earlier try, or another step).
        None => invoices.find_one(doc! { "_id": id }).await?,
    };
    Ok(invoice.and_then(|i| i.promises.get(index).and_then(|p| p.followed_up_by.clone())))
}
