//! Reminders: the user's policy and send hour, and per invoice the timeline (what was sent,
//! skipped and planned, with each email rendered), the email log, and pause, snooze, resume.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::browser_json::BrowserJson;
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
    /// How many days ahead clients may promise to pay.
    pub promise_limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingsSave {
    Saved(ReminderSettingsForm),
    Invalid {
        send_hour: Option<String>,
        #[serde(default)]
        promise_limit: Option<String>,
        policy: PolicyErrors,
    },
}

pub use crate::domain::timeline::{InvoiceReminders, ReplyView, TimelineItem, TimelineStatus};

#[cfg(feature = "ssr")]
use {
    crate::api::ssr::{signed_in_with_id, who_asks},
    crate::server::chasing,
};

#[server(prefix = "/api", endpoint = "reminders/settings", output = BrowserJson)]
pub async fn get_reminder_settings() -> Result<ReminderSettingsForm, AppError> {
    let (user, _) = who_asks().await?;
    Ok(ssr::form(&user))
}

#[server(prefix = "/api", endpoint = "reminders/save", input = Json, output = BrowserJson)]
pub async fn save_reminder_settings(
    send_hour: String,
    steps: Vec<StepInput>,
    // Days ahead clients may promise to pay; absent keeps what was saved.
    #[server(default)] promise_limit: Option<String>,
) -> Result<SettingsSave, AppError> {
    let (user, state) = who_asks().await?;
    let asked = chasing::SettingsAsked {
        send_hour: &send_hour,
        steps: &steps,
        promise_limit: promise_limit.as_deref(),
    };
    let saved = chasing::save_settings(&state, &user, asked).await?;
    Ok(ssr::settings_save(saved))
}

#[server(prefix = "/api", endpoint = "reminders/invoice", output = BrowserJson)]
pub async fn load_invoice_reminders(id: String) -> Result<InvoiceReminders, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    chasing::of_invoice(&state, &user, id).await
}

#[server(prefix = "/api", endpoint = "reminders/pause", output = BrowserJson)]
pub async fn pause_reminders(id: String) -> Result<InvoiceReminders, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    chasing::pause(&state, &user, id).await
}

#[server(prefix = "/api", endpoint = "reminders/resume", output = BrowserJson)]
pub async fn resume_reminders(id: String) -> Result<InvoiceReminders, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    chasing::resume(&state, &user, id).await
}

#[server(prefix = "/api", endpoint = "reminders/snooze", output = BrowserJson)]
pub async fn snooze_reminders(id: String, until: String) -> Result<InvoiceReminders, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    chasing::snooze(&state, &user, id, &until).await
}

/// Sets the client's promise to pay aside: reminders follow the policy again.
#[server(prefix = "/api", endpoint = "reminders/clear-promise", output = BrowserJson)]
pub async fn clear_promise(id: String) -> Result<InvoiceReminders, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    chasing::promises::clear(&state, &user, id).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{ReminderSettingsForm, SettingsSave};
    use crate::domain::reminder_policy::{ReminderPolicy, StepInput, VARIABLES};
    use crate::server::chasing;
    use crate::server::db::users::UserDoc;

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

    pub fn settings_save(saved: chasing::SettingsSaved) -> SettingsSave {
        match saved {
            chasing::SettingsSaved::Saved(user) => SettingsSave::Saved(form(&user)),
            chasing::SettingsSaved::Invalid {
                send_hour,
                promise_limit,
                policy,
            } => SettingsSave::Invalid {
                send_hour,
                promise_limit,
                policy,
            },
        }
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
            promise_limit: settings.promise_limit.days(),
        }
    }
}
