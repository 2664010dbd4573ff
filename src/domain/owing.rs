//! What a client owes, summed from their open invoices: per currency, and whether any of it is
//! past its due date.

use serde::{Deserialize, Serialize};

use crate::domain::date::CalendarDate;
use crate::domain::money::{Money, MoneyError};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owing {
    /// What is still due, one amount per currency, by currency code.
    pub owed: Vec<Money>,
    /// Whether an invoice with something due was due before today.
    pub overdue: bool,
}

impl Owing {
    /// Sums what each open invoice still owes (`due`, due on `due_date`) as seen on `today`;
    /// an invoice with nothing left due is not counted or overdue.
    pub fn of(
        invoices: impl IntoIterator<Item = (Money, CalendarDate)>,
        today: CalendarDate,
    ) -> Result<Owing, MoneyError> {
        let mut owing = Owing::default();
        for (due, due_date) in invoices {
            if due.minor() <= 0 {
                continue;
            }
            owing.overdue |= due_date < today;
            match owing
                .owed
                .iter_mut()
                .find(|m| m.currency() == due.currency())
            {
                Some(sum) => *sum = sum.checked_add(due)?,
                None => owing.owed.push(due),
            }
        }
        owing.owed.sort_by_key(|m| m.currency().code());
        Ok(owing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::day;
    use crate::domain::money::Currency;

    #[test]
    fn sums_per_currency_and_says_when_something_is_late() {
        let today = day("2026-12-07");
        let owing = Owing::of(
            [
                (Money::from_minor(12000, Currency::USD), day("2026-12-20")),
                (Money::from_minor(8050, Currency::EUR), day("2026-12-07")),
                (Money::from_minor(30_00, Currency::USD), day("2026-12-08")),
            ],
            today,
        )
        .unwrap();
        assert_eq!(
            owing.owed,
            [
                Money::from_minor(8050, Currency::EUR),
                Money::from_minor(15000, Currency::USD)
            ]
        );
        assert!(!owing.overdue, "due today is not late yet");

        let late = Owing::of(
            [(Money::from_minor(1, Currency::USD), day("2026-12-06"))],
            today,
        )
        .unwrap();
        assert!(late.overdue);
    }

    #[test]
    fn nothing_left_due_is_neither_owed_nor_late() {
        let owing = Owing::of(
            [(Money::zero(Currency::USD), day("2020-01-01"))],
            day("2026-12-07"),
        )
        .unwrap();
        assert_eq!(owing, Owing::default());
    }

    #[test]
    fn a_sum_past_what_money_holds_is_refused() {
        let huge = Money::from_minor(i64::MAX, Currency::USD);
        let today = day("2026-12-07");
        assert_eq!(
            Owing::of([(huge, today), (huge, today)], today),
            Err(MoneyError::Overflow)
        );
    }
}
