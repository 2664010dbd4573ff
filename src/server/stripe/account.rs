//! Checking a pasted key against the account it opens, and the webhook endpoint PayTrack
//! registers in that account so Stripe tells it when a client pays.

use stripe_connect::account::RetrieveForMyAccountAccount;
use stripe_misc::webhook_endpoint::{
    CreateWebhookEndpoint, CreateWebhookEndpointEnabledEvents, DeleteWebhookEndpoint,
    UpdateWebhookEndpoint, UpdateWebhookEndpointEnabledEvents,
};

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use crate::server::secret::Secret;

/// What the user sees of the account a key opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub id: String,
    pub name: String,
    pub country: String,
    /// Lower-case ISO code, as Stripe gives it (`eur`).
    pub default_currency: String,
}

/// The events PayTrack acts on: payment links (through Checkout), hosted invoices, refunds,
/// disputes.
pub const EVENTS: [&str; 12] = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.voided",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
    "charge.dispute.closed",
];

/// The API version endpoints are asked to draw events in: the one async-stripe's types are
/// drawn in. Left to the account's default, an older version's objects may lack fields those
/// types require, and such an event could not be read.
pub const EVENTS_API_VERSION: stripe_shared::ApiVersion = stripe_shared::version::VERSION;

/// Which `EVENTS` an endpoint registered now asks for: 1 added `charge.refunded` to the six
/// payment events endpoints were registered for before (version 0), 2 the dispute events.
pub const EVENTS_VERSION: u32 = 2;

fn events<T: std::str::FromStr<Err = std::convert::Infallible>>() -> Vec<T> {
    EVENTS
        .iter()
        .map(|name| match name.parse() {
            Ok(event) => event,
            Err(never) => match never {},
        })
        .collect()
}

/// A live call with the key: it works, and this is the account it opens.
pub async fn check_key(api: &StripeApi, key: &StripeKey) -> Result<AccountSummary, StripeProblem> {
    let account = api
        .call(key, &RetrieveForMyAccountAccount::new(), None)
        .await?;
    let dashboard_name = account
        .settings
        .as_ref()
        .and_then(|s| s.dashboard.display_name.clone());
    let business_name = account
        .business_profile
        .as_ref()
        .and_then(|p| p.name.clone());
    let name = dashboard_name
        .or(business_name)
        .or(account.email.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| account.id.as_str().to_string());
    Ok(AccountSummary {
        id: account.id.as_str().to_string(),
        name,
        country: account.country.unwrap_or_default(),
        default_currency: account
            .default_currency
            .map(|c| c.to_string())
            .unwrap_or_default(),
    })
}

/// An endpoint registered for PayTrack, with the signing secret Stripe shows only now.
pub struct RegisteredEndpoint {
    pub id: String,
    pub secret: Secret,
}

/// Registers `url` for `EVENTS`, drawn in `EVENTS_API_VERSION`. `idempotency` ties it to this
/// connection, so a retry after a lost answer gets the same endpoint (and secret) back rather
/// than a second one.
pub async fn register_endpoint(
    api: &StripeApi,
    key: &StripeKey,
    url: &str,
    idempotency: &str,
) -> Result<RegisteredEndpoint, StripeProblem> {
    let request = CreateWebhookEndpoint::new(events::<CreateWebhookEndpointEnabledEvents>(), url)
        .api_version(EVENTS_API_VERSION)
        .description("PayTrack: marks invoices paid when your clients pay");
    let endpoint = api.call(key, &request, Some(idempotency)).await?;
    let secret = endpoint.secret.ok_or(StripeProblem::Unexpected)?;
    Ok(RegisteredEndpoint {
        id: endpoint.id.as_str().to_string(),
        secret: Secret::new(secret),
    })
}

/// Makes an endpoint PayTrack registered earlier ask for today's `EVENTS`.
pub async fn update_endpoint_events(
    api: &StripeApi,
    key: &StripeKey,
    id: &str,
) -> Result<(), StripeProblem> {
    let request = UpdateWebhookEndpoint::new(id)
        .enabled_events(events::<UpdateWebhookEndpointEnabledEvents>());
    api.call(key, &request, None).await.map(|_| ())
}

/// Removes an endpoint PayTrack registered (on disconnect). One already gone is fine.
pub async fn remove_endpoint(
    api: &StripeApi,
    key: &StripeKey,
    id: &str,
) -> Result<(), StripeProblem> {
    match api.call(key, &DeleteWebhookEndpoint::new(id), None).await {
        Ok(_) => Ok(()),
        Err(StripeProblem::NotFound) => Ok(()),
        Err(problem) => Err(problem),
    }
}
