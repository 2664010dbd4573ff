//! PayTrack's own plans: what Free allows, and what a subscription's state means for the
//! plan a user has right now. Pure: the limits come from configuration, "now" from the caller.

use serde::{Deserialize, Serialize};

use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Pro,
}

impl Plan {
    pub fn label(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Pro => "Pro",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Month,
    Year,
}

impl Interval {
    pub fn key(self) -> &'static str {
        match self {
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    pub fn parse(key: &str) -> Option<Interval> {
        match key {
            "month" => Some(Interval::Month),
            "year" => Some(Interval::Year),
            _ => None,
        }
    }
}

/// A Stripe subscription's status, as PayTrack acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingStatus {
    Trialing,
    Active,
    /// A renewal failed; Stripe is retrying. Pro stays, with a banner to fix the card.
    PastDue,
    Canceled,
    /// Checkout started but the first payment has not completed.
    Incomplete,
}

impl BillingStatus {
    /// The statuses that give Pro whatever the date; a canceled subscription gives it only
    /// until the period paid for ends (`Subscription::plan_at`).
    pub const PRO_ALWAYS: [BillingStatus; 3] = [
        BillingStatus::Trialing,
        BillingStatus::Active,
        BillingStatus::PastDue,
    ];

    /// The word stored for this status (its serde name), for queries that select by it.
    pub fn key(self) -> &'static str {
        match self {
            BillingStatus::Trialing => "trialing",
            BillingStatus::Active => "active",
            BillingStatus::PastDue => "past_due",
            BillingStatus::Canceled => "canceled",
            BillingStatus::Incomplete => "incomplete",
        }
    }

    /// Stripe's status word; anything PayTrack does not act on (unpaid, paused,
    /// incomplete_expired) reads as canceled: no Pro without a paying subscription.
    pub fn from_stripe(status: &str) -> BillingStatus {
        match status {
            "trialing" => BillingStatus::Trialing,
            "active" => BillingStatus::Active,
            "past_due" => BillingStatus::PastDue,
            "incomplete" => BillingStatus::Incomplete,
            _ => BillingStatus::Canceled,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BillingStatus::Trialing => "Trial",
            BillingStatus::Active => "Active",
            BillingStatus::PastDue => "Payment failed",
            BillingStatus::Canceled => "Canceled",
            BillingStatus::Incomplete => "Waiting for payment",
        }
    }
}

/// What PayTrack knows of a user's subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub status: BillingStatus,
    pub interval: Interval,
    /// Unix seconds: when the paid period ends (renews, or ends for good when canceling).
    pub current_period_end: i64,
    pub cancel_at_period_end: bool,
}

impl Subscription {
    /// The plan this subscription gives at `now` (unix seconds). A canceled subscription keeps
    /// Pro until the period paid for ends.
    pub fn plan_at(&self, now: i64) -> Plan {
        let pro = BillingStatus::PRO_ALWAYS.contains(&self.status)
            || (self.status == BillingStatus::Canceled && now < self.current_period_end);
        if pro { Plan::Pro } else { Plan::Free }
    }
}

/// The Free plan's limits (configured; these are the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeLimits {
    pub active_clients: u32,
    pub invoices_per_month: u32,
    pub reminder_steps: u32,
}

impl Default for FreeLimits {
    fn default() -> Self {
        FreeLimits {
            active_clients: 3,
            invoices_per_month: 5,
            reminder_steps: 2,
        }
    }
}

/// What Pro costs, as PayTrack's Stripe account prices it: read from Stripe's prices, so the
/// pricing page and Checkout cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProPrices {
    pub monthly: Money,
    pub yearly: Money,
}

impl ProPrices {
    /// "€12.00 a month" or "€120.00 a year".
    pub fn per(self, interval: Interval) -> String {
        match interval {
            Interval::Month => format!("{} a month", self.monthly),
            Interval::Year => format!("{} a year", self.yearly),
        }
    }

    /// "€120.00 a year (save 16%)": the yearly price with what it saves over paying monthly.
    pub fn yearly_offer(self) -> String {
        match self.yearly_saving_percent() {
            Some(percent) => format!("{} (save {percent}%)", self.per(Interval::Year)),
            None => self.per(Interval::Year),
        }
    }

    /// How much less a year costs paid yearly than twelve months paid monthly, in whole
    /// percent (rounded down), when it costs less at all.
    pub fn yearly_saving_percent(self) -> Option<i64> {
        if self.monthly.currency() != self.yearly.currency() {
            return None;
        }
        let twelve = self.monthly.minor().checked_mul(12)?;
        let saved = twelve.checked_sub(self.yearly.minor())?;
        if saved <= 0 || twelve <= 0 {
            return None;
        }
        let percent = saved.checked_mul(100)? / twelve;
        (percent > 0).then_some(percent)
    }
}

/// Something a Free user cannot do past a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    ActiveClients(u32),
    InvoicesPerMonth(u32),
    ReminderSteps(u32),
    PaymentLinks,
}

