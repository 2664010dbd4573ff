//! What a round of jobs reads — their users, invoices and clients — in three queries rather
//! than several per job. Documents are fetched by id without an owner filter (the engine is
//! not acting for one user), so every lookup here checks the owner against the job's.

use std::collections::HashMap;

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;

use crate::server::db::clients::ClientDoc;
use crate::server::db::email_jobs::EmailJobDoc;
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::schema::{CLIENTS, INVOICES, USERS};
use crate::server::db::users::UserDoc;

#[derive(Default)]
pub struct Books {
    users: HashMap<ObjectId, UserDoc>,
    invoices: HashMap<ObjectId, InvoiceDoc>,
    clients: HashMap<ObjectId, ClientDoc>,
}

async fn by_ids<T>(
    db: &Database,
    collection: &str,
    ids: Vec<ObjectId>,
) -> Result<Vec<T>, mongodb::error::Error>
where
    T: serde::de::DeserializeOwned + Send + Sync,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    db.collection::<T>(collection)
        .find(doc! { "_id": { "$in": ids } })
        .await?
        .try_collect()
        .await
}

fn distinct(ids: impl Iterator<Item = ObjectId>) -> Vec<ObjectId> {
    let mut ids: Vec<ObjectId> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl Books {
    pub async fn load(db: &Database, jobs: &[EmailJobDoc]) -> Result<Self, mongodb::error::Error> {
        Self::load_for(db, jobs.iter().map(|j| (j.user_id, j.invoice_id))).await
    }

    /// The users, invoices and clients of (owner, invoice) pairs.
    pub async fn load_for(
        db: &Database,
        pairs: impl Iterator<Item = (ObjectId, ObjectId)> + Clone,
    ) -> Result<Self, mongodb::error::Error> {
        let users: Vec<UserDoc> = by_ids(db, USERS, distinct(pairs.clone().map(|p| p.0))).await?;
        let invoices: Vec<InvoiceDoc> = by_ids(db, INVOICES, distinct(pairs.map(|p| p.1))).await?;
        let clients: Vec<ClientDoc> =
            by_ids(db, CLIENTS, distinct(invoices.iter().map(|i| i.client_id))).await?;
        Ok(Books {
            users: users.into_iter().map(|u| (u.id, u)).collect(),
            invoices: invoices.into_iter().map(|i| (i.id, i)).collect(),
            clients: clients.into_iter().map(|c| (c.id, c)).collect(),
        })
    }

    /// Replaces each user by `f(user)` (marking what their plan allows).
    pub fn cap_users(&mut self, f: impl Fn(UserDoc) -> UserDoc) {
        self.users = std::mem::take(&mut self.users)
            .into_iter()
            .map(|(id, user)| (id, f(user)))
            .collect();
    }

    pub fn user(&self, id: ObjectId) -> Option<&UserDoc> {
        self.users.get(&id)
    }

    pub fn invoice(&self, owner: ObjectId, id: ObjectId) -> Option<&InvoiceDoc> {
        self.invoices.get(&id).filter(|i| i.user_id == owner)
    }

    pub fn client(&self, owner: ObjectId, id: ObjectId) -> Option<&ClientDoc> {
        self.clients.get(&id).filter(|c| c.user_id == owner)
    }
}
