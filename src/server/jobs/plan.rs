//! From calendar dates to instants: when each step of an invoice goes out in the user's time
//! zone, and putting the next one on the schedule.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use mongodb::Database;
use mongodb::bson::DateTime;

use crate::domain::date::CalendarDate;
use crate::domain::pause::PauseReason;
use crate::domain::reminder_schedule::{
    ChaseState, SendHour, SkipReason, Step, next_reminder, step_date,
};
use crate::server::db::clients::ClientDoc;
use crate::server::db::email_jobs::{self, EmailJobDoc, JobState};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;

pub fn zone_of(user: &UserDoc) -> TimeZone {
    TimeZone::get(&user.time_zone).unwrap_or(TimeZone::UTC)
}

/// The instant `date` at `hour` local time in `zone`. In a daylight-saving gap the clock
/// skips forward, as a wall clock would.
pub fn send_instant(date: CalendarDate, hour: SendHour, zone: &TimeZone) -> Option<Timestamp> {
    let civil = jiff::civil::date(
        i16::try_from(date.year()).ok()?,
        i8::try_from(date.month()).ok()?,
        i8::try_from(date.day()).ok()?,
    )
    .at(i8::try_from(hour.hour()).ok()?, 0, 0, 0);
    civil.to_zoned(zone.clone()).ok().map(|z| z.timestamp())
}

pub fn local_date(at: Timestamp, zone: &TimeZone) -> CalendarDate {
    let date = at.to_zoned(zone.clone()).date();
    CalendarDate::new(
        i32::from(date.year()),
        date.month().unsigned_abs(),
        date.day().unsigned_abs(),
    )
    .unwrap_or(CalendarDate::EPOCH)
}

/// Today where the user is (their time zone from the account settings).
pub fn today_of(user: &UserDoc) -> CalendarDate {
    local_date(Timestamp::now(), &zone_of(user))
}

/// The day a stored moment fell on where the user is.
pub fn day_of(at: DateTime, user: &UserDoc) -> CalendarDate {
    local_date(from_bson(at), &zone_of(user))
}

/// A moment as the user reads it, in their zone: "Sat 5 Dec 2026, 13:05".
pub fn local_moment(at: Timestamp, user: &UserDoc) -> String {
    let zone = zone_of(user);
    let date = local_date(at, &zone);
    let zoned = at.to_zoned(zone);
    format!("{}, {:02}:{:02}", date.long(), zoned.hour(), zoned.minute())
}

pub fn to_bson(at: Timestamp) -> DateTime {
    DateTime::from_millis(at.as_millisecond())
}

pub fn from_bson(at: DateTime) -> Timestamp {
    Timestamp::from_millisecond(at.timestamp_millis()).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The first local day a reminder may go out on, when something pushes it back: the user's
/// snooze, or the morning after the day the client promised to pay by (a promise whose day
/// has passed pushes nothing further).
pub fn waits_until(invoice: &InvoiceDoc) -> Option<CalendarDate> {
    let promised = invoice
        .open_promise()
        .map(|(_, promise)| crate::domain::promise::chasing_resumes(promise.day));
    invoice.snoozed_until.max(promised)
}

/// When a reminder step of `invoice` goes out, snooze and promise included.
pub fn reminder_instant(user: &UserDoc, invoice: &InvoiceDoc, offset: i32) -> Option<Timestamp> {
    let zone = zone_of(user);
    let hour = user.reminder_settings().send_hour;
    let mut date = step_date(invoice.due_date, offset)?;
    if let Some(until) = waits_until(invoice) {
        date = date.max(until);
    }
    send_instant(date, hour, &zone)
}

/// What decides whether `invoice` is chased now: its status, a pause (by the user, or by a
/// bounce), and its client's address problems and reminder setting.
pub fn chase_state(invoice: &InvoiceDoc, client: Option<&ClientDoc>) -> ChaseState {
    let pause = invoice.reminders_paused.as_ref().map(|p| p.reason);
    ChaseState {
        status: invoice.status,
        processing: pause == Some(PauseReason::Processing),
        paused: matches!(
            pause,
            Some(PauseReason::Paused | PauseReason::Refunded | PauseReason::Disputed)
        ),
        replied: pause == Some(PauseReason::Replied),
        bounced: pause == Some(PauseReason::Bounced)
            || client.is_some_and(|c| c.email_problem.is_some()),
        reminders_off: client.is_some_and(|c| !c.reminders),
    }
}

/// The local day the invoice went out.
pub fn sent_on(user: &UserDoc, invoice: &InvoiceDoc) -> CalendarDate {
    let sent = invoice
        .sent_at
        .map(from_bson)
        .unwrap_or(Timestamp::UNIX_EPOCH);
    local_date(sent, &zone_of(user))
}

/// The highest reminder offset already dealt with (claimed, in a batch being sent, sent,
/// skipped or failed): a re-plan schedules only after it, never the step in flight.
pub fn last_handled(jobs: &[EmailJobDoc]) -> Option<i32> {
    jobs.iter()
        .filter(|job| {
            matches!(
                job.state,
                JobState::Claimed
                    | JobState::Batched
                    | JobState::Sent
                    | JobState::Skipped
                    | JobState::Failed
            )
        })
        .filter_map(|job| match Step::from_key(&job.step) {
            Some(Step::Reminder(offset)) => Some(offset),
            _ => None,
        })
        .max()
}

/// Puts the next reminder of `invoice` after `after` on the schedule, if the invoice is being
/// chased. Steps that fell on or before the day it was sent are recorded as skipped, so the
/// timeline can say why they never went out.
pub async fn schedule_next(
    db: &Database,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    after: Option<i32>,
) -> Result<Option<Step>, mongodb::error::Error> {
    if !invoice.status.is_collectable() || invoice.reminders_paused.is_some() {
        return Ok(None);
    }
    let settings = user.reminder_settings();
    let sent_on = sent_on(user, invoice);
    let Some(step) = next_reminder(&settings.policy, invoice.due_date, sent_on, after) else {
        return Ok(None);
    };
    for earlier in settings.policy.steps() {
        if earlier.offset_days < step.offset_days && after.is_none_or(|a| earlier.offset_days > a) {
            let at = reminder_instant(user, invoice, earlier.offset_days)
                .map(to_bson)
                .unwrap_or_else(DateTime::now);
            email_jobs::record_skipped(
                db,
                user.id,
                invoice.id,
                &Step::Reminder(earlier.offset_days).key(),
                SkipReason::BeforeSent.code(),
                at,
            )
            .await?;
        }
    }
    let Some(at) = reminder_instant(user, invoice, step.offset_days) else {
        return Ok(None);
    };
    let next = Step::Reminder(step.offset_days);
    email_jobs::schedule(db, user.id, invoice.id, &next.key(), to_bson(at)).await?;
    Ok(Some(next))
}

/// Re-plans an invoice after something changed (policy, send hour, pause, snooze, the
/// client's reminders): its scheduled reminders are cancelled and the next one after those
/// already dealt with is scheduled again.
pub async fn replan(
    db: &Database,
    user: &UserDoc,
    invoice: &InvoiceDoc,
) -> Result<Option<Step>, mongodb::error::Error> {
    let jobs = email_jobs::of_invoice(db, user.id, invoice.id).await?;
    email_jobs::cancel_scheduled(db, invoice.id, email_jobs::Cancel::Reminders, "replanned")
        .await?;
    schedule_next(db, user, invoice, last_handled(&jobs)).await
}

#[cfg(test)]
mod tests;
