//! The Free plan's limits (and, in `rate`, how often anyone may do costly things), enforced in the
//! server functions that create the work (never only hidden in the UI). Without billing configured
//! there are no plans and nothing is limited. A downgrade deletes nothing: what exists stays
//! usable; only new work past a limit is refused, with the limit named and the upgrade offered.

use mongodb::bson::DateTime;

use crate::domain::plan::{Limit, Plan};
use crate::error::AppError;
use crate::server::db::users::UserDoc;
use crate::server::db::{clients, invoices};
use crate::server::jobs::plan::zone_of;
use crate::server::state::AppState;

pub mod rate;
pub mod reminder_cap;
use reminder_cap::{cap_reminders, plan_with};

/// The plan the user has now.
pub fn plan_of(state: &AppState, user: &UserDoc) -> Plan {
    plan_with(state.config.billing.is_some(), user, jiff::Timestamp::now())
}

/// Marks `user` with what their plan allows (see `UserDoc::reminder_step_cap`).
pub fn apply(state: &AppState, user: UserDoc) -> UserDoc {
    cap_reminders(free_reminder_steps(state), user, jiff::Timestamp::now())
}

/// Free's reminder steps when this installation bills.
pub fn free_reminder_steps(state: &AppState) -> Option<u32> {
    state
        .config
        .billing
        .as_ref()
        .map(|_| state.config.free_limits.reminder_steps)
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

/// What a guarded write adds that a Free limit counts.
#[derive(Debug, Clone, Copy)]
pub enum Adds {
    ActiveClient,
    Invoice,
}

/// How long one user's limit check and its write may hold the lock, and how long a second
/// request waits for it before being told to try again.
const LOCK_FOR_MS: i64 = 10_000;
const WAIT_STEPS: u32 = 50;

/// Runs `write` if the user's plan allows what it `adds`, holding the user's plan-limit lock
/// from the count to the write: two requests at once cannot both take the last free slot.
/// On Pro nothing is counted and nothing waits.
pub async fn guarded<T>(
    state: &AppState,
    user: &UserDoc,
    adds: Adds,
    write: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    if plan_of(state, user) == Plan::Pro {
        return write.await;
    }
    let name = format!("plan-limits:{}", user.id);
    let holder = mongodb::bson::oid::ObjectId::new().to_hex();
    take(state, &name, &holder).await?;
    let allowed = match adds {
        Adds::ActiveClient => allow_active_client(state, user).await,
        Adds::Invoice => allow_new_invoice(state, user).await,
    };
    let written = match allowed {
        Ok(()) => write.await,
        Err(refused) => Err(refused),
    };
    if let Err(err) = crate::server::db::locks::release(&state.db, &name, &holder).await {
        tracing::warn!(error = %err, "releasing a plan-limit lock (its lease runs out)");
    }
    written
}

async fn take(state: &AppState, name: &str, holder: &str) -> Result<(), AppError> {
    for _ in 0..WAIT_STEPS {
        let now = DateTime::now();
        let until = DateTime::from_millis(now.timestamp_millis() + LOCK_FOR_MS);
        if crate::server::db::locks::try_take(&state.db, name, holder, now, until)
            .await
            .map_err(db_error)?
        {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(AppError::Rejected(
        "Another change to your account is still being saved. Try again in a moment.".to_string(),
    ))
}

/// One more active client (a new one, or one restored from the archive).
async fn allow_active_client(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
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
async fn allow_new_invoice(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    if plan_of(state, user) == Plan::Pro {
        return Ok(());
    }
    let max = state.config.free_limits.invoices_per_month;
    let created = invoices_this_month(state, user).await?;
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
