//! The timeline of an invoice's emails and the sentence above it, built from the invoice, its
//! jobs and the user's policy — the same decisions the engine makes, told to the owner.

use jiff::Timestamp;

use crate::domain::pause::PauseReason;
use crate::domain::promise::{Outcome, chasing_resumes};
use crate::domain::reminder_schedule::{SkipReason, Step, offset_label};
use crate::domain::status::InvoiceStatus;
use crate::domain::timeline::{InvoiceReminders, TimelineItem, TimelineStatus};
use crate::server::db::clients::ClientDoc;
use crate::server::db::email_jobs::{EmailJobDoc, JobState};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;
use crate::server::email::invoice_emails::{
    InvoiceFacts, invoice_email, missed_promise_email, reminder_email,
};
use crate::server::jobs::plan::{self, from_bson, local_date, zone_of};

/// The timeline and the sentence above it, from the invoice, its jobs and the policy.
pub fn build(
    user: &UserDoc,
    invoice: &InvoiceDoc,
    client: Option<&ClientDoc>,
    jobs: &[EmailJobDoc],
    base_url: &str,
    now: Timestamp,
) -> InvoiceReminders {
    let settings = user.reminder_settings();
    let zone = zone_of(user);
    let today = local_date(now, &zone);
    let chase = plan::chase_state(invoice, client);
    let draft = invoice.status == InvoiceStatus::Draft;
    // A draft's reminders are told as they would go if it were sent today, not as held: the
    // steps still ahead go out once it is.
    let hold = chase.hold().filter(|_| !draft);
    let sent_on = invoice.sent_at.map(|_| plan::sent_on(user, invoice));
    let job_of = |step: &str| {
        jobs.iter()
            .find(|j| j.step == step && j.state != JobState::Cancelled)
    };

    let mut timeline = Vec::new();
    let invoice_facts = InvoiceFacts::of(user, invoice, base_url, today);
    let invoice_mail = invoice_email(&invoice_facts);
    let invoice_job = job_of(&Step::Invoice.key());
    let (status, when_at, note) = match invoice_job {
        Some(job) => from_job(job),
        None if invoice.status == InvoiceStatus::Draft => (
            TimelineStatus::Planned,
            None,
            "Goes out when you send the invoice.".to_string(),
        ),
        None if invoice.email_pending_since.is_some() => (
            TimelineStatus::Planned,
            invoice.email_pending_since.map(from_bson),
            "Goes out within a minute.".to_string(),
        ),
        None => (
            TimelineStatus::Skipped,
            invoice.sent_at.map(from_bson),
            "Sent before PayTrack emailed invoices.".to_string(),
        ),
    };
    timeline.push(TimelineItem {
        step: Step::Invoice.key(),
        label: Step::Invoice.label(),
        when: when_at.map_or_else(
            || "When sent".to_string(),
            |at| plan::local_moment(at, user),
        ),
        status,
        note,
        subject: invoice_mail.subject,
        text: invoice_mail.text,
        html: invoice_mail.html,
        email_id: invoice_job.and_then(|j| j.provider_id.clone()),
    });

    // Steps of the policy, plus any step emailed under an earlier policy.
    let mut offsets: Vec<i32> = settings
        .policy
        .steps()
        .iter()
        .map(|s| s.offset_days)
        .collect();
    for job in jobs {
        if let Some(Step::Reminder(offset)) = Step::from_key(&job.step)
            && !offsets.contains(&offset)
            && matches!(job.state, JobState::Sent | JobState::Failed)
        {
            offsets.push(offset);
        }
    }
    offsets.sort_unstable();
    let mut next_planned: Option<String> = None;
    let promise = super::promises::view(invoice, user, today);
    let open_promise = invoice.open_promise().map(|(_, p)| p);
    // The reminder that told, or will tell, the client their day passed: named once it went.
    let missed = open_promise
        .filter(|p| {
            p.followed_up_by.is_some() || invoice.promise_outcome(p, today) == Outcome::Broken
        })
        .map(|p| (p.followed_up_by.clone(), p.day));
    for offset in offsets {
        let step = Step::Reminder(offset);
        let planned_at = plan::reminder_instant(user, invoice, offset);
        let policy_step = settings
            .policy
            .steps()
            .iter()
            .find(|s| s.offset_days == offset);
        let date = crate::domain::reminder_schedule::step_date(invoice.due_date, offset)
            .unwrap_or(invoice.due_date);
        let facts = InvoiceFacts::of(user, invoice, base_url, date.max(today));
        // The step that tells the client their promised day passed: the one named, or,
        // before any is, the next to go out.
        let tells_missed = missed.as_ref().filter(|(carrier, _)| match carrier {
            Some(carrier) => *carrier == step.key(),
            None => {
                next_planned.is_none()
                    && hold.is_none()
                    && job_of(&step.key()).is_none_or(|j| j.state == JobState::Scheduled)
            }
        });
        let (subject, text, html) = match (policy_step, tells_missed) {
            (Some(_), Some((_, day))) => {
                let r = missed_promise_email(&facts, *day);
                (r.subject, r.text, r.html)
            }
            (Some(s), None) => {
                let r = reminder_email(&facts, s);
                (r.subject, r.text, r.html)
            }
            (None, _) => (String::new(), String::new(), String::new()),
        };
        // A job still scheduled for a held invoice will be cancelled when its time comes;
        // the hold is what the user needs to read.
        let job = job_of(&step.key()).filter(|j| hold.is_none() || j.state != JobState::Scheduled);
        let email_id = job.and_then(|j| j.provider_id.clone());
        let (status, at, note) = match job {
            Some(job) => from_job(job),
            None if draft && date <= today => (
                TimelineStatus::Skipped,
                planned_at,
                "Not sent: its day has come and the invoice is still a draft.".to_string(),
            ),
            None if draft => (
                TimelineStatus::Planned,
                planned_at,
                "Goes out if the invoice is sent before this day.".to_string(),
            ),
            None => {
                let reason = hold.or_else(|| {
                    sent_on
                        .filter(|sent| date <= *sent)
                        .map(|_| SkipReason::BeforeSent)
                });
                match reason {
                    Some(reason) => (
                        TimelineStatus::Skipped,
                        planned_at,
                        format!("Not sent: {}.", reason.describe()),
                    ),
                    None if planned_at.is_some_and(|at| at <= now) => (
                        TimelineStatus::Planned,
                        planned_at,
                        "Due now: goes out within a minute.".to_string(),
                    ),
                    None => (TimelineStatus::Planned, planned_at, String::new()),
                }
            }
        };
        let when_text = at.map_or_else(String::new, |at| plan::local_moment(at, user));
        if status == TimelineStatus::Planned && next_planned.is_none() && hold.is_none() {
            next_planned = Some(when_text.clone());
        }
        timeline.push(TimelineItem {
            step: step.key(),
            label: offset_label(offset),
            when: when_text,
            status,
            note,
            subject,
            text,
            html,
            email_id,
        });
    }

    let pause = invoice.reminders_paused.as_ref().map(|p| p.reason);
    let pending = promise.as_ref().filter(|p| p.outcome == Outcome::Pending);
    let waits_until = plan::waits_until(invoice);
    let (state, summary) = match (invoice.status, hold) {
        (InvoiceStatus::Draft, _) => (
            "draft",
            "Reminders start once the invoice is sent.".to_string(),
        ),
        (_, Some(SkipReason::Paid)) => ("done", "Paid: nothing more is sent.".to_string()),
        (_, Some(SkipReason::Void)) => ("done", "Void: nothing is sent.".to_string()),
        (_, Some(SkipReason::WrittenOff)) => (
            "done",
            "Written off: the client is not chased any more.".to_string(),
        ),
        (_, Some(SkipReason::Bounced)) => (
            "bounced",
            match client.and_then(|c| c.email_problem.as_ref()) {
                Some(problem) => format!(
                    "Reminders are held: {} Resume once the address is fixed.",
                    problem.message(plan::day_of(problem.at, user))
                ),
                None => "Reminders are held because an email to the client bounced. Fix the client's address, then resume.".to_string(),
            },
        ),
        (_, Some(SkipReason::PaymentProcessing)) => (
            "processing",
            "Your client's payment is on its way (a bank debit takes a few days): reminders wait until it settles, and start again if it fails.".to_string(),
        ),
        (_, Some(SkipReason::Replied)) => (
            "replied",
            match invoice.reminders_paused.as_ref() {
                Some(held) => format!(
                    "Your client replied on {}: reminders wait until you resume them, or snooze them to a date.",
                    local_date(from_bson(held.at), &zone).long()
                ),
                None => "Your client replied: reminders wait until you resume them.".to_string(),
            },
        ),
        (_, Some(SkipReason::Paused)) if pause == Some(PauseReason::Refunded) => (
            "paused",
            "Reminders are paused because you refunded a payment. Resume them to chase what is owed again, or write it off.".to_string(),
        ),
        (_, Some(SkipReason::Paused)) if pause == Some(PauseReason::Disputed) => (
            "paused",
            if invoice.dispute_undecided() {
                "Reminders are paused because your client's bank took a payment back (a dispute). Answer the dispute in your Stripe dashboard; if the money comes back they start again by themselves. Resume them to chase what is owed now, or write it off."
            } else {
                "Reminders are paused because your client's bank took a payment back (a dispute), and the dispute is over. Resume them to chase what is owed, or write it off."
            }
            .to_string(),
        ),
        (_, Some(SkipReason::Paused)) => (
            "paused",
            "Reminders are paused. Resume to pick up with the next one due.".to_string(),
        ),
        (_, Some(_)) => (
            "off",
            "Reminders are off for this client; switch them on from the client's page."
                .to_string(),
        ),
        (_, None) => match (invoice.snoozed_until.filter(|u| *u > today), next_planned) {
            _ if pending.is_some_and(|p| waits_until == Some(chasing_resumes(p.day))) => {
                let day = pending.map(|p| p.day).unwrap_or(today);
                (
                    "promised",
                    format!(
                        "Your client promised to pay by {}: reminders wait until {}.",
                        day.long(),
                        chasing_resumes(day).long()
                    ),
                )
            }
            (Some(until), _) => (
                "snoozed",
                format!("Snoozed: no reminder before {}.", until.long()),
            ),
            (None, Some(next)) => (
                "active",
                format!("Reminders are on. Next: {next} ({}).", user.time_zone),
            ),
            (None, None) => ("active", "Every reminder in your policy has gone out.".to_string()),
        },
    };
    let open = invoice.status.is_collectable();
    InvoiceReminders {
        invoice_id: invoice.id.to_hex(),
        state: state.to_string(),
        summary,
        can_pause: open && pause.is_none(),
        // A settling payment lifts its own hold: resuming by hand would chase money on its way.
        can_resume: open
            && pause != Some(PauseReason::Processing)
            && (pause.is_some() || invoice.snoozed_until.is_some_and(|u| u > today)),
        can_snooze: open,
        today,
        time_zone: user.time_zone.clone(),
        timeline,
        replies: Vec::new(),
        promise,
    }
}

