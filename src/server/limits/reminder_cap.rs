//! The plan a loaded user has at a given instant, and the reminder steps it chases with. Takes
//! the instant from the caller, so the email engine decides on its own clock (a `ManualClock`
//! in tests and `send-due --at`), not the wall clock.

use jiff::Timestamp;

use crate::domain::plan::Plan;
use crate::server::db::users::UserDoc;

/// The plan `user` has at `now`, on an installation that bills (`billing_on`) or not.
pub fn plan_with(billing_on: bool, user: &UserDoc, now: Timestamp) -> Plan {
    if !billing_on {
        return Plan::Pro;
    }
    user.billing
        .as_ref()
        .and_then(|b| b.subscription.as_ref())
        .map_or(Plan::Free, |s| s.plan_at(now.as_second()))
}

/// The reminder steps `plan` chases with, when billing limits them.
fn step_cap(free_steps: Option<u32>, plan: Plan) -> Option<usize> {
    match (free_steps, plan) {
        (Some(steps), Plan::Free) => Some(steps as usize),
        _ => None,
    }
}

/// Marks `user` with the reminder steps their plan chases with at `now` (see
/// `UserDoc::reminder_step_cap`); `free_steps` is Free's count when this installation bills.
pub fn cap_reminders(free_steps: Option<u32>, mut user: UserDoc, now: Timestamp) -> UserDoc {
    user.reminder_step_cap = step_cap(free_steps, plan_with(free_steps.is_some(), &user, now));
    user
}
