//! Reading invoices: one by id or public token, the list page (filters, sort, cursor), what
//! comes due, what is open, those with credit notes.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, DateTime, Document, doc};

use super::super::invoice_sequences;
use super::super::schema::INVOICES;
use super::listed::*;
use super::model::*;
use super::number_windows::{NumberWindows, within};
use super::read_first::ReadFirst;
use super::search;
use crate::domain::date::CalendarDate;
use crate::domain::invoice_list::{ListQuery, SortKey, StatusFilter};
use crate::domain::status::InvoiceStatus;

pub async fn get(
    db: &Database,
    owner: ObjectId,
    id: ObjectId,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one(doc! { "_id": id, "user_id": owner })
        .await
}

/// The owner's invoices among `ids`, as lists read them (any order; ids of others are left out).
pub async fn listed_among(
    db: &Database,
    owner: ObjectId,
    ids: &[ObjectId],
) -> Result<Vec<ListedInvoice>, mongodb::error::Error> {
    db.collection::<ListedInvoice>(INVOICES)
        .find(doc! { "_id": { "$in": ids }, "user_id": owner })
        .projection(listed_fields())
        .await?
        .try_collect()
        .await
}

/// The owner's invoices with a credit note (voided after they were sent, or reduced): the
/// register of credit notes reads them. A user's share of their book, read through the
/// owner's index.
pub async fn with_credit_notes(
    db: &Database,
    owner: ObjectId,
) -> Result<Vec<InvoiceDoc>, mongodb::error::Error> {
    let any = doc! { "$or": [
        { "credit_note": { "$exists": true } },
        { "reductions": { "$exists": true } },
    ] };
    let mut filter = doc! { "user_id": owner };
    filter.extend(any);
    db.collection::<InvoiceDoc>(INVOICES)
        .find(filter)
        .await?
        .try_collect()
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

/// The invoice whose reply address carries `token`.
pub async fn by_reply_token(
    db: &Database,
    token: &str,
) -> Result<Option<InvoiceDoc>, mongodb::error::Error> {
    db.collection::<InvoiceDoc>(INVOICES)
        .find_one(doc! { "reply_token": token })
        .await
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
pub fn cursor_after(invoice: &ListedInvoice, key: SortKey) -> String {
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
    #[error("{}", crate::error::STALE_PAGE)]
    BadCursor,
    #[error(transparent)]
    Db(#[from] mongodb::error::Error),
}

impl ListError {
    /// What the user may see, with the cause logged under `context`.
    pub fn user_facing(self, context: &'static str) -> crate::error::AppError {
        match self {
            ListError::BadCursor => crate::error::AppError::stale_page(),
            ListError::Db(err) => crate::server::db::user_facing(context, err),
        }
    }
}

/// One page of the owner's invoices matching `query`, plus the cursor of the next page.
pub async fn list(
    db: &Database,
    owner: ObjectId,
    query: &ListQuery,
    client: Option<ObjectId>,
    today: CalendarDate,
    limit: usize,
) -> Result<(Vec<ListedInvoice>, Option<String>), ListError> {
    let status = query.status.map(|status| match status {
        StatusFilter::Draft => status_bson(InvoiceStatus::Draft),
        StatusFilter::Outstanding | StatusFilter::Overdue => doc! { "$in": collectable() }.into(),
        StatusFilter::Paid => status_bson(InvoiceStatus::Paid),
        StatusFilter::Void => status_bson(InvoiceStatus::Void),
        StatusFilter::WrittenOff => status_bson(InvoiceStatus::WrittenOff),
    });
    let mut issued = Document::new();
    if let Some(from) = query.issued_from {
        issued.insert("$gte", from.to_string());
    }
    if let Some(to) = query.issued_to {
        issued.insert("$lte", to.to_string());
    }
    let unfiltered = status.is_none() && client.is_none() && issued.is_empty();
    if unfiltered && query.search.is_empty() && query.sort == SortKey::Number {
        return by_number_in_windows(db, owner, query, limit).await;
    }
    let mut filter = ReadFirst::owner(owner);
    // Which part of the filter is read through its index, narrowest first: one client's
    // invoices; those holding a piece of the search (which takes the status along); a status
    // that history does not fill (drafts, what is still open); a range of issue dates; any
    // status. What is not read first is checked on what was.
    let current = matches!(
        query.status,
        Some(StatusFilter::Draft | StatusFilter::Outstanding | StatusFilter::Overdue)
    );
    let searching = search::indexed(&query.search) && client.is_none();
    match (client, status) {
        (Some(client), status) => {
            filter.lead("client_id", client);
            if let Some(status) = status {
                filter.check("status", status);
            }
        }
        (None, Some(status)) if searching || current || issued.is_empty() => {
            filter.lead("status", status)
        }
        (None, Some(status)) => filter.check("status", status),
        (None, None) => {}
    }
    if !issued.is_empty() {
        if filter.leads() || searching {
            filter.check("issue_date", issued);
        } else {
            filter.lead("issue_date", issued);
        }
    }
    if query.status == Some(StatusFilter::Overdue) {
        filter.check("due_date", doc! { "$lt": today.to_string() });
    }
    let field = sort_field(query.sort);
    let direction = if query.descending { -1 } else { 1 };
    if let Some(cursor) = &query.after {
        let (value, id) = parse_cursor(cursor, query.sort).ok_or(ListError::BadCursor)?;
        let beyond = if query.descending { "$lt" } else { "$gt" };
        filter.check(
            "$or",
            vec![
                doc! { field: { beyond: value.clone() } },
                doc! { field: value, "_id": { beyond: id } },
            ],
        );
    }
    if !query.search.is_empty() {
        search::searched(&mut filter, &query.search, searching);
    }
    let mut page: Vec<ListedInvoice> = db
        .collection::<ListedInvoice>(INVOICES)
        .find(filter.into_filter())
        .sort(doc! { field: direction, "_id": direction })
        .limit(limit as i64 + 1)
        .projection(listed_fields())
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

/// One page of all the owner's invoices by number, read in windows of numbers
/// (`number_windows` says why). Numbers are unique per owner, so the cursor's number alone says
/// where the next page starts.
async fn by_number_in_windows(
    db: &Database,
    owner: ObjectId,
    query: &ListQuery,
    limit: usize,
) -> Result<(Vec<ListedInvoice>, Option<String>), ListError> {
    let after = match &query.after {
        Some(cursor) => match parse_cursor(cursor, SortKey::Number) {
            Some((Bson::Int64(number), _)) => Some(number),
            _ => return Err(ListError::BadCursor),
        },
        None => None,
    };
    let last = invoice_sequences::last(db, owner, None).await?;
    let direction = if query.descending { -1 } else { 1 };
    let wanted = limit + 1;
    let mut page: Vec<ListedInvoice> = Vec::with_capacity(wanted);
    for window in NumberWindows::new(query.descending, after, last, wanted) {
        let rows: Vec<ListedInvoice> = db
            .collection::<ListedInvoice>(INVOICES)
            .find(within(doc! { "user_id": owner }, window))
            .sort(doc! { "sequence": direction, "_id": direction })
            .limit((wanted - page.len()) as i64)
            .projection(listed_fields())
            .await?
            .try_collect()
            .await?;
        page.extend(rows);
        if page.len() >= wanted {
            break;
        }
    }
    let next = if page.len() > limit {
        page.truncate(limit);
        page.last().map(|last| cursor_after(last, SortKey::Number))
    } else {
        None
    };
    Ok((page, next))
}

/// Collectable invoices due soonest first.
///
/// `through` is the due date by which, by `db::owed`, at least `limit` are due: the read stops
/// there instead of sorting every open invoice (the local server reads every match), one
/// status at a time (it plans no index for a status list beside a range of dates). Should the
/// kept sums be behind, a short answer is read again without the bound.
pub async fn coming_due(
    db: &Database,
    owner: ObjectId,
    limit: i64,
    through: Option<CalendarDate>,
) -> Result<Vec<ListedInvoice>, mongodb::error::Error> {
    let wanted = usize::try_from(limit).unwrap_or(0);
    if let Some(through) = through {
        let mut rows = Vec::with_capacity(wanted * 2);
        for status in [InvoiceStatus::Open, InvoiceStatus::PartiallyPaid] {
            let filter = doc! {
                "user_id": owner,
                "status": status_bson(status),
                "due_date": { "$lte": through.to_string() },
            };
            rows.extend(soonest_due(db, filter, limit).await?);
        }
        if rows.len() >= wanted {
            rows.sort_by_key(|row| (row.due_date, row.id));
            rows.truncate(wanted);
            return Ok(rows);
        }
    }
    let filter = doc! { "user_id": owner, "status": { "$in": collectable() } };
    soonest_due(db, filter, limit).await
}

async fn soonest_due(
    db: &Database,
    filter: Document,
    limit: i64,
) -> Result<Vec<ListedInvoice>, mongodb::error::Error> {
    db.collection::<ListedInvoice>(INVOICES)
        .find(filter)
        .sort(doc! { "due_date": 1, "_id": 1 })
        .limit(limit)
        .projection(listed_fields())
        .await?
        .try_collect()
        .await
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

/// The highest number the owner's invoices hold in a series: the for-ever sequence (`year`
/// None) or `year`'s series. 0 when none has one.
pub async fn highest_number(
    db: &Database,
    owner: ObjectId,
    year: Option<i32>,
) -> Result<i64, mongodb::error::Error> {
    let (filter, field) = match year {
        None => (doc! { "user_id": owner }, "sequence"),
        Some(year) => (
            doc! { "user_id": owner, "series.year": year },
            "series.number",
        ),
    };
    let top = db
        .collection::<Document>(INVOICES)
        .find_one(filter)
        .sort(doc! { field: -1 })
        .projection(doc! { "sequence": 1, "series": 1 })
        .await?;
    Ok(top
        .and_then(|d| match year {
            None => d.get_i64("sequence").ok(),
            Some(_) => d.get_document("series").ok()?.get_i64("number").ok(),
        })
        .unwrap_or(0))
}
