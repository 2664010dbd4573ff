//! PayTrack's own plans: the Pro prices in its Stripe account (billing is on only with the key
//! and both prices) and what the Free plan allows.

use super::{BillingConfig, Problem, Secrets, Vars, problem};
use crate::domain::plan::FreeLimits;

pub(super) struct Billing {
    pub billing: Option<BillingConfig>,
    pub free_limits: FreeLimits,
}

pub(super) fn read<F>(vars: &Vars<F>, secrets: &Secrets) -> Billing
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let defaults = FreeLimits::default();
    let limit_of = |variable: &'static str, default: u32| {
        let read = vars
            .get(variable)
            .and_then(|value| limit(variable, value, default));
        vars.or_note(read, default)
    };
    Billing {
        billing: vars.or_note(prices(vars, secrets), None),
        free_limits: FreeLimits {
            active_clients: limit_of("PAYTRACK_FREE_ACTIVE_CLIENTS", defaults.active_clients),
            invoices_per_month: limit_of(
                "PAYTRACK_FREE_INVOICES_PER_MONTH",
                defaults.invoices_per_month,
            ),
            reminder_steps: limit_of("PAYTRACK_FREE_REMINDER_STEPS", defaults.reminder_steps),
        },
    }
}

/// The Pro prices: both with the key, or none of the three.
fn prices<F>(vars: &Vars<F>, secrets: &Secrets) -> Result<Option<BillingConfig>, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match (
        &secrets.stripe_secret_key,
        vars.get("STRIPE_PRICE_PRO_MONTHLY")?,
        vars.get("STRIPE_PRICE_PRO_YEARLY")?,
    ) {
        (None, None, None) => Ok(None),
        (Some(_), Some(monthly), Some(yearly)) => Ok(Some(BillingConfig {
            price_monthly: price_id("STRIPE_PRICE_PRO_MONTHLY", monthly)?,
            price_yearly: price_id("STRIPE_PRICE_PRO_YEARLY", yearly)?,
        })),
        (None, _, _) => Err(problem(
            "STRIPE_SECRET_KEY",
            "is required with the Pro prices: it is PayTrack's own Stripe account, where subscriptions are billed",
        )),
        (Some(_), None, _) => Err(problem(
            "STRIPE_PRICE_PRO_MONTHLY",
            "is required with STRIPE_SECRET_KEY: the id (price_…) of Pro's monthly price",
        )),
        (Some(_), Some(_), None) => Err(problem(
            "STRIPE_PRICE_PRO_YEARLY",
            "is required with STRIPE_SECRET_KEY: the id (price_…) of Pro's yearly price",
        )),
    }
}

fn price_id(variable: &'static str, value: String) -> Result<String, Problem> {
    if value.starts_with("price_")
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(value)
    } else {
        Err(problem(
            variable,
            format!("is malformed: expected a Stripe price id such as price_1Abc…, got `{value}`"),
        ))
    }
}

fn limit(variable: &'static str, value: Option<String>, default: u32) -> Result<u32, Problem> {
    match value {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| {
                problem(
                    variable,
                    format!("is malformed: expected a whole number from 1 to 100000, got `{v}`"),
                )
            }),
    }
}
