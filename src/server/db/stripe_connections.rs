//! A user's connection to their own Stripe account: the API key and webhook signing secret,
//! each sealed (server/crypto.rs), what the key opens, and how clients pay. One per user.
//! The sealed values never leave the server: views are built from the other fields.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc, to_bson};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

use super::schema::STRIPE_CONNECTIONS;
use super::sealed::Sealed;
use crate::domain::pay_with::PayWith;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StripeConnectionDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub user_id: ObjectId,
    pub account_id: String,
    pub account_name: String,
    pub country: String,
    pub default_currency: String,
    pub livemode: bool,
    /// "restricted" or "secret".
    pub key_kind: String,
    pub key_last4: String,
    pub key: Sealed,
    /// The opaque part of this connection's webhook URL (`/webhooks/stripe/connected/{id}`).
    pub hook_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookDoc>,
    pub pay_with: PayWith,
    /// Email the user when a client pays ("you got paid").
    #[serde(default = "on")]
    pub notify_paid: bool,
    /// Email the client a receipt when they pay.
    #[serde(default = "on")]
    pub client_receipts: bool,
    /// Set when Stripe refused the key (revoked, expired): nothing is created until the user
    /// connects a working key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<Broken>,
    pub connected_at: DateTime,
    pub updated_at: DateTime,
    /// When the account's list of events is next read for refunds and disputes
    /// (`payments::missed_events`); unset: at the next pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_check_at: Option<DateTime>,
    /// Every refund and dispute event created before this has been read from that list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_read_to: Option<DateTime>,
    /// The permission Stripe named when it last refused to list the account's events (the
    /// key may not read them); unset once a read works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_refused: Option<String>,
}

impl StripeConnectionDoc {
    /// What the ids of this connection's events are recorded under once handled. Per
    /// connection, not per Stripe account: two users may connect the same account, each
    /// hears every event, and one user's "not mine" must not mark the event handled for the
    /// other.
    pub fn event_prefix(&self) -> String {
        format!("stripe:{}:{}", self.user_id, self.account_id)
    }
}

fn on() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookDoc {
    /// The endpoint PayTrack registered through the API; `None` when the user pasted the
    /// secret of an endpoint they added themselves.
    pub endpoint_id: Option<String>,
    pub secret: Sealed,
    pub added_at: DateTime,
    /// Which of PayTrack's lists of events (`stripe::account::EVENTS_VERSION`) the registered
    /// endpoint asks for; 0 for endpoints registered before refunds were read.
    #[serde(default)]
    pub events_version: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Broken {
    pub reason: String,
    pub at: DateTime,
}

pub async fn of_user(
    db: &Database,
    user: ObjectId,
) -> Result<Option<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find_one(doc! { "user_id": user })
        .await
}

pub async fn by_hook_id(
    db: &Database,
    hook_id: &str,
) -> Result<Option<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find_one(doc! { "hook_id": hook_id })
        .await
}

/// Saves `connection` as the user's only one (a new key replaces the old), returning the one
/// it replaced.
pub async fn replace(
    db: &Database,
    connection: &StripeConnectionDoc,
) -> Result<Option<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find_one_and_replace(doc! { "user_id": connection.user_id }, connection)
        .upsert(true)
        .return_document(ReturnDocument::Before)
        .await
}

pub async fn set_webhook(
    db: &Database,
    user: ObjectId,
    webhook: &WebhookDoc,
) -> Result<Option<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find_one_and_update(
            doc! { "user_id": user },
            doc! { "$set": { "webhook": to_bson(webhook)?, "updated_at": DateTime::now() } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Connections whose registered endpoint asks for an older list of events than `version`.
pub async fn with_webhook_events_before(
    db: &Database,
    version: u32,
    limit: i64,
) -> Result<Vec<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find(doc! {
            "webhook.endpoint_id": { "$type": "string" },
            "webhook.events_version": { "$ne": i64::from(version) },
        })
        .limit(limit)
        .await?
        .try_collect()
        .await
}

/// Takes a connection whose list of events is due to be read at `now` (the longest waiting
/// first), moving its next read to `hold_until` in the same write, so another server's pass
/// takes a different one and a read cut short is tried again then. Broken connections wait
/// for a new key.
pub async fn claim_events_read(
    db: &Database,
    now: DateTime,
    hold_until: DateTime,
) -> Result<Option<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find_one_and_update(
            doc! {
                "$or": [{ "events_check_at": { "$lte": now } }, { "events_check_at": null }],
                "broken": { "$exists": false },
            },
            doc! { "$set": { "events_check_at": hold_until } },
        )
        .sort(doc! { "events_check_at": 1 })
        .return_document(ReturnDocument::After)
        .await
}

