//! Closing what a client pays through once the invoice no longer wants money (voided, paid
//! another way, or the Stripe account being disconnected) — until Stripe confirms.
//!
//! A close that fails leaves the payment open in PayTrack's records with a reconciliation look
//! due within a minute, and reconciliation closes it then (again and again until Stripe says
//! yes). After every close the payment is read once more: money that got in before the close
//! is recorded on the invoice and told to the user (`settle`: paid twice), never dropped.

use mongodb::bson::DateTime;

use super::pay_state::mark;
use super::settle::settle;
use crate::domain::stripe_pay::{PayState, StripePay};
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;
use crate::server::stripe::client::StripeProblem;
use crate::server::stripe::payments::{self, Remote};
use crate::server::stripe_account::{Connected, connected, note_problem};

/// How soon reconciliation tries a close that failed.
const RETRY_MS: i64 = 60_000;

/// What closing came to.
#[derive(Debug)]
pub enum Closing {
    /// Stripe confirmed; nothing can be paid through it any more.
    Closed,
    /// Not now: Stripe refused or was unreachable. The problem says why.
    Failed(StripeProblem),
}

/// Closes what `invoice` is paid through, if it still takes payments. A failure is logged and
/// left to reconciliation, which retries it within a minute; `false` says it is still open.
pub async fn close(state: &AppState, user: &UserDoc, invoice: &InvoiceDoc) -> bool {
    let Some(pay) = invoice.stripe.as_ref().filter(|p| p.takes_payments()) else {
        return true;
    };
    let connected = match connected(state, invoice.user_id).await {
        Ok(Some(connected)) if connected.reaches(pay) => connected,
        // Disconnected (its links were closed then), another account or the other mode of
        // this one: nothing to ask.
        _ => return true,
    };
    let Closing::Failed(problem) = close_with(state, &connected, user, invoice, pay).await else {
        return true;
    };
    tracing::warn!(invoice = %invoice.id, reason = %problem, "Stripe payment link not closed yet; reconciliation retries it");
    retry_soon(state, invoice).await;
    false
}

/// Has reconciliation look at `invoice`'s payment again within a minute.
pub(super) async fn retry_soon(state: &AppState, invoice: &InvoiceDoc) {
    let soon = DateTime::from_millis(DateTime::now().timestamp_millis() + RETRY_MS);
    if let Err(err) = invoices::set_stripe_check_at(&state.db, invoice.id, Some(soon)).await {
        tracing::error!(error = %err, invoice = %invoice.id, "planning another look at a payment");
    }
}

/// Closes `pay` in Stripe through `connected`, then reads it once more (a payment that got in
/// first is settled: recorded as paid twice when the invoice no longer wanted it), then marks
/// it closed.
pub async fn close_with(
    state: &AppState,
    connected: &Connected,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    pay: &StripePay,
) -> Closing {
    if let Err(problem) = payments::close(&connected.api, &connected.key, pay).await {
        note_problem(state, connected, &problem).await;
        return Closing::Failed(problem);
    }
    match payments::status(&connected.api, &connected.key, pay).await {
        Ok(remote @ Remote::Paid { .. }) => {
            // Boxed: settling can record a payment, which can close a link again.
            if let Err(err) = Box::pin(settle(state, user, invoice, remote)).await {
                tracing::error!(error = %err, invoice = %invoice.id, "recording a payment found when closing");
                return Closing::Failed(StripeProblem::Unreachable);
            }
        }
        Ok(_) => {}
        Err(problem) => return Closing::Failed(problem),
    }
    match mark(state, invoice, pay, PayState::Closed, None).await {
        Ok(()) => Closing::Closed,
        Err(_) => Closing::Failed(StripeProblem::Unreachable),
    }
}
