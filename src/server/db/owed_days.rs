//! What `owed` and `client_owed` share: reading a kept document's days, and summing open
//! invoices per currency and due date (and per client) to set or check them.

use futures::TryStreamExt;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, RawDocumentBuf, doc};
use mongodb::{ClientSession, Database};

use super::invoices::collectable;
use super::schema::INVOICES;
use super::{whole, whole_raw};
use crate::domain::aging::OwedOn;
use crate::domain::date::CalendarDate;
use crate::domain::money::Currency;

/// The days one kept document (`{ currency, days }`, of a user or of a client) holds.
pub(super) fn days_of(document: &RawDocumentBuf) -> Result<Vec<OwedOn>, mongodb::error::Error> {
    let Some(currency) = document
        .get_str("currency")
        .ok()
        .and_then(|c| Currency::parse(c).ok())
    else {
        return Ok(Vec::new());
    };
    let Ok(days) = document.get_document("days") else {
        return Ok(Vec::new());
    };
    let mut owed = Vec::new();
    for day in days {
        let (due, day) = day?;
        let (Ok(due), Some(day)) = (CalendarDate::parse(due), day.as_document()) else {
            continue;
        };
        let invoices = whole_raw(day.get("invoices")?)?;
        owed.push(OwedOn {
            currency,
            due,
            minor: whole_raw(day.get("minor")?)?,
            invoices: u32::try_from(invoices).unwrap_or(0),
        });
    }
    Ok(owed)
}

/// What `user`'s open invoices owe per currency and due date, and per client too when
/// `by_client` (else the client is `None`).
pub(super) async fn grouped_sums(
    db: &Database,
    session: &mut ClientSession,
    user: ObjectId,
    by_client: bool,
) -> Result<Vec<(Option<ObjectId>, OwedOn)>, mongodb::error::Error> {
    let mut group = doc! { "currency": "$currency", "due": "$due_date" };
    if by_client {
        group.insert("client", "$client_id");
    }
    let rows: Vec<Document> = db
        .collection::<Document>(INVOICES)
        .aggregate([
            doc! { "$match": { "user_id": user, "status": { "$in": collectable() } } },
            doc! { "$group": {
                "_id": group,
                "minor": { "$sum": "$due_minor" },
                "invoices": { "$sum": 1 },
            } },
        ])
        .session(&mut *session)
        .await?
        .stream(&mut *session)
        .try_collect()
        .await?;
    let mut owed = Vec::with_capacity(rows.len());
    for row in rows {
        let Ok(group) = row.get_document("_id") else {
            continue;
        };
        let (Some(currency), Some(due)) = (
            group
                .get_str("currency")
                .ok()
                .and_then(|c| Currency::parse(c).ok()),
            group
                .get_str("due")
                .ok()
                .and_then(|d| CalendarDate::parse(d).ok()),
        ) else {
            continue;
        };
        let client = group.get_object_id("client").ok();
        owed.push((
            client,
            OwedOn {
                currency,
                due,
                minor: whole(row.get("minor"))?,
                invoices: u32::try_from(whole(row.get("invoices"))?).unwrap_or(u32::MAX),
            },
        ));
    }
    Ok(owed)
}
