//! Invoices. Every function takes the owner's id and puts it in the filter, so an id from
//! another account finds nothing and changes nothing. State changes are conditional updates
//! ("set paid only if it is still open with this much paid"), so two tabs or two servers
//! acting at once cannot both succeed.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, DateTime, Document, doc, to_bson};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

use super::schema::{INVOICE_SEQUENCES, INVOICES};
use super::{clients::ClientDoc, clients::regex_escape, invoice_sequences};
use crate::domain::date::CalendarDate;
use crate::domain::invoice::{Discount, LineItem, Percent, Totals};
use crate::domain::invoice_draft::InvoiceDraft;
use crate::domain::invoice_list::{ListQuery, SortKey, StatusFilter};
use crate::domain::invoice_number::{NumberPrefix, format_number};
use crate::domain::money::Currency;
use crate::domain::payment::{Payment, PaymentMethod};
use crate::domain::status::InvoiceStatus;
use crate::server::jobs::plan::PROCESSING;
use crate::server::stripe::payments::{PayState, StripePay};

/// Who the invoice is addressed to, as it was when the invoice was written (a sent invoice is
/// a document; renaming the client later does not rewrite it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BillTo {
    pub name: String,
    pub company: Option<String>,
    pub address: Option<String>,
    pub emails: Vec<String>,
}

