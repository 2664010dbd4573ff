//! The product events PayTrack counts per day for its operators: counts only, never who.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::date::CalendarDate;
use crate::domain::money::{Currency, Money};
use crate::domain::plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageEvent {
    SignUp,
    ClientCreated,
    InvoiceSent,
    ReminderSent,
    InvoicePaid,
}

impl UsageEvent {
    pub const ALL: [UsageEvent; 5] = [
        UsageEvent::SignUp,
        UsageEvent::ClientCreated,
        UsageEvent::InvoiceSent,
        UsageEvent::ReminderSent,
        UsageEvent::InvoicePaid,
    ];

    pub fn key(self) -> &'static str {
        match self {
            UsageEvent::SignUp => "sign_up",
            UsageEvent::ClientCreated => "client_created",
            UsageEvent::InvoiceSent => "invoice_sent",
            UsageEvent::ReminderSent => "reminder_sent",
            UsageEvent::InvoicePaid => "invoice_paid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UsageEvent::SignUp => "Sign-ups",
            UsageEvent::ClientCreated => "Clients created",
            UsageEvent::InvoiceSent => "Invoices sent",
            UsageEvent::ReminderSent => "Reminders sent",
            UsageEvent::InvoicePaid => "Invoices paid",
        }
    }
}

/// How many days the operators' page covers.
pub const DAYS: i64 = 30;

/// One event's count on each day of `UsageReport::days`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageSeries {
    pub key: String,
    pub label: String,
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFigures {
    pub plan: Plan,
    pub users: u64,
    /// Paid to those users' invoices in the period, per currency.
    pub collected: Vec<Money>,
}

/// What the operators' page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    pub days: Vec<CalendarDate>,
    pub series: Vec<UsageSeries>,
    /// Users seen (a session used) in the period.
    pub active_users: u64,
    pub plans: Vec<PlanFigures>,
}

/// The `DAYS` days that end with `today`, oldest first.
pub fn days_ending(today: CalendarDate) -> Vec<CalendarDate> {
    let first = today.add_days(1 - DAYS).unwrap_or(today);
    (0..DAYS).filter_map(|i| first.add_days(i).ok()).collect()
}

/// Every event's daily counts over `days`, from the stored `(day, event, count)` rows; a day
/// without a row counts zero.
pub fn series(
    days: &[CalendarDate],
    counted: &[(CalendarDate, UsageEvent, i64)],
) -> Vec<UsageSeries> {
    UsageEvent::ALL
        .iter()
        .map(|&event| UsageSeries {
            key: event.key().to_string(),
            label: event.label().to_string(),
            counts: days
                .iter()
                .map(|day| {
                    counted
                        .iter()
                        .filter(|(d, e, _)| d == day && *e == event)
                        .map(|(_, _, count)| count)
                        .sum()
                })
                .collect(),
        })
        .collect()
}

/// Free and Pro, each with its users and what they collected. Sums are checked: a total that
/// overflows is left out of its currency rather than wrapped.
pub fn plan_figures(
    users: u64,
    pro_users: u64,
    collected: impl IntoIterator<Item = (Plan, Currency, i64)>,
) -> Vec<PlanFigures> {
    let mut sums: BTreeMap<(&'static str, Currency), Option<i64>> = BTreeMap::new();
    for (plan, currency, minor) in collected {
        let sum = sums.entry((plan.label(), currency)).or_insert(Some(0));
        *sum = sum.and_then(|s| s.checked_add(minor));
    }
    [
        (Plan::Free, users.saturating_sub(pro_users)),
        (Plan::Pro, pro_users),
    ]
    .into_iter()
    .map(|(plan, users)| PlanFigures {
        plan,
        users,
        collected: sums
            .iter()
            .filter(|((label, _), _)| *label == plan.label())
            .filter_map(|((_, currency), sum)| sum.map(|m| Money::from_minor(m, *currency)))
            .collect(),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::day;

    #[test]
    fn thirty_days_end_today_and_missing_days_count_zero() {
        let days = days_ending(day("2026-03-02"));
        assert_eq!(days.len(), 30);
        assert_eq!(days[0], day("2026-02-01"));
        assert_eq!(days[29], day("2026-03-02"));
        let counted = [
            (day("2026-03-02"), UsageEvent::InvoiceSent, 3),
            (day("2026-02-01"), UsageEvent::InvoiceSent, 1),
            (day("2026-01-31"), UsageEvent::InvoiceSent, 9),
            (day("2026-03-02"), UsageEvent::SignUp, 2),
        ];
        let series = series(&days, &counted);
        let sent = series.iter().find(|s| s.key == "invoice_sent").unwrap();
        assert_eq!(sent.counts[0], 1);
        assert_eq!(sent.counts[29], 3);
        assert_eq!(sent.counts.iter().sum::<i64>(), 4);
        let paid = series.iter().find(|s| s.key == "invoice_paid").unwrap();
        assert!(paid.counts.iter().all(|&c| c == 0));
    }

    #[test]
    fn plans_split_users_and_sum_per_currency() {
        let figures = plan_figures(
            5,
            2,
            [
                (Plan::Pro, Currency::EUR, 1_000),
                (Plan::Pro, Currency::EUR, 250),
                (Plan::Pro, Currency::USD, 99),
                (Plan::Free, Currency::EUR, 10),
                (Plan::Free, Currency::USD, i64::MAX),
                (Plan::Free, Currency::USD, 1),
            ],
        );
        assert_eq!(figures[0].plan, Plan::Free);
        assert_eq!(figures[0].users, 3);
        assert_eq!(figures[0].collected, [Money::from_minor(10, Currency::EUR)]);
        assert_eq!(figures[1].users, 2);
        assert_eq!(
            figures[1].collected,
            // In the order currencies are listed (USD first), as on the page.
            [
                Money::from_minor(99, Currency::USD),
                Money::from_minor(1_250, Currency::EUR)
            ]
        );
    }
}
