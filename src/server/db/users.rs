//! Accounts. One per email address, whatever its capitalisation: addresses are stored and
//! looked up lower-cased, and a unique index makes that hold even under races.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

use super::schema::{USERS, is_duplicate_key};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub email: String,
    pub name: String,
    #[serde(default)]
    pub picture: Option<String>,
    /// The user removed their Google picture: Google sign-ins no longer bring it back.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub picture_removed: bool,
    pub time_zone: String,
    pub created_at: DateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_id: Option<String>,
    /// What invoice numbers start with; absent means the default ("INV-").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_prefix: Option<String>,
    /// How invoice numbers count; absent means one sequence for ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbering: Option<crate::domain::invoice_number::Numbering>,
    /// The reminder policy and send hour; absent means the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders: Option<crate::domain::reminder_schedule::ReminderSettings>,
    /// Who the user's invoices say they are from, and the defaults new invoices start from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business: Option<crate::domain::business::BusinessProfile>,
    /// The business logo, when one was uploaded (the image is in `logos`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<LogoRef>,
    /// PayTrack's own subscription, once the user went to Checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<BillingDoc>,
    /// How many reminder steps this user's plan chases with, when it limits them (Free, with
    /// billing on). Never stored: set by `limits::apply` on the user as loaded, so the engine,
    /// the planning and the timeline all read the same effective policy.
    #[serde(skip)]
    pub reminder_step_cap: Option<usize>,
}

/// Which logo the user has: its `version` changes with each upload, so its address does and
/// browsers may keep each version for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoRef {
    pub content_type: String,
    pub version: String,
}

