//! Reminders: the user's policy and send hour, and per invoice the timeline (what was sent,
//! skipped and planned, with each email rendered), the email log, and pause, snooze, resume.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::date::CalendarDate;
use crate::domain::reminder_policy::{PolicyErrors, StepInput};
use crate::error::AppError;

/// The settings form: the policy's steps as text, the hour, and what the editor explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettingsForm {
    pub send_hour: u8,
    pub steps: Vec<StepInput>,
    /// `(name, meaning)` of every template variable.
    pub variables: Vec<(String, String)>,
    pub time_zone: String,
    /// The defaults, for "Reset to defaults".
    pub default_steps: Vec<StepInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingsSave {
    Saved(ReminderSettingsForm),
    Invalid {
        send_hour: Option<String>,
        policy: PolicyErrors,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineStatus {
    Sent,
    Sending,
    Planned,
    Retrying,
    Skipped,
    Failed,
}

impl TimelineStatus {
    pub fn label(self) -> &'static str {
        match self {
            TimelineStatus::Sent => "Sent",
            TimelineStatus::Sending => "Sending",
            TimelineStatus::Planned => "Planned",
            TimelineStatus::Retrying => "Retrying",
            TimelineStatus::Skipped => "Skipped",
            TimelineStatus::Failed => "Failed",
        }
    }
}

/// One email in an invoice's life, past or planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    pub step: String,
    pub label: String,
    /// Local date and time in the user's zone: "Thu 10 Dec 2026, 09:00".
    pub when: String,
    pub status: TimelineStatus,
    /// Why it was skipped or failed, who it went to, what Resend reported.
    pub note: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Resend's id of the email once sent, for a support request about it.
    pub email_id: Option<String>,
}

/// Where the chasing of an invoice stands, in a sentence, and what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceReminders {
    pub invoice_id: String,
    /// "active", "paused", "snoozed", "bounced", "off", "done" or "draft".
    pub state: String,
    pub summary: String,
    pub can_pause: bool,
    pub can_resume: bool,
    pub can_snooze: bool,
    pub today: CalendarDate,
    pub time_zone: String,
    pub timeline: Vec<TimelineItem>,
}

#[server(prefix = "/api", endpoint = "reminders/settings")]
pub async fn get_reminder_settings() -> Result<ReminderSettingsForm, AppError> {
    use crate::api::ssr::{fail, require_user};

    let user = require_user().await.map_err(fail)?.user;
    Ok(ssr::form(&user))
}

#[server(prefix = "/api", endpoint = "reminders/save", input = Json)]
pub async fn save_reminder_settings(
    send_hour: String,
    steps: Vec<StepInput>,
) -> Result<SettingsSave, AppError> {
    use crate::api::ssr::{db_error, fail, require_user, state};
    use crate::domain::reminder_policy::ReminderPolicy;
    use crate::domain::reminder_schedule::{ReminderSettings, SendHour};
    use crate::server::db::users;

    let user = require_user().await.map_err(fail)?.user;
    let state = state().map_err(fail)?;
    let hour = SendHour::parse(&send_hour);
    let policy = ReminderPolicy::parse(&steps);
    let (send_hour, policy) = match (hour, policy) {
        (Ok(hour), Ok(policy)) => (hour, policy),
        (hour, policy) => {
            return Ok(SettingsSave::Invalid {
                send_hour: hour.err(),
                policy: policy.err().map(|e| *e).unwrap_or_default(),
            });
        }
    };
    crate::server::limits::allow_reminder_steps(&state, &user, policy.steps().len())
        .map_err(fail)?;
    let settings = ReminderSettings { policy, send_hour };
    let saved = users::set_reminder_settings(&state.db, user.id, &settings)
        .await
        .map_err(|e| fail(db_error("saving reminder settings")(e)))?
        .ok_or_else(|| fail(AppError::Unauthorized))?;
    ssr::replan_all(&state, &saved, None).await;
    Ok(SettingsSave::Saved(ssr::form(&saved)))
}

