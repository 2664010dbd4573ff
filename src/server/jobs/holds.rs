//! Whether a step of an invoice may go out now, read from the invoice, its client and its
//! user: the one rule both a fresh job and a batch about to be retried are checked against.

use jiff::Timestamp;

use super::plan::{chase_state, local_date, send_instant, waits_until, zone_of};
use crate::domain::reminder_schedule::{SkipReason, Step};
use crate::domain::status::InvoiceStatus;
use crate::server::db::clients::ClientDoc;
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;

/// Why a step does not go out now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// For good (paid, void, deleted): the step is skipped.
    Skip(SkipReason),
    /// Until the user or the client changes something (pause, bounce, reminders off, a payment
    /// in flight): the step is cancelled and scheduled again when that changes back.
    Cancel(SkipReason),
    /// Snoozed: the step comes back at that instant.
    Until(Timestamp),
}

/// What holds `step` of `invoice` back at `now`, or `None` when it may go. `None` for the
/// user or the invoice means it was deleted.
pub fn hold(
    step: Option<Step>,
    user: Option<&UserDoc>,
    invoice: Option<&InvoiceDoc>,
    client: Option<&ClientDoc>,
    now: Timestamp,
) -> Option<Hold> {
    let (Some(step), Some(user), Some(invoice)) = (step, user, invoice) else {
        return Some(Hold::Skip(SkipReason::Gone));
    };
    match step {
        Step::Invoice => match invoice.status {
            InvoiceStatus::Void => Some(Hold::Skip(SkipReason::Void)),
            InvoiceStatus::WrittenOff => Some(Hold::Skip(SkipReason::WrittenOff)),
            InvoiceStatus::Draft => Some(Hold::Skip(SkipReason::BeforeSent)),
            _ => None,
        },
        Step::Reminder(_) => {
            if let Some(reason) = chase_state(invoice, client).hold() {
                return Some(match reason {
                    SkipReason::Paused
                    | SkipReason::Replied
                    | SkipReason::Bounced
                    | SkipReason::RemindersOff
                    | SkipReason::PaymentProcessing => Hold::Cancel(reason),
                    _ => Hold::Skip(reason),
                });
            }
            // Snoozed, or promised, after the step was scheduled: it comes back on that day.
            let zone = zone_of(user);
            let until = waits_until(invoice)?;
            if until <= local_date(now, &zone) {
                return None;
            }
            send_instant(until, user.reminder_settings().send_hour, &zone).map(Hold::Until)
        }
    }
}
