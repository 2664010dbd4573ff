//! What every Stripe webhook endpoint does before and after acting: verify the
//! Stripe-Signature with the endpoint's secret (five-minute tolerance), skip an event id
//! already handled, act, then record the id. A failure while acting answers 503, so Stripe
//! delivers again later (with backoff, for three days); acting is idempotent, so two
//! deliveries racing past the check do no harm.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use stripe_webhook::{Event, Webhook, WebhookError};

use super::webhooks::{answer, answered_before};
use crate::server::db::{self, webhook_events};
use crate::server::state::AppState;

/// Verifies `body` and runs `act` on the event once per `id_prefix` + event id.
pub async fn handle<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    secret: &str,
    id_prefix: &str,
    act: F,
) -> Response
where
    F: FnOnce(Event) -> Fut,
    Fut: std::future::Future<Output = Result<&'static str, String>>,
{
    let Ok(payload) = std::str::from_utf8(body) else {
        return answer(StatusCode::BAD_REQUEST, "not UTF-8");
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let event = match Webhook::construct_event(payload, signature, secret) {
        Ok(event) => event,
        // Signed by Stripe but of a shape PayTrack does not read: nothing to do, and no
        // redelivery wanted.
        Err(WebhookError::BadParse(reason)) => {
            tracing::info!(%reason, id_prefix, "a signed Stripe event PayTrack does not read");
            return answer(StatusCode::OK, "ignored");
        }
        Err(err) => {
            tracing::warn!(reason = %err, id_prefix, "refused a Stripe webhook");
            return answer(StatusCode::BAD_REQUEST, "signature refused");
        }
    };
    let event_id = format!("{id_prefix}:{}", event.id.as_str());
    if let Some(answered) = answered_before(state, &event_id).await {
        return answered;
    }
    match act(event).await {
        Ok(message) => {
            if let Err(err) = webhook_events::record(&state.db, &event_id).await {
                db::user_facing("recording a webhook event", err);
                return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
            }
            answer(StatusCode::OK, message)
        }
        Err(reason) => {
            tracing::warn!(%reason, %event_id, "a Stripe event could not be handled yet");
            answer(StatusCode::SERVICE_UNAVAILABLE, "try again")
        }
    }
}