/// What came of reading a connection's list of events.
pub enum EventsRead {
    /// Every event created before this time is read.
    Upto(DateTime),
    /// Stripe refused the key this permission.
    Refused(String),
    /// Not read this time (Stripe unreachable or refusing for another reason, or no key to
    /// read with).
    NotNow,
}

/// Notes what came of reading connection `id`'s events, and when to read next.
pub async fn set_events_read(
    db: &Database,
    id: ObjectId,
    read: EventsRead,
    next_at: DateTime,
) -> Result<(), mongodb::error::Error> {
    let update = match read {
        EventsRead::Upto(read_to) => doc! {
            "$set": { "events_check_at": next_at, "events_read_to": read_to },
            "$unset": { "events_refused": "" },
        },
        EventsRead::Refused(permission) => doc! {
            "$set": { "events_check_at": next_at, "events_refused": permission },
        },
        EventsRead::NotNow => doc! { "$set": { "events_check_at": next_at } },
    };
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .update_one(doc! { "_id": id }, update)
        .await
        .map(|_| ())
}

/// Notes that the endpoint `endpoint_id` of `user` asks for the events of `version`.
pub async fn set_webhook_events_version(
    db: &Database,
    user: ObjectId,
    endpoint_id: &str,
    version: u32,
) -> Result<(), mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .update_one(
            doc! { "user_id": user, "webhook.endpoint_id": endpoint_id },
            doc! { "$set": { "webhook.events_version": i64::from(version) } },
        )
        .await
        .map(|_| ())
}

pub async fn set_pay_with(
    db: &Database,
    user: ObjectId,
    pay_with: PayWith,
) -> Result<Option<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find_one_and_update(
            doc! { "user_id": user },
            doc! { "$set": { "pay_with": to_bson(&pay_with)?, "updated_at": DateTime::now() } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Marks the connection broken; true only for the call that changed it, so the user is told
/// once. `key_last4` makes sure a newer key connected meanwhile is not marked.
pub async fn mark_broken(
    db: &Database,
    user: ObjectId,
    key_last4: &str,
    reason: &str,
) -> Result<bool, mongodb::error::Error> {
    let changed = db
        .collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .update_one(
            doc! { "user_id": user, "key_last4": key_last4, "broken": { "$exists": false } },
            doc! { "$set": { "broken": { "reason": reason, "at": DateTime::now() } } },
        )
        .await?;
    Ok(changed.modified_count == 1)
}

pub async fn delete(
    db: &Database,
    user: ObjectId,
) -> Result<Option<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find_one_and_delete(doc! { "user_id": user })
        .await
}

/// Every connection, for re-sealing under a new master key.
pub async fn all(db: &Database) -> Result<Vec<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find(doc! {})
        .await?
        .try_collect()
        .await
}

/// Stores re-sealed values, only if the connection still holds the ones they replace.
pub async fn store_resealed(
    db: &Database,
    id: ObjectId,
    old_key: &Sealed,
    key: &Sealed,
    webhook_secret: Option<&Sealed>,
) -> Result<bool, mongodb::error::Error> {
    let mut set = doc! { "key": to_bson(key)? };
    if let Some(secret) = webhook_secret {
        set.insert("webhook.secret", to_bson(secret)?);
    }
    let changed = db
        .collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .update_one(
            doc! { "_id": id, "key": to_bson(old_key)? },
            doc! { "$set": set },
        )
        .await?;
    Ok(changed.modified_count == 1)
}

pub async fn set_payment_emails(
    db: &Database,
    user: ObjectId,
    notify_paid: bool,
    client_receipts: bool,
) -> Result<Option<StripeConnectionDoc>, mongodb::error::Error> {
    db.collection::<StripeConnectionDoc>(STRIPE_CONNECTIONS)
        .find_one_and_update(
            doc! { "user_id": user },
            doc! { "$set": {
                "notify_paid": notify_paid,
                "client_receipts": client_receipts,
                "updated_at": DateTime::now(),
            } },
        )
        .return_document(ReturnDocument::After)
        .await
}