impl From<&ClientDoc> for BillTo {
    fn from(client: &ClientDoc) -> Self {
        BillTo {
            name: client.name.clone(),
            company: client.company.clone(),
            address: client.address.clone(),
            emails: client.emails.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentDoc {
    pub id: ObjectId,
    pub amount_minor: i64,
    pub date: CalendarDate,
    pub method: PaymentMethod,
    pub recorded_at: DateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoiceDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub user_id: ObjectId,
    pub client_id: ObjectId,
    pub sequence: i64,
    pub number: String,
    pub bill_to: BillTo,
    /// Lower-cased client name, for sorting by client.
    pub client_sort: String,
    /// Lower-cased number, client name and company: what the search box matches.
    pub search: String,
    pub status: InvoiceStatus,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    pub currency: Currency,
    pub lines: Vec<LineItem>,
    pub discount: Discount,
    pub tax_rates: Vec<Percent>,
    pub notes: Option<String>,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub due_minor: i64,
    pub payments: Vec<PaymentDoc>,
    /// The secret in the client's link to the public invoice page; replaced to revoke it.
    /// Absent (never null) when there is none: the unique index is sparse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_token: Option<String>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub sent_at: Option<DateTime>,
    pub paid_on: Option<CalendarDate>,
    pub voided_at: Option<DateTime>,
    /// Why reminders are held for this invoice (paused by the user, or its address bounced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders_paused: Option<ReminderPause>,
    /// No reminder before this local date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<CalendarDate>,
    /// What the client pays through in the user's Stripe account, once sent with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe: Option<StripePay>,
    /// When reconciliation next asks Stripe about `stripe` (absent: never, e.g. settled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_check_at: Option<DateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReminderPause {
    /// "paused" (the user) or "bounced" (the client's address).
    pub reason: String,
    pub at: DateTime,
}

impl InvoiceDoc {
    pub fn draft(&self) -> InvoiceDraft {
        InvoiceDraft {
            client_id: self.client_id.to_hex(),
            issue_date: self.issue_date,
            due_date: self.due_date,
            currency: self.currency,
            lines: self.lines.clone(),
            discount: self.discount,
            tax_rates: self.tax_rates.clone(),
            notes: self.notes.clone(),
        }
    }
}

fn status_bson(status: InvoiceStatus) -> Bson {
    to_bson(&status).unwrap_or(Bson::Null)
}

fn collectable() -> Bson {
    Bson::Array(vec![
        status_bson(InvoiceStatus::Open),
        status_bson(InvoiceStatus::PartiallyPaid),
    ])
}

fn search_text(number: &str, bill_to: &BillTo) -> String {
    let mut text = format!("{number} {}", bill_to.name);
    if let Some(company) = &bill_to.company {
        text.push(' ');
        text.push_str(company);
    }
    text.to_lowercase()
}

/// What a draft says: its parsed form, the totals computed from it, and who it bills.
#[derive(Clone, Copy)]
pub struct Content<'a> {
    pub draft: &'a InvoiceDraft,
    pub totals: &'a Totals,
    pub client: &'a ClientDoc,
}

/// The fields a draft's content sets (shared by create and edit).
fn content(
    Content {
        draft,
        totals,
        client,
    }: Content<'_>,
    number: &str,
) -> Result<Document, mongodb::bson::ser::Error> {
    let bill_to = BillTo::from(client);
    Ok(doc! {
        "client_id": client.id,
        "client_sort": client.name.to_lowercase(),
        "search": search_text(number, &bill_to),
        "bill_to": to_bson(&bill_to)?,
        "issue_date": draft.issue_date.to_string(),
        "due_date": draft.due_date.to_string(),
        "currency": draft.currency.code(),
        "lines": to_bson(&draft.lines)?,
        "discount": to_bson(&draft.discount)?,
        "tax_rates": to_bson(&draft.tax_rates)?,
        "notes": &draft.notes,
        "subtotal_minor": totals.subtotal.minor(),
        "discount_minor": totals.discount.minor(),
        "tax_minor": totals.tax.minor(),
        "total_minor": totals.total.minor(),
        "due_minor": totals.due.minor(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Db(#[from] mongodb::error::Error),
    #[error(transparent)]
    Encode(#[from] mongodb::bson::ser::Error),
}

/// A new draft as stored: `content` plus the fields every invoice starts with.
pub fn draft_document(
    owner: ObjectId,
    sequence: i64,
    number: &str,
    draft: Content<'_>,
    now: DateTime,
) -> Result<Document, mongodb::bson::ser::Error> {
    let mut document = content(draft, number)?;
    document.extend(doc! {
        "_id": ObjectId::new(),
        "user_id": owner,
        "sequence": sequence,
        "number": number,
        "status": status_bson(InvoiceStatus::Draft),
        "paid_minor": 0_i64,
        "payments": [],
        "created_at": now,
        "updated_at": now,
        "sent_at": Bson::Null,
        "paid_on": Bson::Null,
        "voided_at": Bson::Null,
    });
    Ok(document)
}

/// Creates a draft with the next number of the owner's sequence.
pub async fn create(
    db: &Database,
    owner: ObjectId,
    prefix: &NumberPrefix,
    draft: Content<'_>,
    now: DateTime,
) -> Result<InvoiceDoc, WriteError> {
    let sequence = invoice_sequences::next(db, owner).await?;
    let document = draft_document(
        owner,
        sequence,
        &format_number(prefix, sequence),
        draft,
        now,
    )?;
    let id = document.get_object_id("_id").map_err(|_| {
        WriteError::Db(mongodb::error::Error::custom("a new invoice without an id"))
    })?;
    db.collection::<Document>(INVOICES)
        .insert_one(document)
        .await?;
    get(db, owner, id).await?.ok_or_else(|| {
        WriteError::Db(mongodb::error::Error::custom(
            "invoice vanished right after insert",
        ))
    })
}

/// Stores invoices built with `draft_document` (the seed command's bulk path).
pub async fn insert_many(
    db: &Database,
    documents: Vec<Document>,
) -> Result<(), mongodb::error::Error> {
    db.collection::<Document>(INVOICES)
        .insert_many(documents)
        .await
        .map(|_| ())
}

pub async fn get(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one(doc! { "_id": id, "user_id": owner })
        .await
}

/// The invoice behind a client's public link. Not owner-scoped: the token is the permission.
pub async fn by_public_token(
    db: &Database,
    token: &str,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one(doc! { "public_token": token })
        .await
}

/// Replaces a draft's content; `None` if it is not (or no longer) a draft of this owner.
pub async fn update_draft(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    draft: Content<'_>,
    number: &str,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = content(draft, number)?;
    set.insert("updated_at", now);
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "status": status_bson(InvoiceStatus::Draft) },
            doc! { "$set": set },
        )
        .return_document(ReturnDocument::After)
        .await?)
}

/// Deletes a draft; a draft holding the newest number gives it back, so deleting a mistake
/// leaves no gap in the sequence.
pub async fn delete_draft(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let deleted = db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_delete(
            doc! { "_id": id, "user_id": owner, "status": status_bson(InvoiceStatus::Draft) },
        )
        .await?;
    if let Some(invoice) = &deleted {
        db.collection::<Document>(INVOICE_SEQUENCES)
            .update_one(
                doc! { "_id": owner.to_hex(), "last": invoice.sequence },
                doc! { "$inc": { "last": -1_i64 } },
            )
            .await?;
    }
    Ok(deleted)
}

/// Draft → open. Gives the invoice its public link.
pub async fn mark_sent(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    public_token: &str,
    stripe: Option<&StripePay>,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = doc! {
        "status": status_bson(InvoiceStatus::Open),
        "sent_at": now,
        "updated_at": now,
        "public_token": public_token,
    };
    if let Some(stripe) = stripe {
        set.insert("stripe", to_bson(stripe)?);
        set.insert(
            "stripe_check_at",
            DateTime::from_millis(now.timestamp_millis() + FIRST_CHECK_MS),
        );
    }
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "status": status_bson(InvoiceStatus::Draft) },
            doc! { "$set": set },
        )
        .return_document(ReturnDocument::After)
        .await?)
}

/// Reconciliation first asks Stripe this long after a payment link goes out.
pub const FIRST_CHECK_MS: i64 = 10 * 60 * 1000;

/// Replaces what the client pays through (a new amount after a part payment), or removes it.
pub async fn set_stripe(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    stripe: Option<&StripePay>,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let update = match stripe {
        Some(stripe) => doc! { "$set": {
            "stripe": to_bson(stripe)?,
            "stripe_check_at": DateTime::from_millis(now.timestamp_millis() + FIRST_CHECK_MS),
        } },
        None => doc! { "$unset": { "stripe": "", "stripe_check_at": "" } },
    };
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(doc! { "_id": id, "user_id": owner }, update)
        .return_document(ReturnDocument::After)
        .await?)
}

