//! Creating invoices and moving them through their life: drafts saved and deleted, sent,
//! voided (payments are in `payments.rs`). Each change is a conditional update on the state
//! it was decided from.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, DateTime, Document, doc, to_bson};
use mongodb::options::ReturnDocument;

use super::super::schema::{INVOICE_SEQUENCES, INVOICES};
use super::super::transaction::{self, Finished};
use super::super::{clients::ClientDoc, invoice_sequences, owed};
use super::list::get;
use super::model::*;
use super::stripe::FIRST_CHECK_MS;
use crate::domain::invoice_number::{NumberPrefix, Numbering};
use crate::domain::status::InvoiceStatus;
use crate::domain::stripe_pay::StripePay;

/// A new draft as stored: `content` plus the fields every invoice starts with.
pub fn draft_document(
    owner: ObjectId,
    sequence: i64,
    number: &str,
    draft: Content<'_>,
    now: DateTime,
) -> Result<Document, mongodb::bson::ser::Error> {
    let mut document = content(draft, number)?;
    document.extend(doc! {
        "_id": ObjectId::new(),
        "user_id": owner,
        "sequence": sequence,
        "number": number,
        "status": status_bson(InvoiceStatus::Draft),
        "paid_minor": 0_i64,
        "payments": [],
        "created_at": now,
        "updated_at": now,
        "sent_at": Bson::Null,
        "paid_on": Bson::Null,
        "voided_at": Bson::Null,
    });
    Ok(document)
}

/// Creates a draft with the next number of the owner's sequence (and, numbering by year, of
/// the series of its year of issue, which its printed number shows).
pub async fn create(
    db: &Database,
    owner: ObjectId,
    (prefix, numbering): (&NumberPrefix, Numbering),
    draft: Content<'_>,
    now: DateTime,
) -> Result<InvoiceDoc, WriteError> {
    let sequence = invoice_sequences::next(db, owner).await?;
    let (number, series) = match numbering {
        Numbering::Continuous => (numbering.format(prefix, 0, sequence), None),
        Numbering::Yearly => {
            let year = draft.draft.issue_date.year();
            let n = invoice_sequences::next_in_year(db, owner, year).await?;
            (numbering.format(prefix, year, n), Some((year, n)))
        }
    };
    let mut document = draft_document(owner, sequence, &number, draft, now)?;
    if let Some((year, n)) = series {
        document.insert("series", doc! { "year": year, "number": n });
    }
    let id = document.get_object_id("_id").map_err(|_| {
        WriteError::Db(mongodb::error::Error::custom("a new invoice without an id"))
    })?;
    db.collection::<Document>(INVOICES)
        .insert_one(document)
        .await?;
    get(db, owner, id).await?.ok_or_else(|| {
        WriteError::Db(mongodb::error::Error::custom(
            "invoice vanished right after insert",
        ))
    })
}

/// Stores invoices built with `draft_document` (the seed command's bulk path).
pub async fn insert_many(
    db: &Database,
    documents: Vec<Document>,
) -> Result<(), mongodb::error::Error> {
    db.collection::<Document>(INVOICES)
        .insert_many(documents)
        .await
        .map(|_| ())
}

/// Replaces a draft's content; `None` if it is not (or no longer) a draft of this owner.
pub async fn update_draft(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    draft: Content<'_>,
    number: &str,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = content(draft, number)?;
    set.insert("updated_at", now);
    Ok(set_on_draft(db, owner, id, set).await?)
}

/// Sets `set` on the owner's invoice `id` only while it is a draft; the invoice as it is now.
async fn set_on_draft(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    set: Document,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "status": status_bson(InvoiceStatus::Draft) },
            doc! { "$set": set },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Deletes a draft; a draft holding the newest number gives it back, so deleting a mistake
/// leaves no gap in the sequence.
pub async fn delete_draft(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let deleted = db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_delete(
            doc! { "_id": id, "user_id": owner, "status": status_bson(InvoiceStatus::Draft) },
        )
        .await?;
    if let Some(invoice) = &deleted {
        db.collection::<Document>(INVOICE_SEQUENCES)
            .update_one(
                doc! { "_id": owner.to_hex(), "last": invoice.sequence },
                doc! { "$inc": { "last": -1_i64 } },
            )
            .await?;
        if let Some(series) = &invoice.series {
            invoice_sequences::give_back_in_year(db, owner, series.year, series.number).await?;
        }
    }
    Ok(deleted)
}

/// Draft → open. Gives the invoice its public link and keeps the seller as they are now.
pub async fn mark_sent(
    db: &Database,
    (owner, id): (ObjectId, ObjectId),
    seller: &SellerDoc,
    (public_token, reply_token): (&str, &str),
    stripe: Option<&StripePay>,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = doc! {
        "status": status_bson(InvoiceStatus::Open),
        "sent_at": now,
        "updated_at": now,
        "public_token": public_token,
        "reply_token": reply_token,
        "email_pending_since": now,
        "seller": to_bson(seller)?,
    };
    if let Some(stripe) = stripe {
        set.insert("stripe", to_bson(stripe)?);
        set.insert(
            "stripe_check_at",
            DateTime::from_millis(now.timestamp_millis() + FIRST_CHECK_MS),
        );
    }
    let filter = doc! { "_id": id, "user_id": owner, "status": status_bson(InvoiceStatus::Draft) };
    let update = doc! { "$set": set, "$unset": { "send_token": "" } };
    Ok(update_keeping_owed(db, filter, update, "sending the invoice").await?)
}

