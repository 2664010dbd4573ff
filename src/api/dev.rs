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
    /// "INV-0001.pdf (24 KB)" for each file that went with it.
    pub attachments: Vec<String>,
}

#[server(prefix = "/api", endpoint = "dev/outbox")]
pub async fn outbox() -> Result<Vec<OutboxEmail>, AppError> {
    let (state, parts) = (crate::api::ssr::state()?, crate::api::ssr::parts()?);
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()));
    let emails = crate::server::dev_outbox::latest(&state, host).await?;
    Ok(emails.into_iter().map(view).collect())
}

#[cfg(feature = "ssr")]
fn view(email: crate::server::db::outbox::OutboxDoc) -> OutboxEmail {
    OutboxEmail {
        id: email.id.to_hex(),
        to: email.to,
        subject: email.subject,
        kind: email.kind,
        sent_at: email
            .created_at
            .try_to_rfc3339_string()
            .unwrap_or_else(|_| "unknown".to_string()),
        html: email.html,
        text: email.text,
        attachments: email
            .attachments
            .iter()
            .map(|a| format!("{} ({} KB)", a.filename, a.size.saturating_add(1023) / 1024))
            .collect(),
    }
}