/// Moves the payment's state, only while the invoice still pays through `object_id`.
pub async fn set_pay_state(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    object_id: &str,
    state: PayState,
    reference: Option<&str>,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let mut set = doc! { "stripe.state": to_bson(&state)? };
    if let Some(reference) = reference {
        set.insert("stripe.reference", reference);
    }
    let mut update = doc! { "$set": set };
    if matches!(state, PayState::Paid | PayState::Closed) {
        update.insert("$unset", doc! { "stripe_check_at": "" });
    }
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "stripe.object_id": object_id },
            update,
        )
        .return_document(ReturnDocument::After)
        .await?)
}

/// The invoice of `owner` that pays through Stripe object `object_id`.
pub async fn by_stripe_object(
    db: &Database,
    owner: ObjectId,
    object_id: &str,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one(doc! { "user_id": owner, "stripe.object_id": object_id })
        .await
}

/// Open payments due a look from reconciliation, oldest check first.
pub async fn stripe_checks_due(
    db: &Database,
    now: DateTime,
    limit: i64,
) -> Result<Vec<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find(doc! { "stripe_check_at": { "$lte": now }, "status": { "$in": collectable() } })
        .sort(doc! { "stripe_check_at": 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}

/// When reconciliation looks at this invoice next.
pub async fn set_stripe_check_at(
    db: &Database,
    id: ObjectId,
    at: Option<DateTime>,
) -> Result<(), mongodb::error::Error> {
    let update = match at {
        Some(at) => doc! { "$set": { "stripe_check_at": at } },
        None => doc! { "$unset": { "stripe_check_at": "" } },
    };
    db.collection::<InvoiceDoc>(INVOICES)
        .update_one(doc! { "_id": id }, update)
        .await
        .map(|_| ())
}

/// Draft or open with nothing paid → void. The public link stops working.
pub async fn mark_void(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    from: InvoiceStatus,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "status": status_bson(from), "paid_minor": 0_i64 },
            doc! { "$set": {
                "status": status_bson(InvoiceStatus::Void),
                "voided_at": now,
                "updated_at": now,
                "due_minor": 0_i64,
            },
            "$unset": { "public_token": "" },
            },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Adds `payment` if the invoice is still in `from` with `paid_before` paid; `None` if it
/// changed meanwhile (the caller re-reads and decides again).
#[allow(clippy::too_many_arguments)]
pub async fn add_payment(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    from: InvoiceStatus,
    paid_before: i64,
    payment: &Payment,
    to: InvoiceStatus,
    due_after: i64,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, WriteError> {
    let record = PaymentDoc {
        id: ObjectId::new(),
        amount_minor: payment.amount.minor(),
        date: payment.date,
        method: payment.method,
        recorded_at: now,
    };
    let mut set = doc! {
        "status": status_bson(to),
        "updated_at": now,
        "due_minor": due_after,
    };
    if to == InvoiceStatus::Paid {
        set.insert("paid_on", payment.date.to_string());
    }
    Ok(db
        .collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "status": status_bson(from), "paid_minor": paid_before },
            doc! {
                "$set": set,
                "$inc": { "paid_minor": payment.amount.minor() },
                "$push": { "payments": to_bson(&record)? },
            },
        )
        .return_document(ReturnDocument::After)
        .await?)
}

