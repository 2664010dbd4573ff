//! Letting go of a Stripe account: the connection and its sealed key deleted, the endpoint
//! PayTrack registered removed, and the owner told.

use mongodb::bson::DateTime;

use super::{api, keyring, open_key};
use crate::error::AppError;
use crate::server::crypto::Keyring;
use crate::server::db;
use crate::server::db::stripe_connections::{self, StripeConnectionDoc};
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;

pub async fn disconnect(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    let Some(connection) = stripe_connections::delete(&state.db, user.id)
        .await
        .map_err(db::failed("disconnecting Stripe"))?
    else {
        return Ok(());
    };
    if let Ok(keyring) = keyring(state) {
        remove_webhook(state, &keyring, &connection).await;
    }
    let body = format!(
        "Your Stripe account {} ({}) was disconnected from PayTrack and the key ending in {} was deleted. Invoices you send now have no payment link. If this wasn't you, sign out everywhere from your account page.",
        connection.account_name, connection.account_id, connection.key_last4
    );
    crate::server::auth::notices::stripe_changed(state, user, &body, DateTime::now()).await;
    Ok(())
}

/// Removes the endpoint PayTrack registered with `connection`'s key. Best effort: the key
/// may already be revoked, and the endpoint then fails harmlessly at Stripe.
pub async fn remove_webhook(state: &AppState, keyring: &Keyring, connection: &StripeConnectionDoc) {
    let Some(endpoint) = connection
        .webhook
        .as_ref()
        .and_then(|w| w.endpoint_id.as_ref())
    else {
        return;
    };
    let Ok(key) = open_key(keyring, connection) else {
        return;
    };
    if let Err(problem) =
        crate::server::stripe::account::remove_endpoint(&api(state), &key, endpoint).await
    {
        tracing::warn!(user = %connection.user_id, reason = %problem, "webhook endpoint not removed");
    }
}
