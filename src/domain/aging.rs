//! What is owed, kept per currency and due date: the dashboard's aging buckets come from it,
//! and so does how far "coming due" has to read. Kept by day rather than by bucket because the
//! buckets move with every new day and the user's zone; the days do not.

use crate::domain::dashboard::Aging;
use crate::domain::date::CalendarDate;
use crate::domain::money::Currency;

/// The open invoices (open or partly paid) of one currency due on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwedOn {
    pub currency: Currency,
    pub due: CalendarDate,
    /// What they still owe, in minor units.
    pub minor: i64,
    pub invoices: u32,
}

/// Days past due that close each bucket but the last: not yet due, 1–30, 31–60, 61–90.
const BUCKET_ENDS: [i64; 4] = [0, 30, 60, 90];

/// The bucket of an invoice due on `due`, as of `today`: 0 until it falls due, then 1–30
/// days late, 31–60, 61–90 and 90+.
pub fn bucket_of(due: CalendarDate, today: CalendarDate) -> usize {
    let late = due.days_until(today);
    BUCKET_ENDS
        .iter()
        .position(|end| late <= *end)
        .unwrap_or(BUCKET_ENDS.len())
}

/// Owed per currency and bucket as of `today`, sorted by currency; `None` when a sum would not
/// fit in minor units.
pub fn aging(owed: &[OwedOn], today: CalendarDate) -> Option<Aging> {
    let mut result: Aging = Vec::new();
    for day in owed.iter().filter(|day| day.invoices > 0) {
        let index = match result.iter().position(|(c, _, _)| *c == day.currency) {
            Some(index) => index,
            None => {
                result.push((day.currency, [0; 5], [0; 5]));
                result.len() - 1
            }
        };
        let (_, amounts, counts) = &mut result[index];
        let bucket = bucket_of(day.due, today);
        amounts[bucket] = amounts[bucket].checked_add(day.minor)?;
        counts[bucket] = counts[bucket].saturating_add(day.invoices);
    }
    result.sort_by_key(|(currency, _, _)| *currency);
    Some(result)
}

/// The earliest due date by which at least `wanted` open invoices (of any currency) fall due,
/// so the first `wanted` by due date are all due on or before it; `None` when fewer are open.
pub fn due_by_which(owed: &[OwedOn], wanted: u32) -> Option<CalendarDate> {
    let mut days: Vec<(CalendarDate, u32)> = owed
        .iter()
        .filter(|day| day.invoices > 0)
        .map(|day| (day.due, day.invoices))
        .collect();
    days.sort_unstable();
    let mut seen = 0_u32;
    days.into_iter().find_map(|(due, invoices)| {
        seen = seen.saturating_add(invoices);
        (seen >= wanted).then_some(due)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::day as date;

    fn owed(currency: Currency, due: &str, minor: i64, invoices: u32) -> OwedOn {
        OwedOn {
            currency,
            due: date(due),
            minor,
            invoices,
        }
    }

    #[test]
    fn each_bucket_ends_on_its_last_day_late() {
        let today = date("2026-12-01");
        let cases = [
            ("2026-12-31", 0),
            ("2026-12-01", 0),
            ("2026-11-30", 1),
            ("2026-11-01", 1),
            ("2026-10-31", 2),
            ("2026-10-02", 2),
            ("2026-10-01", 3),
            ("2026-09-02", 3),
            ("2026-09-01", 4),
            ("2020-01-01", 4),
        ];
        for (due, bucket) in cases {
            assert_eq!(bucket_of(date(due), today), bucket, "due {due}");
        }
    }

    #[test]
    fn aging_adds_days_into_buckets_per_currency() {
        let today = date("2026-12-01");
        let book = [
            owed(Currency::USD, "2026-12-10", 500, 1),
            owed(Currency::EUR, "2026-12-01", 1_000, 2),
            owed(Currency::EUR, "2026-12-20", 250, 1),
            owed(Currency::EUR, "2026-11-15", 300, 1),
            owed(Currency::EUR, "2026-01-15", 7, 1),
            // A day whose invoices were all paid adds nothing.
            owed(Currency::EUR, "2026-10-15", 0, 0),
        ];
        let aging = aging(&book, today).unwrap();
        assert_eq!(
            aging,
            vec![
                (Currency::USD, [500, 0, 0, 0, 0], [1, 0, 0, 0, 0]),
                (Currency::EUR, [1_250, 300, 0, 0, 7], [3, 1, 0, 0, 1]),
            ]
        );
    }

    #[test]
    fn aging_refuses_a_sum_past_what_minor_units_hold() {
        let today = date("2026-12-01");
        let book = [
            owed(Currency::EUR, "2026-12-10", i64::MAX, 1),
            owed(Currency::EUR, "2026-12-11", 1, 1),
        ];
        assert_eq!(aging(&book, today), None);
    }

    #[test]
    fn coming_due_reads_up_to_the_day_the_wanted_count_is_reached() {
        let book = [
            owed(Currency::EUR, "2026-12-20", 100, 3),
            owed(Currency::USD, "2026-11-02", 100, 2),
            owed(Currency::EUR, "2026-11-01", 0, 0),
            owed(Currency::EUR, "2026-12-05", 100, 2),
        ];
        assert_eq!(due_by_which(&book, 1), Some(date("2026-11-02")));
        assert_eq!(due_by_which(&book, 2), Some(date("2026-11-02")));
        assert_eq!(due_by_which(&book, 3), Some(date("2026-12-05")));
        assert_eq!(due_by_which(&book, 7), Some(date("2026-12-20")));
        assert_eq!(due_by_which(&book, 8), None);
    }
}