/// A new secret for the public link (the old link stops working at once).
pub async fn replace_public_token(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    token: &str,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "status": { "$in": collectable() } },
            doc! { "$set": { "public_token": token, "updated_at": now } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Refreshes who drafts are addressed to after the client was edited (sent invoices keep
/// what they were sent with).
pub async fn readdress_drafts(
    db: &Database,
    owner: ObjectId,
    client: &ClientDoc,
) -> Result<(), WriteError> {
    let drafts: Vec<InvoiceDoc> = db
        .collection::<InvoiceDoc>(INVOICES)
        .find(doc! { "user_id": owner, "client_id": client.id, "status": status_bson(InvoiceStatus::Draft) })
        .await?
        .try_collect()
        .await?;
    let bill_to = BillTo::from(client);
    for draft in drafts {
        db.collection::<Document>(INVOICES)
            .update_one(
                doc! { "_id": draft.id, "user_id": owner, "status": status_bson(InvoiceStatus::Draft) },
                doc! { "$set": {
                    "bill_to": to_bson(&bill_to)?,
                    "client_sort": client.name.to_lowercase(),
                    "search": search_text(&draft.number, &bill_to),
                }},
            )
            .await?;
    }
    Ok(())
}

fn sort_field(key: SortKey) -> &'static str {
    match key {
        SortKey::Number => "sequence",
        SortKey::Client => "client_sort",
        SortKey::IssueDate => "issue_date",
        SortKey::DueDate => "due_date",
        SortKey::Total => "total_minor",
    }
}

/// The opaque position after `invoice` in a list sorted by `key`.
pub fn cursor_after(invoice: &InvoiceDoc, key: SortKey) -> String {
    let value = match key {
        SortKey::Number => invoice.sequence.to_string(),
        SortKey::Client => invoice.client_sort.clone(),
        SortKey::IssueDate => invoice.issue_date.to_string(),
        SortKey::DueDate => invoice.due_date.to_string(),
        SortKey::Total => invoice.total_minor.to_string(),
    };
    format!("{}:{value}", invoice.id.to_hex())
}

/// Reads a cursor back into (sort value, id); `None` if it was not made by `cursor_after`.
fn parse_cursor(cursor: &str, key: SortKey) -> Option<(Bson, ObjectId)> {
    let (id, value) = cursor.split_once(':')?;
    let id = ObjectId::parse_str(id).ok()?;
    let value = match key {
        SortKey::Number | SortKey::Total => Bson::Int64(value.parse().ok()?),
        SortKey::Client | SortKey::IssueDate | SortKey::DueDate => Bson::String(value.to_string()),
    };
    Some((value, id))
}

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("That page link is out of date; start again from the first page.")]
    BadCursor,
    #[error(transparent)]
    Db(#[from] mongodb::error::Error),
}

/// One page of the owner's invoices matching `query`, plus the cursor of the next page.
pub async fn list(
    db: &Database,
    owner: ObjectId,
    query: &ListQuery,
    client: Option<ObjectId>,
    today: CalendarDate,
    limit: usize,
) -> Result<(Vec<InvoiceDoc>, Option<String>), ListError> {
    // One flat filter (no `$and`): the local server plans indexes only for top-level fields.
    let mut filter = doc! { "user_id": owner };
    match query.status {
        None => {}
        Some(StatusFilter::Draft) => {
            filter.insert("status", status_bson(InvoiceStatus::Draft));
        }
        Some(StatusFilter::Outstanding) => {
            filter.insert("status", doc! { "$in": collectable() });
        }
        Some(StatusFilter::Overdue) => {
            filter.insert("status", doc! { "$in": collectable() });
            filter.insert("due_date", doc! { "$lt": today.to_string() });
        }
        Some(StatusFilter::Paid) => {
            filter.insert("status", status_bson(InvoiceStatus::Paid));
        }
        Some(StatusFilter::Void) => {
            filter.insert("status", status_bson(InvoiceStatus::Void));
        }
    }
    if let Some(client) = client {
        filter.insert("client_id", client);
    }
    let mut issued = Document::new();
    if let Some(from) = query.issued_from {
        issued.insert("$gte", from.to_string());
    }
    if let Some(to) = query.issued_to {
        issued.insert("$lte", to.to_string());
    }
    if !issued.is_empty() {
        filter.insert("issue_date", issued);
    }
    if !query.search.is_empty() {
        filter.insert(
            "search",
            doc! { "$regex": regex_escape(&query.search.to_lowercase()) },
        );
    }
    let field = sort_field(query.sort);
    let direction = if query.descending { -1 } else { 1 };
    if let Some(cursor) = &query.after {
        let (value, id) = parse_cursor(cursor, query.sort).ok_or(ListError::BadCursor)?;
        let beyond = if query.descending { "$lt" } else { "$gt" };
        filter.insert(
            "$or",
            vec![
                doc! { field: { beyond: value.clone() } },
                doc! { field: value, "_id": { beyond: id } },
            ],
        );
    }
    let mut page: Vec<InvoiceDoc> = db
        .collection::<InvoiceDoc>(INVOICES)
        .find(filter)
        .sort(doc! { field: direction, "_id": direction })
        .limit(limit as i64 + 1)
        .await?
        .try_collect()
        .await?;
    let next = if page.len() > limit {
        page.truncate(limit);
        page.last().map(|last| cursor_after(last, query.sort))
    } else {
        None
    };
    Ok((page, next))
}

