//! How often this server runs its background passes: the email engine and reconciliation
//! with Stripe. `off` leaves a pass to another process (cron, or a test's own clock).

use std::ops::RangeInclusive;
use std::time::Duration;

use super::{Problem, Vars, problem};

pub(super) struct Workers {
    pub email_worker_every: Option<Duration>,
    pub reconcile_every: Option<Duration>,
}

pub(super) fn read<F>(vars: &Vars<F>) -> Workers
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    Workers {
        email_worker_every: vars.or_note(
            every(vars, "PAYTRACK_EMAIL_WORKER_SECONDS", 60, 1..=3600),
            None,
        ),
        reconcile_every: vars.or_note(
            every(vars, "PAYTRACK_RECONCILE_SECONDS", 300, 10..=86_400),
            None,
        ),
    }
}

/// Seconds within `allowed`, `default` when unset, `None` for `off`.
fn every<F>(
    vars: &Vars<F>,
    variable: &'static str,
    default: u64,
    allowed: RangeInclusive<u64>,
) -> Result<Option<Duration>, Problem>
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
