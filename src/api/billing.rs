//! PayTrack's own plans for the signed-in user: where they stand (plan, subscription, usage
//! against the Free limits), Checkout to upgrade, and the customer portal to manage or cancel.

use leptos::prelude::*;

use crate::browser_json::BrowserJson;
use crate::domain::plan::Interval;
use crate::error::AppError;

pub use crate::domain::plan::BillingOverview;

#[cfg(feature = "ssr")]
use {crate::api::ssr::who_asks, crate::server::subscription};

#[server(prefix = "/api", endpoint = "billing", output = BrowserJson)]
pub async fn load_billing() -> Result<BillingOverview, AppError> {
    let (user, state) = who_asks().await?;
    subscription::overview(&state, &user).await
}

/// Stripe Checkout for Pro; the URL to go to.
#[server(prefix = "/api", endpoint = "billing/checkout", output = BrowserJson)]
pub async fn start_checkout(interval: Interval) -> Result<String, AppError> {
    let (user, state) = who_asks().await?;
    subscription::checkout(&state, &user, interval).await
}

/// Stripe's customer portal (card, invoices, cancel); the URL to go to.
#[server(prefix = "/api", endpoint = "billing/portal", output = BrowserJson)]
pub async fn open_billing_portal() -> Result<String, AppError> {
    let (user, state) = who_asks().await?;
    subscription::portal(&state, &user).await
}
