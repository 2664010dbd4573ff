//! What the user sets about themselves and their invoices: profile, numbering, business
//! details and logo, reminder policy.

use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;

use super::{LogoRef, UserDoc, set_returning, to_bson};
use crate::server::db::auth_epoch::write;
use crate::server::db::schema::USERS;

pub async fn update_profile(
    db: &Database,
    id: ObjectId,
    name: &str,
    time_zone: &str,
    invoice_prefix: &str,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    let fields = doc! { "name": name, "time_zone": time_zone, "invoice_prefix": invoice_prefix };
    set_returning(db, id, fields).await
}

pub async fn set_numbering(
    db: &Database,
    id: ObjectId,
    numbering: crate::domain::invoice_number::Numbering,
) -> Result<(), mongodb::error::Error> {
    let numbering = to_bson(&numbering)?;
    write(db.collection::<UserDoc>(USERS).update_one(
        doc! { "_id": id },
        doc! { "$set": { "numbering": numbering } },
    ))
    .await
    .map(|_| ())
}

/// Replaces the business profile; false when the account is gone.
pub async fn set_business(
    db: &Database,
    id: ObjectId,
    profile: &crate::domain::business::BusinessProfile,
) -> Result<bool, mongodb::error::Error> {
    let profile = to_bson(profile)?;
    let updated = write(
        db.collection::<UserDoc>(USERS)
            .update_one(doc! { "_id": id }, doc! { "$set": { "business": profile } }),
    )
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
    write(
        db.collection::<UserDoc>(USERS)
            .update_one(doc! { "_id": id }, update),
    )
    .await
    .map(|_| ())
}

pub async fn set_reminder_settings(
    db: &Database,
    id: ObjectId,
    settings: &crate::domain::reminder_schedule::ReminderSettings,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    let settings = to_bson(settings)?;
    set_returning(db, id, doc! { "reminders": settings }).await
}
