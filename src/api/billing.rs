//! PayTrack's own plans for the signed-in user: where they stand (plan, subscription, usage
//! against the Free limits), Checkout to upgrade, and the customer portal to manage or cancel.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::plan::{BillingStatus, FreeLimits, Interval, Plan};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingOverview {
    /// False when this PayTrack has no billing: no plans, nothing limited.
    pub enabled: bool,
    pub plan: Plan,
    pub status: Option<BillingStatus>,
    pub interval: Option<Interval>,
    /// "Thu 10 Dec 2026": when the paid period renews or, when canceling, ends.
    pub period_end: Option<String>,
    pub cancel_at_period_end: bool,
    pub limits: FreeLimits,
    pub active_clients: u64,
    pub invoices_this_month: u64,
    /// A customer exists in PayTrack's Stripe: the portal can be opened.
    pub can_manage: bool,
}

#[cfg(feature = "ssr")]
use {crate::api::ssr::who_asks, crate::server::subscription};

#[server(prefix = "/api", endpoint = "billing")]
pub async fn load_billing() -> Result<BillingOverview, AppError> {
    let (user, state) = who_asks().await?;
    let usage = subscription::usage(&state, &user).await?;
    let subscription = user.billing.as_ref().and_then(|b| b.subscription.as_ref());
    let zone = crate::server::jobs::plan::zone_of(&user);
    let period_end = subscription.and_then(|s| {
        let end = jiff::Timestamp::from_second(s.current_period_end).ok()?;
        Some(crate::server::jobs::plan::local_date(end, &zone).long())
    });
    Ok(BillingOverview {
        enabled: state.config.billing.is_some(),
        plan: crate::server::limits::plan_of(&state, &user),
        status: subscription.map(|s| s.status),
        interval: subscription.map(|s| s.interval),
        period_end,
        cancel_at_period_end: subscription.is_some_and(|s| s.cancel_at_period_end),
        limits: state.config.free_limits,
        active_clients: usage.active_clients,
        invoices_this_month: usage.invoices_this_month,
        can_manage: user.billing.is_some(),
    })
}

/// Stripe Checkout for Pro; the URL to go to.
#[server(prefix = "/api", endpoint = "billing/checkout")]
pub async fn start_checkout(interval: Interval) -> Result<String, AppError> {
    let (user, state) = who_asks().await?;
    subscription::checkout(&state, &user, interval).await
}

/// Stripe's customer portal (card, invoices, cancel); the URL to go to.
#[server(prefix = "/api", endpoint = "billing/portal")]
pub async fn open_billing_portal() -> Result<String, AppError> {
    let (user, state) = who_asks().await?;
    subscription::portal(&state, &user).await
}
