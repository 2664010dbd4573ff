//! Reconciliation: asks users' Stripe accounts about open payments, for accounts whose
//! webhook never arrives (none registered, or a delivery lost) — so an invoice paid through
//! Stripe ends up paid either way, recorded once through `payments::settle` — and closes the
//! links of voided or otherwise paid invoices that could not be closed at once, until Stripe
//! confirms (`payments::closing`). Each pass also reads the refunds and disputes of accounts
//! whose webhook does not bring them (`payments::missed_events`) and brings a few webhook
//! endpoints registered long ago up to today's events (`stripe_account::webhook_events`).
//!
//! Each invoice with an open payment carries `stripe_check_at`. A pass claims those due one at
//! a time, a few side by side (each check mostly waits on Stripe), reads each from Stripe and
//! moves the next look: soon while nothing else would notice (no webhook), rarely as a safety
//! net when a webhook exists. The claim holds the invoice for a few minutes, so servers running
//! passes at the same time share the work instead of each asking Stripe about every payment. A
//! rate limit from an account defers that account's other checks in the pass and backs off;
//! other accounts carry on.

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::domain::stripe_pay::PayState;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::minutes_after;
use crate::server::db::users::{self, UserDoc};
use crate::server::payments::closing::{self, Closing};
use crate::server::payments::settle::{Settled, settle};
use crate::server::payments::{links, missed_events, quiet_links};
use crate::server::state::AppState;
use crate::server::stripe::client::StripeProblem;
use crate::server::stripe::payments;
use crate::server::stripe_account::{self, Connected};

/// How often quiet links are asked about (accounts without a webhook).
const QUIET_MINUTES: i64 = invoices::QUIET_CHECK_MINUTES;
/// How many invoices one pass looks at: with a pass every 5 minutes and Stripe answering in
/// about 300 ms, what four lanes get through in well under a minute.
const PASS_LIMIT: usize = 200;
/// Invoices checked side by side.
const AT_ONCE: usize = 4;
/// How long a claimed check holds its invoice: one cut short is looked at again after it.
const HOLD_MINUTES: i64 = 5;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReconcileReport {
    pub checked: u32,
    pub paid: u32,
    pub changed: u32,
    /// Put off to a later pass (rate limit, Stripe unreachable).
    pub deferred: u32,
    /// Refunds and disputes read from accounts' lists of events that changed an invoice.
    pub money_back: u32,
}

impl ReconcileReport {
    fn add(&mut self, other: &ReconcileReport) {
        self.checked += other.checked;
        self.paid += other.paid;
        self.changed += other.changed;
        self.deferred += other.deferred;
        self.money_back += other.money_back;
    }
}

/// What the lanes of one pass share: how many invoices they have taken, and the users whose
/// Stripe account answered with a rate limit.
#[derive(Default)]
struct Shared {
    taken: AtomicUsize,
    limited: Mutex<HashSet<ObjectId>>,
}

impl Shared {
    fn is_limited(&self, user: ObjectId) -> bool {
        self.limited
            .lock()
            .is_ok_and(|limited| limited.contains(&user))
    }

    fn limit(&self, user: ObjectId) {
        if let Ok(mut limited) = self.limited.lock() {
            limited.insert(user);
        }
    }
}

/// One pass over the checks due at `now`.
pub async fn pass(
    state: &AppState,
    now: DateTime,
) -> Result<ReconcileReport, mongodb::error::Error> {
    let shared = Shared::default();
    let lanes = (0..AT_ONCE).map(|_| check_in_turn(state, now, &shared));
    let mut report = ReconcileReport::default();
    // Every lane runs to its end (one stopped halfway through a check could leave a payment
    // half recorded); the first error is the pass's.
    for lane in futures::future::join_all(lanes).await {
        report.add(&lane?);
    }
    report.money_back = missed_events::read_due(state, now).await;
    stripe_account::webhook_events::bring_up_to_date(state).await;
    let metrics = crate::server::metrics::get();
    metrics.reconcile_passes.inc();
    metrics.reconciled("checked", report.checked);
    metrics.reconciled("paid", report.paid);
    metrics.reconciled("changed", report.changed);
    metrics.reconciled("deferred", report.deferred);
    metrics.reconciled("money_back", report.money_back);
    Ok(report)
}

