//! Connecting a key: checked for shape, then live against the account it opens, sealed, the
//! webhook endpoint registered when the key may (or a signing secret pasted), and the owner
//! told. Nothing is saved for a key or secret that is refused.

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::{api, connection_of, keyring, webhook_url};
use crate::error::AppError;
use crate::server::crypto::{Keyring, Purpose};
use crate::server::db;
use crate::server::db::stripe_connections::{self, StripeConnectionDoc, WebhookDoc};
use crate::server::db::users::UserDoc;
use crate::server::limits::rate;
use crate::server::state::AppState;
use crate::server::stripe::account;
use crate::server::stripe::api_key::{KeyKind, StripeKey, parse_signing_secret};
use crate::server::stripe::client::StripeApi;

/// A connection saved, or what is wrong with the key or secret in words to act on.
pub enum ConnectOutcome {
    Connected(Box<StripeConnectionDoc>),
    Invalid(String),
}

/// Checks `input` live, seals it, registers the webhook endpoint when the key may, and saves
/// the connection in place of any earlier one.
pub async fn connect(
    state: &AppState,
    user: &UserDoc,
    input: &str,
) -> Result<ConnectOutcome, AppError> {
    let keyring = keyring(state)?;
    crate::server::limits::allow_payment_links(state, user)?;
    let key = match StripeKey::parse(input) {
        Ok(key) => key,
        Err(message) => return Ok(ConnectOutcome::Invalid(message.to_string())),
    };
    rate::check(
        state,
        &format!("stripe-key:{}", user.id),
        rate::STRIPE_KEY,
        "Too many Stripe keys were tried.",
        DateTime::now(),
    )
    .await?;
    let api = api(state);
    let summary = match account::check_key(&api, &key).await {
        Ok(summary) => summary,
        Err(problem) => return Ok(ConnectOutcome::Invalid(problem.to_string())),
    };
    let previous = connection_of(state, user.id).await?;
    let same_account = previous
        .as_ref()
        .filter(|p| p.account_id == summary.id && p.livemode == key.is_live());
    let hook_id = match same_account {
        Some(p) => p.hook_id.clone(),
        None => crate::server::auth::token::random()?,
    };
    let sealed = keyring
        .seal(user.id, Purpose::StripeKey, key.secret())
        .map_err(|err| {
            tracing::error!(error = %err, "sealing a Stripe key");
            AppError::Internal
        })?;
    let now = DateTime::now();
    let mut webhook = same_account.and_then(|p| p.webhook.clone());
    if webhook.is_none() {
        webhook = register_webhook(state, &keyring, user.id, &api, &key, &hook_id).await;
    }
    let connection = StripeConnectionDoc {
        // One document per user: a new account reuses it (its `_id` cannot change).
        id: previous.as_ref().map_or_else(ObjectId::new, |p| p.id),
        user_id: user.id,
        account_id: summary.id,
        account_name: summary.name,
        country: summary.country,
        default_currency: summary.default_currency,
        livemode: key.is_live(),
        key_kind: match key.kind() {
            KeyKind::Restricted => "restricted".to_string(),
            KeyKind::Secret => "secret".to_string(),
        },
        key_last4: key.last4(),
        key: sealed,
        hook_id,
        webhook,
        pay_with: previous.as_ref().map(|p| p.pay_with).unwrap_or_default(),
        notify_paid: previous.as_ref().is_none_or(|p| p.notify_paid),
        client_receipts: previous.as_ref().is_none_or(|p| p.client_receipts),
        broken: None,
        connected_at: now,
        updated_at: now,
        // Read from the start of the list Stripe keeps: what was read for an earlier key is
        // read again, harmlessly.
        events_check_at: None,
        events_read_to: None,
        events_refused: None,
    };
    stripe_connections::replace(&state.db, &connection)
        .await
        .map_err(db::failed("saving a Stripe connection"))?;
    if let Some(old) = previous.as_ref().filter(|_| same_account.is_none()) {
        super::disconnect::remove_webhook(state, &keyring, old).await;
    }
    let body = match &previous {
        None => format!(
            "A Stripe account was connected to PayTrack: {} ({}), with the key ending in {}. PayTrack will create payment links in it. If this wasn't you, disconnect it from Settings → Stripe and revoke the key in Stripe.",
            connection.account_name, connection.account_id, connection.key_last4
        ),
        Some(old) => format!(
            "The Stripe key PayTrack uses changed: the key ending in {} replaced the one ending in {}, for {} ({}). If this wasn't you, revoke the new key in Stripe and sign out everywhere.",
            connection.key_last4, old.key_last4, connection.account_name, connection.account_id
        ),
    };
    crate::server::auth::notices::stripe_changed(state, user, &body, now).await;
    Ok(ConnectOutcome::Connected(Box::new(connection)))
}

/// For an endpoint the user added in Stripe themselves: its signing secret, sealed.
pub async fn save_signing_secret(
    state: &AppState,
    user: &UserDoc,
    input: &str,
) -> Result<ConnectOutcome, AppError> {
    let keyring = keyring(state)?;
    let secret = match parse_signing_secret(input) {
        Ok(secret) => secret,
        Err(message) => return Ok(ConnectOutcome::Invalid(message.to_string())),
    };
    let sealed = keyring
        .seal(user.id, Purpose::StripeWebhookSecret, &secret)
        .map_err(|err| {
            tracing::error!(error = %err, "sealing a webhook signing secret");
            AppError::Internal
        })?;
    let webhook = WebhookDoc {
        endpoint_id: None,
        secret: sealed,
        added_at: DateTime::now(),
        events_version: 0,
    };
    stripe_connections::set_webhook(&state.db, user.id, &webhook)
        .await
        .map_err(db::failed("saving a signing secret"))?
        .map(|saved| ConnectOutcome::Connected(Box::new(saved)))
        .ok_or_else(super::settings::not_connected)
}

/// Registers PayTrack's endpoint in the account; `None` when the key may not (a restricted
/// key without the webhook permission) or Stripe refuses the URL (a local address): the
/// user can paste a secret instead, and polling covers payments meanwhile.
async fn register_webhook(
    state: &AppState,
    keyring: &Keyring,
    user: ObjectId,
    api: &StripeApi,
    key: &StripeKey,
    hook_id: &str,
) -> Option<WebhookDoc> {
    let url = webhook_url(state, hook_id);
    let idempotency = format!("paytrack-webhook-{hook_id}");
    let endpoint = match account::register_endpoint(api, key, &url, &idempotency).await {
        Ok(endpoint) => endpoint,
        Err(problem) => {
            tracing::info!(%user, reason = %problem, "webhook endpoint not registered");
            return None;
        }
    };
    match keyring.seal(user, Purpose::StripeWebhookSecret, &endpoint.secret) {
        Ok(secret) => Some(WebhookDoc {
            endpoint_id: Some(endpoint.id),
            secret,
            added_at: DateTime::now(),
            events_version: account::EVENTS_VERSION,
        }),
        Err(err) => {
            tracing::error!(error = %err, "sealing a webhook signing secret");
            None
        }
    }
}
