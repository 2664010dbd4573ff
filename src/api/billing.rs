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
pub(crate) mod ssr {
    use super::*;
    use crate::server::state::AppState;
    use crate::server::stripe::billing::PayTrackStripe;

    pub fn stripe(state: &AppState) -> Result<PayTrackStripe, AppError> {
        PayTrackStripe::from_config(&state.config).ok_or_else(|| {
            AppError::Rejected(
                "Billing is not set up on this PayTrack server: everything is already included."
                    .to_string(),
            )
        })
    }

    pub fn problem(problem: crate::server::stripe::client::StripeProblem) -> AppError {
        tracing::error!(reason = %problem, "PayTrack's own Stripe account refused a billing call");
        AppError::Rejected(format!(
            "Billing is unavailable right now ({problem}). Try again in a minute."
        ))
    }
}

#[server(prefix = "/api", endpoint = "billing")]
pub async fn load_billing() -> Result<BillingOverview, AppError> {
    use crate::api::ssr::{db_error, fail, require_user, state};
    use crate::server::db::clients;

    let user = require_user().await.map_err(fail)?.user;
    let state = state().map_err(fail)?;
    let plan = crate::server::limits::plan_of(&state, &user);
    let subscription = user.billing.as_ref().and_then(|b| b.subscription.clone());
    let active_clients = clients::count_active(&state.db, user.id)
        .await
        .map_err(|e| fail(db_error("counting clients")(e)))?;
    let zone = crate::server::jobs::plan::zone_of(&user);
    let invoices_this_month = crate::server::limits::invoices_this_month(&state, &user)
        .await
        .map_err(fail)?;
    let period_end = subscription.as_ref().and_then(|s| {
        jiff::Timestamp::from_second(s.current_period_end)
            .ok()
            .map(|t| crate::server::jobs::plan::local_date(t, &zone).long())
    });
    Ok(BillingOverview {
        enabled: state.config.billing.is_some(),
        plan,
        status: subscription.as_ref().map(|s| s.status),
        interval: subscription.as_ref().map(|s| s.interval),
        period_end,
        cancel_at_period_end: subscription
            .as_ref()
            .is_some_and(|s| s.cancel_at_period_end),
        limits: state.config.free_limits,
        active_clients,
        invoices_this_month,
        can_manage: user.billing.is_some(),
    })
}

/// Stripe Checkout for Pro; the URL to go to.
#[server(prefix = "/api", endpoint = "billing/checkout")]
pub async fn start_checkout(interval: String) -> Result<String, AppError> {
    use crate::api::ssr::{fail, require_user, state};

    let user = require_user().await.map_err(fail)?.user;
    let state = state().map_err(fail)?;
    let stripe = ssr::stripe(&state).map_err(fail)?;
    let Some(interval) = Interval::parse(&interval) else {
        return Err(fail(AppError::Rejected(
            "Choose monthly or yearly.".to_string(),
        )));
    };
    if crate::server::limits::plan_of(&state, &user) == Plan::Pro {
        return Err(fail(AppError::Rejected(
            "You are on Pro already. Manage your subscription from the billing page.".to_string(),
        )));
    }
    let base = &state.config.base_url;
    let customer = user.billing.as_ref().map(|b| b.customer_id.clone());
    // One session per user, interval and hour: a double click (or two tabs) gets the same one.
    let hour = jiff::Timestamp::now().as_second() / 3600;
    let idempotency = format!(
        "paytrack-checkout-{}-{}-{}-{hour}",
        user.id.to_hex(),
        interval.key(),
        customer.as_deref().unwrap_or("new")
    );
    stripe
        .checkout(
            &user.id.to_hex(),
            &user.email,
            customer.as_deref(),
            interval,
            &format!("{base}/billing?upgraded=1"),
            &format!("{base}/billing"),
            &idempotency,
        )
        .await
        .map_err(|p| fail(ssr::problem(p)))
}

/// Stripe's customer portal (card, invoices, cancel); the URL to go to.
#[server(prefix = "/api", endpoint = "billing/portal")]
pub async fn open_billing_portal() -> Result<String, AppError> {
    use crate::api::ssr::{fail, require_user, state};

    let user = require_user().await.map_err(fail)?.user;
    let state = state().map_err(fail)?;
    let stripe = ssr::stripe(&state).map_err(fail)?;
    let Some(billing) = &user.billing else {
        return Err(fail(AppError::Rejected(
            "There is no subscription to manage yet: upgrade first.".to_string(),
        )));
    };
    stripe
        .portal(
            &billing.customer_id,
            &format!("{}/billing", state.config.base_url),
        )
        .await
        .map_err(|p| fail(ssr::problem(p)))
}
