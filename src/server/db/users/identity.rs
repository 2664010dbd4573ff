//! How an account is known: its sign-in address (changed, and lower-cased by a migration),
//! its Google account and picture.

use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;
use mongodb::options::ReturnDocument;

use super::UserDoc;
use crate::server::db::auth_epoch::write;
use crate::server::db::schema::{USERS, is_duplicate_key};

/// Makes `email` (already lower-cased) the account's sign-in address. `Ok(None)` when the
/// account is gone; a duplicate-key error when another account signs in with it.
pub async fn change_email(
    db: &Database,
    id: ObjectId,
    email: &str,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    super::set_returning(db, id, doc! { "email": email }).await
}

/// Forgets the account's picture, and that Google should bring it back.
pub async fn remove_picture(
    db: &Database,
    id: ObjectId,
) -> Result<Option<UserDoc>, mongodb::error::Error> {
    write(
        db.collection::<UserDoc>(USERS)
            .find_one_and_update(
                doc! { "_id": id },
                doc! { "$set": { "picture_removed": true }, "$unset": { "picture": "" } },
            )
            .return_document(ReturnDocument::After),
    )
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
        match write(users.update_one(
            doc! { "_id": user.id, "email": &user.email },
            doc! { "$set": { "email": &lower } },
        ))
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
        write(users.update_one(
            doc! { "_id": id, "picture_removed": { "$ne": true } },
            doc! { "$set": { "picture": picture } },
        ))
        .await?;
    }
    write(
        users
            .find_one_and_update(
                doc! { "_id": id },
                doc! { "$set": { "google_id": google_id } },
            )
            .return_document(ReturnDocument::After),
    )
    .await
}
