//! Everything PayTrack holds about one user, gathered for export or removed for deletion. Both
//! walk `schema::COLLECTIONS`, so a new collection that holds user data is covered by adding
//! it there.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::{Bson, Document, doc};

use super::schema::{COLLECTIONS, INVOICES, LOGIN_TOKENS, OUTBOX, STRIPE_CONNECTIONS, USERS};
use super::users::UserDoc;

/// The filter that finds a user's documents in `collection`.
fn owned_by(collection: &str, user: &UserDoc) -> Document {
    match collection {
        USERS => doc! { "_id": user.id },
        // Login links are requested by address, before any account exists.
        LOGIN_TOKENS => doc! { "$or": [{ "email": &user.email }, { "change_for": user.id }] },
        OUTBOX => doc! { "to": &user.email },
        _ => doc! { "user_id": user.id },
    }
}

/// Keeps internal keys out of the export: `_id` is a hash of a secret (session id, login
/// token) everywhere but in `users`, where it becomes the readable account id.
fn redact(collection: &str, document: &mut Document) {
    let id = document.remove("_id");
    if collection == USERS
        && let Some(Bson::ObjectId(id)) = id
    {
        document.insert("id", id.to_hex());
    }
    document.remove("user_id");
    // The pieces of an invoice's search text are an index of its number and client, which the
    // invoice itself holds.
    if collection == INVOICES {
        document.remove("search_grams");
        // The link a draft whose send failed will go out with: live once it is sent.
        document.remove("send_token");
    }
    // The Stripe key and signing secret stay sealed on the server, even from their owner: the
    // export is a file that travels. The last four characters say which key it was.
    if collection == STRIPE_CONNECTIONS {
        document.remove("key");
        document.remove("hook_id");
        if let Some(Bson::Document(webhook)) = document.get_mut("webhook") {
            webhook.remove("secret");
        }
    }
}

/// What stands in an export where a client's link was: the link opens the invoice (and its
/// payment) for anyone who holds it, and an export is a file that travels.
pub const LINK_LEFT_OUT: &str = "[client link left out of the export]";

/// The invoice page tokens of the user's invoices: live links, kept out of the export.
async fn client_links(db: &Database, user: &UserDoc) -> Result<Vec<String>, mongodb::error::Error> {
    let invoices: Vec<Document> = db
        .collection::<Document>(INVOICES)
        .find(doc! { "user_id": user.id, "public_token": { "$type": "string" } })
        .projection(doc! { "public_token": 1 })
        .await?
        .try_collect()
        .await?;
    Ok(invoices
        .iter()
        .filter_map(|invoice| invoice.get_str("public_token").ok())
        .filter(|token| !token.is_empty())
        .map(str::to_string)
        .collect())
}

/// Replaces every client link token anywhere in `value` (the invoice's own field, the
/// rendered emails and timelines that carry the link) with [`LINK_LEFT_OUT`].
fn scrub_links(value: &mut Bson, tokens: &[String]) {
    match value {
        Bson::String(text) => {
            for token in tokens {
                if text.contains(token.as_str()) {
                    *text = text.replace(token.as_str(), LINK_LEFT_OUT);
                }
            }
        }
        Bson::Document(document) => {
            for (_, field) in document.iter_mut() {
                scrub_links(field, tokens);
            }
        }
        Bson::Array(items) => {
            for item in items {
                scrub_links(item, tokens);
            }
        }
        _ => {}
    }
}

/// One JSON-ready document: collection name → that collection's documents of the user.
pub async fn export(db: &Database, user: &UserDoc) -> Result<Document, mongodb::error::Error> {
    let tokens = client_links(db, user).await?;
    let mut export = Document::new();
    // The dev outbox holds login links, which are secrets; the email log of invoices and
    // reminders is exported from its own collection.
    for spec in COLLECTIONS
        .iter()
        .filter(|s| s.holds_user_data && s.name != OUTBOX)
    {
        let mut documents: Vec<Document> = db
            .collection::<Document>(spec.name)
            .find(owned_by(spec.name, user))
            .await?
            .try_collect()
            .await?;
        for document in &mut documents {
            redact(spec.name, document);
        }
        let mut documents = Bson::from(documents);
        scrub_links(&mut documents, &tokens);
        export.insert(spec.name, documents);
    }
    Ok(export)
}

/// Removes every document of the user from every collection; returns how many went.
pub async fn delete(db: &Database, user: &UserDoc) -> Result<u64, mongodb::error::Error> {
    // Batches hold emails of many users; the user's own leave them.
    let mut removed = super::email_batches::forget_user(db, user.id).await?;
    for spec in COLLECTIONS.iter().filter(|s| s.holds_user_data) {
        removed += super::auth_epoch::write(
            db.collection::<Document>(spec.name)
                .delete_many(owned_by(spec.name, user)),
        )
        .await?
        .deleted_count;
    }
    Ok(removed)
}
