//! PayTrack's own subscription for a user: where they stand against the Free limits, Stripe
//! Checkout to upgrade, and Stripe's customer portal to manage or cancel.

use crate::domain::plan::{BillingOverview, Interval, Plan};
use crate::error::AppError;
use crate::server::db::{self, clients, users::UserDoc};
use crate::server::jobs::plan::{local_date, zone_of};
use crate::server::state::AppState;
use crate::server::stripe::billing::PayTrackStripe;
use crate::server::stripe::client::StripeProblem;

/// Where `user` stands: plan, subscription, and usage against the Free limits.
pub async fn overview(state: &AppState, user: &UserDoc) -> Result<BillingOverview, AppError> {
    let active_clients = clients::count_active(&state.db, user.id)
        .await
        .map_err(db::failed("counting clients"))?;
    let invoices_this_month = crate::server::limits::invoices_this_month(state, user).await?;
    let subscription = user.billing.as_ref().and_then(|b| b.subscription.as_ref());
    let zone = zone_of(user);
    let period_end = subscription.and_then(|s| {
        let end = jiff::Timestamp::from_second(s.current_period_end).ok()?;
        Some(local_date(end, &zone).long())
    });
    Ok(BillingOverview {
        enabled: state.config.billing.is_some(),
        plan: crate::server::limits::plan_of(state, user),
        status: subscription.map(|s| s.status),
        interval: subscription.map(|s| s.interval),
        period_end,
        cancel_at_period_end: subscription.is_some_and(|s| s.cancel_at_period_end),
        limits: state.config.free_limits,
        active_clients,
        invoices_this_month,
        can_manage: user.billing.is_some(),
        prices: state.pro_prices.current(&state.config),
    })
}

fn stripe(state: &AppState) -> Result<PayTrackStripe, AppError> {
    PayTrackStripe::from_config(&state.config).ok_or_else(|| {
        AppError::Rejected(
            "Billing is not set up on this PayTrack server: everything is already included."
                .to_string(),
        )
    })
}

fn problem(problem: StripeProblem) -> AppError {
    tracing::error!(reason = %problem, "PayTrack's own Stripe account refused a billing call");
    AppError::Rejected(format!(
        "Billing is unavailable right now ({problem}). Try again in a minute."
    ))
}

/// Checkout and the portal each create a session at Stripe: a few a quarter hour is plenty.
async fn limit_sessions(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    crate::server::limits::rate::check(
        state,
        &format!("billing-session:{}", user.id),
        crate::server::limits::rate::BILLING_SESSION,
        "Stripe's billing pages were opened too many times.",
        mongodb::bson::DateTime::now(),
    )
    .await
}

/// Stripe Checkout for Pro; the URL to go to.
pub async fn checkout(
    state: &AppState,
    user: &UserDoc,
    interval: Interval,
) -> Result<String, AppError> {
    let stripe = stripe(state)?;
    if crate::server::limits::plan_of(state, user) == Plan::Pro {
        return Err(AppError::Rejected(
            "You are on Pro already. Manage your subscription from the billing page.".to_string(),
        ));
    }
    limit_sessions(state, user).await?;
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
        .map_err(problem)
}

/// Stripe's customer portal (card, invoices, cancel); the URL to go to.
pub async fn portal(state: &AppState, user: &UserDoc) -> Result<String, AppError> {
    let stripe = stripe(state)?;
    let Some(billing) = &user.billing else {
        return Err(AppError::Rejected(
            "There is no subscription to manage yet: upgrade first.".to_string(),
        ));
    };
    limit_sessions(state, user).await?;
    stripe
        .portal(
            &billing.customer_id,
            &format!("{}/billing", state.config.base_url),
        )
        .await
        .map_err(problem)
}
