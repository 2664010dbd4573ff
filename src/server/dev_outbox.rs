//! The development outbox: emails PayTrack would have sent, kept in the database and shown in
//! the browser. Only in development, on loopback, with no email provider configured — and
//! only to a request addressed to a loopback name: a page on another site whose name an
//! attacker points at 127.0.0.1 (DNS rebinding) reaches this server with its own name in
//! `Host`, and must not read the sign-in links here.

use crate::error::AppError;
use crate::server::config::Environment;
use crate::server::db::{self, outbox, outbox::OutboxDoc};
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

/// The latest emails, newest first; refused anywhere the outbox is not available or to a
/// request not addressed to a loopback name.
pub async fn latest(state: &AppState, host: Option<&str>) -> Result<Vec<OutboxDoc>, AppError> {
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
    outbox::latest(&state.db, SHOWN)
        .await
        .map_err(db::failed("reading the dev outbox"))
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