/// Claims and checks one invoice after another until none is due, the pass has taken its
/// share (`shared.taken`, counted across the lanes) or the database fails.
async fn check_in_turn(
    state: &AppState,
    now: DateTime,
    shared: &Shared,
) -> Result<ReconcileReport, mongodb::error::Error> {
    let mut report = ReconcileReport::default();
    while shared.taken.fetch_add(1, Ordering::Relaxed) < PASS_LIMIT {
        let hold = minutes_after(now, HOLD_MINUTES);
        let Some(invoice) = invoices::claim_stripe_check(&state.db, now, hold).await? else {
            break;
        };
        let next = if shared.is_limited(invoice.user_id) {
            report.deferred += 1;
            Some(minutes_after(now, 10))
        } else {
            match check(state, &invoice, now).await? {
                Checked::Next(at, settled) => {
                    report.checked += 1;
                    match settled {
                        Settled::Paid => report.paid += 1,
                        Settled::Unchanged => {}
                        _ => report.changed += 1,
                    }
                    at
                }
                Checked::Nothing => None,
                Checked::Limited => {
                    report.deferred += 1;
                    shared.limit(invoice.user_id);
                    Some(minutes_after(now, 10))
                }
                Checked::Retry => {
                    report.deferred += 1;
                    Some(minutes_after(now, 5))
                }
            }
        };
        invoices::set_stripe_check_at(&state.db, invoice.id, next).await?;
    }
    Ok(report)
}

enum Checked {
    /// When to look again (`None`: never — settled, or nothing left to ask).
    Next(Option<DateTime>, Settled),
    /// Nothing to ask Stripe (the link closed, nothing quiet): not looked at again.
    Nothing,
    Limited,
    Retry,
}

async fn check(
    state: &AppState,
    invoice: &InvoiceDoc,
    now: DateTime,
) -> Result<Checked, mongodb::error::Error> {
    let Some(pay) = invoice.stripe.clone() else {
        return Ok(Checked::Next(None, Settled::Unchanged));
    };
    let Some(user) = users::find(&state.db, invoice.user_id).await? else {
        return Ok(Checked::Next(None, Settled::Unchanged));
    };
    let user = crate::server::limits::apply(state, user);
    // Disconnected, broken, or another account or mode now: nothing can be asked (a new
    // connection to the same account and mode picks the invoice up again when its payment is
    // next touched).
    let connected = match stripe_account::connected(state, user.id).await {
        Ok(Some(connected)) if connected.reaches(&pay) => connected,
        _ => return Ok(Checked::Next(None, Settled::Unchanged)),
    };
    // Without a webhook, money paid on a page of a link that stopped taking payments is
    // heard only by asking, for as long as such a page can stay open.
    if connected.connection.webhook.is_some() {
        return check_current(state, &connected, &user, invoice, now).await;
    }
    let quiet = |invoice: &InvoiceDoc| invoice.quiet_links_until.is_some_and(|until| until > now);
    if quiet(invoice) {
        match quiet_links::poll(state, &connected, &user, invoice).await {
            Ok(()) => {}
            Err(StripeProblem::RateLimited) => return Ok(Checked::Limited),
            Err(problem) if problem.is_transient() => return Ok(Checked::Retry),
            Err(problem) => {
                stripe_account::note_problem(state, &connected, &problem).await;
                tracing::warn!(invoice = %invoice.id, reason = %problem, "reconciliation could not read a quiet payment link");
            }
        }
    }
    // Read again: what the poll recorded is decided on from here.
    let Some(fresh) = invoices::get(&state.db, user.id, invoice.id).await? else {
        return Ok(Checked::Nothing);
    };
    let checked = check_current(state, &connected, &user, &fresh, now).await?;
    // The check may have closed or paid a link just now: its pages are asked about too.
    let quiet_after = invoices::get(&state.db, user.id, invoice.id)
        .await?
        .is_some_and(|after| quiet(&after));
    let soon = Some(minutes_after(now, QUIET_MINUTES));
    Ok(match checked {
        Checked::Next(None, settled) if quiet_after => Checked::Next(soon, settled),
        Checked::Nothing if quiet_after => Checked::Next(soon, Settled::Unchanged),
        other => other,
    })
}