/// Collectable invoices due soonest first.
pub async fn coming_due(
    db: &Database,
    owner: ObjectId,
    limit: i64,
) -> Result<Vec<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find(doc! { "user_id": owner, "status": { "$in": collectable() } })
        .sort(doc! { "due_date": 1, "_id": 1 })
        .limit(limit)
        .await?
        .try_collect()
        .await
}

/// What a client owes, per currency: (currency, amount due, invoices).
pub async fn balances_of_client(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
) -> Result<Vec<(Currency, i64)>, mongodb::error::Error> {
    let rows: Vec<Document> = db
        .collection::<Document>(INVOICES)
        .aggregate(vec![
            doc! { "$match": { "user_id": owner, "client_id": client, "status": { "$in": collectable() } } },
            doc! { "$group": { "_id": "$currency", "due": { "$sum": "$due_minor" } } },
        ])
        .await?
        .try_collect()
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let currency = Currency::parse(row.get_str("_id").ok()?).ok()?;
            Some((currency, as_i64(row.get("due"))))
        })
        .collect())
}

/// Outstanding amounts by currency and age bucket (days past due: ≤0, 1–30, 31–60, 61–90, 90+).
pub async fn aging(
    db: &Database,
    owner: ObjectId,
    today: CalendarDate,
) -> Result<Vec<(Currency, [i64; 5], [u32; 5])>, mongodb::error::Error> {
    let boundary = |days: i64| {
        today
            .add_days(-days)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let bucket = doc! { "$switch": {
        "branches": [
            { "case": { "$gte": ["$due_date", boundary(0)] }, "then": 0 },
            { "case": { "$gte": ["$due_date", boundary(30)] }, "then": 1 },
            { "case": { "$gte": ["$due_date", boundary(60)] }, "then": 2 },
            { "case": { "$gte": ["$due_date", boundary(90)] }, "then": 3 },
        ],
        "default": 4,
    }};
    let rows: Vec<Document> = db
        .collection::<Document>(INVOICES)
        .aggregate(vec![
            doc! { "$match": { "user_id": owner, "status": { "$in": collectable() } } },
            doc! { "$group": {
                "_id": { "currency": "$currency", "bucket": bucket },
                "due": { "$sum": "$due_minor" },
                "count": { "$sum": 1 },
            }},
        ])
        .await?
        .try_collect()
        .await?;
    let mut result: Vec<(Currency, [i64; 5], [u32; 5])> = Vec::new();
    for row in rows {
        let Ok(key) = row.get_document("_id") else {
            continue;
        };
        let Some(currency) = key
            .get_str("currency")
            .ok()
            .and_then(|c| Currency::parse(c).ok())
        else {
            continue;
        };
        let index = usize::try_from(as_i64(key.get("bucket")))
            .unwrap_or(4)
            .min(4);
        let entry = match result.iter_mut().find(|(c, _, _)| *c == currency) {
            Some(entry) => entry,
            None => {
                result.push((currency, [0; 5], [0; 5]));
                let last = result.len() - 1;
                &mut result[last]
            }
        };
        entry.1[index] += as_i64(row.get("due"));
        entry.2[index] += u32::try_from(as_i64(row.get("count"))).unwrap_or(0);
    }
    result.sort_by_key(|(currency, _, _)| *currency);
    Ok(result)
}

/// Payments received per month ("YYYY-MM") and currency, from `since` on.
pub async fn cash_by_month(
    db: &Database,
    owner: ObjectId,
    since: CalendarDate,
) -> Result<Vec<(String, Currency, i64)>, mongodb::error::Error> {
    let since = since.to_string();
    let rows: Vec<Document> = db
        .collection::<Document>(INVOICES)
        .aggregate(vec![
            doc! { "$match": { "user_id": owner, "payments.date": { "$gte": &since } } },
            doc! { "$unwind": "$payments" },
            doc! { "$match": { "payments.date": { "$gte": &since } } },
            doc! { "$group": {
                "_id": { "currency": "$currency", "month": { "$substrBytes": ["$payments.date", 0, 7] } },
                "amount": { "$sum": "$payments.amount_minor" },
            }},
        ])
        .await?
        .try_collect()
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let key = row.get_document("_id").ok()?;
            let currency = Currency::parse(key.get_str("currency").ok()?).ok()?;
            let month = key.get_str("month").ok()?.to_string();
            Some((month, currency, as_i64(row.get("amount"))))
        })
        .collect())
}

