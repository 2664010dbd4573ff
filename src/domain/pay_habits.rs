//! How a client pays: how late, on average, over the invoices they paid in full, whether they kept
//! their promises to pay, and how many of their invoices were written off. Shown on the client's
//! page; the dashboard lists the clients who pay latest.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;
use super::invoice::invoices_counted;
use super::promise::{Outcome, Record};

/// A client's record, from their invoices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayHabits {
    /// Invoices paid in full.
    pub paid: u32,
    /// Whole days after the due date, on average over those (on time or early counts as 0);
    /// `None` before the first is paid.
    pub average_days_late: Option<i64>,
    pub promises: Record,
    /// Invoices whose rest the user stopped expecting (absent in records kept before).
    #[serde(default)]
    pub written_off: u32,
}

/// The last thing a client wrote back (automatic answers aside), on their page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastReply {
    /// Local date and time in the user's zone.
    pub when: String,
    pub invoice_number: String,
    /// The start of what they wrote.
    pub excerpt: String,
}

/// A client the dashboard names among those who pay latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatePayer {
    pub client_id: String,
    pub name: String,
    pub habits: PayHabits,
}

/// How many of a client's invoices paid in full their page draws, the latest.
pub const PAID_DRAWN: usize = 12;

/// One invoice the client paid in full, as their page draws their record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidInvoice {
    pub number: String,
    pub due: CalendarDate,
    pub paid_on: CalendarDate,
}

impl PaidInvoice {
    /// Days late, as the average counts them (early is on time).
    pub fn days_late(&self) -> i64 {
        days_late(self.due, self.paid_on)
    }

    /// "Paid 12 days late", "Paid on the due date", "Paid 3 days early".
    pub fn timing(&self) -> String {
        match self.due.days_until(self.paid_on) {
            0 => "Paid on the due date".to_string(),
            1 => "Paid 1 day late".to_string(),
            -1 => "Paid 1 day early".to_string(),
            days if days > 0 => format!("Paid {days} days late"),
            days => format!("Paid {} days early", days.saturating_neg()),
        }
    }
}

/// The `PAID_DRAWN` paid last of `paid`, the latest first.
pub fn latest_paid(mut paid: Vec<PaidInvoice>) -> Vec<PaidInvoice> {
    paid.sort_by(|a, b| (b.paid_on, &b.number).cmp(&(a.paid_on, &a.number)));
    paid.truncate(PAID_DRAWN);
    paid
}

/// Days a payment on `paid_on` came after `due`: never below zero.
pub fn days_late(due: CalendarDate, paid_on: CalendarDate) -> i64 {
    due.days_until(paid_on).max(0)
}

impl PayHabits {
    /// From the `(due, paid on)` of each invoice paid in full and what became of each
    /// promise the user did not clear.
    pub fn of(
        paid: impl IntoIterator<Item = (CalendarDate, CalendarDate)>,
        promises: impl IntoIterator<Item = Outcome>,
    ) -> Self {
        let (mut count, mut total) = (0u32, 0i64);
        for (due, paid_on) in paid {
            count = count.saturating_add(1);
            total = total.saturating_add(days_late(due, paid_on));
        }
        let mut record = Record::default();
        for outcome in promises {
            record.count(outcome);
        }
        PayHabits {
            paid: count,
            // Rounded half up: 1.5 days late reads as 2.
            average_days_late: (count > 0).then(|| {
                let count = i64::from(count);
                total.saturating_mul(2).saturating_add(count) / count.saturating_mul(2)
            }),
            promises: record,
            written_off: 0,
        }
    }

    /// In a sentence: "2 invoices written off." (`None` without any).
    pub fn written_off_text(&self) -> Option<String> {
        (self.written_off > 0)
            .then(|| format!("{} written off.", invoices_counted(self.written_off)))
    }

    /// In a sentence: "Pays 12 days late on average (8 invoices)."
    pub fn lateness(&self) -> String {
        let invoices = invoices_counted(self.paid);
        match self.average_days_late {
            None => "No invoice paid in full yet.".to_string(),
            Some(0) => format!("Pays on time ({invoices})."),
            Some(1) => format!("Pays 1 day late on average ({invoices})."),
            Some(days) => format!("Pays {days} days late on average ({invoices})."),
        }
    }

