//! The development outbox: emails PayTrack would have sent, shown in the browser. Available
//! only in development, on loopback, and when no real email provider is configured.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub kind: String,
    /// RFC 3339, UTC.
    pub sent_at: String,
    pub html: String,
    pub text: String,
}

#[server(prefix = "/api", endpoint = "dev/outbox")]
pub async fn outbox() -> Result<Vec<OutboxEmail>, AppError> {
    use crate::server::db;

    let state = ssr::state()?;
    if !outbox_available(&state) {
        return Err(AppError::Rejected(
            "The dev outbox exists only in local development, when no email provider is configured."
                .to_string(),
        ));
    }
    let emails = db::outbox::latest(&state.db, 50)
        .await
        .map_err(|err| db::user_facing("reading the dev outbox", err))?;
    Ok(emails
        .into_iter()
        .map(|e| OutboxEmail {
            id: e.id.to_hex(),
            to: e.to,
            subject: e.subject,
            kind: e.kind,
            sent_at: e
                .created_at
                .try_to_rfc3339_string()
                .unwrap_or_else(|_| "unknown".to_string()),
            html: e.html,
            text: e.text,
        })
        .collect())
}

/// Development on this machine, with no email provider configured.
#[cfg(feature = "ssr")]
pub fn outbox_available(state: &crate::server::state::AppState) -> bool {
    use crate::server::config::Environment;
    state.mailer.is_outbox()
        && state.config.environment == Environment::Development
        && state.config.is_loopback()
}

#[cfg(feature = "ssr")]
use super::ssr;
