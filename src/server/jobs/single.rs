//! Sending one prepared email under its own idempotency key (a lone email, one with an
//! attachment, a job tried before, the emails of a refused batch), and what a send's answer
//! comes to: sent, a retry later, or failed for good.

use jiff::{SignedDuration, Timestamp};

use super::books::Books;
use super::engine::Engine;
use super::outcome::{Handled, KEY_LIFETIME, Prepared, UNCONFIRMED, Verdict, recipients_of};
use super::plan::{from_bson, to_bson};
use crate::server::db::email_jobs::{self, Outcome};
use crate::server::email::MailError;

/// Sends that failed for a passing reason are tried again this many times in all, with
/// growing pauses (1, 2, 4 … minutes, at most an hour), before being recorded as failed.
const MAX_ATTEMPTS: i32 = 10;

impl Engine {
    /// Sends one prepared email under its own key and records the outcome.
    ///
    /// The key is the same for every try, so Resend sends it once — while it remembers the key.
    /// A job tried before, longer ago than that, is not tried again (see `KEY_LIFETIME`).
    pub(super) async fn send_single(
        &self,
        prepared: &Prepared,
        books: &Books,
    ) -> Result<Handled, mongodb::error::Error> {
        let (job, email) = (&prepared.job, &prepared.email);
        let to_list = recipients_of(email);
        let now = self.clock.now();
        let verdict = match job.tried_at.map(from_bson) {
            Some(first)
                if first
                    .checked_add(KEY_LIFETIME)
                    .is_ok_and(|until| until <= now) =>
            {
                Verdict::Failed(UNCONFIRMED.to_string())
            }
            Some(_) => self.verdict(self.mailer.send(email).await, job.attempts),
            None => {
                let claim = job.claim.as_deref().unwrap_or_default();
                if !email_jobs::mark_tried(&self.db, job.id, claim, to_bson(now)).await? {
                    return Ok(Handled::Lost);
                }
                self.verdict(self.mailer.send(email).await, job.attempts)
            }
        };
        let handled = match verdict {
            Verdict::Sent(provider_id) => {
                let outcome = Outcome::Sent {
                    to: &to_list,
                    subject: &email.subject,
                    provider_id: provider_id.as_deref(),
                    at: to_bson(self.clock.now()),
                };
                let handled = Handled::Sent {
                    provider_id: provider_id.clone(),
                };
                self.finish(job, outcome, handled).await?
            }
            Verdict::Later(at, message) => return self.defer(job, at, Some(&message)).await,
            Verdict::Failed(message) => {
                let outcome = Outcome::Failed {
                    to: &to_list,
                    subject: &email.subject,
                    message: &message,
                };
                self.finish(job, outcome, Handled::Failed(message.clone()))
                    .await?
            }
        };
        if matches!(handled, Handled::Sent { .. } | Handled::Failed(_)) {
            self.schedule_after(job.user_id, job.invoice_id, &job.step, books)
                .await?;
        }
        self.count_reminder(&job.step, &handled).await;
        Ok(handled)
    }

    /// Counts a reminder that went out, for the operators' usage page (the invoice email is
    /// counted when the user sends the invoice).
    pub(super) async fn count_reminder(&self, step: &str, handled: &Handled) {
        self.count_reminders(i64::from(sent_reminder(step, handled)))
            .await;
    }

    /// Counts `n` reminders sent today in the usage figures, in one write.
    pub(super) async fn count_reminders(&self, n: i64) {
        let event = crate::domain::usage::UsageEvent::ReminderSent;
        let db = &self.db;
        crate::server::db::usage::count_many(db, event, crate::server::db::usage::today(), n).await;
    }

    /// What a send comes to after `attempts` tries.
    pub(super) fn verdict(&self, sent: Result<String, MailError>, attempts: i32) -> Verdict {
        match sent {
            Ok(provider_id) => Verdict::Sent(Some(provider_id)),
            Err(MailError::AlreadyAccepted) => Verdict::Sent(None),
            Err(err) => match self.failure(&err, attempts) {
                Ok(message) => Verdict::Failed(message),
                Err(at) => Verdict::Later(at, err.to_string()),
            },
        }
    }

    /// What a send failure comes to after `attempts`: `Ok(message)` when it is final (a
    /// refusal, or too many tries), `Err(when)` to try again later.
    pub(super) fn failure(&self, err: &MailError, attempts: i32) -> Result<String, Timestamp> {
        match err {
            MailError::Rejected(message) => Ok(message.clone()),
            MailError::AlreadyAccepted => Ok(err.to_string()),
            _ if attempts >= MAX_ATTEMPTS => {
                Ok(format!("Gave up after {MAX_ATTEMPTS} attempts: {err}"))
            }
            _ => {
                let pause = SignedDuration::from_mins(1 << attempts.clamp(0, 6));
                let now = self.clock.now();
                Err(now.checked_add(pause).unwrap_or(now))
            }
        }
    }
}

/// Whether handling `step` ended in a reminder sent (what the usage figures count).
pub(super) fn sent_reminder(step: &str, handled: &Handled) -> bool {
    matches!(handled, Handled::Sent { .. }) && step.starts_with("reminder:")
}
