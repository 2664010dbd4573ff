//! The people and companies a user bills. Every function takes the owner's id and puts it in
//! the filter, so an id from another account finds nothing.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

use super::schema::CLIENTS;
use crate::domain::client::{Client, ClientInput};
use crate::domain::money::Currency;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub user_id: ObjectId,
    pub name: String,
    /// Lower-cased name and company, for sorting and case-insensitive search.
    pub sort_name: String,
    pub emails: Vec<String>,
    pub company: Option<String>,
    pub address: Option<String>,
    pub currency: Currency,
    pub notes: Option<String>,
    pub reminders: bool,
    pub archived: bool,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl ClientDoc {
    /// The form's text for this client, to edit it.
    pub fn to_input(&self) -> ClientInput {
        ClientInput {
            name: self.name.clone(),
            emails: self.emails.join(", "),
            company: self.company.clone().unwrap_or_default(),
            address: self.address.clone().unwrap_or_default(),
            currency: self.currency.code().to_string(),
            notes: self.notes.clone().unwrap_or_default(),
            reminders: self.reminders,
        }
    }
}

fn sort_name(client: &Client) -> String {
    match &client.company {
        Some(company) => format!("{} {}", client.name, company).to_lowercase(),
        None => client.name.to_lowercase(),
    }
}

fn fields(client: &Client, now: DateTime) -> mongodb::bson::Document {
    doc! {
        "name": &client.name,
        "sort_name": sort_name(client),
        "emails": client.emails.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        "company": &client.company,
        "address": &client.address,
        "currency": client.currency.code(),
        "notes": &client.notes,
        "reminders": client.reminders,
        "updated_at": now,
    }
}

pub async fn insert(
    db: &Database,
    owner: ObjectId,
    client: &Client,
    now: DateTime,
) -> Result<ClientDoc, mongodb::error::Error> {
    let doc = ClientDoc {
        id: ObjectId::new(),
        user_id: owner,
        name: client.name.clone(),
        sort_name: sort_name(client),
        emails: client.emails.iter().map(|e| e.to_string()).collect(),
        company: client.company.clone(),
        address: client.address.clone(),
        currency: client.currency,
        notes: client.notes.clone(),
        reminders: client.reminders,
        archived: false,
        created_at: now,
        updated_at: now,
    };
    db.collection::<ClientDoc>(CLIENTS).insert_one(&doc).await?;
    Ok(doc)
}

pub async fn get(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
) -> Result<Option<ClientDoc>, mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .find_one(doc! { "_id": id, "user_id": owner })
        .await
}

pub async fn update(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    client: &Client,
    now: DateTime,
) -> Result<Option<ClientDoc>, mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner },
            doc! { "$set": fields(client, now) },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Archiving hides a client from pickers and lists without touching its invoices.
pub async fn set_archived(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    archived: bool,
    now: DateTime,
) -> Result<Option<ClientDoc>, mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner },
            doc! { "$set": { "archived": archived, "updated_at": now } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// The owner's clients by name; `search` matches name, company or email, case-insensitively.
pub async fn list(
    db: &Database,
    owner: ObjectId,
    include_archived: bool,
    search: &str,
    limit: i64,
) -> Result<Vec<ClientDoc>, mongodb::error::Error> {
    let mut filter = doc! { "user_id": owner };
    if !include_archived {
        filter.insert("archived", false);
    }
    let search = search.trim();
    if !search.is_empty() {
        let pattern = regex_escape(&search.to_lowercase());
        filter.insert(
            "$or",
            vec![
                doc! { "sort_name": { "$regex": &pattern } },
                doc! { "emails": { "$regex": &pattern } },
            ],
        );
    }
    db.collection::<ClientDoc>(CLIENTS)
        .find(filter)
        .sort(doc! { "sort_name": 1, "_id": 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}

pub async fn count_active(db: &Database, owner: ObjectId) -> Result<u64, mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .count_documents(doc! { "user_id": owner, "archived": false })
        .await
}

/// Text a user typed, matched literally inside a `$regex`.
pub fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