    /// In a sentence: "Kept 2 of 3 promises to pay." (`None` without any decided promise).
    pub fn promises_kept(&self) -> Option<String> {
        let Record { kept, broken, .. } = self.promises;
        let decided = kept.saturating_add(broken);
        match decided {
            0 => None,
            1 if kept == 1 => Some("Kept their promise to pay.".to_string()),
            1 => Some("Broke their promise to pay.".to_string()),
            n => Some(format!("Kept {kept} of {n} promises to pay.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::day;

    #[test]
    fn lateness_averages_whole_days_and_early_counts_as_on_time() {
        let habits = PayHabits::of(
            [
                (day("2026-11-01"), day("2026-11-11")), // 10 late
                (day("2026-11-01"), day("2026-10-20")), // early: 0
                (day("2026-11-01"), day("2026-11-06")), // 5 late
            ],
            [],
        );
        assert_eq!(habits.paid, 3);
        assert_eq!(habits.average_days_late, Some(5));
        assert_eq!(
            habits.lateness(),
            "Pays 5 days late on average (3 invoices)."
        );
        let half = PayHabits::of(
            [
                (day("2026-11-01"), day("2026-11-02")),
                (day("2026-11-01"), day("2026-11-03")),
            ],
            [],
        );
        assert_eq!(half.average_days_late, Some(2), "1.5 rounds up");
        assert_eq!(
            PayHabits::of([(day("2026-11-01"), day("2026-11-01"))], []).lateness(),
            "Pays on time (1 invoice)."
        );
        assert_eq!(
            PayHabits::default().lateness(),
            "No invoice paid in full yet."
        );
    }

    fn paid(number: &str, due: &str, paid_on: &str) -> PaidInvoice {
        PaidInvoice {
            number: number.to_string(),
            due: day(due),
            paid_on: day(paid_on),
        }
    }

    #[test]
    fn each_paid_invoice_says_how_late_and_early_counts_as_on_time() {
        let late = paid("INV-0001", "2026-11-01", "2026-11-13");
        assert_eq!(
            (late.days_late(), late.timing().as_str()),
            (12, "Paid 12 days late")
        );
        let one = paid("INV-0002", "2026-11-01", "2026-11-02");
        assert_eq!(
            (one.days_late(), one.timing().as_str()),
            (1, "Paid 1 day late")
        );
        let due_day = paid("INV-0003", "2026-11-01", "2026-11-01");
        assert_eq!(
            (due_day.days_late(), due_day.timing().as_str()),
            (0, "Paid on the due date")
        );
        let early = paid("INV-0004", "2026-11-01", "2026-10-29");
        assert_eq!(
            (early.days_late(), early.timing().as_str()),
            (0, "Paid 3 days early")
        );
        let day_early = paid("INV-0005", "2026-11-01", "2026-10-31");
        assert_eq!(day_early.timing(), "Paid 1 day early");
    }

    #[test]
    fn the_latest_paid_are_drawn_latest_first() {
        let many: Vec<PaidInvoice> = (1..=15)
            .map(|n| {
                let on = format!("2026-10-{n:02}");
                paid(&format!("INV-{n:04}"), "2026-10-01", &on)
            })
            .rev()
            .collect();
        let drawn = latest_paid(many);
        assert_eq!(drawn.len(), PAID_DRAWN);
        assert_eq!(drawn[0].number, "INV-0015");
        assert_eq!(drawn[PAID_DRAWN - 1].number, "INV-0004");
        // Paid the same day: the later number first.
        let same_day = latest_paid(vec![
            paid("INV-0007", "2026-10-01", "2026-10-05"),
            paid("INV-0008", "2026-10-01", "2026-10-05"),
        ]);
        assert_eq!(same_day[0].number, "INV-0008");
    }

    #[test]
    fn written_off_invoices_are_counted_in_words() {
        assert_eq!(PayHabits::default().written_off_text(), None);
        let habits = PayHabits {
            written_off: 2,
            ..PayHabits::default()
        };
        assert_eq!(
            habits.written_off_text().as_deref(),
            Some("2 invoices written off.")
        );
    }

    #[test]
    fn promises_are_told_kept_of_decided() {
        let habits = PayHabits::of(
            [],
            [
                Outcome::Kept,
                Outcome::Broken,
                Outcome::Kept,
                Outcome::Pending,
            ],
        );
        assert_eq!(
            habits.promises,
            Record {
                kept: 2,
                broken: 1,
                pending: 1
            }
        );
        assert_eq!(
            habits.promises_kept().as_deref(),
            Some("Kept 2 of 3 promises to pay.")
        );
        assert_eq!(
            PayHabits::of([], [Outcome::Broken])
                .promises_kept()
                .as_deref(),
            Some("Broke their promise to pay.")
        );
        assert_eq!(PayHabits::of([], [Outcome::Pending]).promises_kept(), None);
    }
}
