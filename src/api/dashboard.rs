//! The dashboard's numbers in one call: what is owed and how late, what came in per month,
//! what falls due next and what happened lately.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::invoices::InvoiceRow;
use crate::domain::date::CalendarDate;
use crate::domain::money::{Currency, Money};
use crate::error::AppError;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    /// RFC 3339, UTC; the browser shows it in local time.
    pub at: String,
    pub what: String,
    pub invoice_id: String,
    pub number: String,
    pub client_name: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub today: CalendarDate,
    /// The last 12 months as "YYYY-MM", oldest first, this month last.
    pub months: Vec<String>,
    /// One entry per currency the user has outstanding or collected money in.
    pub currencies: Vec<CurrencySummary>,
    pub coming_due: Vec<InvoiceRow>,
    pub activity: Vec<ActivityItem>,
}

#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    use crate::api::ssr::{db_error, fail, require_user, state, today_for};
    use crate::server::db::activity::{self, ActivityKind};
    use crate::server::db::invoices;

    let user = require_user().await.map_err(fail)?.user;
    let state = state().map_err(fail)?;
    let today = today_for(&user);
    let first_month = today.first_of_month_back(11);
    let months: Vec<String> = (0..12)
        .rev()
        .map(|back| today.first_of_month_back(back).month_key())
        .collect();
    let this_month = today.month_key();

    let (aging, cash, coming, recent) = futures::try_join!(
        invoices::aging(&state.db, user.id, today),
        invoices::cash_by_month(&state.db, user.id, first_month),
        invoices::coming_due(&state.db, user.id, 6),
        activity::recent(&state.db, user.id, 10),
    )
    .map_err(|e| fail(db_error("building the dashboard")(e)))?;

    let mut currencies: Vec<Currency> = aging
        .iter()
        .map(|(c, _, _)| *c)
        .chain(cash.iter().map(|(_, c, _)| *c))
        .collect();
    currencies.sort();
    currencies.dedup();
    let summaries = currencies
        .into_iter()
        .map(|currency| {
            let money = |minor| Money::from_minor(minor, currency);
            let (buckets, counts) = aging
                .iter()
                .find(|(c, _, _)| *c == currency)
                .map(|(_, b, n)| (*b, *n))
                .unwrap_or(([0; 5], [0; 5]));
            let collected: Vec<i64> = months
                .iter()
                .map(|month| {
                    cash.iter()
                        .filter(|(m, c, _)| m == month && *c == currency)
                        .map(|(_, _, amount)| amount)
                        .sum()
                })
                .collect();
            CurrencySummary {
                currency,
                outstanding: money(buckets.iter().sum()),
                overdue: money(buckets[1..].iter().sum()),
                paid_this_month: money(
                    months
                        .iter()
                        .position(|m| *m == this_month)
                        .map(|i| collected[i])
                        .unwrap_or(0),
                ),
                aging: buckets.map(money),
                aging_counts: counts,
                collected: collected.into_iter().map(money).collect(),
            }
        })
        .collect();

    Ok(Dashboard {
        today,
        months,
        currencies: summaries,
        coming_due: coming
            .iter()
            .map(|i| crate::api::invoices::ssr::row(i, today))
            .collect(),
        activity: recent
            .into_iter()
            .map(|entry| ActivityItem {
                at: entry.at.try_to_rfc3339_string().unwrap_or_default(),
                what: match entry.kind {
                    ActivityKind::Created => "Draft created",
                    ActivityKind::Sent => "Sent",
                    ActivityKind::PaymentRecorded => "Payment recorded",
                    ActivityKind::Paid => "Paid in full",
                    ActivityKind::Voided => "Voided",
                    ActivityKind::PaidWithStripe => "Paid through Stripe",
                    ActivityKind::StripePaymentProcessing => "Payment on its way (Stripe)",
                    ActivityKind::StripePaymentFailed => "Stripe payment failed",
                }
                .to_string(),
                invoice_id: entry.invoice_id.to_hex(),
                number: entry.number,
                client_name: entry.client_name,
                amount: Money::from_minor(entry.amount_minor, entry.currency),
            })
            .collect(),
    })
}
