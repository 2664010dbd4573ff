//! The Stripe customers kept on a client (`clients.stripe_customers`): one per connected
//! account and mode, with what Stripe was last given as the client's name and address
//! (`server::stripe::customers` finds, makes and readdresses them).

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc};
use serde::{Deserialize, Serialize};

use super::schema::CLIENTS;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StripeCustomer {
    pub account_id: String,
    /// The mode it was made in: an account's test and live objects never meet, so a customer
    /// made with a test key does not exist for the live key. `None`: kept before PayTrack
    /// recorded the mode; such a customer is found again at Stripe rather than trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livemode: Option<bool>,
    pub customer_id: String,
    /// What Stripe was last given as the customer's name and address; `None` for customers
    /// kept before PayTrack recorded it (given again with their next hosted invoice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed_as: Option<BilledAs>,
}

/// Who a Stripe-hosted invoice is addressed to: Stripe copies the customer's name and address
/// onto an invoice when it is finalized, and shows them on its page and its PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilledAs {
    pub name: String,
    pub email: Option<String>,
}

impl BilledAs {
    fn to_document(&self) -> Document {
        doc! { "name": &self.name, "email": &self.email }
    }
}

/// Keeps the Stripe customer made for `client` in `account_id`'s test or live mode (the first
/// one kept wins).
pub async fn add_stripe_customer(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
    (account_id, livemode): (&str, bool),
    customer_id: &str,
    billed_as: &BilledAs,
) -> Result<(), mongodb::error::Error> {
    db.collection::<Document>(CLIENTS)
        .update_one(
            doc! {
                "_id": client,
                "user_id": owner,
                "stripe_customers": { "$not": { "$elemMatch": {
                    "account_id": account_id,
                    "livemode": livemode,
                } } },
            },
            doc! { "$push": { "stripe_customers": {
                "account_id": account_id,
                "livemode": livemode,
                "customer_id": customer_id,
                "billed_as": billed_as.to_document(),
            } } },
        )
        .await
        .map(|_| ())
}

/// Records what the client's Stripe customer `customer_id` in `account_id`'s test or live mode
/// was last given.
pub async fn set_billed_as(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
    (account_id, livemode): (&str, bool),
    customer_id: &str,
    billed_as: &BilledAs,
) -> Result<(), mongodb::error::Error> {
    db.collection::<Document>(CLIENTS)
        .update_one(
            doc! {
                "_id": client,
                "user_id": owner,
                "stripe_customers": { "$elemMatch": {
                    "account_id": account_id,
                    "livemode": livemode,
                    "customer_id": customer_id,
                } },
            },
            doc! { "$set": { "stripe_customers.$.billed_as": billed_as.to_document() } },
        )
        .await
        .map(|_| ())
}
