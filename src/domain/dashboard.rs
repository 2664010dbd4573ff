//! The dashboard's money per currency: what is owed by age, what came in each of the last 12
//! months, and what was paid this month — added up from the database's groupings.

use serde::{Deserialize, Serialize};

use crate::domain::date::CalendarDate;
use crate::domain::money::{Currency, Money};

/// The aging buckets, in the order `CurrencySummary::aging` holds them.
pub const AGING_LABELS: [&str; 5] = [
    "Current",
    "1–30 days",
    "31–60 days",
    "61–90 days",
    "90+ days",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencySummary {
    pub currency: Currency,
    pub outstanding: Money,
    pub overdue: Money,
    pub paid_this_month: Money,
    /// Owed by days past due: not yet due, 1–30, 31–60, 61–90, 90+.
    pub aging: [Money; 5],
    pub aging_counts: [u32; 5],
    /// Collected per month, oldest first, aligned with `Dashboard::months`.
    pub collected: Vec<Money>,
}

/// Owed per currency: the minor units and the invoice counts in each aging bucket.
pub type Aging = Vec<(Currency, [i64; 5], [u32; 5])>;

/// Collected per month ("YYYY-MM") and currency, in minor units.
pub type Cash = Vec<(String, Currency, i64)>;

/// The last 12 months as "YYYY-MM", oldest first, ending with `today`'s.
pub fn last_twelve_months(today: CalendarDate) -> Vec<String> {
    (0..12)
        .rev()
        .map(|back| today.first_of_month_back(back).month_key())
        .collect()
}

/// One summary per currency that has money owed or collected, sorted by currency. Sums are
/// checked: a total past what minor units can hold is left out rather than wrapped.
pub fn summarize(
    aging: &Aging,
    cash: &Cash,
    months: &[String],
    this_month: &str,
) -> Vec<CurrencySummary> {
    let mut currencies: Vec<Currency> = aging
        .iter()
        .map(|(c, _, _)| *c)
        .chain(cash.iter().map(|(_, c, _)| *c))
        .collect();
    currencies.sort();
    currencies.dedup();
    currencies
        .into_iter()
        .map(|currency| summary_of(currency, aging, cash, months, this_month))
        .collect()
}

fn summary_of(
    currency: Currency,
    aging: &Aging,
    cash: &Cash,
    months: &[String],
    this_month: &str,
) -> CurrencySummary {
    let money = |minor| Money::from_minor(minor, currency);
    let sum = |values: &[i64]| {
        values
            .iter()
            .try_fold(0_i64, |a, b| a.checked_add(*b))
            .unwrap_or(0)
    };
    let (buckets, counts) = aging
        .iter()
        .find(|(c, _, _)| *c == currency)
        .map(|(_, b, n)| (*b, *n))
        .unwrap_or(([0; 5], [0; 5]));
    let collected: Vec<i64> = months
        .iter()
        .map(|month| {
            let amounts: Vec<i64> = cash
                .iter()
                .filter(|(m, c, _)| m == month && *c == currency)
                .map(|(_, _, amount)| *amount)
                .collect();
            sum(&amounts)
        })
        .collect();
    let paid_this_month = months
        .iter()
        .position(|m| m == this_month)
        .and_then(|i| collected.get(i).copied())
        .unwrap_or(0);
    CurrencySummary {
        currency,
        outstanding: money(sum(&buckets)),
        overdue: money(sum(&buckets[1..])),
        paid_this_month: money(paid_this_month),
        aging: buckets.map(money),
        aging_counts: counts,
        collected: collected.into_iter().map(money).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months() -> Vec<String> {
        let today = CalendarDate::parse("2026-12-01").unwrap_or(CalendarDate::EPOCH);
        last_twelve_months(today)
    }

    #[test]
    fn twelve_months_end_with_this_one() {
        let months = months();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], "2026-01");
        assert_eq!(months[11], "2026-12");
    }

    #[test]
    fn each_currency_gets_its_own_sums_and_months() {
        let aging: Aging = vec![
            (Currency::EUR, [100, 200, 0, 0, 50], [1, 2, 0, 0, 1]),
            (Currency::USD, [0, 0, 0, 0, 0], [0; 5]),
        ];
        let cash: Cash = vec![
            ("2026-12".to_string(), Currency::EUR, 700),
            ("2026-12".to_string(), Currency::EUR, 300),
            ("2026-03".to_string(), Currency::GBP, 40),
        ];
        let summaries = summarize(&aging, &cash, &months(), "2026-12");
        let currencies: Vec<Currency> = summaries.iter().map(|s| s.currency).collect();
        // In `Currency`'s own order (the order the currency picker lists them).
        assert_eq!(
            currencies,
            vec![Currency::USD, Currency::EUR, Currency::GBP]
        );
        let eur = &summaries[1];
        assert_eq!(eur.outstanding, Money::from_minor(350, Currency::EUR));
        assert_eq!(eur.overdue, Money::from_minor(250, Currency::EUR));
        assert_eq!(eur.paid_this_month, Money::from_minor(1000, Currency::EUR));
        assert_eq!(eur.aging_counts, [1, 2, 0, 0, 1]);
        let gbp = &summaries[2];
        assert_eq!(gbp.outstanding, Money::from_minor(0, Currency::GBP));
        assert_eq!(gbp.paid_this_month, Money::from_minor(0, Currency::GBP));
        assert_eq!(gbp.collected[2], Money::from_minor(40, Currency::GBP));
        assert_eq!(gbp.collected.iter().filter(|m| m.minor() != 0).count(), 1);
    }

    #[test]
    fn a_sum_that_would_overflow_is_not_wrapped() {
        let aging: Aging = vec![(Currency::EUR, [i64::MAX, 1, 0, 0, 0], [1, 1, 0, 0, 0])];
        let summaries = summarize(&aging, &Vec::new(), &months(), "2026-12");
        assert_eq!(summaries[0].outstanding.minor(), 0);
        assert_eq!(summaries[0].overdue.minor(), 1);
    }
}
