//! Chasing as the user steers it: their policy and send hour (saving re-plans every open
//! invoice), and per invoice pause, resume and snooze, with the timeline that explains it.
//! The engine that sends lives in `server::jobs`; this is what the user asks of it.

pub mod deliveries;
pub mod promises;
pub mod replies;
pub mod timeline;

use jiff::Timestamp;
use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::domain::date::CalendarDate;
use crate::domain::pause::{PauseReason, snooze_until};
use crate::domain::promise::Limit;
use crate::domain::reminder_policy::{ReminderPolicy, StepInput};
use crate::domain::reminder_schedule::{ReminderSettings, SendHour};
use crate::domain::status::InvoiceStatus;
use crate::domain::timeline::InvoiceReminders;
use crate::error::AppError;
use crate::server::db::email_jobs::{self, Cancel};
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::users::{self, UserDoc};
use crate::server::db::{self, clients};
use crate::server::invoicing::load;
use crate::server::jobs::plan::{self, today_of};
use crate::server::limits::rate;
use crate::server::state::AppState;

fn write_failure(err: mongodb::error::Error) -> AppError {
    db::user_facing("changing reminders", err)
}

/// The settings as saved, or what is wrong with the hour, the promise limit and the steps
/// (nothing saved).
pub enum SettingsSaved {
    Saved(Box<UserDoc>),
    Invalid {
        send_hour: Option<String>,
        promise_limit: Option<String>,
        policy: crate::domain::reminder_policy::PolicyErrors,
    },
}

/// What the user asks to save, as typed.
pub struct SettingsAsked<'a> {
    pub send_hour: &'a str,
    pub steps: &'a [StepInput],
    /// `None` keeps the limit saved.
    pub promise_limit: Option<&'a str>,
}

/// Saves the user's policy, send hour and promise limit, and re-plans every open invoice.
pub async fn save_settings(
    state: &AppState,
    user: &UserDoc,
    asked: SettingsAsked<'_>,
) -> Result<SettingsSaved, AppError> {
    let limit = match asked.promise_limit {
        Some(text) => Limit::parse(text),
        None => Ok(user.saved_reminder_settings().promise_limit),
    };
    let parsed = (
        SendHour::parse(asked.send_hour),
        ReminderPolicy::parse(asked.steps),
        limit,
    );
    let (send_hour, policy, promise_limit) = match parsed {
        (Ok(hour), Ok(policy), Ok(limit)) => (hour, policy, limit),
        (hour, policy, limit) => {
            return Ok(SettingsSaved::Invalid {
                send_hour: hour.err(),
                promise_limit: limit.err(),
                policy: policy.err().map(|e| *e).unwrap_or_default(),
            });
        }
    };
    crate::server::limits::allow_reminder_steps(state, user, policy.steps().len())?;
    rate::settings_save(state, rate::Settings::Reminders, user).await?;
    let settings = ReminderSettings {
        policy,
        send_hour,
        promise_limit,
    };
    let saved = users::set_reminder_settings(&state.db, user.id, &settings)
        .await
        .map_err(db::failed("saving reminder settings"))?
        .ok_or(AppError::Unauthorized)?;
    replan_all(state, &saved, None).await;
    Ok(SettingsSaved::Saved(Box::new(saved)))
}

/// Re-plans every open invoice of the user (or of one client) after a change to what or
/// when reminders are sent. Failures are logged: the engine re-checks each job anyway.
pub async fn replan_all(state: &AppState, user: &UserDoc, client: Option<ObjectId>) {
    let open = match invoices::open_of_owner(&state.db, user.id, client).await {
        Ok(open) => open,
        Err(err) => {
            tracing::error!(error = %err, "listing invoices to re-plan reminders");
            return;
        }
    };
    for invoice in open {
        if let Err(err) = plan::replan(&state.db, user, &invoice).await {
            tracing::error!(error = %err, invoice = %invoice.id, "re-planning reminders");
        }
    }
}

/// The invoice's timeline, as it stands now.
pub async fn reminders(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
) -> Result<InvoiceReminders, AppError> {
    let failed = db::failed("loading reminders");
    let jobs = email_jobs::of_invoice(&state.db, user.id, invoice.id)
        .await
        .map_err(&failed)?;
    let client = clients::get(&state.db, user.id, invoice.client_id)
        .await
        .map_err(&failed)?;
    let replies = db::replies::of_invoice(&state.db, user.id, invoice.id)
        .await
        .map_err(&failed)?;
    let mut shown = timeline::build(
        user,
        invoice,
        client.as_ref(),
        &jobs,
        &state.config.base_url,
        Timestamp::now(),
    );
    shown.replies = replies.iter().map(|r| replies::view(r, user)).collect();
    Ok(shown)
}

/// The timeline of one of the owner's invoices.
pub async fn of_invoice(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<InvoiceReminders, AppError> {
    let invoice = load(state, user.id, id).await?;
    reminders(state, user, &invoice).await
}

/// Holds the invoice's reminders until the user resumes them.
pub async fn pause(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<InvoiceReminders, AppError> {
    let paused =
        invoices::pause_reminders(&state.db, user.id, id, PauseReason::Paused, DateTime::now())
            .await
            .map_err(write_failure)?;
    let Some(paused) = paused else {
        return Err(not_chased(state, user, id).await);
    };
    email_jobs::cancel_scheduled(&state.db, id, Cancel::Reminders, "paused")
        .await
        .map_err(write_failure)?;
    reminders(state, user, &paused).await
}

/// Lifts a pause and any snooze; the next step due is planned again.
pub async fn resume(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<InvoiceReminders, AppError> {
    let resumed = invoices::resume_reminders(&state.db, user.id, id, DateTime::now())
        .await
        .map_err(write_failure)?;
    let Some(resumed) = resumed else {
        return Err(not_chased(state, user, id).await);
    };
    replanned(state, user, resumed).await
}

/// No reminder before `until` (the user's text, a local date after today, within a year).
pub async fn snooze(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    until: &str,
) -> Result<InvoiceReminders, AppError> {
    load(state, user.id, id).await?;
    let until: CalendarDate = snooze_until(until, today_of(user)).map_err(AppError::BadRequest)?;
    let snoozed = invoices::snooze_reminders(&state.db, user.id, id, until, DateTime::now())
        .await
        .map_err(write_failure)?;
    let Some(snoozed) = snoozed else {
        return Err(not_chased(state, user, id).await);
    };
    replanned(state, user, snoozed).await
}

async fn replanned(
    state: &AppState,
    user: &UserDoc,
    invoice: InvoiceDoc,
) -> Result<InvoiceReminders, AppError> {
    plan::replan(&state.db, user, &invoice)
        .await
        .map_err(write_failure)?;
    reminders(state, user, &invoice).await
}

/// Why pause, snooze or resume found nothing to change: not found, or not being chased.
async fn not_chased(state: &AppState, user: &UserDoc, id: ObjectId) -> AppError {
    let invoice = match load(state, user.id, id).await {
        Ok(invoice) => invoice,
        Err(err) => return err,
    };
    let processing = invoice
        .reminders_paused
        .as_ref()
        .is_some_and(|p| p.reason == PauseReason::Processing);
    AppError::Rejected(match invoice.status {
        InvoiceStatus::Draft => "Reminders start once the invoice is sent.".to_string(),
        _ if processing => {
            "Your client's payment is on its way: reminders start again by themselves if it fails."
                .to_string()
        }
        _ => "This invoice is paid or void, so it has no reminders.".to_string(),
    })
}
