//! What an invoice is paid through in the user's Stripe, and when reconciliation looks next.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc, to_bson};
use mongodb::options::ReturnDocument;

use super::super::schema::INVOICES;
use super::model::*;
use crate::domain::pay_with::PayWith;
use crate::domain::stripe_pay::{PayState, StripePay};

/// Reconciliation first asks Stripe this long after a payment link goes out.
pub const FIRST_CHECK_MS: i64 = 10 * 60 * 1000;

/// How long a checkout page opened on a payment link can still be paid after the link stops
/// taking new ones: Stripe expires a checkout session 24 hours after it was created.
pub const QUIET_LINK_MS: i64 = 24 * 60 * 60 * 1000;

/// Reconciliation asks about quiet links this often (for accounts without a webhook), and
/// reads such accounts' events.
pub const QUIET_CHECK_MINUTES: i64 = 15;
const QUIET_CHECK_MS: i64 = QUIET_CHECK_MINUTES * 60 * 1000;

fn after(now: DateTime, ms: i64) -> DateTime {
    DateTime::from_millis(now.timestamp_millis().saturating_add(ms))
}

/// Puts `stripe` in place of what the client paid through; a payment link replaced is kept
/// in `retired_links`, so money paid through a checkout page opened before still finds the
/// invoice.
pub async fn replace_stripe(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    old: &StripePay,
    stripe: &StripePay,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = doc! {
        "stripe": to_bson(stripe)?,
        "stripe_check_at": after(now, FIRST_CHECK_MS),
    };
    let mut update = Document::new();
    if old.mode == PayWith::PaymentLink {
        set.insert("quiet_links_until", after(now, QUIET_LINK_MS));
        update.insert("$addToSet", doc! { "retired_links": &old.object_id });
    }
    update.insert("$set", set);
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(doc! { "_id": id, "user_id": owner }, update)
        .return_document(ReturnDocument::After)
        .await?)
}

/// Moves the payment's state, only while the invoice still pays through `object_id`.
pub async fn set_pay_state(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    object_id: &str,
    state: PayState,
    reference: Option<&str>,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = doc! { "stripe.state": to_bson(&state)? };
    if let Some(reference) = reference {
        set.insert("stripe.reference", reference);
    }
    // A link that stops taking payments may still be paid on a page opened before: looked at
    // once more soon (reconciliation goes on only for accounts without a webhook).
    if matches!(state, PayState::Paid | PayState::Closed) {
        let now = DateTime::now();
        set.insert("quiet_links_until", after(now, QUIET_LINK_MS));
        set.insert("stripe_check_at", after(now, QUIET_CHECK_MS));
    }
    let update = doc! { "$set": set };
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "stripe.object_id": object_id },
            update,
        )
        .return_document(ReturnDocument::After)
        .await?)
}

/// Notes a payment the invoice did not expect; false when it was noted before (the same
/// news from a webhook and from reconciliation is noted once).
pub async fn note_extra_payment(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    extra: &ExtraPayment,
) -> Result<bool, WriteError> {
    let result = db
        .collection::<InvoiceDoc>(INVOICES)
        .update_one(
            doc! {
                "_id": id,
                "user_id": owner,
                "extra_payments.reference": { "$ne": &extra.reference },
            },
            doc! { "$push": { "extra_payments": to_bson(extra)? } },
        )
        .await?;
    Ok(result.modified_count == 1)
}

/// Stores what changed on an extra payment (refunded by the user, disputed by the payer's
/// bank), if the invoice's extra payments are still `before`.
pub async fn note_extra_payments(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    before: &[ExtraPayment],
    after: &[ExtraPayment],
) -> Result<Option<InvoiceDoc>, WriteError> {
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "extra_payments": to_bson(before)? },
            doc! { "$set": { "extra_payments": to_bson(after)?, "updated_at": DateTime::now() } },
        )
        .return_document(ReturnDocument::After)
        .await?)
}

/// Gives the payment `payment` of `invoice` Stripe's PaymentIntent, if the invoice's payments
/// are still as read (same amount paid, the payment on it).
pub async fn name_stripe_payment(
    db: &Database,
    invoice: &InvoiceDoc,
    payment: ObjectId,
    payment_intent: &str,
) -> Result<bool, WriteError> {
    let payments = invoice.payments_with(payment, |p| {
        p.stripe_payment = Some(payment_intent.to_string());
    });
    let result = db
        .collection::<InvoiceDoc>(INVOICES)
        .update_one(
            doc! {
                "_id": invoice.id, "user_id": invoice.user_id,
                "paid_minor": invoice.paid_minor, "payments.id": payment,
            },
            doc! { "$set": { "payments": to_bson(&payments)? } },
        )
        .await?;
    Ok(result.modified_count == 1)
}

