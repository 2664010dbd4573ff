//! How often one user, address or network may do something that costs PayTrack or a third
//! party work (a call to Stripe, an email, a re-plan of every invoice). Counted in fixed
//! windows in the database, so every server process shares the count.

use std::time::Duration;

use mongodb::bson::DateTime;

use crate::error::AppError;
use crate::server::db;
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;

/// At most `max` times per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub max: i64,
    pub window: Duration,
}

impl Rate {
    pub const fn per_minutes(max: i64, minutes: u64) -> Self {
        Self {
            max,
            window: Duration::from_secs(minutes * 60),
        }
    }
}

/// Pasting a Stripe key: each attempt calls Stripe, and its answers tell a live key from a
/// revoked one, so guessing through PayTrack stays slow.
pub const STRIPE_KEY: Rate = Rate::per_minutes(10, 60);
/// Opening Stripe Checkout or the customer portal: each creates a session at Stripe.
pub const BILLING_SESSION: Rate = Rate::per_minutes(10, 15);
/// Starting a Google sign-in from one address: each stores a sign-in state.
pub const GOOGLE_START: Rate = Rate::per_minutes(30, 15);
/// Promising a day to pay on an invoice's page: anyone with the link may, so each invoice
/// takes only so many tries (each re-plans it and emails its owner when it lands).
pub const PROMISE: Rate = Rate::per_minutes(10, 60);
/// Saving the profile or the reminder policy: each re-plans every open invoice.
pub const SETTINGS_SAVE: Rate = Rate::per_minutes(30, 15);

/// Counts one attempt under `key`; past the rate, `TooManyRequests` with `too_many` (a
/// sentence saying what) and how long to wait.
pub async fn check(
    state: &AppState,
    key: &str,
    rate: Rate,
    too_many: &str,
    now: DateTime,
) -> Result<(), AppError> {
    let (count, ends) = db::rate_limits::hit(&state.db, key, rate.window, now)
        .await
        .map_err(|err| db::user_facing("counting attempts", err))?;
    if count > rate.max {
        return Err(refusal(too_many, now, ends));
    }
    Ok(())
}

/// What a user saves that re-plans every open invoice, for [`settings_save`].
#[derive(Debug, Clone, Copy)]
pub enum Settings {
    Profile,
    Reminders,
}

/// Counts one save of `what` by `user` under [`SETTINGS_SAVE`].
pub async fn settings_save(
    state: &AppState,
    what: Settings,
    user: &UserDoc,
) -> Result<(), AppError> {
    let (key, too_many) = match what {
        Settings::Profile => (
            "profile-save",
            "The profile was saved too many times in a row.",
        ),
        Settings::Reminders => (
            "reminders-save",
            "The reminder settings were saved too many times in a row.",
        ),
    };
    check(
        state,
        &format!("{key}:{}", user.id),
        SETTINGS_SAVE,
        too_many,
        DateTime::now(),
    )
    .await
}

/// The refusal for a window that ends at `ends`, in whole minutes (rounded up).
pub fn refusal(too_many: &str, now: DateTime, ends: DateTime) -> AppError {
    let seconds = ((ends.timestamp_millis() - now.timestamp_millis() + 999) / 1000).max(1);
    let minutes = (seconds + 59) / 60;
    AppError::TooManyRequests(
        format!(
            "{too_many} Please wait {minutes} minute{} and try again.",
            if minutes == 1 { "" } else { "s" }
        ),
        seconds as u64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_said_in_whole_minutes_and_sent_in_seconds() {
        let now = DateTime::from_millis(0);
        let AppError::TooManyRequests(message, seconds) =
            refusal("Too many tries.", now, DateTime::from_millis(30_000))
        else {
            panic!("a refusal is TooManyRequests");
        };
        assert_eq!(
            message,
            "Too many tries. Please wait 1 minute and try again."
        );
        assert_eq!(seconds, 30);
        let AppError::TooManyRequests(message, seconds) = refusal(
            "Too many tries.",
            now,
            DateTime::from_millis(14 * 60_000 + 1),
        ) else {
            panic!("a refusal is TooManyRequests");
        };
        assert!(message.contains("wait 15 minutes"), "{message}");
        assert_eq!(seconds, 841);
    }
}
