//! When an invoice's emails go out, and why one does not. The server supplies the clock and
//! the time zone; everything here is about calendar dates and the policy, so it is pure.
//!
//! The rules, in the order a person would ask about them:
//! - The invoice email goes out when the invoice is sent.
//! - Reminders go out on their step's date at the user's send hour, local time.
//! - A step on or before the day the invoice was sent is skipped: the client has just had it.
//! - Only one email per run of catching up: if the server was down across several steps,
//!   the latest one due is sent and the earlier ones are skipped as superseded.
//! - Paid and void invoices are never chased; paused ones, bounced addresses and clients with
//!   reminders off are not chased until that changes.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;
use super::reminder_policy::{ReminderPolicy, ReminderStep};
use super::status::InvoiceStatus;

/// One email an invoice can get: the invoice itself, or the reminder `offset` days from due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Step {
    Invoice,
    Reminder(i32),
}

impl Step {
    /// The stored key: unique per invoice, and part of the email's idempotency key.
    pub fn key(self) -> String {
        match self {
            Step::Invoice => "invoice".to_string(),
            Step::Reminder(offset) => format!("reminder:{offset}"),
        }
    }

    pub fn from_key(key: &str) -> Option<Step> {
        if key == "invoice" {
            return Some(Step::Invoice);
        }
        key.strip_prefix("reminder:")?
            .parse()
            .ok()
            .map(Step::Reminder)
    }

    /// "Invoice", "3 days before due", "On the due date", "7 days after due".
    pub fn label(self) -> String {
        match self {
            Step::Invoice => "Invoice".to_string(),
            Step::Reminder(offset) => offset_label(offset),
        }
    }
}

pub fn offset_label(offset: i32) -> String {
    let days = |n: i32| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    match offset {
        0 => "On the due date".to_string(),
        n if n < 0 => format!("{} before due", days(-n)),
        n => format!("{} after due", days(n)),
    }
}

/// The local hour reminders go out at. Kept to waking hours: a reminder at 3 a.m. reads as
/// spam and lands under the morning's mail anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct SendHour(u8);

impl SendHour {
    pub const EARLIEST: u8 = 6;
    pub const LATEST: u8 = 21;

    pub fn new(hour: u8) -> Result<Self, String> {
        if (Self::EARLIEST..=Self::LATEST).contains(&hour) {
            Ok(SendHour(hour))
        } else {
            Err(format!(
                "Pick an hour from {:02}:00 to {:02}:00, so reminders never arrive in the middle of the night.",
                Self::EARLIEST,
                Self::LATEST
            ))
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let hour = text.trim();
        let hour = hour.split_once(':').map_or(hour, |(h, _)| h);
        hour.parse::<u8>()
            .map_err(|_| "Pick the hour reminders go out at.".to_string())
            .and_then(SendHour::new)
    }

    pub fn hour(self) -> u8 {
        self.0
    }
}

impl Default for SendHour {
    fn default() -> Self {
        SendHour(9)
    }
}

impl TryFrom<u8> for SendHour {
    type Error = String;
    fn try_from(hour: u8) -> Result<Self, String> {
        SendHour::new(hour)
    }
}

impl From<SendHour> for u8 {
    fn from(hour: SendHour) -> u8 {
        hour.0
    }
}

impl fmt::Display for SendHour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:00", self.0)
    }
}

/// A user's reminder settings: what is sent and at what hour.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettings {
    pub policy: ReminderPolicy,
    pub send_hour: SendHour,
    /// How far ahead a client may promise to pay (absent: the default).
    #[serde(default)]
    pub promise_limit: crate::domain::promise::Limit,
}

/// Why an email was not, or will not be, sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    Paid,
    Void,
    WrittenOff,
    Paused,
    Bounced,
    RemindersOff,
    /// The step fell on or before the day the invoice went out.
    BeforeSent,
    /// A later step was due too (the server was down, or the invoice was paused): only the
    /// latest is sent.
    Superseded,
    /// The invoice or its account no longer exists.
    Gone,
    /// The client paid with a method that settles later (a bank debit).
    PaymentProcessing,
    /// The client wrote back: reminders wait for the user.
    Replied,
}

