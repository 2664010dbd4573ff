//! Why an invoice's reminders are held. Stored on the invoice (`reminders_paused.reason`) and
//! sent by the browser when the user pauses, so each value is one of these, never free text.

use serde::{Deserialize, Serialize};

use crate::domain::date::CalendarDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// The user paused chasing.
    Paused,
    /// An email to the client's address bounced or was reported as spam.
    Bounced,
    /// A client's payment is settling (a bank debit): lifted only by its outcome.
    Processing,
    /// The client wrote back: chasing waits until the user has read it and resumes (or
    /// snoozes to a date).
    Replied,
    /// The user gave money back in Stripe, so the invoice is owed again: chasing waits until
    /// they resume it (or write off or void what is left).
    Refunded,
    /// The client's bank took a payment back (a dispute), so the invoice is owed again:
    /// chasing waits while the user answers the dispute, and starts again by itself if the
    /// money comes back and something is still owed.
    Disputed,
}

impl PauseReason {
    /// The stored form, for database filters.
    pub fn as_str(self) -> &'static str {
        match self {
            PauseReason::Paused => "paused",
            PauseReason::Bounced => "bounced",
            PauseReason::Processing => "processing",
            PauseReason::Replied => "replied",
            PauseReason::Refunded => "refunded",
            PauseReason::Disputed => "disputed",
        }
    }
}

/// The longest snooze; to stop reminders for longer, the user pauses them.
pub const MAX_SNOOZE_DAYS: i64 = 365;

/// The day a snooze asked for as `text` lasts until: a date after `today`, within a year.
pub fn snooze_until(text: &str, today: CalendarDate) -> Result<CalendarDate, String> {
    let until = CalendarDate::parse(text)?;
    if until <= today {
        return Err("Snooze until a day after today.".to_string());
    }
    if today.days_until(until) > MAX_SNOOZE_DAYS {
        return Err(
            "Snooze for up to a year; to stop reminders for longer, pause them.".to_string(),
        );
    }
    Ok(until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::day;

    #[test]
    fn a_snooze_ends_after_today_and_within_a_year() {
        let today = day("2026-12-01");
        assert_eq!(snooze_until("2026-12-02", today), Ok(day("2026-12-02")));
        assert_eq!(snooze_until("2027-12-01", today), Ok(day("2027-12-01")));
        assert!(snooze_until("2026-12-01", today).is_err_and(|m| m.contains("after today")));
        assert!(snooze_until("2026-11-30", today).is_err_and(|m| m.contains("after today")));
        assert!(snooze_until("2027-12-02", today).is_err_and(|m| m.contains("up to a year")));
        assert!(snooze_until("next week", today).is_err());
    }

    #[test]
    fn the_stored_form_is_what_serde_writes() {
        for reason in [
            PauseReason::Paused,
            PauseReason::Bounced,
            PauseReason::Processing,
            PauseReason::Replied,
            PauseReason::Refunded,
            PauseReason::Disputed,
        ] {
            let json = serde_json::to_string(&reason).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", reason.as_str()));
        }
    }

    #[test]
    fn unknown_reasons_are_refused() {
        assert!(serde_json::from_str::<PauseReason>("\"whatever\"").is_err());
    }
}
