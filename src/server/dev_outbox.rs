//! The development outbox: emails PayTrack would have sent, kept in the database and shown in
//! the browser. Only in development, on loopback, with no email provider configured — and
//! only to a request addressed to a loopback name: a page on another site whose name an
//! attacker points at 127.0.0.1 (DNS rebinding) reaches this server with its own name in
//! `Host`, and must not read the sign-in links here.

use mongodb::bson::oid::ObjectId;

use crate::error::AppError;
use crate::server::chasing::replies::{self, Received, ReplyError};
use crate::server::config::Environment;
use crate::server::db::outbox::{OutboxDoc, RECEIVED};
use crate::server::db::{self, outbox};
use crate::server::state::AppState;

/// How many of the latest emails the outbox shows.
const SHOWN: i64 = 50;

/// Development on this machine, with no email provider configured.
pub fn available(state: &AppState) -> bool {
    state.mailer.is_outbox()
        && state.config.environment == Environment::Development
        && state.config.is_loopback()
}

/// Whether `host` (the request's `Host`, with or without a port) names this machine.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    )
}

/// Refuses anywhere the outbox is not available, or a request not addressed to a loopback
/// name.
fn open_to(state: &AppState, host: Option<&str>) -> Result<(), AppError> {
    if !host.is_some_and(is_loopback_host) {
        return Err(AppError::Rejected(
            "The dev outbox answers only at localhost or 127.0.0.1.".to_string(),
        ));
    }
    if !available(state) {
        return Err(AppError::Rejected(
            "The dev outbox exists only in local development, when no email provider is configured."
                .to_string(),
        ));
    }
    Ok(())
}

/// The latest emails, newest first.
pub async fn latest(state: &AppState, host: Option<&str>) -> Result<Vec<OutboxDoc>, AppError> {
    open_to(state, host)?;
    outbox::latest(&state.db, SHOWN)
        .await
        .map_err(db::failed("reading the dev outbox"))
}

/// The longest reply typed in the outbox.
const LONGEST_REPLY: usize = 10_000;

/// Answers the invoice email or reminder `email_id` as its client would: the reply is kept in
/// the outbox, as Resend would keep received mail, and handed to `chasing::replies` exactly as
/// Resend's `email.received` event is. Returns what came of it, in a sentence.
pub async fn reply_as_client(
    state: &AppState,
    host: Option<&str>,
    email_id: &str,
    text: &str,
    automatic: bool,
) -> Result<String, AppError> {
    open_to(state, host)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::BadRequest(
            "Write what the client says.".to_string(),
        ));
    }
    if text.chars().count() > LONGEST_REPLY {
        return Err(AppError::BadRequest(format!(
            "Keep the reply under {LONGEST_REPLY} characters."
        )));
    }
    let not_found = || AppError::NotFound("That email is not in the dev outbox.".to_string());
    let id = ObjectId::parse_str(email_id).map_err(|_| not_found())?;
    let failed = db::failed("replying in the dev outbox");
    let answered = outbox::find(&state.db, id)
        .await
        .map_err(&failed)?
        .ok_or_else(not_found)?;
    let Some(reply_to) = answered
        .reply_to
        .clone()
        .filter(|_| answered.kind != RECEIVED)
    else {
        return Err(AppError::Rejected(
            "Only invoice emails and reminders can be answered as the client.".to_string(),
        ));
    };
    let received = OutboxDoc {
        id: ObjectId::new(),
        to: reply_to.clone(),
        cc: Vec::new(),
        reply_to: None,
        subject: format!("Re: {}", answered.subject),
        html: String::new(),
        text: text.to_string(),
        kind: RECEIVED.to_string(),
        idempotency_key: format!("received-{}", ObjectId::new().to_hex()),
        attachments: Vec::new(),
        from: Some(answered.to.clone()),
        automatic,
        created_at: mongodb::bson::DateTime::now(),
    };
    let stored = outbox::store(&state.db, &received).await.map_err(&failed)?;
    match replies::receive(state, &stored.to_hex(), &[reply_to]).await {
        Ok(Received::Noted { held: true }) => {
            Ok("Replied as the client: that invoice's reminders are on hold, and the reply was forwarded to its owner.".to_string())
        }
        Ok(Received::Noted { held: false }) if automatic => {
            Ok("Out-of-office noted on the invoice; chasing goes on.".to_string())
        }
        Ok(Received::Noted { held: false }) => Ok(
            "Replied as the client: the reply is on the invoice and was forwarded; nothing was held (the invoice is not being chased)."
                .to_string(),
        ),
        Ok(Received::Ignored(why)) => Err(AppError::Rejected(format!(
            "The reply changed nothing: {why}."
        ))),
        Err(ReplyError::Database(err)) => Err(failed(err)),
        Err(ReplyError::Unavailable(message)) => {
            tracing::error!(%message, "the dev outbox could not hand over a reply");
            Err(AppError::Internal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn only_loopback_names_are_loopback_hosts() {
        for host in [
            "localhost",
            "127.0.0.1:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example:3000",
            "127.0.0.1.evil.example",
            "localhost.evil.example:3000",
            "10.0.0.1:3000",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
