//! Several invoices at once: each is checked on its own, and the ones that cannot change are
//! listed with the reason. Only a failure of PayTrack itself stops the rest. Invoices change
//! side by side, a few at once, since each send waits on Stripe for its payment link. One
//! client's first goes alone, until one has gone through: it makes the client's Stripe
//! customer, which the others then reuse (made side by side, each would ask Stripe for it
//! under the same idempotency key, and Stripe refuses a key still in flight). Their emails (the
//! invoices, or the voids' credit notes) go after the answer, one after another: Resend takes
//! a couple a second, so fifty would otherwise hold the answer for half a minute or more, past
//! what a proxy waits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use mongodb::bson::oid::ObjectId;
use tokio::sync::Semaphore;

use super::sending::{InvoiceEmail, send_then, void_leaving_email};
use crate::domain::bulk::{BulkAction, BulkOutcome};
use crate::error::AppError;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::{self, users::UserDoc};
use crate::server::state::AppState;

/// The most invoices one request may act on.
pub const MAX: usize = 200;

/// Invoices that change at once. Stripe allows far more requests a second; four already cut
/// the wait about fourfold while one user's sends stay gentle on the database.
const AT_ONCE: usize = 4;

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
    let turns = Turns {
        at_once: Semaphore::new(AT_ONCE),
        stopped: AtomicBool::new(false),
    };
    let mut acted: Vec<Acted> = futures::future::join_all(
        lanes
            .into_iter()
            .map(|lane| act_on_lane(state, user, action, lane, &turns)),
    )
    .await
    .into_iter()
    .flatten()
    .collect();
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

/// What every lane's invoices share: how many may be acting at once, and whether PayTrack
/// itself failed (here or in another lane), which stops the rest.
struct Turns {
    at_once: Semaphore,
    stopped: AtomicBool,
}

/// Acts on one lane's invoices: one after another until one goes through, then the rest side
/// by side.
async fn act_on_lane(
    state: &AppState,
    user: &UserDoc,
    action: BulkAction,
    lane: Vec<Picked>,
    turns: &Turns,
) -> Vec<Acted> {
    let mut acted = Vec::with_capacity(lane.len());
    let mut lane = lane.into_iter();
    for picked in lane.by_ref() {
        let Some(one) = act_on(state, user, action, picked, turns).await else {
            return acted;
        };
        let went = one.2.is_ok();
        acted.push(one);
        if went {
            break;
        }
    }
    let rest =
        futures::future::join_all(lane.map(|picked| act_on(state, user, action, picked, turns)));
    acted.extend(rest.await.into_iter().flatten());
    acted
}

/// Acts on one invoice when its turn comes; nothing once PayTrack itself has failed.
async fn act_on(
    state: &AppState,
    user: &UserDoc,
    action: BulkAction,
    picked: Picked,
    turns: &Turns,
) -> Option<Acted> {
    let _turn = turns.at_once.acquire().await.ok()?;
    if turns.stopped.load(Ordering::Relaxed) {
        return None;
    }
    let result = match picked.id {
        Ok(id) => match action {
            BulkAction::Send => send_then(state, user, id, InvoiceEmail::Scheduled).await,
            BulkAction::Void => void_leaving_email(state, user, id).await,
        },
        Err(err) => Err(err),
    };
    if matches!(result, Err(AppError::Unavailable | AppError::Internal)) {
        turns.stopped.store(true, Ordering::Relaxed);
    }
    Some((picked.at, picked.number, result))
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
