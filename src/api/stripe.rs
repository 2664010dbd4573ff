//! The user's own Stripe account: connect a key (checked live, then sealed), the webhook
//! that tells PayTrack about payments, how clients pay, and disconnect. The key never comes
//! back to the browser: views carry its last four characters only.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::browser_json::BrowserJson;
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
    /// The API version to pick for it: the one PayTrack reads events in.
    pub webhook_api_version: String,
    pub pay_with: PayWith,
    /// Email the user when a client pays.
    pub notify_paid: bool,
    /// Email the client a receipt when they pay.
    pub client_receipts: bool,
    /// Why the connection stopped working, when it did.
    pub broken: Option<String>,
    /// The permission Stripe said the key lacks to read the account's events (refunds and
    /// disputes then arrive only through a webhook).
    pub events_refused: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StripeConnect {
    Connected(StripeConnectionView),
    /// What is wrong with the key or secret, in words to act on. Nothing was saved.
    Invalid(String),
}

#[cfg(feature = "ssr")]
use {
    crate::api::ssr::who_asks,
    crate::server::db::stripe_connections::StripeConnectionDoc,
    crate::server::state::AppState,
    crate::server::stripe::account::EVENTS_API_VERSION,
    crate::server::stripe_account::{self, connect::ConnectOutcome, settings},
};

#[cfg(feature = "ssr")]
fn view(state: &AppState, connection: &StripeConnectionDoc) -> StripeConnectionView {
    let restricted = connection.key_kind == "restricted";
    StripeConnectionView {
        account_id: connection.account_id.clone(),
        account_name: connection.account_name.clone(),
        country: connection.country.clone(),
        default_currency: connection.default_currency.to_uppercase(),
        livemode: connection.livemode,
        key_masked: format!(
            "{}_{}_…{}",
            if restricted { "rk" } else { "sk" },
            if connection.livemode { "live" } else { "test" },
            connection.key_last4
        ),
        restricted,
        webhook: match &connection.webhook {
            Some(w) if w.endpoint_id.is_some() => WebhookView::Registered,
            Some(_) => WebhookView::Pasted,
            None => WebhookView::Missing,
        },
        webhook_url: stripe_account::webhook_url(state, &connection.hook_id),
        webhook_api_version: EVENTS_API_VERSION.as_str().to_string(),
        pay_with: connection.pay_with,
        notify_paid: connection.notify_paid,
        client_receipts: connection.client_receipts,
        broken: connection.broken.as_ref().map(|b| b.reason.clone()),
        events_refused: connection.events_refused.clone(),
    }
}

#[cfg(feature = "ssr")]
fn connect_view(state: &AppState, outcome: ConnectOutcome) -> StripeConnect {
    match outcome {
        ConnectOutcome::Connected(connection) => StripeConnect::Connected(view(state, &connection)),
        ConnectOutcome::Invalid(message) => StripeConnect::Invalid(message),
    }
}

#[server(prefix = "/api", endpoint = "stripe/connection", output = BrowserJson)]
pub async fn stripe_connection() -> Result<Option<StripeConnectionView>, AppError> {
    let (user, state) = who_asks().await?;
    let connection = stripe_account::connection_of(&state, user.id).await?;
    Ok(connection.map(|c| view(&state, &c)))
}

#[server(prefix = "/api", endpoint = "stripe/connect", output = BrowserJson)]
pub async fn connect_stripe(key: String) -> Result<StripeConnect, AppError> {
    let (user, state) = who_asks().await?;
    let outcome = stripe_account::connect::connect(&state, &user, &key).await?;
    Ok(connect_view(&state, outcome))
}

/// For an endpoint the user added in Stripe themselves: its signing secret.
#[server(prefix = "/api", endpoint = "stripe/signing-secret", output = BrowserJson)]
pub async fn save_stripe_signing_secret(secret: String) -> Result<StripeConnect, AppError> {
    let (user, state) = who_asks().await?;
    let outcome = stripe_account::connect::save_signing_secret(&state, &user, &secret).await?;
    Ok(connect_view(&state, outcome))
}

#[server(prefix = "/api", endpoint = "stripe/pay-with", output = BrowserJson)]
pub async fn choose_pay_with(mode: PayWith) -> Result<StripeConnectionView, AppError> {
    let (user, state) = who_asks().await?;
    let saved = settings::choose_pay_with(&state, &user, mode).await?;
    Ok(view(&state, &saved))
}

/// Which confirmation emails go out when a client pays through Stripe.
#[server(prefix = "/api", endpoint = "stripe/payment-emails", output = BrowserJson)]
pub async fn save_payment_emails(
    notify_paid: bool,
    client_receipts: bool,
) -> Result<StripeConnectionView, AppError> {
    let (user, state) = who_asks().await?;
    let saved = settings::save_payment_emails(&state, &user, notify_paid, client_receipts).await?;
    Ok(view(&state, &saved))
}

#[server(prefix = "/api", endpoint = "stripe/disconnect", output = BrowserJson)]
pub async fn disconnect_stripe() -> Result<(), AppError> {
    let (user, state) = who_asks().await?;
    stripe_account::disconnect::disconnect(&state, &user).await
}
