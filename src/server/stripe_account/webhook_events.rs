//! Endpoints PayTrack registered before it read a new kind of event are made to ask for it:
//! each reconciliation pass updates a few, so a user connected long ago hears of refunds too,
//! without connecting again.

use crate::server::db::stripe_connections;
use crate::server::state::AppState;
use crate::server::stripe::account::{self, EVENTS_VERSION};
use crate::server::stripe::client::StripeProblem;

/// How many endpoints one pass updates (one Stripe call each).
const PER_PASS: i64 = 20;

/// Updates up to `PER_PASS` endpoints still asking for older events; how many now ask for
/// today's.
pub async fn bring_up_to_date(state: &AppState) -> u32 {
    let behind =
        match stripe_connections::with_webhook_events_before(&state.db, EVENTS_VERSION, PER_PASS)
            .await
        {
            Ok(behind) => behind,
            Err(err) => {
                tracing::warn!(error = %err, "finding webhook endpoints to update");
                return 0;
            }
        };
    let mut updated = 0;
    for connection in behind {
        let Some(endpoint) = connection.webhook.and_then(|w| w.endpoint_id) else {
            continue;
        };
        let user = connection.user_id;
        let Ok(Some(connected)) = super::connected(state, user).await else {
            continue;
        };
        match account::update_endpoint_events(&connected.api, &connected.key, &endpoint).await {
            Ok(()) => updated += 1,
            // Gone or not ours to change any more (deleted in Stripe, a key without the
            // webhook permission): asking again each pass would not change that.
            Err(problem @ (StripeProblem::NotFound | StripeProblem::MissingPermission(_))) => {
                tracing::warn!(%user, reason = %problem, "a webhook endpoint could not be updated");
            }
            Err(problem) => {
                super::note_problem(state, &connected, &problem).await;
                tracing::info!(%user, reason = %problem, "updating a webhook endpoint later");
                continue;
            }
        }
        if let Err(err) = stripe_connections::set_webhook_events_version(
            &state.db,
            user,
            &endpoint,
            EVENTS_VERSION,
        )
        .await
        {
            tracing::warn!(error = %err, "noting an updated webhook endpoint");
        }
    }
    updated
}