/// `$sum` answers Int32 or Int64 depending on magnitude.
fn as_i64(value: Option<&Bson>) -> i64 {
    match value {
        Some(Bson::Int32(v)) => i64::from(*v),
        Some(Bson::Int64(v)) => *v,
        _ => 0,
    }
}

/// Applies `update` to an open or partly paid invoice of `owner`; `None` when there is no
/// such invoice (paid and void ones have no reminders to change).
async fn update_collectable(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    mut update: Document,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let mut set = update.get_document("$set").cloned().unwrap_or_default();
    set.insert("updated_at", now);
    update.insert("$set", set);
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! {
                "_id": id,
                "user_id": owner,
                "status": { "$in": collectable() },
                // A settling payment's hold is lifted only by the payment's outcome.
                "reminders_paused.reason": { "$ne": PROCESSING },
            },
            update,
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Holds reminders while a client's payment settles (a bank debit), replacing any other hold.
pub async fn hold_for_processing(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "status": { "$in": collectable() } },
            doc! { "$set": {
                "reminders_paused": { "reason": PROCESSING, "at": now },
                "updated_at": now,
            } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Lifts the hold of a settling payment (it failed, or the invoice was paid).
pub async fn release_processing(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one_and_update(
            doc! { "_id": id, "user_id": owner, "reminders_paused.reason": PROCESSING },
            doc! { "$unset": { "reminders_paused": "" } },
        )
        .return_document(ReturnDocument::After)
        .await
}

/// Holds reminders (`reason` "paused" by the user, or "bounced").
pub async fn pause_reminders(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    reason: &str,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let update = doc! { "$set": { "reminders_paused": { "reason": reason, "at": now } } };
    update_collectable(db, owner, id, update, now).await
}

/// Lifts a pause and any snooze.
pub async fn resume_reminders(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let update = doc! { "$unset": { "reminders_paused": "", "snoozed_until": "" } };
    update_collectable(db, owner, id, update, now).await
}

/// No reminder before `until` (a snooze also lifts a pause).
pub async fn snooze_reminders(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
    until: CalendarDate,
    now: DateTime,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    let update = doc! {
        "$set": { "snoozed_until": until.to_string() },
        "$unset": { "reminders_paused": "" },
    };
    update_collectable(db, owner, id, update, now).await
}

/// The owner's invoices still being chased or waiting to be (open or partly paid).
pub async fn open_of_owner(
    db: &Database,
    owner: ObjectId,
    client: Option<ObjectId>,
) -> Result<Vec<InvoiceDoc>, mongodb::error::Error> {
    let mut filter = doc! { "user_id": owner, "status": { "$in": collectable() } };
    if let Some(client) = client {
        filter.insert("client_id", client);
    }
    db.collection::<InvoiceDoc>(INVOICES)
        .find(filter)
        .await?
        .try_collect()
        .await
}

/// Lifts the holds a bounce put on a client's invoices (the user fixed the address).
pub async fn lift_bounce_holds(
    db: &Database,
    owner: ObjectId,
    client: ObjectId,
) -> Result<u64, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .update_many(
            doc! { "user_id": owner, "client_id": client, "reminders_paused.reason": "bounced" },
            doc! { "$unset": { "reminders_paused": "" } },
        )
        .await
        .map(|r| r.modified_count)
}

/// How many invoices the owner created since `since` (the start of their month).
pub async fn count_created_since(
    db: &Database,
    owner: ObjectId,
    since: DateTime,
) -> Result<u64, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .count_documents(doc! { "user_id": owner, "created_at": { "$gte": since } })
        .await
}
