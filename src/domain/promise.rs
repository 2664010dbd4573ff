//! A client's promise to pay: "I'll pay by …" on the invoice's page. The rules every side
//! shares — which dates may be promised, when chasing may start again, and whether a promise
//! was kept — so the page, the server and the engine cannot disagree.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;

/// How far ahead a client may promise when the user has not chosen.
pub const DEFAULT_LIMIT_DAYS: u32 = 30;

/// The longest limit a user may set: beyond it, a promise is a payment plan.
pub const MAX_LIMIT_DAYS: u32 = 90;

/// How many days ahead a user's clients may promise to pay (see [`parse_limit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Limit(u32);

impl Limit {
    pub fn days(self) -> u32 {
        self.0
    }

    /// The limit from what the user typed.
    pub fn parse(text: &str) -> Result<Self, String> {
        parse_limit(text).map(Limit)
    }
}

impl Default for Limit {
    fn default() -> Self {
        Limit(DEFAULT_LIMIT_DAYS)
    }
}

/// A promise as the owner and the client see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseView {
    /// The day the client said they would pay by.
    pub day: CalendarDate,
    /// The day they said it, in the user's zone.
    pub made_on: CalendarDate,
    pub outcome: Outcome,
}

/// What the client's page offers: the promise standing, and whether (and for which days) a
/// new one can be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The latest promise the user has not cleared.
    pub current: Option<PromiseView>,
    /// A promise can be made now (the invoice is owed and no promise is pending).
    pub open: bool,
    pub first: CalendarDate,
    pub last: CalendarDate,
}

/// How a client kept their word, over all their invoices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub kept: u32,
    pub broken: u32,
    pub pending: u32,
}

impl Record {
    pub fn count(&mut self, outcome: Outcome) {
        let tally = match outcome {
            Outcome::Kept => &mut self.kept,
            Outcome::Broken => &mut self.broken,
            Outcome::Pending => &mut self.pending,
        };
        *tally = tally.saturating_add(1);
    }
}

/// What became of a promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The day has not passed and the invoice is not paid.
    Pending,
    /// Paid in full on or before the day.
    Kept,
    /// The day passed unpaid.
    Broken,
}

/// The day a client may promise, from what they chose (`text`, YYYY-MM-DD), `today` in the
/// user's zone and the user's limit in days.
pub fn promised_day(
    text: &str,
    today: CalendarDate,
    limit_days: u32,
) -> Result<CalendarDate, String> {
    let day = CalendarDate::parse(text.trim())
        .map_err(|_| "Choose the day you will pay, like 2026-12-18.".to_string())?;
    if day < today {
        return Err("Choose a day from today on.".to_string());
    }
    let last = today.add_days(i64::from(limit_days)).unwrap_or(today);
    if day > last {
        return Err(format!(
            "Choose a day within {limit_days} days, by {} at the latest.",
            last.long()
        ));
    }
    Ok(day)
}

/// The first day reminders may go out again: the morning after the promised day.
pub fn chasing_resumes(day: CalendarDate) -> CalendarDate {
    day.add_days(1).unwrap_or(day)
}

/// What became of a promise for `day`, for an invoice paid in full on `paid_on` (if it is),
/// seen on `today`.
pub fn outcome(day: CalendarDate, paid_on: Option<CalendarDate>, today: CalendarDate) -> Outcome {
    match paid_on {
        Some(paid) if paid <= day => Outcome::Kept,
        _ if today > day => Outcome::Broken,
        _ => Outcome::Pending,
    }
}

/// The limit a user may set: 1 to `MAX_LIMIT_DAYS` days.
pub fn parse_limit(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(days) if (1..=MAX_LIMIT_DAYS).contains(&days) => Ok(days),
        _ => Err(format!(
            "Enter a number of days from 1 to {MAX_LIMIT_DAYS}."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::day;

    #[test]
    fn a_promise_is_from_today_to_the_limit() {
        let today = day("2026-12-02");
        assert_eq!(promised_day("2026-12-02", today, 30), Ok(today));
        assert_eq!(
            promised_day(" 2027-01-01 ", today, 30),
            Ok(day("2027-01-01"))
        );
        let late = promised_day("2027-01-02", today, 30).unwrap_err();
        assert!(
            late.contains("within 30 days") && late.contains("1 Jan 2027"),
            "{late}"
        );
        assert!(
            promised_day("2026-12-01", today, 30)
                .unwrap_err()
                .contains("from today")
        );
        let unreadable = promised_day("Friday", today, 30).unwrap_err();
        assert!(
            unreadable.contains("Choose the day you will pay"),
            "{unreadable}"
        );
        assert_eq!(promised_day("2026-12-09", today, 7), Ok(day("2026-12-09")));
        assert!(promised_day("2026-12-10", today, 7).is_err());
    }

    #[test]
    fn chasing_waits_until_the_morning_after() {
        assert_eq!(chasing_resumes(day("2026-12-31")), day("2027-01-01"));
    }

    #[test]
    fn a_promise_is_kept_by_paying_on_or_before_the_day_and_broken_after_it() {
        let promised = day("2026-12-11");
        assert_eq!(outcome(promised, None, day("2026-12-11")), Outcome::Pending);
        assert_eq!(outcome(promised, None, day("2026-12-12")), Outcome::Broken);
        assert_eq!(
            outcome(promised, Some(day("2026-12-11")), day("2026-12-20")),
            Outcome::Kept
        );
        assert_eq!(
            outcome(promised, Some(day("2026-12-09")), day("2026-12-10")),
            Outcome::Kept
        );
        assert_eq!(
            outcome(promised, Some(day("2026-12-14")), day("2026-12-20")),
            Outcome::Broken
        );
    }

    #[test]
    fn the_limit_is_a_whole_number_of_days_within_reason() {
        assert_eq!(parse_limit("30"), Ok(30));
        assert_eq!(parse_limit(" 1 "), Ok(1));
        assert_eq!(parse_limit("90"), Ok(90));
        for bad in ["0", "91", "-3", "two weeks", ""] {
            assert!(parse_limit(bad).is_err(), "{bad}");
        }
    }
}