#[server(prefix = "/api", endpoint = "reminders/invoice")]
pub async fn load_invoice_reminders(id: String) -> Result<InvoiceReminders, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id};

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let invoice = crate::api::invoices::ssr::load(&state, user.id, id)
        .await
        .map_err(fail)?;
    ssr::reminders(&state, &user, &invoice).await.map_err(fail)
}

#[server(prefix = "/api", endpoint = "reminders/pause")]
pub async fn pause_reminders(id: String) -> Result<InvoiceReminders, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id};
    use crate::server::db::{email_jobs, invoices};

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let paused = invoices::pause_reminders(
        &state.db,
        user.id,
        id,
        "paused",
        mongodb::bson::DateTime::now(),
    )
    .await
    .map_err(|e| fail(ssr::write_failure(e)))?;
    let Some(paused) = paused else {
        return Err(fail(ssr::not_chased(&state, &user, id).await));
    };
    email_jobs::cancel_scheduled(&state.db, id, email_jobs::Cancel::Reminders, "paused")
        .await
        .map_err(|e| fail(ssr::write_failure(e)))?;
    ssr::reminders(&state, &user, &paused).await.map_err(fail)
}

#[server(prefix = "/api", endpoint = "reminders/resume")]
pub async fn resume_reminders(id: String) -> Result<InvoiceReminders, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id};
    use crate::server::db::invoices;

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let resumed =
        invoices::resume_reminders(&state.db, user.id, id, mongodb::bson::DateTime::now())
            .await
            .map_err(|e| fail(ssr::write_failure(e)))?;
    let Some(resumed) = resumed else {
        return Err(fail(ssr::not_chased(&state, &user, id).await));
    };
    crate::server::jobs::plan::replan(&state.db, &user, &resumed)
        .await
        .map_err(|e| fail(ssr::write_failure(e)))?;
    ssr::reminders(&state, &user, &resumed).await.map_err(fail)
}

