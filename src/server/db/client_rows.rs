//! A page of the client list: what each row shows of a client (not their addresses, notes,
//! payment habits or Stripe customers, which a page of fifty would read for nothing) and
//! where the next page starts.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::doc;
use mongodb::bson::oid::ObjectId;
use serde::Deserialize;

use super::clients::{ClientDoc, EmailProblem, regex_escape};
use super::schema::CLIENTS;
use crate::domain::money::Currency;

/// A client as a row of the list shows them.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientRowDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub name: String,
    pub sort_name: String,
    pub company: Option<String>,
    pub emails: Vec<String>,
    pub currency: Currency,
    pub reminders: bool,
    pub archived: bool,
    #[serde(default)]
    pub email_problem: Option<EmailProblem>,
}

impl From<&ClientDoc> for ClientRowDoc {
    fn from(client: &ClientDoc) -> Self {
        ClientRowDoc {
            id: client.id,
            name: client.name.clone(),
            sort_name: client.sort_name.clone(),
            company: client.company.clone(),
            emails: client.emails.clone(),
            currency: client.currency,
            reminders: client.reminders,
            archived: client.archived,
            email_problem: client.email_problem.clone(),
        }
    }
}

/// Where a page of the client list ended: the last client's sort name and id (the list's
/// order, `sort_name` then `_id`, which the `user_id, sort_name, _id` index serves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPosition {
    pub sort_name: String,
    pub id: ObjectId,
}

impl ListPosition {
    pub fn after(client: &ClientRowDoc) -> ListPosition {
        ListPosition {
            sort_name: client.sort_name.clone(),
            id: client.id,
        }
    }

    /// The position as the browser holds it until it asks for the next page.
    pub fn to_cursor(&self) -> String {
        format!("{}:{}", self.id.to_hex(), self.sort_name)
    }

    /// Reads `to_cursor`'s text back; `None` for anything it did not make.
    pub fn parse(cursor: &str) -> Option<ListPosition> {
        let (id, sort_name) = cursor.split_once(':')?;
        Some(ListPosition {
            sort_name: sort_name.to_string(),
            id: ObjectId::parse_str(id).ok()?,
        })
    }
}

/// Up to `limit` of the owner's clients by name, after `after` when given; `search` matches
/// name, company or email, case-insensitively.
pub async fn read(
    db: &Database,
    owner: ObjectId,
    include_archived: bool,
    search: &str,
    after: Option<&ListPosition>,
    limit: i64,
) -> Result<Vec<ClientRowDoc>, mongodb::error::Error> {
    let mut filter = doc! { "user_id": owner };
    if !include_archived {
        filter.insert("archived", false);
    }
    let mut both = Vec::new();
    let search = search.trim();
    if !search.is_empty() {
        let pattern = regex_escape(&search.to_lowercase());
        both.push(doc! { "$or": [
            { "sort_name": { "$regex": &pattern } },
            { "emails": { "$regex": &pattern } },
        ] });
    }
    if let Some(after) = after {
        both.push(doc! { "$or": [
            { "sort_name": { "$gt": &after.sort_name } },
            { "sort_name": &after.sort_name, "_id": { "$gt": after.id } },
        ] });
    }
    if !both.is_empty() {
        filter.insert("$and", both);
    }
    db.collection::<ClientRowDoc>(CLIENTS)
        .find(filter)
        .projection(doc! {
            "name": 1, "sort_name": 1, "company": 1, "emails": 1, "currency": 1,
            "reminders": 1, "archived": 1, "email_problem": 1,
        })
        .sort(doc! { "sort_name": 1, "_id": 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_reads_back_from_its_cursor_whatever_the_name_holds() {
        for sort_name in ["acme", "", "a:b: c", "zoë & co {\"$gt\": 1}"] {
            let position = ListPosition {
                sort_name: sort_name.to_string(),
                id: ObjectId::new(),
            };
            assert_eq!(ListPosition::parse(&position.to_cursor()), Some(position));
        }
    }

    #[test]
    fn a_cursor_it_did_not_make_reads_as_none() {
        for forged in ["", "acme", "12345:acme", ":acme", "{\"$gt\":\"\"}"] {
            assert_eq!(ListPosition::parse(forged), None, "{forged}");
        }
    }
}