/// Stores what changed on `payment` of `invoice` (`payments_after`) without moving money,
/// if the payment's dispute is still as read and nothing was paid meanwhile.
pub async fn note_on_payment(
    db: &Database,
    invoice: &InvoiceDoc,
    payment: &PaymentDoc,
    payments_after: &[PaymentDoc],
) -> Result<Option<InvoiceDoc>, WriteError> {
    let as_read = match &payment.dispute {
        Some(dispute) => doc! {
            "id": payment.id, "dispute.id": dispute.id.as_str(),
            "dispute.status": dispute.status.as_str(),
            "dispute.moves": i32::from(dispute.moves),
            "dispute.uncounted_minor": if dispute.uncounted_minor == 0 {
                to_bson(&doc! { "$exists": false })?
            } else {
                to_bson(&dispute.uncounted_minor)?
            },
        },
        None => doc! { "id": payment.id, "dispute": { "$exists": false } },
    };
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! {
                "_id": invoice.id, "user_id": invoice.user_id, "paid_minor": invoice.paid_minor,
                "payments": { "$elemMatch": as_read },
            },
            doc! { "$set": { "payments": to_bson(payments_after)?, "updated_at": DateTime::now() } },
        )
        .return_document(ReturnDocument::After)
        .await?)
}

/// The invoice of `owner` that Stripe's PaymentIntent `payment_intent` paid, as one of its
/// payments or as money it did not expect.
pub async fn by_stripe_payment(
    db: &Database,
    owner: ObjectId,
    payment_intent: &str,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one(doc! {
            "user_id": owner,
            "$or": [
                { "payments.stripe_payment": payment_intent },
                { "extra_payments.stripe_payment": payment_intent },
            ],
        })
        .await
}

/// The invoices of `owner` whose payment through Stripe account `account` in its test or live
/// mode can still take money (open, or failed and open to a new try).
pub async fn taking_payments(
    db: &Database,
    owner: ObjectId,
    (account, livemode): (&str, bool),
) -> Result<Vec<InvoiceDoc>, mongodb::error::Error> {
    let states = [to_bson(&PayState::Open), to_bson(&PayState::Failed)]
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    db.collection::<InvoiceDoc>(INVOICES)
        .find(doc! {
            "user_id": owner,
            "stripe.account_id": account,
            // The mode's own, and those made before the mode was recorded.
            "stripe.livemode": { "$ne": !livemode },
            "stripe.state": { "$in": states },
        })
        .await?
        .try_collect()
        .await
}

/// The invoice of `owner` that pays through Stripe object `object_id`.
pub async fn by_stripe_object(
    db: &Database,
    owner: ObjectId,
    object_id: &str,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one(doc! { "user_id": owner, "stripe.object_id": object_id })
        .await
}

/// The invoice of `owner` that once paid through payment link `link`, since replaced.
pub async fn by_retired_link(
    db: &Database,
    owner: ObjectId,
    link: &str,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one(doc! { "user_id": owner, "retired_links": link })
        .await
}

/// Takes the payment due a look from reconciliation longest ago (open ones, and links of
/// voided or paid invoices still to be closed), moving its next look to `hold_until`: no other
/// pass — another server's, or another lane of this one — takes it meanwhile, and one cut
/// short is looked at again then. `None` when nothing is due at `now`.
pub async fn claim_stripe_check(
    db: &Database,
    now: DateTime,
    hold_until: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "stripe_check_at": { "$lte": now } },
            doc! { "$set": { "stripe_check_at": hold_until } },
        )
        .sort(doc! { "stripe_check_at": 1 })
        .return_document(ReturnDocument::After)
        .await
}

/// When reconciliation looks at this invoice next.
pub async fn set_stripe_check_at(
    db: &Database,
    id: ObjectId,
    at: Option<DateTime>,
) -> Result<(), mongodb::error::Error> {
    let update = match at {
        Some(at) => doc! { "$set": { "stripe_check_at": at } },
        None => doc! { "$unset": { "stripe_check_at": "" } },
    };
    db.collection::<InvoiceDoc>(INVOICES)
        .update_one(doc! { "_id": id }, update)
        .await
        .map(|_| ())
}
