//! The invoice list: the owner's invoices filtered, sorted and paged by a cursor.

use mongodb::bson::oid::ObjectId;

use crate::domain::date::CalendarDate;
use crate::domain::invoice_list::ListQuery;
use crate::error::AppError;
use crate::server::db::invoices::{self, ListedInvoice};
use crate::server::db::{self, clients};
use crate::server::state::AppState;

/// One page of the list and the cursor of the next (`None` on the last page).
pub struct Page {
    pub invoices: Vec<ListedInvoice>,
    pub next: Option<String>,
}

/// Rows per page of the list.
pub const PAGE_SIZE: usize = 50;

/// A page of `owner`'s invoices matching `query`; an unknown client in the filter reads as
/// not found, like any id that is not the owner's.
pub async fn list(
    state: &AppState,
    owner: ObjectId,
    query: &ListQuery,
    today: CalendarDate,
    limit: usize,
) -> Result<Page, AppError> {
    let client = match &query.client {
        Some(text) => {
            let id = db::parse_id(text, "client")?;
            clients::get(&state.db, owner, id)
                .await
                .map_err(db::failed("reading a client"))?
                .ok_or_else(|| AppError::not_found("client"))?;
            Some(id)
        }
        None => None,
    };
    let (invoices, next) = invoices::list(&state.db, owner, query, client, today, limit)
        .await
        .map_err(|err| err.user_facing("listing invoices"))?;
    Ok(Page { invoices, next })
}
