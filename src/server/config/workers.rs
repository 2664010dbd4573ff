//! How often this server runs its background passes: the email engine and reconciliation
//! with Stripe. `off` leaves a pass to another process (cron, or a test's own clock).

use std::ops::RangeInclusive;
use std::time::Duration;

use super::{ConfigError, Vars, problem};

pub(super) struct Workers {
    pub email_worker_every: Option<Duration>,
    pub reconcile_every: Option<Duration>,
}

pub(super) fn read<F>(vars: &Vars<F>) -> Result<Workers, ConfigError>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    Ok(Workers {
        email_worker_every: every(vars, "PAYTRACK_EMAIL_WORKER_SECONDS", 60, 1..=3600)?,
        reconcile_every: every(vars, "PAYTRACK_RECONCILE_SECONDS", 300, 10..=86_400)?,
    })
}

/// Seconds within `allowed`, `default` when unset, `None` for `off`.
fn every<F>(
    vars: &Vars<F>,
    variable: &'static str,
    default: u64,
    allowed: RangeInclusive<u64>,
) -> Result<Option<Duration>, ConfigError>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match vars.get(variable)?.as_deref() {
        None => Ok(Some(Duration::from_secs(default))),
        Some("off") => Ok(None),
        Some(v) => match v.parse::<u64>() {
            Ok(seconds) if allowed.contains(&seconds) => Ok(Some(Duration::from_secs(seconds))),
            _ => Err(problem(
                variable,
                format!(
                    "is malformed: expected seconds from {} to {}, or `off`, got `{v}`",
                    allowed.start(),
                    allowed.end()
                ),
            )),
        },
    }
}
