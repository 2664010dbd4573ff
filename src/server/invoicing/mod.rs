//! Invoices as the user works on them: drafts (create, edit, duplicate, delete), sending, voiding,
//! reducing by a credit note, the client's link, and several at once. Each operation lives here
//! once; server functions only say who asks, parse, call one of these and map the answer.

pub mod bulk;
pub mod client_page;
pub mod credit_notes;
pub mod document;
pub mod drafts;
pub mod effects;
pub mod listing;
pub mod numbering;
pub mod pdf;
pub mod public;
pub mod reductions;
pub mod sending;

use mongodb::bson::oid::ObjectId;

use crate::domain::pay_way::PayWay;
use crate::error::AppError;
use crate::server::db::users::UserDoc;
use crate::server::db::{self, invoices, invoices::InvoiceDoc};
use crate::server::state::AppState;

/// One of the owner's invoices; another user's reads as not found.
pub async fn load(state: &AppState, owner: ObjectId, id: ObjectId) -> Result<InvoiceDoc, AppError> {
    invoices::get(&state.db, owner, id)
        .await
        .map_err(db::failed("reading an invoice"))?
        .ok_or_else(|| AppError::not_found("invoice"))
}

/// One of the owner's invoices as its page shows it: the invoice, and for a draft how its
/// client will be able to pay once it is sent (`sending::pay_way`).
pub async fn for_page(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<(InvoiceDoc, Option<PayWay>), AppError> {
    let invoice = load(state, user.id, id).await?;
    let pay_way = sending::pay_way(state, user, &invoice).await?;
    Ok((invoice, pay_way))
}

/// The refusal when a conditional update found the invoice changed under it.
pub(crate) fn changed_meanwhile() -> AppError {
    AppError::Rejected(
        "This invoice changed while you were looking at it. Reload it and try again.".to_string(),
    )
}
