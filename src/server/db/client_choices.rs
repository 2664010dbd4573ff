//! What pickers read of clients: id, name, company and currency (and where the name sorts), so
//! a picker over a thousand clients reads a fraction of their whole documents (addresses,
//! notes, payment records).

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;
use serde::Deserialize;

use super::schema::CLIENTS;
use crate::domain::money::Currency;

/// A client as a picker offers it.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientChoiceDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub name: String,
    pub sort_name: String,
    pub company: Option<String>,
    pub currency: Currency,
}

/// Which of the owner's clients a picker reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Among {
    /// Archived ones too: what a filter of past invoices offers.
    Every,
    /// Those a new invoice can be for.
    Active,
    /// The one with this id, archived or not.
    Only(ObjectId),
}

/// Up to `limit` of the owner's clients `among`, by name (the `user_id, sort_name, _id` index's
/// order).
pub async fn read(
    db: &Database,
    owner: ObjectId,
    among: Among,
    limit: i64,
) -> Result<Vec<ClientChoiceDoc>, mongodb::error::Error> {
    let mut filter = doc! { "user_id": owner };
    match among {
        Among::Every => {}
        Among::Active => {
            filter.insert("archived", false);
        }
        Among::Only(id) => {
            filter.insert("_id", id);
        }
    }
    db.collection::<ClientChoiceDoc>(CLIENTS)
        .find(filter)
        .projection(doc! { "name": 1, "sort_name": 1, "company": 1, "currency": 1 })
        .sort(doc! { "sort_name": 1, "_id": 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}
