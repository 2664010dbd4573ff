//! What every request handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use mongodb::Database;

use super::auth::session_cache::SessionCache;
use super::config::Config;
use super::crypto::Keyring;
use super::db;
use super::email::Mailer;
use super::jobs::clock::SystemClock;
use super::jobs::engine::Engine;
use super::pro_prices::ProPriceCache;

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
    /// Who recent session cookies belong to (see `auth::session_cache` for how fresh).
    pub sessions: SessionCache,
    /// Pro's prices as last read from Stripe (`pro_prices`).
    pub pro_prices: ProPriceCache,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Why the shared state could not be put together (printed as one line at start-up).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot set up email delivery: {0}")]
    Mailer(String),
    #[error("cannot use the master key: {0}")]
    MasterKey(String),
}

impl AppState {
    /// What handlers, workers and commands share, around an open database.
    pub fn assemble(
        config: Config,
        leptos_options: LeptosOptions,
        database: Database,
    ) -> Result<AppState, StateError> {
        let mailer = Mailer::from_config(&config, &database)
            .map_err(|err| StateError::Mailer(err.to_string()))?;
        let keyring = match &config.secrets.master_key {
            Some(current) => Some(Arc::new(
                Keyring::from_base64(current, &config.secrets.master_key_previous)
                    .map_err(StateError::MasterKey)?,
            )),
            None => None,
        };
        let engine = Engine::for_config(
            database.clone(),
            mailer.clone(),
            Arc::new(SystemClock),
            &config,
        );
        Ok(AppState {
            leptos_options,
            db: database,
            config: Arc::new(config),
            mailer,
            engine,
            keyring,
            sessions: SessionCache::default(),
            pro_prices: ProPriceCache::default(),
        })
    }

    /// The shared state for a command run from the shell (no pages are rendered).
    pub async fn for_command() -> Result<AppState, String> {
        let config = Config::from_env().map_err(|e| e.to_string())?;
        let database =
            db::open_for_command(config.mongodb_uri.expose(), &config.mongodb_database).await?;
        let options = LeptosOptions::builder().output_name("paytrack").build();
        Self::assemble(config, options, database).map_err(|e| e.to_string())
    }
}
