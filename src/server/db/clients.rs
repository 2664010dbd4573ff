//! The people and companies a user bills. Every function takes the owner's id and puts it in
//! the filter, so an id from another account finds nothing.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

use super::late_payers;
use super::schema::CLIENTS;
use super::stripe_customers::StripeCustomer;
use crate::domain::client::{Client, ClientInput};
use crate::domain::country::Country;
use crate::domain::date::CalendarDate;
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    pub currency: Currency,
    pub notes: Option<String>,
    pub reminders: bool,
    pub archived: bool,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    /// Set when Resend reports an address of this client bounced or complained; cleared when
    /// the user edits the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_problem: Option<EmailProblem>,
    /// The Stripe customer made for this client in each of the user's Stripe accounts (for
    /// Stripe-hosted invoices), so one client is one customer there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stripe_customers: Vec<StripeCustomer>,
    /// How they pay, as last worked out from their invoices (`db::pay_habits`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub habits: Option<crate::domain::pay_habits::PayHabits>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailProblem {
    pub address: String,
    /// "bounced" or "complained".
    pub kind: String,
    pub at: DateTime,
}

impl EmailProblem {
    /// What the user reads on the client's page; `on` is the day of `at` in the user's zone.
    pub fn message(&self, on: CalendarDate) -> String {
        let when = on.long();
        match self.kind.as_str() {
            "complained" => format!(
                "{} marked an email from you as spam on {when}. PayTrack sends nothing more to that address; edit the client to change it.",
                self.address
            ),
            _ => format!(
                "Email to {} bounced on {when}: the address doesn't accept mail. Edit the client to fix it; reminders to it are paused until then.",
                self.address
            ),
        }
    }
}

impl ClientDoc {
    /// The form's text for this client, to edit it.
    pub fn to_input(&self) -> ClientInput {
        ClientInput {
            name: self.name.clone(),
            emails: self.emails.join(", "),
            company: self.company.clone().unwrap_or_default(),
            address: self.address.clone().unwrap_or_default(),
            country: self
                .country
                .map(|c| c.code().to_string())
                .unwrap_or_default(),
            tax_id: self.tax_id.clone().unwrap_or_default(),
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
        "country": client.country.map(|c| c.code()),
        "tax_id": &client.tax_id,
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
        stripe_customers: Vec::new(),
        id: ObjectId::new(),
        user_id: owner,
        name: client.name.clone(),
        sort_name: sort_name(client),
        emails: client.emails.iter().map(|e| e.to_string()).collect(),
        company: client.company.clone(),
        address: client.address.clone(),
        country: client.country,
        tax_id: client.tax_id.clone(),
        currency: client.currency,
        notes: client.notes.clone(),
        reminders: client.reminders,
        archived: false,
        created_at: now,
        updated_at: now,
        email_problem: None,
        habits: None,
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
    let update = doc! { "$set": fields(client, now), "$unset": { "email_problem": "" } };
    change(db, owner, id, update).await
}

/// Archiving hides a client from pickers and lists without touching its invoices.
pub async fn set_archived(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    archived: bool,
    now: DateTime,
) -> Result<Option<ClientDoc>, mongodb::error::Error> {
    let update = doc! { "$set": { "archived": archived, "updated_at": now } };
    change(db, owner, id, update).await
}

/// Applies `update` to the owner's client, then keeps who pays latest (`late_payers`): a
/// client's name, archiving or payment record can move them on or off that list. The client
/// as it is after, or `None` when the owner has no such client.
pub async fn change(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    update: Document,
) -> Result<Option<ClientDoc>, mongodb::error::Error> {
    let saved = db
        .collection::<ClientDoc>(CLIENTS)
        .find_one_and_update(doc! { "_id": id, "user_id": owner }, update)
        .return_document(ReturnDocument::After)
        .await?;
    if saved.is_some() {
        late_payers::follow(db, owner).await;
    }
    Ok(saved)
}

/// Up to `limit` of the owner's clients, archived ones too, in the list's order (by sort name,
/// then id): what an export writes.
pub async fn all(
    db: &Database,
    owner: ObjectId,
    limit: i64,
) -> Result<Vec<ClientDoc>, mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .find(doc! { "user_id": owner })
        .sort(doc! { "sort_name": 1, "_id": 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}

/// The currency of the owner's most recently added client, if they have one.
pub async fn latest_currency(
    db: &Database,
    owner: ObjectId,
) -> Result<Option<Currency>, mongodb::error::Error> {
    #[derive(Deserialize)]
    struct Latest {
        currency: Currency,
    }
    Ok(db
        .collection::<Latest>(CLIENTS)
        .find_one(doc! { "user_id": owner })
        .projection(doc! { "currency": 1 })
        .sort(doc! { "_id": -1 })
        .await?
        .map(|latest| latest.currency))
}

/// How many of the owner's clients are active (not archived): also what the Free plan counts.
pub async fn count_active(db: &Database, owner: ObjectId) -> Result<u64, mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .count_documents(doc! { "user_id": owner, "archived": false })
        .await
}

/// How many of the owner's clients are archived: what an empty list of active ones hides.
pub async fn count_archived(db: &Database, owner: ObjectId) -> Result<u64, mongodb::error::Error> {
    db.collection::<ClientDoc>(CLIENTS)
        .count_documents(doc! { "user_id": owner, "archived": true })
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

/// Marks the owner's `client` as undeliverable at `address` (Resend reported a bounce or a
/// complaint for an email to it), if the client still has that address (in any case); returns
/// whether it was marked. No other client is touched, whoever else has the address.
pub async fn mark_email_problem(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
    address: &str,
    kind: &str,
    at: DateTime,
) -> Result<bool, mongodb::error::Error> {
    let problem = doc! { "address": address, "kind": kind, "at": at };
    let same_address = format!("^{}$", regex_escape(address));
    db.collection::<ClientDoc>(CLIENTS)
        .update_one(
            doc! {
                "_id": client,
                "user_id": owner,
                "emails": { "$regex": same_address, "$options": "i" },
            },
            doc! { "$set": { "email_problem": problem } },
        )
        .await
        .map(|r| r.matched_count > 0)
}
