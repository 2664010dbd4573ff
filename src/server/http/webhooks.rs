//! `POST /webhooks/resend`: Resend's delivery events. Verified by signature, handled once per
//! event id, and acted on only for what changes something: a bounce or a spam complaint marks
//! the address as undeliverable on every client that has it and holds the reminders of the
//! invoice the email was about; a delivery is noted on that invoice's email log.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mongodb::bson::DateTime;
use serde::Deserialize;
use serde_json::json;

use crate::domain::pause::PauseReason;
use crate::server::db::{self, clients, email_jobs, invoices, webhook_events};
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

pub(super) fn answer(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "status": message }))).into_response()
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
    let problem = match event.kind.as_str() {
        "email.bounced" => Some("bounced"),
        "email.complained" => Some("complained"),
        _ => None,
    };
    if let Some(kind) = problem {
        for address in &event.data.to {
            let address = address.trim().to_lowercase();
            match clients::mark_email_problem(&state.db, &address, kind, DateTime::now()).await {
                Ok(marked) => tracing::info!(kind, marked, "email problem recorded"),
                Err(err) => {
                    db::user_facing("recording an email problem", err);
                    return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
                }
            }
        }
    }
    if let Err(err) = note_delivery(&state, &event).await {
        db::user_facing("recording an email delivery", err);
        return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
    }
    if let Err(err) = webhook_events::record(&state.db, &event_id).await {
        db::user_facing("recording a webhook event", err);
        return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
    }
    answer(StatusCode::OK, "handled")
}

/// Notes on the invoice's email log what became of the email; a bounce or complaint also
/// holds that invoice's reminders, so PayTrack stops writing to an address that refuses mail.
async fn note_delivery(state: &AppState, event: &Event) -> Result<(), mongodb::error::Error> {
    let delivery = match event.kind.as_str() {
        "email.delivered" => "delivered",
        "email.bounced" => "bounced",
        "email.complained" => "complained",
        _ => return Ok(()),
    };
    let Some(email_id) = event.data.email_id.as_deref() else {
        return Ok(());
    };
    let Some(job) = email_jobs::set_delivery(&state.db, email_id, delivery).await? else {
        return Ok(());
    };
    if delivery != "delivered" {
        let now = DateTime::now();
        if invoices::pause_reminders(
            &state.db,
            job.user_id,
            job.invoice_id,
            PauseReason::Bounced,
            now,
        )
        .await?
        .is_some()
        {
            email_jobs::cancel_scheduled(
                &state.db,
                job.invoice_id,
                email_jobs::Cancel::Reminders,
                "bounced",
            )
            .await?;
            tracing::info!(invoice = %job.invoice_id, delivery, "reminders held after a failed delivery");
        }
    }
    Ok(())
}
