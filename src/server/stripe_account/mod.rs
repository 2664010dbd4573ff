//! The user's own Stripe account as PayTrack holds it: connecting a key (checked live, then
//! sealed), the webhook that reports payments, how clients pay, and disconnecting. Everything
//! that needs the key opens it here, for one call.

pub mod connect;
pub mod disconnect;
pub mod settings;
pub mod webhook_events;

use std::sync::Arc;

use mongodb::bson::oid::ObjectId;

use crate::domain::stripe_pay::StripePay;
use crate::error::AppError;
use crate::server::crypto::{Keyring, Purpose};
use crate::server::db::stripe_connections::{self, StripeConnectionDoc};
use crate::server::db::{self, users};
use crate::server::email::{notify, templates};
use crate::server::state::AppState;
use crate::server::stripe::api_key::StripeKey;
use crate::server::stripe::client::{StripeApi, StripeProblem};

/// A working connection with its key opened for this call.
pub struct Connected {
    pub connection: StripeConnectionDoc,
    pub key: StripeKey,
    pub api: StripeApi,
}

impl Connected {
    /// Whether this key reaches `pay`: the same account, in the mode it was made in.
    pub fn reaches(&self, pay: &StripePay) -> bool {
        pay.reached_by(&self.connection.account_id, self.connection.livemode)
    }
}

/// The keyring that seals users' Stripe secrets, or why Stripe can't be connected here.
pub fn keyring(state: &AppState) -> Result<Arc<Keyring>, AppError> {
    state.keyring.clone().ok_or_else(|| {
        AppError::Rejected(
            "Stripe can't be connected on this server yet: its operator has not set PAYTRACK_MASTER_KEY."
                .to_string(),
        )
    })
}

pub fn api(state: &AppState) -> StripeApi {
    StripeApi::new(&state.config.stripe_api_base)
}

/// Where Stripe posts this connection's events.
pub fn webhook_url(state: &AppState, hook_id: &str) -> String {
    format!(
        "{}/webhooks/stripe/connected/{hook_id}",
        state.config.base_url
    )
}

/// The user's connection as stored, if any.
pub async fn connection_of(
    state: &AppState,
    user: ObjectId,
) -> Result<Option<StripeConnectionDoc>, AppError> {
    stripe_connections::of_user(&state.db, user)
        .await
        .map_err(db::failed("reading a Stripe connection"))
}

/// The user's connection, opened. `None`: no Stripe connected. A broken connection, or one
/// whose key no longer opens, is an error the user can act on.
pub async fn connected(state: &AppState, user: ObjectId) -> Result<Option<Connected>, AppError> {
    let Some(connection) = connection_of(state, user).await? else {
        return Ok(None);
    };
    if let Some(broken) = &connection.broken {
        return Err(AppError::Rejected(format!(
            "Your Stripe key stopped working ({}). Connect a new key on the Stripe page, or disconnect Stripe to send invoices without a payment link.",
            broken.reason.trim_end_matches('.')
        )));
    }
    let keyring = state.keyring.as_ref().ok_or_else(|| {
        tracing::error!("a Stripe connection exists but no master key is configured");
        AppError::Internal
    })?;
    let key = open_key(keyring, &connection)?;
    Ok(Some(Connected {
        connection,
        key,
        api: api(state),
    }))
}

/// The user's key, opened for one call. A key that no longer opens (the master key it was
/// sealed under was removed) asks the user to connect again, with the cause logged.
pub fn open_key(
    keyring: &Keyring,
    connection: &StripeConnectionDoc,
) -> Result<StripeKey, AppError> {
    let secret = keyring
        .open(connection.user_id, Purpose::StripeKey, &connection.key)
        .map_err(|err| {
            tracing::error!(error = %err, user = %connection.user_id, "a stored Stripe key does not open");
            AppError::Rejected(
                "PayTrack can no longer read your Stripe key. Connect it again on the Stripe page."
                    .to_string(),
            )
        })?;
    StripeKey::stored(secret).map_err(|_| AppError::Internal)
}

/// Records that Stripe refused the key: the connection is marked broken and the user told,
/// once. Other problems change nothing.
pub async fn note_problem(state: &AppState, connected: &Connected, problem: &StripeProblem) {
    if !problem.breaks_connection() {
        return;
    }
    let connection = &connected.connection;
    let changed = stripe_connections::mark_broken(
        &state.db,
        connection.user_id,
        &connection.key_last4,
        &problem.to_string(),
    )
    .await;
    match changed {
        Ok(true) => {}
        Ok(false) => return,
        Err(err) => {
            tracing::error!(error = %err, "marking a Stripe connection broken");
            return;
        }
    }
    let Ok(Some(user)) = users::find(&state.db, connection.user_id).await else {
        return;
    };
    let rendered = templates::stripe_key_broken(
        &user.name,
        &connection.key_last4,
        &problem.to_string(),
        &format!("{}/stripe", state.config.base_url),
    );
    notify::send_to(
        state,
        &user.email,
        None,
        rendered,
        "stripe_key_broken",
        format!("stripe-broken-{}-{}", connection.id, connection.key_last4),
    )
    .await;
}
