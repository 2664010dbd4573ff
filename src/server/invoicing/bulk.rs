//! Several invoices at once: each is checked on its own, and the ones that cannot change are
//! listed with the reason. Only a failure of PayTrack itself stops the rest. Invoices of
//! different clients change side by side, a few at once, since each send waits on Stripe for
//! its payment link; one client's go one after another, so the first makes the client's
//! Stripe customer and the others reuse it (Stripe refuses a request whose idempotency key is
//! still in flight). Their emails (the invoices, or the voids' credit notes) go after the
//! answer, one after another: Resend takes a couple a second, so fifty would otherwise hold
//! the answer for half a minute or more, past what a proxy waits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::StreamExt;
use mongodb::bson::oid::ObjectId;

use super::sending::{InvoiceEmail, send_then, void_leaving_email};
use crate::domain::bulk::{BulkAction, BulkOutcome};
use crate::error::AppError;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::{self, users::UserDoc};
use crate::server::state::AppState;

/// The most invoices one request may act on.
pub const MAX: usize = 200;

/// Clients whose invoices change at once. Stripe allows far more requests a second; four
/// already cut the wait about fourfold while one user's sends stay gentle on the database.
const CLIENTS_AT_ONCE: usize = 4;

/// One selected invoice: where it was in the selection, and its number when it was found.
struct Picked {
    at: usize,
    id: Result<ObjectId, AppError>,
    number: Option<String>,
}

/// What became of one: where it was in the selection, its number, and the invoice after.
type Acted = (usize, Option<String>, Result<InvoiceDoc, AppError>);

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
    let lanes = by_client(state, user, ids).await?;
    let stopped = AtomicBool::new(false);
    let mut acted: Vec<Acted> = futures::stream::iter(lanes)
        .map(|lane| act_in_turn(state, user, action, lane, &stopped))
        .buffer_unordered(CLIENTS_AT_ONCE)
        .flat_map(futures::stream::iter)
        .collect()
        .await;
    acted.sort_by_key(|(at, _, _)| *at);
    let mut outcome = BulkOutcome::default();
    let mut changed = Vec::new();
    let mut failure = None;
    for (_, number, result) in acted {
        match result {
            Ok(invoice) => {
                outcome.done += 1;
                changed.push(invoice);
            }
            Err(err @ (AppError::Unavailable | AppError::Internal)) => {
                failure.get_or_insert(err);
            }
            Err(err) => outcome.skipped.push(match number {
                Some(number) => format!("{number}: {err}"),
                None => err.to_string(),
            }),
        }
    }
    // What changed before a failure stopped the rest still gets its emails.
    email_later(state, user, action, changed);
    match failure {
        Some(err) => Err(err),
        None => Ok(outcome),
    }
}

/// The selection in lanes, one per client in the order of its first invoice; an id that is
/// malformed or not the user's is a lane of its own (it only gets its reason).
async fn by_client(
    state: &AppState,
    user: &UserDoc,
    ids: &[String],
) -> Result<Vec<Vec<Picked>>, AppError> {
    let parsed: Vec<_> = ids.iter().map(|id| db::parse_id(id, "invoice")).collect();
    let known: Vec<ObjectId> = parsed.iter().filter_map(|id| id.clone().ok()).collect();
    let found: HashMap<ObjectId, (ObjectId, String)> =
        invoices::listed_among(&state.db, user.id, &known)
            .await
            .map_err(db::failed("reading the selected invoices"))?
            .into_iter()
            .map(|invoice| (invoice.id, (invoice.client_id, invoice.number)))
            .collect();
    let mut lanes: Vec<Vec<Picked>> = Vec::new();
    let mut lane_of_client: HashMap<ObjectId, usize> = HashMap::new();
    for (at, id) in parsed.into_iter().enumerate() {
        let of = id.as_ref().ok().and_then(|id| found.get(id)).cloned();
        let picked = Picked {
            at,
            id,
            number: of.as_ref().map(|(_, number)| number.clone()),
        };
        match of {
            Some((client, _)) => {
                let lane = *lane_of_client.entry(client).or_insert_with(|| {
                    lanes.push(Vec::new());
                    lanes.len() - 1
                });
                lanes[lane].push(picked);
            }
            None => lanes.push(vec![picked]),
        }
    }
    Ok(lanes)
}

/// Acts on one lane's invoices one after another, until PayTrack itself fails (here or in
/// another lane).
async fn act_in_turn(
    state: &AppState,
    user: &UserDoc,
    action: BulkAction,
    lane: Vec<Picked>,
    stopped: &AtomicBool,
) -> Vec<Acted> {
    let mut acted = Vec::with_capacity(lane.len());
    for picked in lane {
        if stopped.load(Ordering::Relaxed) {
            break;
        }
        let result = match picked.id {
            Ok(id) => match action {
                BulkAction::Send => send_then(state, user, id, InvoiceEmail::Scheduled).await,
                BulkAction::Void => void_leaving_email(state, user, id).await,
            },
            Err(err) => Err(err),
        };
        if matches!(result, Err(AppError::Unavailable | AppError::Internal)) {
            stopped.store(true, Ordering::Relaxed);
        }
        acted.push((picked.at, picked.number, result));
    }
    acted
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
