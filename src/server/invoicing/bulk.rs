//! Several invoices at once: each is checked on its own, and the ones that cannot change are
//! listed with the reason. Only a failure of PayTrack itself stops the whole batch. Their
//! emails (the invoices, or the voids' credit notes) go after the answer, one after another:
//! Resend takes a couple a second, so fifty would otherwise hold the answer for half a minute
//! or more, past what a proxy waits.

use mongodb::bson::oid::ObjectId;

use super::load;
use super::sending::{InvoiceEmail, send_then, void_leaving_email};
use crate::domain::bulk::{BulkAction, BulkOutcome};
use crate::error::AppError;
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::{self, users::UserDoc};
use crate::server::state::AppState;

/// The most invoices one request may act on.
pub const MAX: usize = 200;

pub async fn apply(
    state: &AppState,
    user: &UserDoc,
    action: BulkAction,
    ids: &[String],
) -> Result<BulkOutcome, AppError> {
    if ids.len() > MAX {
        return Err(AppError::Rejected(format!(
            "Select up to {MAX} invoices at a time."
        )));
    }
    let mut outcome = BulkOutcome::default();
    let mut changed = Vec::new();
    let mut failure = None;
    for text in ids {
        let id = db::parse_id(text, "invoice");
        let result = match id {
            Ok(id) => match action {
                BulkAction::Send => send_then(state, user, id, InvoiceEmail::Scheduled).await,
                BulkAction::Void => void_leaving_email(state, user, id).await,
            },
            Err(ref err) => Err(err.clone()),
        };
        match result {
            Ok(invoice) => {
                outcome.done += 1;
                changed.push(invoice);
            }
            Err(err @ (AppError::Unavailable | AppError::Internal)) => {
                failure = Some(err);
                break;
            }
            Err(err) => {
                let number = match id {
                    Ok(id) => load(state, user.id, id).await.ok().map(|i| i.number),
                    Err(_) => None,
                };
                outcome.skipped.push(match number {
                    Some(number) => format!("{number}: {err}"),
                    None => err.to_string(),
                });
            }
        }
    }
    // What changed before a failure stopped the rest still gets its emails.
    email_later(state, user, action, changed);
    match failure {
        Some(err) => Err(err),
        None => Ok(outcome),
    }
}

/// Sends the emails of the invoices just sent or voided, in order, after the answer. Each is
/// owed in the database already (an invoice email on the schedule, a credit note marked), so
/// if this process stops first the engine sends what is left.
fn email_later(state: &AppState, user: &UserDoc, action: BulkAction, changed: Vec<InvoiceDoc>) {
    if changed.is_empty() {
        return;
    }
    let (state, user) = (state.clone(), user.clone());
    tokio::spawn(async move {
        for invoice in changed {
            match action {
                BulkAction::Send => send_email(&state, invoice.id).await,
                BulkAction::Void => {
                    if let Some(note) = invoice.credit_note.clone() {
                        super::credit_notes::email_to_client(&state, &user, invoice, &note).await;
                    }
                }
            }
        }
    });
}

async fn send_email(state: &AppState, invoice: ObjectId) {
    if let Err(err) = state.engine.send_scheduled_invoice_email(invoice).await {
        tracing::error!(error = %err, %invoice, "sending the invoice email; the engine retries");
    }
}