impl SkipReason {
    pub const ALL: [SkipReason; 11] = [
        SkipReason::Paid,
        SkipReason::Void,
        SkipReason::WrittenOff,
        SkipReason::Paused,
        SkipReason::Bounced,
        SkipReason::RemindersOff,
        SkipReason::BeforeSent,
        SkipReason::Superseded,
        SkipReason::Gone,
        SkipReason::PaymentProcessing,
        SkipReason::Replied,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SkipReason::Paid => "paid",
            SkipReason::Void => "void",
            SkipReason::WrittenOff => "written_off",
            SkipReason::Paused => "paused",
            SkipReason::Bounced => "bounced",
            SkipReason::RemindersOff => "reminders_off",
            SkipReason::BeforeSent => "before_sent",
            SkipReason::Superseded => "superseded",
            SkipReason::Gone => "gone",
            SkipReason::PaymentProcessing => "payment_processing",
            SkipReason::Replied => "replied",
        }
    }

    pub fn from_code(code: &str) -> Option<SkipReason> {
        SkipReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// For the timeline: "Skipped — paid".
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Paid => "paid",
            SkipReason::Void => "the invoice was voided",
            SkipReason::WrittenOff => "what was left was written off",
            SkipReason::Paused => "reminders are paused for this invoice",
            SkipReason::Bounced => "the client's email address bounced",
            SkipReason::RemindersOff => "reminders are off for this client",
            SkipReason::BeforeSent => "it fell before the invoice was sent",
            SkipReason::Superseded => "a later reminder was due, and only that one was sent",
            SkipReason::Gone => "the invoice no longer exists",
            SkipReason::PaymentProcessing => "the client's payment is on its way",
            SkipReason::Replied => "the client replied, and reminders wait for you",
        }
    }
}

/// What decides whether an invoice is chased right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChaseState {
    pub status: InvoiceStatus,
    /// A payment is settling: chasing would ask for money already on its way.
    pub processing: bool,
    pub paused: bool,
    /// The client wrote back; chasing waits until the user resumes it.
    pub replied: bool,
    pub bounced: bool,
    pub reminders_off: bool,
}

impl ChaseState {
    /// Why no reminder goes out, or `None` when the invoice is chased. Paid, void and written
    /// off come first: they are final, the others can change back.
    pub fn hold(self) -> Option<SkipReason> {
        match self.status {
            InvoiceStatus::Paid => Some(SkipReason::Paid),
            InvoiceStatus::Void => Some(SkipReason::Void),
            InvoiceStatus::WrittenOff => Some(SkipReason::WrittenOff),
            InvoiceStatus::Draft => Some(SkipReason::BeforeSent),
            InvoiceStatus::Open | InvoiceStatus::PartiallyPaid => {
                if self.processing {
                    Some(SkipReason::PaymentProcessing)
                } else if self.bounced {
                    Some(SkipReason::Bounced)
                } else if self.replied {
                    Some(SkipReason::Replied)
                } else if self.paused {
                    Some(SkipReason::Paused)
                } else if self.reminders_off {
                    Some(SkipReason::RemindersOff)
                } else {
                    None
                }
            }
        }
    }
}

/// The local date a step falls on.
pub fn step_date(due: CalendarDate, offset: i32) -> Option<CalendarDate> {
    due.add_days(i64::from(offset)).ok()
}

/// The next reminder after the last one handled (`after`, by offset), skipping steps on or
/// before the day the invoice was sent.
pub fn next_reminder(
    policy: &ReminderPolicy,
    due: CalendarDate,
    sent_on: CalendarDate,
    after: Option<i32>,
) -> Option<&ReminderStep> {
    policy.steps().iter().find(|step| {
        after.is_none_or(|a| step.offset_days > a)
            && step_date(due, step.offset_days).is_some_and(|date| date > sent_on)
    })
}

/// Catching up: of the steps from `from` on, the latest whose time has come (`is_due` says
/// so). Returns `from` itself when no later step is due.
pub fn catch_up(policy: &ReminderPolicy, from: i32, is_due: impl Fn(i32) -> bool) -> i32 {
    policy
        .steps()
        .iter()
        .map(|s| s.offset_days)
        .filter(|&offset| offset > from && is_due(offset))
        .max()
        .unwrap_or(from)
}

#[cfg(test)]
mod tests;
