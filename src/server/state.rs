//! What every request handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use mongodb::Database;

use super::config::Config;
use super::crypto::Keyring;
use super::email::Mailer;
use super::jobs::engine::Engine;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Database,
    pub config: Arc<Config>,
    pub mailer: Mailer,
    /// Sends invoice emails and reminders; server functions use it to send an invoice email
    /// at once, the worker to run what is due.
    pub engine: Engine,
    /// Seals and opens users' Stripe secrets; `None` in development without
    /// `PAYTRACK_MASTER_KEY` (production requires it).
    pub keyring: Option<Arc<Keyring>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
