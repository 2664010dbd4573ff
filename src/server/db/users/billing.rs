//! The user's PayTrack subscription, as Stripe reports it.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};

use super::{BillingDoc, UserDoc, to_bson};
use crate::server::db::schema::USERS;

/// Records the user's subscription as Stripe reports it now.
pub async fn store_subscription(
    db: &Database,
    user: ObjectId,
    customer_id: &str,
    subscription_id: &str,
    subscription: &crate::domain::plan::Subscription,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    let billing = BillingDoc {
        customer_id: customer_id.to_string(),
        subscription_id: Some(subscription_id.to_string()),
        subscription: Some(subscription.clone()),
        updated_at: DateTime::now(),
    };
    let billing = to_bson(&billing)?;
    super::set_returning(db, user, doc! { "billing": billing }).await
}

/// The user who is `customer_id` in PayTrack's Stripe account.
pub async fn by_billing_customer(
    db: &Database,
    customer_id: &str,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .find_one(doc! { "billing.customer_id": customer_id })
        .await
}

/// The accounts on Pro at `now` (unix seconds) by their subscription, ids only: the same rule
/// as `Subscription::plan_at`, asked of the database so no account is loaded to learn it.
pub async fn pro_ids(db: &Database, now: i64) -> Result<Vec<ObjectId>, mongodb::error::Error> {
    use crate::domain::plan::BillingStatus;
    use futures::TryStreamExt;

    let paying: Vec<&str> = BillingStatus::PRO_ALWAYS.iter().map(|s| s.key()).collect();
    let filter = doc! { "$or": [
        { "billing.subscription.status": { "$in": paying } },
        {
            "billing.subscription.status": BillingStatus::Canceled.key(),
            "billing.subscription.current_period_end": { "$gt": now },
        },
    ] };
    let ids: Vec<mongodb::bson::Document> = db
        .collection::<mongodb::bson::Document>(USERS)
        .find(filter)
        .projection(doc! { "_id": 1 })
        .await?
        .try_collect()
        .await?;
    Ok(ids
        .iter()
        .filter_map(|row| row.get_object_id("_id").ok())
        .collect())
}
