//! `POST /webhooks/resend`: Resend's events. Verified by signature, handled once per event id,
//! and passed on: delivery events to `server::chasing::deliveries`, which acts on the one email
//! the event is about (a bounce or complaint marks that invoice's client and holds its
//! reminders); `email.received` to `server::chasing::replies` (a client's reply).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mongodb::bson::DateTime;
use serde::Deserialize;
use serde_json::json;

use crate::server::chasing::deliveries::{self, Delivery};
use crate::server::chasing::replies::{self, ReplyError};
use crate::server::db::{self, webhook_events};
use crate::server::email::webhook_signature::{self, Signed};
use crate::server::state::AppState;

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: EventData,
}

#[derive(Deserialize, Default)]
struct EventData {
    #[serde(default)]
    to: Vec<String>,
    /// Resend's id of the email, as its send answered: it finds the invoice email it was.
    #[serde(default)]
    email_id: Option<String>,
}

/// The answer to a webhook delivery, carrying its outcome for the metrics.
pub(super) fn answer(status: StatusCode, message: &'static str) -> Response {
    let mut response = (status, Json(json!({ "status": message }))).into_response();
    response
        .extensions_mut()
        .insert(crate::server::metrics::WebhookOutcome(message));
    response
}

/// The answer to an event handled before (200, nothing more to do), or to one whose history
/// cannot be read now (503, so the sender delivers it again); `None` for a new event.
pub(super) async fn answered_before(state: &AppState, event_id: &str) -> Option<Response> {
    match webhook_events::handled(&state.db, event_id).await {
        Ok(false) => None,
        Ok(true) => Some(answer(StatusCode::OK, "already handled")),
        Err(err) => {
            db::user_facing("checking a webhook event", err);
            Some(answer(StatusCode::SERVICE_UNAVAILABLE, "try again"))
        }
    }
}

pub async fn resend(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = &state.config.secrets.resend_webhook_secret else {
        return answer(StatusCode::NOT_FOUND, "Resend webhooks are not configured");
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let signed = Signed {
        id: header("svix-id"),
        timestamp: header("svix-timestamp"),
        signatures: header("svix-signature"),
        body: &body,
    };
    let now = DateTime::now().timestamp_millis() / 1000;
    if let Err(err) = webhook_signature::verify(secret.expose(), &signed, now) {
        tracing::warn!(reason = %err, "refused a Resend webhook");
        return answer(StatusCode::UNAUTHORIZED, "signature refused");
    }
    let event: Event = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(err) => {
            tracing::warn!(error = %err, "a signed Resend webhook that is not an event");
            return answer(StatusCode::BAD_REQUEST, "not a Resend event");
        }
    };
    // Checked first and recorded last: a failure in between answers 503, Resend delivers
    // again, and the event is handled then. Handling is idempotent, so two deliveries racing
    // past the check do no harm.
    let event_id = format!("resend:{}", signed.id);
    if let Some(answered) = answered_before(&state, &event_id).await {
        return answered;
    }
    if event.kind == "email.received" {
        let email_id = event.data.email_id.as_deref().unwrap_or_default();
        match replies::receive(&state, email_id, &event.data.to).await {
            Ok(_) => {}
            Err(ReplyError::Database(err)) => {
                db::user_facing("recording a client's reply", err);
                return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
            }
            Err(ReplyError::Unavailable(message)) => {
                tracing::warn!(%message, "a client's reply waits for Resend");
                return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
            }
        }
    } else if let Some(delivery) = Delivery::of_event(&event.kind) {
        let (email_id, to) = (event.data.email_id.as_deref(), &event.data.to);
        if let Err(err) = deliveries::note(&state, delivery, email_id, to, DateTime::now()).await {
            db::user_facing("recording an email delivery", err);
            return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
        }
    }
    if let Err(err) = webhook_events::record(&state.db, &event_id).await {
        db::user_facing("recording a webhook event", err);
        return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
    }
    answer(StatusCode::OK, "handled")
}