impl Limit {
    /// The refusal, in words; the UI adds the upgrade link.
    pub fn message(self) -> String {
        match self {
            Limit::ActiveClients(n) => format!(
                "The Free plan has up to {n} active clients. Archive one, or upgrade to Pro for as many as you need."
            ),
            Limit::InvoicesPerMonth(n) => format!(
                "The Free plan includes {n} new invoices a month, and this month's are used. Upgrade to Pro to write more now; your existing invoices are untouched."
            ),
            Limit::ReminderSteps(n) => format!(
                "The Free plan sends up to {n} reminders per invoice. Remove a step, or upgrade to Pro for a full reminder policy."
            ),
            Limit::PaymentLinks => "Payment links through your Stripe account are part of Pro. Upgrade to connect Stripe.".to_string(),
        }
    }
}

/// Where the user stands with PayTrack's own plans, for the billing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingOverview {
    /// False when this PayTrack has no billing: no plans, nothing limited.
    pub enabled: bool,
    pub plan: Plan,
    pub status: Option<BillingStatus>,
    pub interval: Option<Interval>,
    /// "Thu 10 Dec 2026": when the paid period renews or, when canceling, ends.
    pub period_end: Option<String>,
    pub cancel_at_period_end: bool,
    pub limits: FreeLimits,
    pub active_clients: u64,
    pub invoices_this_month: u64,
    /// A customer exists in PayTrack's Stripe: the portal can be opened.
    pub can_manage: bool,
    /// What Pro costs, once read from Stripe.
    pub prices: Option<ProPrices>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    #[test]
    fn pro_prices_read_per_interval_with_what_yearly_saves() {
        let eur = |minor| Money::from_minor(minor, Currency::EUR);
        let prices = ProPrices {
            monthly: eur(1200),
            yearly: eur(12000),
        };
        assert_eq!(prices.per(Interval::Month), "€12.00 a month");
        assert_eq!(prices.per(Interval::Year), "€120.00 a year");
        assert_eq!(prices.yearly_saving_percent(), Some(16));
        assert_eq!(prices.yearly_offer(), "€120.00 a year (save 16%)");
        let no_saving = ProPrices {
            monthly: eur(1000),
            yearly: eur(12000),
        };
        assert_eq!(no_saving.yearly_saving_percent(), None);
        assert_eq!(no_saving.yearly_offer(), "€120.00 a year");
        let dearer = ProPrices {
            monthly: eur(1000),
            yearly: eur(13000),
        };
        assert_eq!(dearer.yearly_saving_percent(), None);
        let mixed = ProPrices {
            monthly: eur(1200),
            yearly: Money::from_minor(10000, Currency::USD),
        };
        assert_eq!(mixed.yearly_saving_percent(), None);
        let huge = ProPrices {
            monthly: eur(i64::MAX / 2),
            yearly: eur(1),
        };
        assert_eq!(huge.yearly_saving_percent(), None);
    }

    fn subscription(status: BillingStatus) -> Subscription {
        Subscription {
            status,
            interval: Interval::Month,
            current_period_end: 1_000,
            cancel_at_period_end: false,
        }
    }

    #[test]
    fn paying_states_give_pro_and_a_cancellation_keeps_it_until_the_period_ends() {
        for status in [
            BillingStatus::Trialing,
            BillingStatus::Active,
            BillingStatus::PastDue,
        ] {
            assert_eq!(subscription(status).plan_at(5_000), Plan::Pro, "{status:?}");
        }
        let canceled = subscription(BillingStatus::Canceled);
        assert_eq!(canceled.plan_at(999), Plan::Pro);
        assert_eq!(canceled.plan_at(1_000), Plan::Free);
        assert_eq!(
            subscription(BillingStatus::Incomplete).plan_at(0),
            Plan::Free
        );
    }

    #[test]
    fn stripe_statuses_map_and_unknown_ones_give_no_pro() {
        assert_eq!(
            BillingStatus::from_stripe("past_due"),
            BillingStatus::PastDue
        );
        assert_eq!(
            BillingStatus::from_stripe("incomplete_expired"),
            BillingStatus::Canceled
        );
        assert_eq!(
            BillingStatus::from_stripe("unpaid"),
            BillingStatus::Canceled
        );
        assert_eq!(Interval::parse("year"), Some(Interval::Year));
        assert_eq!(Interval::parse("week"), None);
    }

    #[test]
    fn a_status_key_is_what_serde_stores() {
        for status in [
            BillingStatus::Trialing,
            BillingStatus::Active,
            BillingStatus::PastDue,
            BillingStatus::Canceled,
            BillingStatus::Incomplete,
        ] {
            let stored = serde_json::to_value(status).unwrap();
            assert_eq!(stored, status.key(), "{status:?}");
        }
    }

    #[test]
    fn limit_messages_name_the_limit() {
        assert!(
            Limit::ActiveClients(3)
                .message()
                .contains("up to 3 active clients")
        );
        assert!(
            Limit::InvoicesPerMonth(5)
                .message()
                .contains("5 new invoices a month")
        );
        assert!(
            Limit::ReminderSteps(2)
                .message()
                .contains("up to 2 reminders")
        );
    }
}
