//! The Free plan's limits, enforced in the server functions that create the work (never only
//! hidden in the UI). Without billing configured there are no plans and nothing is limited.
//! A downgrade deletes nothing: what exists stays usable; only new work past a limit is
//! refused, with the limit named and the upgrade offered.

use mongodb::bson::DateTime;

use crate::domain::plan::{Limit, Plan};
use crate::error::AppError;
use crate::server::db::users::UserDoc;
use crate::server::db::{clients, invoices};
use crate::server::jobs::plan::zone_of;
use crate::server::state::AppState;

/// The plan the user has now.
pub fn plan_of(state: &AppState, user: &UserDoc) -> Plan {
    plan_with(state.config.billing.is_some(), user)
}

/// The plan the user has now, on an installation that bills (`billing_on`) or not.
pub fn plan_with(billing_on: bool, user: &UserDoc) -> Plan {
    if !billing_on {
        return Plan::Pro;
    }
    let now = jiff::Timestamp::now().as_second();
    user.billing
        .as_ref()
        .and_then(|b| b.subscription.as_ref())
        .map_or(Plan::Free, |s| s.plan_at(now))
}

/// The reminder steps `plan` chases with, when billing limits them.
pub fn step_cap(free_steps: Option<u32>, plan: Plan) -> Option<usize> {
    match (free_steps, plan) {
        (Some(steps), Plan::Free) => Some(steps as usize),
        _ => None,
    }
}

/// Marks `user` with what their plan allows (see `UserDoc::reminder_step_cap`).
pub fn apply(state: &AppState, user: UserDoc) -> UserDoc {
    cap_reminders(free_reminder_steps(state), user)
}

/// Free's reminder steps when this installation bills.
pub fn free_reminder_steps(state: &AppState) -> Option<u32> {
    state
        .config
        .billing
        .as_ref()
        .map(|_| state.config.free_limits.reminder_steps)
}

/// `apply` for code that holds only the Free step count (the email engine).
pub fn cap_reminders(free_steps: Option<u32>, mut user: UserDoc) -> UserDoc {
    user.reminder_step_cap = step_cap(free_steps, plan_with(free_steps.is_some(), &user));
    user
}

fn refuse(limit: Limit) -> AppError {
    AppError::PlanLimit(limit.message())
}

fn db_error(err: mongodb::error::Error) -> AppError {
    crate::server::db::user_facing("checking a plan limit", err)
}

/// Invoices the user created this calendar month, in their time zone.
pub async fn invoices_this_month(state: &AppState, user: &UserDoc) -> Result<u64, AppError> {
    let now = jiff::Timestamp::now().to_zoned(zone_of(user));
    let month_start = now
        .start_of_day()
        .and_then(|d| d.with().day(1).build())
        .map(|d| d.timestamp().as_millisecond())
        .unwrap_or(0);
    invoices::count_created_since(&state.db, user.id, DateTime::from_millis(month_start))
        .await
        .map_err(db_error)
}

/// One more active client (a new one, or one restored from the archive).
pub async fn allow_active_client(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    if plan_of(state, user) == Plan::Pro {
        return Ok(());
    }
    let max = state.config.free_limits.active_clients;
    let active = clients::count_active(&state.db, user.id)
        .await
        .map_err(db_error)?;
    if active >= u64::from(max) {
        return Err(refuse(Limit::ActiveClients(max)));
    }
    Ok(())
}

/// One more invoice this calendar month (in the user's time zone).
pub async fn allow_new_invoice(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    if plan_of(state, user) == Plan::Pro {
        return Ok(());
    }
    let max = state.config.free_limits.invoices_per_month;
    let now = jiff::Timestamp::now().to_zoned(zone_of(user));
    let month_start = now
        .start_of_day()
        .and_then(|d| d.with().day(1).build())
        .map(|d| d.timestamp().as_millisecond())
        .unwrap_or(0);
    let created =
        invoices::count_created_since(&state.db, user.id, DateTime::from_millis(month_start))
            .await
            .map_err(db_error)?;
    if created >= u64::from(max) {
        return Err(refuse(Limit::InvoicesPerMonth(max)));
    }
    Ok(())
}

/// A reminder policy of `steps` steps.
pub fn allow_reminder_steps(
    state: &AppState,
    user: &UserDoc,
    steps: usize,
) -> Result<(), AppError> {
    let max = state.config.free_limits.reminder_steps;
    if plan_of(state, user) == Plan::Free && steps > max as usize {
        return Err(refuse(Limit::ReminderSteps(max)));
    }
    Ok(())
}

/// Connecting Stripe (payment links are Pro).
pub fn allow_payment_links(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    if plan_of(state, user) == Plan::Free {
        return Err(refuse(Limit::PaymentLinks));
    }
    Ok(())
}
