//! MongoDB: connecting, the collections and indexes PayTrack relies on, and one repository
//! module per collection. Every query lives here, behind functions with names that say what
//! they do, so access rules (owner scoping, from the sign-in issue on) sit in one layer.

pub mod counters;
pub mod schema;

use std::time::Duration;

use mongodb::bson::doc;
use mongodb::options::ClientOptions;
use mongodb::{Client, Database};

use crate::error::AppError;

/// How long an operation waits for a reachable server before failing. Short, so that a lost
/// database shows up as "not ready" within seconds instead of hanging requests for 30 s.
const SERVER_SELECTION_TIMEOUT: Duration = Duration::from_secs(3);

/// Builds a client for `uri`. The driver connects lazily and reconnects by itself, so this
/// succeeds even while the database is down; `ping` tells whether it is reachable.
pub async fn client(uri: &str) -> Result<Client, mongodb::error::Error> {
    let mut options = ClientOptions::parse(uri).await?;
    options.app_name = Some("paytrack".to_string());
    options.server_selection_timeout = Some(SERVER_SELECTION_TIMEOUT);
    options.connect_timeout = Some(SERVER_SELECTION_TIMEOUT);
    Client::with_options(options)
}

pub async fn ping(db: &Database) -> Result<(), mongodb::error::Error> {
    db.run_command(doc! { "ping": 1 }).await.map(|_| ())
}

/// Turns a driver error into what the user may see, logging the cause under `context`.
pub fn user_facing(context: &'static str, err: mongodb::error::Error) -> AppError {
    use mongodb::error::ErrorKind;
    let unavailable = matches!(
        *err.kind,
        ErrorKind::ServerSelection { .. }
            | ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. }
    );
    if unavailable {
        tracing::warn!(error = %err, "{context}: database unavailable");
        AppError::Unavailable
    } else {
        tracing::error!(error = %err, "{context}");
        AppError::Internal
    }
}