#[server(prefix = "/api", endpoint = "reminders/snooze")]
pub async fn snooze_reminders(id: String, until: String) -> Result<InvoiceReminders, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id, today_for};
    use crate::server::db::invoices;

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    crate::api::invoices::ssr::load(&state, user.id, id)
        .await
        .map_err(fail)?;
    let today = today_for(&user);
    let until = CalendarDate::parse(&until).map_err(|m| fail(AppError::BadRequest(m)))?;
    if until <= today {
        return Err(fail(AppError::BadRequest(
            "Snooze until a day after today.".to_string(),
        )));
    }
    if today.days_until(until) > 365 {
        return Err(fail(AppError::BadRequest(
            "Snooze for up to a year; to stop reminders for longer, pause them.".to_string(),
        )));
    }
    let snoozed = invoices::snooze_reminders(
        &state.db,
        user.id,
        id,
        until,
        mongodb::bson::DateTime::now(),
    )
    .await
    .map_err(|e| fail(ssr::write_failure(e)))?;
    let Some(snoozed) = snoozed else {
        return Err(fail(ssr::not_chased(&state, &user, id).await));
    };
    crate::server::jobs::plan::replan(&state.db, &user, &snoozed)
        .await
        .map_err(|e| fail(ssr::write_failure(e)))?;
    ssr::reminders(&state, &user, &snoozed).await.map_err(fail)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use jiff::Timestamp;
    use mongodb::bson::oid::ObjectId;

    use super::{InvoiceReminders, ReminderSettingsForm, TimelineItem, TimelineStatus};
    use crate::domain::reminder_policy::{ReminderPolicy, StepInput, VARIABLES};
    use crate::domain::reminder_schedule::{SkipReason, Step, offset_label};
    use crate::domain::status::InvoiceStatus;
    use crate::error::AppError;
    use crate::server::db::clients::ClientDoc;
    use crate::server::db::email_jobs::{self, EmailJobDoc, JobState};
    use crate::server::db::invoices::{self, InvoiceDoc};
    use crate::server::db::users::UserDoc;
    use crate::server::email::invoice_emails::{InvoiceFacts, invoice_email, reminder_email};
    use crate::server::jobs::plan::{self, from_bson, local_date, zone_of};
    use crate::server::state::AppState;

    pub fn write_failure(err: mongodb::error::Error) -> AppError {
        crate::api::ssr::db_error("changing reminders")(err)
    }

    fn inputs(policy: &ReminderPolicy) -> Vec<StepInput> {
        policy
            .steps()
            .iter()
            .map(|s| StepInput {
                offset_days: s.offset_days.to_string(),
                subject: s.subject.source().to_string(),
                body: s.body.source().to_string(),
            })
            .collect()
    }

    pub fn form(user: &UserDoc) -> ReminderSettingsForm {
        // The form edits what was saved, even where the plan chases with fewer steps.
        let settings = user.saved_reminder_settings();
        ReminderSettingsForm {
            send_hour: settings.send_hour.hour(),
            steps: inputs(&settings.policy),
            variables: VARIABLES
                .iter()
                .map(|(n, m)| (n.to_string(), m.to_string()))
                .collect(),
            time_zone: user.time_zone.clone(),
            default_steps: inputs(&ReminderPolicy::default()),
        }
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

    /// Why pause, snooze or resume found nothing to change: not found, or not being chased.
    pub async fn not_chased(state: &AppState, user: &UserDoc, id: ObjectId) -> AppError {
        match crate::api::invoices::ssr::load(state, user.id, id).await {
            Ok(invoice) => AppError::Rejected(match invoice.status {
                InvoiceStatus::Draft => "Reminders start once the invoice is sent.".to_string(),
                _ if invoice.reminders_paused.as_ref().is_some_and(|p| p.reason == crate::server::jobs::plan::PROCESSING) => {
                    "Your client's payment is on its way: reminders start again by themselves if it fails.".to_string()
                }
                _ => "This invoice is paid or void, so it has no reminders.".to_string(),
            }),
            Err(err) => err,
        }
    }

    fn when(at: Timestamp, user: &UserDoc) -> String {
        let zoned = at.to_zoned(zone_of(user));
        let date = local_date(at, &zone_of(user));
        format!("{}, {:02}:{:02}", date.long(), zoned.hour(), zoned.minute())
    }

    pub async fn reminders(
        state: &AppState,
        user: &UserDoc,
        invoice: &InvoiceDoc,
    ) -> Result<InvoiceReminders, AppError> {
        let jobs = email_jobs::of_invoice(&state.db, user.id, invoice.id)
            .await
            .map_err(crate::api::ssr::db_error("loading reminders"))?;
        let client = crate::server::db::clients::get(&state.db, user.id, invoice.client_id)
            .await
            .map_err(crate::api::ssr::db_error("loading reminders"))?;
        Ok(build(
            user,
            invoice,
            client.as_ref(),
            &jobs,
            &state.config.base_url,
            Timestamp::now(),
        ))
    }

    /// The timeline and the sentence above it, from the invoice, its jobs and the policy.
    pub fn build(
        user: &UserDoc,
        invoice: &InvoiceDoc,
        client: Option<&ClientDoc>,
        jobs: &[EmailJobDoc],
        base_url: &str,
        now: Timestamp,
    ) -> InvoiceReminders {
        let settings = user.reminder_settings();
        let zone = zone_of(user);
        let today = local_date(now, &zone);
        let chase = plan::chase_state(invoice, client);
        let hold = chase.hold();
        let sent_on = invoice.sent_at.map(|_| plan::sent_on(user, invoice));
        let job_of = |step: &str| {
            jobs.iter()
                .find(|j| j.step == step && j.state != JobState::Cancelled)
        };

        let mut timeline = Vec::new();
        let invoice_facts = InvoiceFacts::of(user, invoice, base_url, today);
        let invoice_mail = invoice_email(&invoice_facts);
        let invoice_job = job_of(&Step::Invoice.key());
        let (status, when_at, note) = match invoice_job {
            Some(job) => from_job(job),
            None if invoice.status == InvoiceStatus::Draft => (
                TimelineStatus::Planned,
                None,
                "Goes out when you send the invoice.".to_string(),
            ),
            None => (
                TimelineStatus::Skipped,
                invoice.sent_at.map(from_bson),
                "Sent before PayTrack emailed invoices.".to_string(),
            ),
        };
        timeline.push(TimelineItem {
            step: Step::Invoice.key(),
            label: Step::Invoice.label(),
            when: when_at.map_or_else(|| "When sent".to_string(), |at| when(at, user)),
            status,
            note,
            subject: invoice_mail.subject,
            text: invoice_mail.text,
            html: invoice_mail.html,
            email_id: invoice_job.and_then(|j| j.provider_id.clone()),
        });

        // Steps of the policy, plus any step emailed under an earlier policy.
        let mut offsets: Vec<i32> = settings
            .policy
            .steps()
            .iter()
            .map(|s| s.offset_days)
            .collect();
        for job in jobs {
            if let Some(Step::Reminder(offset)) = Step::from_key(&job.step)
                && !offsets.contains(&offset)
                && matches!(job.state, JobState::Sent | JobState::Failed)
            {
                offsets.push(offset);
            }
        }
        offsets.sort_unstable();
        let mut next_planned: Option<String> = None;
        for offset in offsets {
            let step = Step::Reminder(offset);
            let planned_at = plan::reminder_instant(user, invoice, offset);
            let policy_step = settings
                .policy
                .steps()
                .iter()
                .find(|s| s.offset_days == offset);
            let date = crate::domain::reminder_schedule::step_date(invoice.due_date, offset)
                .unwrap_or(invoice.due_date);
            let facts = InvoiceFacts::of(user, invoice, base_url, date.max(today));
            let (subject, text, html) = match policy_step {
                Some(s) => {
                    let r = reminder_email(&facts, s);
                    (r.subject, r.text, r.html)
                }
                None => (String::new(), String::new(), String::new()),
            };
            // A job still scheduled for a held invoice will be cancelled when its time comes;
            // the hold is what the user needs to read.
            let job =
                job_of(&step.key()).filter(|j| hold.is_none() || j.state != JobState::Scheduled);
            let email_id = job.and_then(|j| j.provider_id.clone());
            let (status, at, note) = match job {
                Some(job) => from_job(job),
                None => {
                    let reason = hold.or_else(|| {
                        sent_on
                            .filter(|sent| date <= *sent)
                            .map(|_| SkipReason::BeforeSent)
                    });
                    match reason {
                        Some(reason) => (
                            TimelineStatus::Skipped,
                            planned_at,
                            format!("Not sent: {}.", reason.describe()),
                        ),
                        None if planned_at.is_some_and(|at| at <= now) => (
                            TimelineStatus::Planned,
                            planned_at,
                            "Due now: goes out within a minute.".to_string(),
                        ),
                        None => (TimelineStatus::Planned, planned_at, String::new()),
                    }
                }
            };
            let when_text = at.map_or_else(String::new, |at| when(at, user));
            if status == TimelineStatus::Planned && next_planned.is_none() && hold.is_none() {
                next_planned = Some(when_text.clone());
            }
            timeline.push(TimelineItem {
                step: step.key(),
                label: offset_label(offset),
                when: when_text,
                status,
                note,
                subject,
                text,
                html,
                email_id,
            });
        }

        let pause = invoice.reminders_paused.as_ref().map(|p| p.reason.as_str());
        let (state, summary) = match (invoice.status, hold) {
            (InvoiceStatus::Draft, _) => (
                "draft",
                "Reminders start once the invoice is sent.".to_string(),
            ),
            (_, Some(SkipReason::Paid)) => ("done", "Paid: nothing more is sent.".to_string()),
            (_, Some(SkipReason::Void)) => ("done", "Void: nothing is sent.".to_string()),
            (_, Some(SkipReason::Bounced)) => (
                "bounced",
                match client.and_then(|c| c.email_problem.as_ref()) {
                    Some(problem) => format!(
                        "Reminders are held: {} Resume once the address is fixed.",
                        problem.message()
                    ),
                    None => "Reminders are held because an email to the client bounced. Fix the client's address, then resume.".to_string(),
                },
            ),
            (_, Some(SkipReason::PaymentProcessing)) => (
                "processing",
                "Your client's payment is on its way (a bank debit takes a few days): reminders wait until it settles, and start again if it fails.".to_string(),
            ),
            (_, Some(SkipReason::Paused)) => (
                "paused",
                "Reminders are paused. Resume to pick up with the next one due.".to_string(),
            ),
            (_, Some(_)) => (
                "off",
                "Reminders are off for this client; switch them on from the client's page."
                    .to_string(),
            ),
            (_, None) => match (invoice.snoozed_until.filter(|u| *u > today), next_planned) {
                (Some(until), _) => (
                    "snoozed",
                    format!("Snoozed: no reminder before {}.", until.long()),
                ),
                (None, Some(next)) => (
                    "active",
                    format!("Reminders are on. Next: {next} ({}).", user.time_zone),
                ),
                (None, None) => ("active", "Every reminder in your policy has gone out.".to_string()),
            },
        };
        let open = invoice.status.is_collectable();
        InvoiceReminders {
            invoice_id: invoice.id.to_hex(),
            state: state.to_string(),
            summary,
            can_pause: open && pause.is_none(),
            // A settling payment lifts its own hold: resuming by hand would chase money on its way.
            can_resume: open
                && pause != Some(crate::server::jobs::plan::PROCESSING)
                && (pause.is_some() || invoice.snoozed_until.is_some_and(|u| u > today)),
            can_snooze: open,
            today,
            time_zone: user.time_zone.clone(),
            timeline,
        }
    }

    /// Status, time and note of a step that has a job.
    fn from_job(job: &EmailJobDoc) -> (TimelineStatus, Option<Timestamp>, String) {
        let to = job.to.join(", ");
        match job.state {
            JobState::Sent => {
                let delivery = match job.delivery.as_deref() {
                    Some("delivered") => ", delivered",
                    Some("bounced") => ", bounced",
                    Some("complained") => ", marked as spam",
                    _ => "",
                };
                (
                    TimelineStatus::Sent,
                    job.sent_at.map(from_bson),
                    format!("To {to}{delivery}."),
                )
            }
            JobState::Skipped => {
                let reason = job
                    .reason
                    .as_deref()
                    .and_then(SkipReason::from_code)
                    .map_or("it was not needed", SkipReason::describe);
                (
                    TimelineStatus::Skipped,
                    Some(from_bson(job.due_at)),
                    format!("Not sent: {reason}."),
                )
            }
            JobState::Failed => (
                TimelineStatus::Failed,
                Some(from_bson(job.updated_at)),
                format!(
                    "Could not be sent to {to}: {}",
                    job.reason
                        .as_deref()
                        .unwrap_or("the email provider refused it.")
                ),
            ),
            JobState::Claimed | JobState::Batched => (
                TimelineStatus::Sending,
                Some(from_bson(job.due_at)),
                "Going out now.".to_string(),
            ),
            JobState::Scheduled if job.attempts > 0 => (
                TimelineStatus::Retrying,
                Some(from_bson(job.due_at)),
                format!(
                    "The email provider was unavailable ({}); trying again then.",
                    job.reason.as_deref().unwrap_or("no answer")
                ),
            ),
            JobState::Scheduled | JobState::Cancelled => (
                TimelineStatus::Planned,
                Some(from_bson(job.due_at)),
                String::new(),
            ),
        }
    }
}
