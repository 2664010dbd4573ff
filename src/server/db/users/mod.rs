//! Accounts. One per email address, whatever its capitalisation: addresses are stored and
//! looked up lower-cased, and a unique index makes that hold even under races.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

use super::schema::{USERS, is_duplicate_key};

mod billing;
mod identity;
mod settings;

pub use billing::{by_billing_customer, pro_ids, store_subscription};
pub use identity::{
    Normalized, change_email, find_by_google_id, link_google, normalize_emails, remove_picture,
};
pub use settings::{set_business, set_logo, set_numbering, set_reminder_settings, update_profile};

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

pub async fn find(db: &Database, id: ObjectId) -> Result<Option<UserDoc>, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .find_one(doc! { "_id": id })
        .await
}

/// How many accounts there are.
pub async fn count_all(db: &Database) -> Result<u64, mongodb::error::Error> {
    db.collection::<UserDoc>(USERS)
        .count_documents(doc! {})
        .await
}

/// Sets `fields` on the account and returns it as it is after; `None` when it is gone.
async fn set_returning(
    db: &Database,
    id: ObjectId,
    fields: mongodb::bson::Document,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    super::auth_epoch::write(
        db.collection::<UserDoc>(USERS)
            .find_one_and_update(doc! { "_id": id }, doc! { "$set": fields })
            .return_document(ReturnDocument::After),
    )
    .await
}

/// `value` as BSON for a `$set`.
fn to_bson<T: serde::Serialize>(value: &T) -> Result<mongodb::bson::Bson, mongodb::error::Error> {
    mongodb::bson::to_bson(value).map_err(|e| mongodb::error::Error::custom(e.to_string()))
}
