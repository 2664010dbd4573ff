//! The development outbox: emails PayTrack would have sent, kept in the database and shown in
//! the browser. Only in development, on loopback, with no email provider configured.

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

/// The latest emails, newest first; refused anywhere the outbox is not available.
pub async fn latest(state: &AppState) -> Result<Vec<OutboxDoc>, AppError> {
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
