//! Refunds and disputes read from a connected account's own list of events, for when its
//! webhook does not bring them: no endpoint (a key without the webhook permission), one the
//! user added without those events, or deliveries Stripe gave up on. Without a webhook the
//! list is read every 15 minutes, as payments are asked about; with one, every 6 hours as a
//! net. Each event is recorded once, under the id its webhook delivery has, so hearing it both
//! ways changes nothing; and what an event says only ever grows (`money_back`), so reading a
//! stretch twice is harmless — which is why each read starts a little before the last one
//! ended: an event can show in the list a moment after the time it carries.

use std::sync::atomic::{AtomicUsize, Ordering};

use mongodb::bson::DateTime;

use super::money_back::{self, MoneyBack, Recorded};
use crate::server::db::stripe_connections::{self, EventsRead, StripeConnectionDoc};
use crate::server::db::{invoices, minutes_after, webhook_events};
use crate::server::state::AppState;
use crate::server::stripe::client::StripeProblem;
use crate::server::stripe::events;
use crate::server::stripe_account::{self, Connected};

/// Accounts one pass reads (one Stripe call each, more only for a long list): with a pass
/// every 5 minutes, enough for 600 accounts without a webhook per server.
const PER_PASS: usize = 200;
/// Accounts read side by side: each read mostly waits on Stripe.
const AT_ONCE: usize = 4;
/// How long a claimed read holds the account: a read cut short is tried again after it.
const HOLD_MINUTES: i64 = 5;
/// Without a webhook: as often as reconciliation asks about payments.
const QUIET_MINUTES: i64 = invoices::QUIET_CHECK_MINUTES;
/// With one: a net under it.
const NET_MINUTES: i64 = 6 * 60;
/// After a key that may not read events: the user may grant it meanwhile.
const NOT_ALLOWED_MINUTES: i64 = 24 * 60;
/// How far before the last read's end the next one starts.
const OVERLAP_MINUTES: i64 = 10;
/// How long Stripe keeps events: the first read goes this far back.
const KEPT_MINUTES: i64 = 30 * 24 * 60;

/// Reads the lists due at `now`, a few accounts side by side; how many events changed an
/// invoice.
pub async fn read_due(state: &AppState, now: DateTime) -> u32 {
    let taken = AtomicUsize::new(0);
    let lanes = (0..AT_ONCE).map(|_| read_in_turn(state, now, &taken));
    futures::future::join_all(lanes).await.into_iter().sum()
}

/// Claims and reads one account after another until none is due or the pass has taken its
/// share (`taken`, shared by the lanes).
async fn read_in_turn(state: &AppState, now: DateTime, taken: &AtomicUsize) -> u32 {
    let mut recorded = 0;
    while taken.fetch_add(1, Ordering::Relaxed) < PER_PASS {
        let claimed =
            stripe_connections::claim_events_read(&state.db, now, minutes_after(now, HOLD_MINUTES))
                .await;
        match claimed {
            Ok(Some(connection)) => recorded += read(state, &connection, now).await,
            Ok(None) => break,
            Err(err) => {
                tracing::warn!(error = %err, "finding Stripe accounts whose events are due");
                break;
            }
        }
    }
    recorded
}

/// Reads one account's list and records what is new; how many events changed an invoice.
async fn read(state: &AppState, connection: &StripeConnectionDoc, now: DateTime) -> u32 {
    let next = |minutes| minutes_after(now, minutes);
    let connected = match stripe_account::connected(state, connection.user_id).await {
        Ok(Some(connected)) if connected.connection.id == connection.id => connected,
        // Disconnected or replaced meanwhile, or a key that no longer opens (logged where it
        // is opened): nothing to read with it.
        _ => {
            schedule(state, connection, EventsRead::NotNow, next(NET_MINUTES)).await;
            return 0;
        }
    };
    // Where the list stands is Stripe's clock, which this server's follows; `now` only says
    // which reads are due (`paytrack reconcile --at` may name a later time).
    let asked_at = DateTime::now();
    let since = connection
        .events_read_to
        .map_or(minutes_after(asked_at, -KEPT_MINUTES), |read_to| {
            minutes_after(read_to, -OVERLAP_MINUTES)
        })
        .max(minutes_after(asked_at, -KEPT_MINUTES))
        .timestamp_millis()
        / 1000;
    let listed = match events::money_back_since(&connected.api, &connected.key, since).await {
        Ok(listed) => listed,
        Err(problem) => {
            let (read, minutes) = missed_read(state, &connected, problem).await;
            schedule(state, connection, read, next(minutes)).await;
            return 0;
        }
    };
    let prefix = connection.event_prefix();
    let mut recorded = 0;
    for event in listed {
        let id = format!("{prefix}:{}", event.id);
        let Some(news) = MoneyBack::of_object(&event.kind, &event.object) else {
            // Not PayTrack's to read: left alone, and said so.
            tracing::warn!(user = %connection.user_id, event = %event.id, kind = %event.kind, "a refund or dispute event from Stripe without the fields PayTrack reads");
            continue;
        };
        match record_once(state, connection, &id, &news).await {
            Ok(changed) => recorded += u32::from(changed),
            Err(reason) => {
                // Left where it was: the next read, after the hold, starts from the same place.
                tracing::warn!(user = %connection.user_id, event = %event.id, %reason, "a refund or dispute read from Stripe was not recorded");
                return recorded;
            }
        }
    }
    let cadence = if connection.webhook.is_some() {
        NET_MINUTES
    } else {
        QUIET_MINUTES
    };
    schedule(state, connection, EventsRead::Upto(asked_at), next(cadence)).await;
    recorded
}

/// Records one event unless it was handled before (here or by the webhook); whether it
/// changed an invoice.
async fn record_once(
    state: &AppState,
    connection: &StripeConnectionDoc,
    id: &str,
    news: &MoneyBack,
) -> Result<bool, String> {
    if webhook_events::handled(&state.db, id)
        .await
        .map_err(|err| err.to_string())?
    {
        return Ok(false);
    }
    let recorded = money_back::record(state, connection.user_id, news).await?;
    webhook_events::record(&state.db, id)
        .await
        .map_err(|err| err.to_string())?;
    Ok(recorded == Recorded::Changed)
}

/// What a failed read means for the account, and the minutes until the next.
async fn missed_read(
    state: &AppState,
    connected: &Connected,
    problem: StripeProblem,
) -> (EventsRead, i64) {
    let user = connected.connection.user_id;
    match problem {
        problem if problem.is_transient() => (EventsRead::NotNow, HOLD_MINUTES),
        // Shown on the Stripe page: the user may grant it.
        StripeProblem::MissingPermission(permission) => {
            tracing::info!(%user, %permission, "a Stripe key may not read events");
            (EventsRead::Refused(permission), NOT_ALLOWED_MINUTES)
        }
        problem => {
            // A refused key marks the connection broken (and tells the user) once.
            stripe_account::note_problem(state, connected, &problem).await;
            tracing::warn!(%user, reason = %problem, "could not read a Stripe account's events");
            (EventsRead::NotNow, NET_MINUTES)
        }
    }
}

async fn schedule(
    state: &AppState,
    connection: &StripeConnectionDoc,
    read: EventsRead,
    next_at: DateTime,
) {
    if let Err(err) =
        stripe_connections::set_events_read(&state.db, connection.id, read, next_at).await
    {
        tracing::warn!(error = %err, user = %connection.user_id, "noting a read of Stripe events");
    }
}
