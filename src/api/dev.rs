//! The development outbox: emails PayTrack would have sent, shown in the browser. Available
//! only in development, on loopback, and when no real email provider is configured.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::browser_json::BrowserJson;
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
    /// Who wrote a received message (a reply typed here).
    pub from: Option<String>,
    /// The email can be answered as its client: it asks for replies at an invoice's address.
    pub answerable: bool,
}

#[server(prefix = "/api", endpoint = "dev/outbox", output = BrowserJson)]
pub async fn outbox() -> Result<Vec<OutboxEmail>, AppError> {
    let state = crate::api::ssr::state()?;
    let host = crate::api::ssr::with_parts(host_of)?;
    let emails = crate::server::dev_outbox::latest(&state, host.as_deref()).await?;
    Ok(emails.into_iter().map(view).collect())
}

/// Answers an invoice email or reminder in the outbox as its client would (see
/// `server::dev_outbox::reply_as_client`); returns what came of it.
#[server(prefix = "/api", endpoint = "dev/reply", output = BrowserJson)]
pub async fn reply_as_client(
    email_id: String,
    text: String,
    automatic: bool,
) -> Result<String, AppError> {
    let state = crate::api::ssr::state()?;
    let host = crate::api::ssr::with_parts(host_of)?;
    crate::server::dev_outbox::reply_as_client(&state, host.as_deref(), &email_id, &text, automatic)
        .await
}

/// The name the request was addressed to (`Host`), which the outbox checks.
#[cfg(feature = "ssr")]
fn host_of(parts: &axum::http::request::Parts) -> Option<String> {
    parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .map(str::to_string)
}

#[cfg(feature = "ssr")]
fn view(email: crate::server::db::outbox::OutboxDoc) -> OutboxEmail {
    let answerable = email.kind != crate::server::db::outbox::RECEIVED
        && email
            .reply_to
            .as_deref()
            .is_some_and(|r| r.starts_with("reply+"));
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
        answerable,
        from: email.from,
    }
}