/// The check of the invoice's current payment: recorded when paid, closed when no longer
/// wanted, the next look set by how else PayTrack would hear.
async fn check_current(
    state: &AppState,
    connected: &Connected,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    now: DateTime,
) -> Result<Checked, mongodb::error::Error> {
    let Some(pay) = invoice.stripe.clone() else {
        return Ok(Checked::Nothing);
    };
    if !invoice.status.is_collectable() {
        // Voided or paid another way: what is left is closing the link, until Stripe says so.
        if !pay.takes_payments() {
            return Ok(Checked::Nothing);
        }
        return Ok(
            match closing::close_with(state, connected, user, invoice, &pay).await {
                Closing::Closed => Checked::Next(None, Settled::Closed),
                Closing::Failed(StripeProblem::RateLimited) => Checked::Limited,
                Closing::Failed(problem) if problem.is_transient() => Checked::Retry,
                Closing::Failed(problem) => {
                    tracing::warn!(invoice = %invoice.id, reason = %problem, "reconciliation could not close a payment link");
                    Checked::Next(Some(minutes_after(now, 60)), Settled::Unchanged)
                }
            },
        );
    }
    let remote = match payments::status(&connected.api, &connected.key, &pay).await {
        Ok(remote) => remote,
        Err(StripeProblem::RateLimited) => return Ok(Checked::Limited),
        Err(problem) if problem.is_transient() => return Ok(Checked::Retry),
        Err(problem) => {
            stripe_account::note_problem(state, connected, &problem).await;
            tracing::warn!(invoice = %invoice.id, reason = %problem, "reconciliation could not read a payment");
            return Ok(Checked::Next(
                Some(minutes_after(now, 60)),
                Settled::Unchanged,
            ));
        }
    };
    let settled = match settle(state, user, invoice, remote).await {
        Ok(settled) => settled,
        Err(err) => {
            tracing::warn!(invoice = %invoice.id, error = %err, "reconciliation could not record a payment");
            return Ok(Checked::Retry);
        }
    };
    // A link for an amount no longer owed (its replacement failed when a payment came in by
    // hand, or was refunded) is replaced now.
    if settled == Settled::Unchanged && !links::follow_owed(state, user, invoice).await {
        return Ok(Checked::Next(Some(minutes_after(now, 1)), settled));
    }
    let state_now = match settled {
        Settled::Paid | Settled::Closed => return Ok(Checked::Next(None, settled)),
        Settled::Processing => PayState::Processing,
        _ => pay.state,
    };
    let minutes = match (state_now, connected.connection.webhook.is_some()) {
        // A bank debit takes days: hourly is plenty.
        (PayState::Processing, _) => 60,
        // The webhook is the fast path; this is the net under it.
        (_, true) => 6 * 60,
        (_, false) => QUIET_MINUTES,
    };
    Ok(Checked::Next(Some(minutes_after(now, minutes)), settled))
}

/// The worker loop inside the server.
pub async fn run(
    state: AppState,
    every: std::time::Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = interval.tick() => {}
        }
        match pass(&state, DateTime::now()).await {
            Ok(report) if report == ReconcileReport::default() => {}
            Ok(report) => tracing::info!(?report, "reconciliation pass"),
            Err(err) => tracing::warn!(error = %err, "reconciliation pass stopped"),
        }
    }
}

/// `paytrack reconcile [--at TIME]`: one pass from the shell (for cron, with the in-server
/// worker off). `--at` looks at what would be due then (it only asks Stripe sooner).
pub async fn command(args: &[String]) -> ExitCode {
    crate::server::telemetry::init();
    let at = match super::command::parse_at(
        args,
        "usage: paytrack reconcile [--at 2026-12-01T09:00:00Z]",
    ) {
        Ok(at) => at,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let now = at.map_or_else(DateTime::now, super::plan::to_bson);
    let state = match crate::server::state::AppState::for_command().await {
        Ok(state) => state,
        Err(message) => {
            eprintln!("paytrack: {message}");
            return ExitCode::FAILURE;
        }
    };
    let passed = pass(&state, now).await;
    crate::server::db::close(&state.db).await;
    match passed {
        Ok(report) => {
            println!(
                "checked {}, paid {}, changed {}, deferred {}, refunds and disputes {}",
                report.checked, report.paid, report.changed, report.deferred, report.money_back
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("paytrack: the pass stopped: {err}");
            ExitCode::FAILURE
        }
    }
}
