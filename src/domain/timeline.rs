//! An invoice's emails as its owner sees them: what was sent, skipped and planned, each with
//! its rendered email, and where the chasing stands in a sentence.

use serde::{Deserialize, Serialize};

use crate::domain::date::CalendarDate;

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
    /// "active", "paused", "replied", "promised", "snoozed", "bounced", "processing", "off",
    /// "done" or "draft".
    pub state: String,
    pub summary: String,
    pub can_pause: bool,
    pub can_resume: bool,
    pub can_snooze: bool,
    pub today: CalendarDate,
    pub time_zone: String,
    pub timeline: Vec<TimelineItem>,
    /// What the client wrote back to the invoice's emails, newest first.
    #[serde(default)]
    pub replies: Vec<ReplyView>,
    /// The client's promise to pay that counts (not cleared), whatever became of it.
    #[serde(default)]
    pub promise: Option<crate::domain::promise::PromiseView>,
}

/// A message the client sent to the invoice's reply address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyView {
    /// "Zoë Ångström <zoe@client.example>", or the bare address.
    pub from: String,
    /// Local date and time in the user's zone.
    pub when: String,
    pub subject: String,
    pub text: String,
    /// The message's HTML, cleaned of scripts, styles and remote content; shown in a
    /// sandboxed frame.
    pub html: Option<String>,
    /// An out-of-office or other automatic answer: it did not hold chasing.
    pub automatic: bool,
}