/// The public token `draft` is to be sent with: the one its first try kept, or else `fresh`,
/// kept now. `None` when it is no longer a draft.
pub async fn send_token(
    db: &Database,
    draft: &InvoiceDoc,
    fresh: &str,
) -> Result<Option<String>, mongodb::error::Error> {
    if let Some(kept) = &draft.send_token {
        return Ok(Some(kept.clone()));
    }
    let invoices = db.collection::<InvoiceDoc>(INVOICES);
    let this_draft = doc! { "_id": draft.id, "user_id": draft.user_id, "status": status_bson(InvoiceStatus::Draft) };
    let mut unreserved = this_draft.clone();
    unreserved.insert("send_token", doc! { "$exists": false });
    let kept = invoices
        .find_one_and_update(unreserved, doc! { "$set": { "send_token": fresh } })
        .return_document(ReturnDocument::After)
        .await?;
    let kept = match kept {
        Some(kept) => Some(kept),
        // Another try kept its own meanwhile: that one it is.
        None => invoices.find_one(this_draft).await?,
    };
    Ok(kept.and_then(|draft| draft.send_token))
}

/// Open or partially paid → written off: what is left stays in `due_minor`, no longer owed
/// (`db::owed` counts only what is collectable). The public link stops working.
pub async fn mark_written_off(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    from: InvoiceStatus,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    update_keeping_owed(
        db,
        doc! { "_id": id, "user_id": owner, "status": status_bson(from) },
        doc! { "$set": {
            "status": status_bson(InvoiceStatus::WrittenOff),
            "written_off_at": now,
            "updated_at": now,
        },
        "$unset": { "public_token": "" },
        },
        "writing the invoice off",
    )
    .await
}

/// Applies `update` to the invoice `filter` matches and moves what it owes (`db::owed`) in
/// the same transaction; the invoice as it is now, or `None` if nothing matched.
pub(super) async fn update_keeping_owed(
    db: &Database,
    filter: Document,
    update: Document,
    doing: &str,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let mut session = transaction::session(db).await?;
    for attempt in 1..=transaction::ATTEMPTS {
        session.start_transaction().await?;
        let outcome = update_in(db, &mut session, &filter, &update).await;
        if let Finished::Done(saved) = transaction::finish(&mut session, outcome, attempt).await? {
            return Ok(saved.map(|(_, after)| after));
        }
    }
    Err(mongodb::error::Error::custom(format!(
        "{doing} collided with other writes on every attempt"
    )))
}

/// `update` on the invoice `filter` matches, inside the caller's transaction, with what it
/// owes moved along: the invoice before and after, or `None` if nothing matched.
pub(super) async fn update_in(
    db: &Database,
    session: &mut mongodb::ClientSession,
    filter: &Document,
    update: &Document,
) -> Result<Option<(InvoiceDoc, InvoiceDoc)>, mongodb::error::Error> {
    let invoices = db.collection::<InvoiceDoc>(INVOICES);
    let Some(before) = invoices
        .find_one_and_update(filter.clone(), update.clone())
        .return_document(ReturnDocument::Before)
        .session(&mut *session)
        .await?
    else {
        return Ok(None);
    };
    let after = invoices
        .find_one(doc! { "_id": before.id })
        .session(&mut *session)
        .await?
        .ok_or_else(|| mongodb::error::Error::custom("an invoice vanished inside its update"))?;
    owed::follow(db, session, &before, &after).await?;
    Ok(Some((before, after)))
}

/// A new secret for the public link (the old link stops working at once).
pub async fn replace_public_token(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    token: &str,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "status": { "$in": collectable() } },
            doc! { "$set": { "public_token": token, "updated_at": now } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Refreshes who drafts are addressed to after the client was edited (sent invoices keep
/// what they were sent with).
pub async fn readdress_drafts(
    db: &Database,
    owner: ObjectId,
    client: &ClientDoc,
) -> Result<(), WriteError> {
    let drafts: Vec<InvoiceDoc> = db
        .collection::<InvoiceDoc>(INVOICES)
        .find(doc! { "user_id": owner, "client_id": client.id, "status": status_bson(InvoiceStatus::Draft) })
        .await?
        .try_collect()
        .await?;
    for draft in drafts {
        let fields = addressed_to(client, &draft.number)?;
        db.collection::<Document>(INVOICES)
            .update_one(
                doc! { "_id": draft.id, "user_id": owner, "status": status_bson(InvoiceStatus::Draft) },
                doc! { "$set": fields },
            )
            .await?;
    }
    Ok(())
}

/// The invoice's reply token, given one first if it was sent before replies were received.
pub async fn ensure_reply_token(
    db: &Database,
    id: ObjectId,
    fresh: &str,
) -> Result<Option<String>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .update_one(
            doc! { "_id": id, "reply_token": { "$exists": false } },
            doc! { "$set": { "reply_token": fresh } },
        )
        .await?;
    let stored = db
        .collection::<Document>(INVOICES)
        .find_one(doc! { "_id": id })
        .projection(doc! { "reply_token": 1 })
        .await?;
    Ok(stored.and_then(|i| i.get_str("reply_token").ok().map(str::to_string)))
}