impl LogoRef {
    /// Where the logo is served (under the site's base URL).
    pub fn path(&self, user: ObjectId) -> String {
        format!("/logos/{}/{}", user.to_hex(), self.version)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BillingDoc {
    /// The customer in PayTrack's Stripe account.
    pub customer_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<crate::domain::plan::Subscription>,
    pub updated_at: DateTime,
}

impl UserDoc {
    /// The policy and send hour reminders go out with: what the user saved, cut to what their
    /// plan allows (the saved policy itself is never changed, so upgrading restores it).
    pub fn reminder_settings(&self) -> crate::domain::reminder_schedule::ReminderSettings {
        let mut settings = self.reminders.clone().unwrap_or_default();
        if let Some(cap) = self.reminder_step_cap {
            settings.policy = settings.policy.first(cap);
        }
        settings
    }

    /// What the user saved, whatever their plan (the settings form edits this).
    pub fn saved_reminder_settings(&self) -> crate::domain::reminder_schedule::ReminderSettings {
        self.reminders.clone().unwrap_or_default()
    }

    pub fn invoice_prefix(&self) -> crate::domain::invoice_number::NumberPrefix {
        self.invoice_prefix
            .as_deref()
            .and_then(|p| crate::domain::invoice_number::NumberPrefix::parse(p).ok())
            .unwrap_or_default()
    }
}

/// What a first sign-in knows about the person.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub time_zone: &'a str,
}

/// Finds the account for `email`, creating it on first sign-in. Returns the account and
/// whether it was just created.
pub async fn find_or_create(
    db: &Database,
    new: NewUser<'_>,
) -> Result<(UserDoc, bool), mongodb::error::Error> {
    let users = db.collection::<UserDoc>(USERS);
    let id = ObjectId::new();
    let email = new.email.trim().to_lowercase();
    let upsert = || {
        users
            .find_one_and_update(
                doc! { "email": &email },
                doc! { "$setOnInsert": {
                    "_id": id,
                    "email": &email,
                    "name": new.name,
                    "time_zone": new.time_zone,
                    "created_at": DateTime::now(),
                }},
            )
            .upsert(true)
            .return_document(ReturnDocument::After)
    };
    // Two first sign-ins at once: one upsert wins, the other hits the unique index and then
    // finds the winner's document.
    let user = match upsert().await {
        Ok(user) => user,
        Err(err) if is_duplicate_key(&err) => upsert().await?,
        Err(err) => return Err(err),
    };
    match user {
        Some(user) => {
            let created = user.id == id;
            Ok((user, created))
        }
        None => Err(mongodb::error::Error::custom(
            "upsert returned no document".to_string(),
        )),
    }
}

/// The account signed in as `email`, if there is one.
pub async fn find_by_email(
    db: &Database,
    email: &str,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .find_one(doc! { "email": email.trim().to_lowercase() })
        .await
}

/// Makes `email` (already lower-cased) the account's sign-in address. `Ok(None)` when the
/// account is gone; a duplicate-key error when another account signs in with it.
pub async fn change_email(
    db: &Database,
    id: ObjectId,
    email: &str,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .find_one_and_update(doc! { "_id": id }, doc! { "$set": { "email": email } })
        .return_document(ReturnDocument::After)
        .await
}

/// Forgets the account's picture, and that Google should bring it back.
pub async fn remove_picture(
    db: &Database,
    id: ObjectId,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .find_one_and_update(
            doc! { "_id": id },
            doc! { "$set": { "picture_removed": true }, "$unset": { "picture": "" } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// What the start-up migration to lower-cased addresses did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    pub changed: u64,
    /// Accounts left as they were because another account already has the lower-cased
    /// address (made before addresses were normalised); the operator merges or removes them.
    pub conflicts: Vec<ObjectId>,
}

/// Lower-cases every sign-in address that is not yet, oldest account first. Safe to run on
/// every start-up and from several servers at once.
pub async fn normalize_emails(db: &Database) -> Result<Normalized, mongodb::error::Error> {
    use futures::TryStreamExt;
    let users = db.collection::<UserDoc>(USERS);
    let mixed: Vec<UserDoc> = users
        .find(doc! { "email": { "$regex": "[A-Z]" } })
        .sort(doc! { "created_at": 1, "_id": 1 })
        .await?
        .try_collect()
        .await?;
    let mut done = Normalized::default();
    for user in mixed {
        let lower = user.email.to_lowercase();
        match users
            .update_one(
                doc! { "_id": user.id, "email": &user.email },
                doc! { "$set": { "email": &lower } },
            )
            .await
        {
            Ok(result) => done.changed += result.modified_count,
            Err(err) if is_duplicate_key(&err) => {
                tracing::warn!(user = %user.id, "another account already signs in with this address in lower case; this one keeps its address until an operator merges them");
                done.conflicts.push(user.id);
            }
            Err(err) => return Err(err),
        }
    }
    Ok(done)
}

pub async fn find(db: &Database, id: ObjectId) -> Result<Option<UserDoc>, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .find_one(doc! { "_id": id })
        .await
}

pub async fn update_profile(
    db: &Database,
    id: ObjectId,
    name: &str,
    time_zone: &str,
    invoice_prefix: &str,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .find_one_and_update(
            doc! { "_id": id },
            doc! { "$set": { "name": name, "time_zone": time_zone, "invoice_prefix": invoice_prefix } },
        )
        .return_document(ReturnDocument::After)
        .await
}

pub async fn set_numbering(
    db: &Database,
    id: ObjectId,
    numbering: crate::domain::invoice_number::Numbering,
) -> Result<(), mongodb::error::Error> {
    let numbering = mongodb::bson::to_bson(&numbering)
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    db.collection::<UserDoc>(USERS)
        .update_one(
            doc! { "_id": id },
            doc! { "$set": { "numbering": numbering } },
        )
        .await
        .map(|_| ())
}

/// Replaces the business profile; false when the account is gone.
pub async fn set_business(
    db: &Database,
    id: ObjectId,
    profile: &crate::domain::business::BusinessProfile,
) -> Result<bool, mongodb::error::Error> {
    let profile = mongodb::bson::to_bson(profile)
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    let updated = db
        .collection::<UserDoc>(USERS)
        .update_one(doc! { "_id": id }, doc! { "$set": { "business": profile } })
        .await?;
    Ok(updated.matched_count == 1)
}

/// Points the account at its logo (or at none).
pub async fn set_logo(
    db: &Database,
    id: ObjectId,
    logo: Option<&LogoRef>,
) -> Result<(), mongodb::error::Error> {
    let update = match logo {
        Some(logo) => {
            doc! { "$set": { "logo": { "content_type": &logo.content_type, "version": &logo.version } } }
        }
        None => doc! { "$unset": { "logo": "" } },
    };
    db.collection::<UserDoc>(USERS)
        .update_one(doc! { "_id": id }, update)
        .await
        .map(|_| ())
}

pub async fn find_by_google_id(
    db: &Database,
    google_id: &str,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .find_one(doc! { "google_id": google_id })
        .await
}

/// Attaches a Google account to the user, and its picture when the user has none yet.
pub async fn link_google(
    db: &Database,
    id: ObjectId,
    google_id: &str,
    picture: Option<&str>,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    let users = db.collection::<UserDoc>(USERS);
    // Each Google sign-in brings the current picture, unless the user removed it.
    if let Some(picture) = picture {
        users
            .update_one(
                doc! { "_id": id, "picture_removed": { "$ne": true } },
                doc! { "$set": { "picture": picture } },
            )
            .await?;
    }
    users
        .find_one_and_update(
            doc! { "_id": id },
            doc! { "$set": { "google_id": google_id } },
        )
        .return_document(ReturnDocument::After)
        .await
}

pub async fn set_reminder_settings(
    db: &Database,
    id: ObjectId,
    settings: &crate::domain::reminder_schedule::ReminderSettings,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    let settings = mongodb::bson::to_bson(settings)
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    db.collection::<UserDoc>(USERS)
        .find_one_and_update(
            doc! { "_id": id },
            doc! { "$set": { "reminders": settings } },
        )
        .return_document(ReturnDocument::After)
        .await
}

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
    let billing = mongodb::bson::to_bson(&billing)
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    db.collection::<UserDoc>(USERS)
        .find_one_and_update(
            doc! { "_id": user },
            doc! { "$set": { "billing": billing } },
        )
        .return_document(ReturnDocument::After)
        .await
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

/// How many accounts there are.
pub async fn count_all(db: &Database) -> Result<u64, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .count_documents(doc! {})
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