/// Status, time and note of a step that has a job.
fn from_job(job: &EmailJobDoc) -> (TimelineStatus, Option<Timestamp>, String) {
    let to = job.to.join(", ");
    match job.state {
        JobState::Sent => {
            let delivery = match job.delivery.as_deref() {
                Some("delivered") => ", delivered",
                Some("bounced") => ", bounced",
                Some("complained") => ", marked as spam",
                _ => "",
            };
            (
                TimelineStatus::Sent,
                job.sent_at.map(from_bson),
                format!("To {to}{delivery}."),
            )
        }
        JobState::Skipped => {
            let reason = job
                .reason
                .as_deref()
                .and_then(SkipReason::from_code)
                .map_or("it was not needed", SkipReason::describe);
            (
                TimelineStatus::Skipped,
                Some(from_bson(job.due_at)),
                format!("Not sent: {reason}."),
            )
        }
        JobState::Failed => (
            TimelineStatus::Failed,
            Some(from_bson(job.updated_at)),
            format!(
                "Could not be sent to {to}: {}",
                job.reason
                    .as_deref()
                    .unwrap_or("the email provider refused it.")
            ),
        ),
        JobState::Claimed | JobState::Batched => (
            TimelineStatus::Sending,
            Some(from_bson(job.due_at)),
            "Going out now.".to_string(),
        ),
        JobState::Scheduled if job.attempts > 0 => (
            TimelineStatus::Retrying,
            Some(from_bson(job.due_at)),
            format!(
                "The email provider was unavailable ({}); trying again then.",
                job.reason.as_deref().unwrap_or("no answer")
            ),
        ),
        JobState::Scheduled | JobState::Cancelled => (
            TimelineStatus::Planned,
            Some(from_bson(job.due_at)),
            String::new(),
        ),
    }
}

#[cfg(test)]
mod tests;
