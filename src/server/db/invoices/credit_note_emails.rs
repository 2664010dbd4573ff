//! The email a credit note owes the client. The write that issues a credit note also sets
//! `credit_note_emails_due` on its invoice (a little later than now: the request that issued it
//! tries first) and marks the note `email_owed_until` a day on. The engine takes invoices whose
//! time has come, claims each by moving that time on, and clears it once no credit note of the
//! invoice is owed any more — so a credit note whose email failed, or whose process stopped
//! before sending it, still reaches the client.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc};

use super::super::schema::INVOICES;
use super::credit_note_doc::CreditNoteDoc;
use super::model::InvoiceDoc;

/// The invoice field the engine looks for.
pub const EMAILS_DUE: &str = "credit_note_emails_due";

/// How long after issuing the engine first looks: the issuing request sends it meanwhile.
const FIRST_LOOK_MS: i64 = 5 * 60_000;

/// How long a credit note's email is tried: as long as Resend remembers its key.
const WINDOW_MS: i64 = crate::domain::email::KEY_LIFETIME_HOURS * 3_600_000;

/// When the engine first looks at credit notes issued at `now`, and until when their email
/// is owed.
pub fn email_times(now: DateTime) -> (DateTime, DateTime) {
    let later = |ms: i64| DateTime::from_millis(now.timestamp_millis().saturating_add(ms));
    (later(FIRST_LOOK_MS), later(WINDOW_MS))
}

/// Up to `limit` invoices with a credit note email whose time has come, the longest waiting
/// first.
pub async fn credit_note_emails_due(
    db: &Database,
    now: DateTime,
    limit: i64,
) -> Result<Vec<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find(doc! { EMAILS_DUE: { "$lte": now } })
        .sort(doc! { EMAILS_DUE: 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}

/// Takes invoice `id`'s credit note emails for this pass, moving their time to `until`;
/// `false` when another pass took them first.
pub async fn claim_credit_note_emails(
    db: &Database,
    id: ObjectId,
    now: DateTime,
    until: DateTime,
) -> Result<bool, mongodb::error::Error> {
    let claimed = db
        .collection::<Document>(INVOICES)
        .update_one(
            doc! { "_id": id, EMAILS_DUE: { "$lte": now } },
            doc! { "$set": { EMAILS_DUE: until } },
        )
        .await?;
    Ok(claimed.modified_count == 1)
}

/// No credit note of invoice `id` is owed any more: the engine stops looking, unless a note
/// issued since the claim at `claimed` asked it to look again.
pub async fn credit_note_emails_done(
    db: &Database,
    id: ObjectId,
    claimed: DateTime,
) -> Result<(), mongodb::error::Error> {
    db.collection::<Document>(INVOICES)
        .update_one(
            doc! { "_id": id, EMAILS_DUE: claimed },
            doc! { "$unset": { EMAILS_DUE: "" } },
        )
        .await
        .map(|_| ())
}

/// Records that credit note `note` of invoice `id` was emailed to `to`: the one that
/// cancelled it, or (`reduces`) one of those that reduced it, found by its number.
pub async fn credit_note_emailed(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    note: &CreditNoteDoc,
    to: &str,
    now: DateTime,
) -> Result<(), mongodb::error::Error> {
    let (filter, path) = note_path(owner, id, note);
    let set = doc! { format!("{path}.emailed_to"): to, format!("{path}.emailed_at"): now };
    let unset = doc! { format!("{path}.email_owed_until"): "" };
    db.collection::<Document>(INVOICES)
        .update_one(filter, doc! { "$set": set, "$unset": unset })
        .await
        .map(|_| ())
}

/// PayTrack stops trying credit note `note`'s email (no address, refused, or a day gone by):
/// the invoice page offers the owner to email it or send the PDF.
pub async fn credit_note_email_given_up(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    note: &CreditNoteDoc,
) -> Result<(), mongodb::error::Error> {
    let (filter, path) = note_path(owner, id, note);
    db.collection::<Document>(INVOICES)
        .update_one(
            filter,
            doc! { "$unset": { format!("{path}.email_owed_until"): "" } },
        )
        .await
        .map(|_| ())
}

/// The filter that finds `note` on its invoice, and the path of its fields in the update.
fn note_path(owner: ObjectId, id: ObjectId, note: &CreditNoteDoc) -> (Document, &'static str) {
    if note.reduces.is_some() {
        (
            doc! { "_id": id, "user_id": owner, "reductions.number": &note.number },
            "reductions.$",
        )
    } else {
        (
            doc! { "_id": id, "user_id": owner, "credit_note.number": &note.number },
            "credit_note",
        )
    }
}
