//! The user's own Stripe account: connect a key (checked live, then sealed), the webhook
//! that tells PayTrack about payments, how clients pay, and disconnect. The key never comes
//! back to the browser: views carry its last four characters only.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::pay_with::PayWith;
use crate::error::AppError;

/// How PayTrack hears about payments in this account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookView {
    /// PayTrack registered its endpoint through the API.
    Registered,
    /// The user added the endpoint in Stripe and pasted its signing secret.
    Pasted,
    /// No webhook: PayTrack checks open payments on a schedule instead.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeConnectionView {
    pub account_id: String,
    pub account_name: String,
    pub country: String,
    /// Upper-case ISO code (`EUR`).
    pub default_currency: String,
    pub livemode: bool,
    /// `rk_live_…abcd`.
    pub key_masked: String,
    pub restricted: bool,
    pub webhook: WebhookView,
    /// The URL to give Stripe when adding the endpoint by hand.
    pub webhook_url: String,
    pub pay_with: PayWith,
    /// Email the user when a client pays.
    pub notify_paid: bool,
    /// Email the client a receipt when they pay.
    pub client_receipts: bool,
    /// Why the connection stopped working, when it did.
    pub broken: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StripeConnect {
    Connected(StripeConnectionView),
    /// What is wrong with the key or secret, in words to act on. Nothing was saved.
    Invalid(String),
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use std::sync::Arc;

    use mongodb::bson::DateTime;
    use mongodb::bson::oid::ObjectId;

    use super::*;
    use crate::api::ssr::db_error;
    use crate::server::crypto::{Keyring, Purpose};
    use crate::server::db::stripe_connections::{self, StripeConnectionDoc};
    use crate::server::db::users::UserDoc;
    use crate::server::state::AppState;
    use crate::server::stripe::api_key::{KeyKind, StripeKey};
    use crate::server::stripe::client::StripeApi;

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

    pub fn webhook_url(state: &AppState, hook_id: &str) -> String {
        format!(
            "{}/webhooks/stripe/connected/{hook_id}",
            state.config.base_url
        )
    }

    pub fn view(state: &AppState, connection: &StripeConnectionDoc) -> StripeConnectionView {
        StripeConnectionView {
            account_id: connection.account_id.clone(),
            account_name: connection.account_name.clone(),
            country: connection.country.clone(),
            default_currency: connection.default_currency.to_uppercase(),
            livemode: connection.livemode,
            key_masked: format!(
                "{}_{}_…{}",
                if connection.key_kind == "restricted" {
                    "rk"
                } else {
                    "sk"
                },
                if connection.livemode { "live" } else { "test" },
                connection.key_last4
            ),
            restricted: connection.key_kind == "restricted",
            webhook: match &connection.webhook {
                Some(w) if w.endpoint_id.is_some() => WebhookView::Registered,
                Some(_) => WebhookView::Pasted,
                None => WebhookView::Missing,
            },
            webhook_url: webhook_url(state, &connection.hook_id),
            pay_with: connection.pay_with,
            notify_paid: connection.notify_paid,
            client_receipts: connection.client_receipts,
            broken: connection.broken.as_ref().map(|b| b.reason.clone()),
        }
    }

    pub async fn connection_of(
        state: &AppState,
        user: ObjectId,
    ) -> Result<Option<StripeConnectionDoc>, AppError> {
        stripe_connections::of_user(&state.db, user)
            .await
            .map_err(db_error("reading a Stripe connection"))
    }

    /// Checks `key` live, seals it, registers the webhook endpoint when the key may, and saves
    /// the connection in place of any earlier one.
    pub async fn connect(
        state: &AppState,
        user: &UserDoc,
        input: &str,
    ) -> Result<StripeConnect, AppError> {
        use crate::server::stripe::account;

        let keyring = keyring(state)?;
        crate::server::limits::allow_payment_links(state, user)?;
        let key = match StripeKey::parse(input) {
            Ok(key) => key,
            Err(message) => return Ok(StripeConnect::Invalid(message.to_string())),
        };
        let api = api(state);
        let summary = match account::check_key(&api, &key).await {
            Ok(summary) => summary,
            Err(problem) => return Ok(StripeConnect::Invalid(problem.to_string())),
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
        };
        stripe_connections::replace(&state.db, &connection)
            .await
            .map_err(db_error("saving a Stripe connection"))?;
        if let Some(old) = previous.as_ref().filter(|_| same_account.is_none()) {
            remove_webhook(state, &keyring, old).await;
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
        Ok(StripeConnect::Connected(view(state, &connection)))
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
    ) -> Option<stripe_connections::WebhookDoc> {
        let url = webhook_url(state, hook_id);
        let idempotency = format!("paytrack-webhook-{hook_id}");
        match crate::server::stripe::account::register_endpoint(api, key, &url, &idempotency).await
        {
            Ok(endpoint) => {
                match keyring.seal(user, Purpose::StripeWebhookSecret, &endpoint.secret) {
                    Ok(secret) => Some(stripe_connections::WebhookDoc {
                        endpoint_id: Some(endpoint.id),
                        secret,
                        added_at: DateTime::now(),
                    }),
                    Err(err) => {
                        tracing::error!(error = %err, "sealing a webhook signing secret");
                        None
                    }
                }
            }
            Err(problem) => {
                tracing::info!(%user, reason = %problem, "webhook endpoint not registered");
                None
            }
        }
    }

    /// Removes the endpoint PayTrack registered with `connection`'s key. Best effort: the key
    /// may already be revoked, and the endpoint then fails harmlessly at Stripe.
    pub async fn remove_webhook(
        state: &AppState,
        keyring: &Keyring,
        connection: &StripeConnectionDoc,
    ) {
        let Some(endpoint) = connection
            .webhook
            .as_ref()
            .and_then(|w| w.endpoint_id.as_ref())
        else {
            return;
        };
        let Ok(key) = crate::server::stripe::collect::open_key(keyring, connection) else {
            return;
        };
        if let Err(problem) =
            crate::server::stripe::account::remove_endpoint(&api(state), &key, endpoint).await
        {
            tracing::warn!(user = %connection.user_id, reason = %problem, "webhook endpoint not removed");
        }
    }

    pub async fn disconnect(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
        let Some(connection) = stripe_connections::delete(&state.db, user.id)
            .await
            .map_err(db_error("disconnecting Stripe"))?
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
}

#[server(prefix = "/api", endpoint = "stripe/connection")]
pub async fn stripe_connection() -> Result<Option<StripeConnectionView>, AppError> {
    use crate::api::ssr::{fail, require_user};

    let user = require_user().await.map_err(fail)?.user;
    let state = crate::api::ssr::state().map_err(fail)?;
    let connection = ssr::connection_of(&state, user.id).await.map_err(fail)?;
    Ok(connection.map(|c| ssr::view(&state, &c)))
}

#[server(prefix = "/api", endpoint = "stripe/connect")]
pub async fn connect_stripe(key: String) -> Result<StripeConnect, AppError> {
    use crate::api::ssr::{fail, require_user};

    let user = require_user().await.map_err(fail)?.user;
    let state = crate::api::ssr::state().map_err(fail)?;
    ssr::connect(&state, &user, &key).await.map_err(fail)
}

/// For an endpoint the user added in Stripe themselves: its signing secret.
#[server(prefix = "/api", endpoint = "stripe/signing-secret")]
pub async fn save_stripe_signing_secret(secret: String) -> Result<StripeConnect, AppError> {
    use crate::api::ssr::{db_error, fail, require_user};
    use crate::server::crypto::Purpose;
    use crate::server::db::stripe_connections::{self, WebhookDoc};

    let user = require_user().await.map_err(fail)?.user;
    let state = crate::api::ssr::state().map_err(fail)?;
    let keyring = ssr::keyring(&state).map_err(fail)?;
    let secret = match crate::server::stripe::api_key::parse_signing_secret(&secret) {
        Ok(secret) => secret,
        Err(message) => return Ok(StripeConnect::Invalid(message.to_string())),
    };
    let sealed = keyring
        .seal(user.id, Purpose::StripeWebhookSecret, &secret)
        .map_err(|_| fail(AppError::Internal))?;
    let webhook = WebhookDoc {
        endpoint_id: None,
        secret: sealed,
        added_at: mongodb::bson::DateTime::now(),
    };
    let saved = stripe_connections::set_webhook(&state.db, user.id, &webhook)
        .await
        .map_err(|e| fail(db_error("saving a signing secret")(e)))?
        .ok_or_else(|| {
            fail(AppError::Rejected(
                "Connect a Stripe key first.".to_string(),
            ))
        })?;
    Ok(StripeConnect::Connected(ssr::view(&state, &saved)))
}

#[server(prefix = "/api", endpoint = "stripe/pay-with")]
pub async fn choose_pay_with(mode: String) -> Result<StripeConnectionView, AppError> {
    use crate::api::ssr::{db_error, fail, require_user};
    use crate::server::db::stripe_connections;

    let user = require_user().await.map_err(fail)?.user;
    let state = crate::api::ssr::state().map_err(fail)?;
    let Some(pay_with) = PayWith::parse(&mode) else {
        return Err(fail(AppError::Rejected(
            "Choose \"Payment link\" or \"Stripe-hosted invoice\".".to_string(),
        )));
    };
    let saved = stripe_connections::set_pay_with(&state.db, user.id, pay_with)
        .await
        .map_err(|e| fail(db_error("saving how clients pay")(e)))?
        .ok_or_else(|| {
            fail(AppError::Rejected(
                "Connect a Stripe key first.".to_string(),
            ))
        })?;
    Ok(ssr::view(&state, &saved))
}

/// Which confirmation emails go out when a client pays through Stripe.
#[server(prefix = "/api", endpoint = "stripe/payment-emails")]
pub async fn save_payment_emails(
    notify_paid: bool,
    client_receipts: bool,
) -> Result<StripeConnectionView, AppError> {
    use crate::api::ssr::{db_error, fail, require_user};
    use crate::server::db::stripe_connections;

    let user = require_user().await.map_err(fail)?.user;
    let state = crate::api::ssr::state().map_err(fail)?;
    let saved =
        stripe_connections::set_payment_emails(&state.db, user.id, notify_paid, client_receipts)
            .await
            .map_err(|e| fail(db_error("saving payment emails")(e)))?
            .ok_or_else(|| {
                fail(AppError::Rejected(
                    "Connect a Stripe key first.".to_string(),
                ))
            })?;
    Ok(ssr::view(&state, &saved))
}

#[server(prefix = "/api", endpoint = "stripe/disconnect")]
pub async fn disconnect_stripe() -> Result<(), AppError> {
    use crate::api::ssr::{fail, require_user};

    let user = require_user().await.map_err(fail)?.user;
    let state = crate::api::ssr::state().map_err(fail)?;
    ssr::disconnect(&state, &user).await.map_err(fail)
}
