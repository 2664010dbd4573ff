//! Calendar dates (due dates, issue dates): no time, no zone. The server decides what "today"
//! is in the user's time zone and passes it in, so everything here stays pure.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CalendarDate {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl CalendarDate {
    pub const EPOCH: CalendarDate = CalendarDate {
        year: 1970,
        month: 1,
        day: 1,
    };

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn day(self) -> u8 {
        self.day
    }

    pub fn month(self) -> u8 {
        self.month
    }

    /// The first day of the month `months` months before this date's month (0: this month).
    pub fn first_of_month_back(self, months: u32) -> CalendarDate {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 - i64::from(months);
        let year = i32::try_from(index.div_euclid(12))
            .unwrap_or(1970)
            .max(1970);
        CalendarDate {
            year,
            month: (index.rem_euclid(12) + 1) as u8,
            day: 1,
        }
    }

    /// "2026-11": how months are keyed in charts.
    pub fn month_key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, String> {
        if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(format!(
                "{year:04}-{month:02}-{day:02} is not a date PayTrack accepts."
            ));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!("{year:04}-{month:02}-{day:02} is not a real date."));
        }
        Ok(Self { year, month, day })
    }

    /// Parses ISO 8601 `YYYY-MM-DD` (what `<input type="date">` sends).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let parts: Vec<&str> = text.split('-').collect();
        let shape_ok = parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
        if !shape_ok {
            return Err(format!("“{text}” is not a date (use YYYY-MM-DD)."));
        }
        let number = |s: &str| s.parse::<i32>().unwrap_or_default();
        Self::new(
            number(parts[0]),
            number(parts[1]) as u8,
            number(parts[2]) as u8,
        )
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    pub fn days_since_epoch(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` later (or earlier, when negative): net terms, reminder offsets.
    pub fn add_days(self, days: i64) -> Result<Self, String> {
        let z = self.days_since_epoch() + days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self::new(
            i32::try_from(year).map_err(|_| "That date is out of range.".to_string())?,
            month,
            day,
        )
    }

    /// "Thu 10 Dec 2026": how people read a date in an email or a timeline.
    pub fn long(self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        // 1970-01-01 was a Thursday.
        let weekday = DAYS[self.days_since_epoch().rem_euclid(7) as usize];
        let month = MONTHS[usize::from(self.month.clamp(1, 12) - 1)];
        format!("{weekday} {} {month} {}", self.day, self.year)
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: CalendarDate) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for CalendarDate {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CalendarDate> for String {
    fn from(value: CalendarDate) -> Self {
        value.to_string()
    }
}

/// A date written in a test, which names the typo when there is one.
#[cfg(test)]
pub(crate) fn day(text: &str) -> CalendarDate {
    CalendarDate::parse(text).unwrap_or_else(|error| panic!("{error}"))
}

#[cfg(test)]
mod tests {

    #[test]
    fn long_dates_name_the_weekday_and_month() {
        assert_eq!(
            CalendarDate::parse("2026-12-10").unwrap().long(),
            "Thu 10 Dec 2026"
        );
        assert_eq!(CalendarDate::EPOCH.long(), "Thu 1 Jan 1970");
        assert_eq!(
            CalendarDate::parse("2026-11-29").unwrap().long(),
            "Sun 29 Nov 2026"
        );
        assert_eq!(
            CalendarDate::parse("2027-03-01").unwrap().long(),
            "Mon 1 Mar 2027"
        );
    }

    use super::*;

    #[test]
    fn months_back_cross_year_ends() {
        let date = CalendarDate::parse("2026-03-31").unwrap();
        assert_eq!(date.first_of_month_back(0).to_string(), "2026-03-01");
        assert_eq!(date.first_of_month_back(3).to_string(), "2025-12-01");
        assert_eq!(date.first_of_month_back(14).month_key(), "2025-01");
    }
    use proptest::prelude::*;

    #[test]
    fn dates_parse_and_print_in_iso_form() {
        let date = CalendarDate::parse("2026-11-27").unwrap();
        assert_eq!(date.to_string(), "2026-11-27");
        assert_eq!(
            CalendarDate::parse("2024-02-29").unwrap().to_string(),
            "2024-02-29"
        );
        assert_eq!(
            CalendarDate::parse("2025-02-29").unwrap_err(),
            "2025-02-29 is not a real date."
        );
        assert!(CalendarDate::parse("1900-02-29").is_err());
        for bad in [
            "",
            "2026-1-5",
            "27/11/2026",
            "2026-13-01",
            "2026-00-10",
            "abcd-ef-gh",
        ] {
            assert!(CalendarDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn day_arithmetic_crosses_months_years_and_leap_days() {
        let d = |s| CalendarDate::parse(s).unwrap();
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("2026-11-27").add_days(30).unwrap(), d("2026-12-27"));
        assert_eq!(d("2026-12-31").add_days(1).unwrap(), d("2027-01-01"));
        assert_eq!(d("2024-02-28").add_days(1).unwrap(), d("2024-02-29"));
        assert_eq!(d("2024-03-01").add_days(-1).unwrap(), d("2024-02-29"));
        assert_eq!(d("2026-11-27").days_until(d("2026-12-27")), 30);
        assert!(d("1970-01-01").add_days(-1).is_err());
    }

    proptest! {
        #[test]
        fn adding_days_round_trips(start in 0_i64..2_900_000, offset in -10_000_i64..10_000) {
            let epoch = CalendarDate::new(1970, 1, 1).unwrap();
            let date = epoch.add_days(start).unwrap();
            prop_assert_eq!(date.days_since_epoch(), start);
            if let Ok(moved) = date.add_days(offset) {
                prop_assert_eq!(date.days_until(moved), offset);
                prop_assert_eq!(CalendarDate::parse(&moved.to_string()), Ok(moved));
            }
        }
    }
}
