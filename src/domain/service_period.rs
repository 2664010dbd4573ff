//! When the invoiced work was done or delivered: one day, or a period. The EU's VAT rules (and
//! the UK's "time of supply") ask an invoice to say so when it differs from the issue date, and
//! some countries (Germany among them) always; the editor offers it, the document shows it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;

/// The first and last day of the work, the same day when it took one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePeriod {
    pub first: CalendarDate,
    pub last: CalendarDate,
}

/// How far from the issue date the work may lie: five years, as for payment terms, so a
/// mistyped year is caught before it goes out on a legal document.
const FARTHEST_DAYS: i64 = 5 * 365 + 2;

impl ServicePeriod {
    /// Reads the editor's two fields ("from", and "to" when it lasted more than a day), checked
    /// against the invoice's issue date when that is known. Both empty: no service date.
    pub fn parse(
        from: &str,
        to: &str,
        issued: Option<CalendarDate>,
    ) -> Result<Option<ServicePeriod>, String> {
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() && to.is_empty() {
            return Ok(None);
        }
        if from.is_empty() {
            return Err(
                "Give the day the work started too, or clear the last day for no service date."
                    .to_string(),
            );
        }
        let first = CalendarDate::parse(from)?;
        let last = if to.is_empty() {
            first
        } else {
            CalendarDate::parse(to)?
        };
        if last < first {
            return Err("The service period can't end before it starts.".to_string());
        }
        if let Some(issued) = issued
            && (first.days_until(issued) > FARTHEST_DAYS || issued.days_until(last) > FARTHEST_DAYS)
        {
            return Err(
                "The service date is more than five years from the issue date: check its year."
                    .to_string(),
            );
        }
        Ok(Some(ServicePeriod { first, last }))
    }

    /// The last day when the work took more than one; `None` for a single day.
    pub fn ends(&self) -> Option<CalendarDate> {
        (self.last != self.first).then_some(self.last)
    }

    /// What the document calls it: one day is a date, more is a period.
    pub fn label(&self) -> &'static str {
        match self.ends() {
            None => "Service date",
            Some(_) => "Service period",
        }
    }

    /// The editor's two fields for this period ("to" empty for one day).
    pub fn to_fields(&self) -> (String, String) {
        let to = self.ends().map(|last| last.to_string()).unwrap_or_default();
        (self.first.to_string(), to)
    }
}

impl fmt::Display for ServicePeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ends() {
            None => write!(f, "{}", self.first),
            Some(last) => write!(f, "{} to {last}", self.first),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::day as date;

    #[test]
    fn empty_fields_mean_no_service_date_and_one_field_means_one_day() {
        let issued = Some(date("2026-12-01"));
        assert_eq!(ServicePeriod::parse(" ", "", issued), Ok(None));
        let day = ServicePeriod::parse("2026-11-27", "", issued)
            .unwrap()
            .unwrap();
        assert_eq!(
            (day.first, day.last),
            (date("2026-11-27"), date("2026-11-27"))
        );
        assert_eq!(day.label(), "Service date");
        assert_eq!(day.to_string(), "2026-11-27");
        assert_eq!(day.to_fields(), ("2026-11-27".to_string(), String::new()));
        // The same day typed twice is one day too.
        assert_eq!(
            ServicePeriod::parse("2026-11-27", "2026-11-27", issued),
            Ok(Some(day))
        );
    }

    #[test]
    fn a_period_reads_from_its_first_to_its_last_day() {
        let month = ServicePeriod::parse("2026-11-01", "2026-11-30", None)
            .unwrap()
            .unwrap();
        assert_eq!(month.label(), "Service period");
        assert_eq!(month.to_string(), "2026-11-01 to 2026-11-30");
        assert_eq!(
            month.to_fields(),
            ("2026-11-01".to_string(), "2026-11-30".to_string())
        );
        // Work after the issue date is allowed: an invoice in advance.
        assert!(
            ServicePeriod::parse("2027-01-01", "2027-03-31", Some(date("2026-12-01")))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn what_cannot_be_a_service_period_says_why() {
        let issued = Some(date("2026-12-01"));
        let message = |from, to| ServicePeriod::parse(from, to, issued).unwrap_err();
        assert!(message("", "2026-11-30").contains("day the work started"));
        assert!(message("2026-11-31", "").contains("2026-11-31"));
        assert!(message("2026-11-01", "30/11/2026").contains("YYYY-MM-DD"));
        assert!(message("2026-11-30", "2026-11-01").contains("end before it starts"));
        assert!(message("2062-11-01", "").contains("check its year"));
        assert!(message("2016-11-01", "2026-11-30").contains("check its year"));
        assert!(ServicePeriod::parse("2016-11-01", "", None).is_ok());
    }
}
