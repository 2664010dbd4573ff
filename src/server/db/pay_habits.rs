//! What a client's payment record is read from (their paid, promised and written-off invoices,
//! projected to the few fields it needs), and the record kept on the client, so the dashboard can
//! list the clients who pay latest without reading any invoice.

use std::collections::{HashMap, HashSet};

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc, to_bson};
use serde::Deserialize;

use super::clients::{self, ClientDoc};
use super::invoices::PromiseDoc;
use super::late_payers;
use super::schema::{CLIENTS, INVOICES};
use crate::domain::date::CalendarDate;
use crate::domain::pay_habits::{PaidInvoice, PayHabits};
use crate::domain::promise::{self, Outcome};
use crate::domain::status::InvoiceStatus;

/// One invoice as the payment record reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct PayRecord {
    pub user_id: ObjectId,
    pub client_id: ObjectId,
    pub status: InvoiceStatus,
    #[serde(default)]
    pub number: String,
    pub due_date: CalendarDate,
    #[serde(default)]
    pub paid_on: Option<CalendarDate>,
    #[serde(default)]
    pub promises: Vec<PromiseDoc>,
}

impl PayRecord {
    /// The day the invoice was paid in full, if it is paid.
    pub fn paid_in_full_on(&self) -> Option<CalendarDate> {
        self.paid_on.filter(|_| self.status == InvoiceStatus::Paid)
    }

    /// The invoice as the client's page draws it, if it is paid in full.
    pub fn paid_invoice(&self) -> Option<PaidInvoice> {
        self.paid_in_full_on().map(|paid_on| PaidInvoice {
            number: self.number.clone(),
            due: self.due_date,
            paid_on,
        })
    }

    /// What became of each promise on it the user did not set aside, seen on `today`.
    fn promise_outcomes(&self, today: CalendarDate) -> impl Iterator<Item = Outcome> + '_ {
        self.promises
            .iter()
            .filter(|p| p.cleared_at.is_none())
            .map(move |p| promise::outcome(p.day, self.paid_in_full_on(), today))
    }
}

/// How one client pays, from their `records`, seen on `today` (every promise the user did not
/// set aside counts, a broken one replaced later too).
pub fn habits(records: &[PayRecord], today: CalendarDate) -> PayHabits {
    let paid = records
        .iter()
        .filter_map(|r| r.paid_in_full_on().map(|on| (r.due_date, on)));
    let promises = records.iter().flat_map(|r| r.promise_outcomes(today));
    PayHabits {
        written_off: written_off(records.iter()),
        ..PayHabits::of(paid, promises)
    }
}

fn written_off<'a>(records: impl Iterator<Item = &'a PayRecord>) -> u32 {
    let count = records
        .filter(|r| r.status == InvoiceStatus::WrittenOff)
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Works every client's record out again from their invoices (of `owner`, or of everyone)
/// and keeps it on the client: for invoices paid before records were kept, and for seeded
/// books. Only dates are held per client while the invoices stream by. Returns how many
/// clients it updated.
pub async fn backfill(
    db: &Database,
    owner: Option<ObjectId>,
    today: CalendarDate,
) -> Result<u64, mongodb::error::Error> {
    let mut filter = paid_or_promised()?;
    if let Some(owner) = owner {
        filter.insert("user_id", owner);
    }
    let mut by_client: HashMap<(ObjectId, ObjectId), Dates> = HashMap::new();
    let mut cursor = db
        .collection::<PayRecord>(INVOICES)
        .find(filter)
        .projection(projection())
        .await?;
    while let Some(record) = cursor.try_next().await? {
        let (paid, promises, written_off) = by_client
            .entry((record.user_id, record.client_id))
            .or_default();
        paid.extend(record.paid_in_full_on().map(|on| (record.due_date, on)));
        promises.extend(record.promise_outcomes(today));
        if record.status == InvoiceStatus::WrittenOff {
            *written_off = written_off.saturating_add(1);
        }
    }
    // Set one by one, the list of who pays latest is kept once per owner afterwards.
    let clients = db.collection::<ClientDoc>(CLIENTS);
    let mut owners = HashSet::new();
    for ((owner, client), (paid, promises, written_off)) in &by_client {
        let habits = PayHabits {
            written_off: *written_off,
            ..PayHabits::of(paid.iter().copied(), promises.iter().copied())
        };
        clients
            .update_one(
                doc! { "_id": client, "user_id": owner },
                set_habits(&habits)?,
            )
            .await?;
        owners.insert(*owner);
    }
    for owner in owners {
        late_payers::refresh(db, owner).await?;
    }
    Ok(by_client.len() as u64)
}

/// One client's `(due, paid on)` of each invoice paid in full, their promises' outcomes, and
/// how many of their invoices were written off.
type Dates = (Vec<(CalendarDate, CalendarDate)>, Vec<Outcome>, u32);

/// Invoices paid in full, written off or promised.
fn paid_or_promised() -> Result<Document, mongodb::bson::ser::Error> {
    let finished = [
        to_bson(&InvoiceStatus::Paid)?,
        to_bson(&InvoiceStatus::WrittenOff)?,
    ];
    Ok(
        doc! { "$or": [ { "status": { "$in": finished.to_vec() } }, { "promises.0": { "$exists": true } } ] },
    )
}

fn projection() -> Document {
    doc! {
        "_id": 0, "user_id": 1, "client_id": 1, "status": 1, "number": 1, "due_date": 1, "paid_on": 1,
        "promises": 1,
    }
}

/// The client's invoices that were paid in full, written off or promised.
pub async fn records_of_client(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
) -> Result<Vec<PayRecord>, mongodb::error::Error> {
    let mut filter = paid_or_promised()?;
    filter.insert("user_id", owner);
    filter.insert("client_id", client);
    db.collection::<PayRecord>(INVOICES)
        .find(filter)
        .projection(projection())
        .await?
        .try_collect()
        .await
}

/// Keeps `habits` on the owner's client, and the clients who pay latest with it
/// (`clients::change`).
pub async fn store(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
    habits: &PayHabits,
) -> Result<(), mongodb::error::Error> {
    clients::change(db, owner, client, set_habits(habits)?)
        .await
        .map(|_| ())
}

fn set_habits(habits: &PayHabits) -> Result<Document, mongodb::bson::ser::Error> {
    Ok(doc! { "$set": { "habits": to_bson(habits)? } })
}
