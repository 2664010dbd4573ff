//! The email engine: claims the invoice emails and reminders whose time has come, re-checks
//! each invoice, sends, records, and schedules the next step.
//!
//! Exactly once per (invoice, step): a job is claimed with a lease, the email carries an
//! idempotency key made of the invoice id and the step (so a resend after a crash is the same
//! email to Resend), and only the claim that holds the lease can record the outcome. If this
//! process dies between the send and the record, the lease runs out, another tick claims the
//! job again and Resend answers the repeated key with the email it already sent.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use jiff::{SignedDuration, Timestamp};
use mongodb::Database;
use mongodb::bson::oid::ObjectId;

use super::clock::Clock;
use super::plan::{local_date, reminder_instant, schedule_next, send_instant, to_bson, zone_of};
use crate::domain::email::EmailAddress;
use crate::domain::reminder_schedule::{ChaseState, SkipReason, Step, catch_up, step_date};
use crate::server::db::email_jobs::{self, EmailJobDoc, Outcome};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;
use crate::server::db::{clients, invoices, users};
use crate::server::email::invoice_emails::{InvoiceFacts, invoice_email, reminder_email};
use crate::server::email::{Email, MailError, Mailer};

/// Sends that failed for a passing reason are tried again this many times in all, with
/// growing pauses (1, 2, 4 … minutes, at most an hour), before being recorded as failed.
const MAX_ATTEMPTS: i32 = 10;

#[derive(Clone)]
pub struct Engine {
    db: Database,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
    base_url: String,
    /// How long a claim is exclusive; longer than any one send with its retries.
    lease: SignedDuration,
    /// Jobs claimed at once.
    batch: i64,
    /// Sends in flight at once.
    concurrency: usize,
}

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub claimed: usize,
    pub sent: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Put back for later (provider unavailable, snoozed, paused).
    pub deferred: usize,
    /// Claims that lost their lease before recording (another engine took over).
    pub lost: usize,
}

/// How one job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    Sent { provider_id: String },
    Skipped(SkipReason),
    Failed(String),
    Deferred,
    Lost,
}

impl Engine {
    pub fn new(db: Database, mailer: Mailer, clock: Arc<dyn Clock>, base_url: String) -> Self {
        Engine {
            db,
            mailer,
            clock,
            base_url,
            lease: SignedDuration::from_mins(5),
            batch: 100,
            concurrency: 8,
        }
    }

    pub fn with_lease(mut self, lease: SignedDuration) -> Self {
        self.lease = lease;
        self
    }

    pub fn with_batch(mut self, batch: i64, concurrency: usize) -> Self {
        self.batch = batch.max(1);
        self.concurrency = concurrency.max(1);
        self
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Handles everything due now, batch after batch, until nothing is left.
    pub async fn tick(&self) -> Result<TickReport, mongodb::error::Error> {
        let mut report = TickReport::default();
        loop {
            let now = self.clock.now();
            let claim = ObjectId::new().to_hex();
            let lease_until = now.checked_add(self.lease).unwrap_or(now);
            let jobs = email_jobs::claim_due(
                &self.db,
                to_bson(now),
                to_bson(lease_until),
                &claim,
                self.batch,
            )
            .await?;
            if jobs.is_empty() {
                return Ok(report);
            }
            report.claimed += jobs.len();
            let results: Vec<_> = futures::stream::iter(jobs)
                .map(|job| self.process(job))
                .buffer_unordered(self.concurrency)
                .collect()
                .await;
            for result in results {
                match result? {
                    Handled::Sent { .. } => report.sent += 1,
                    Handled::Skipped(_) => report.skipped += 1,
                    Handled::Failed(_) => report.failed += 1,
                    Handled::Deferred => report.deferred += 1,
                    Handled::Lost => report.lost += 1,
                }
            }
        }
    }

    /// Sends one step of an invoice right away if it is due (the invoice email, while the
    /// user waits). `None` when it was not claimable (another engine has it, or it is done).
    pub async fn run_now(
        &self,
        invoice: ObjectId,
        step: Step,
    ) -> Result<Option<Handled>, mongodb::error::Error> {
        let now = self.clock.now();
        let claim = ObjectId::new().to_hex();
        let lease_until = now.checked_add(self.lease).unwrap_or(now);
        match email_jobs::claim_one(
            &self.db,
            invoice,
            &step.key(),
            to_bson(now),
            to_bson(lease_until),
            &claim,
        )
        .await?
        {
            Some(job) => self.process(job).await.map(Some),
            None => Ok(None),
        }
    }

    /// Puts the invoice email on the schedule for now and sends it.
    pub async fn send_invoice_email(
        &self,
        owner: ObjectId,
        invoice: ObjectId,
    ) -> Result<Option<Handled>, mongodb::error::Error> {
        let now = to_bson(self.clock.now());
        email_jobs::schedule(&self.db, owner, invoice, &Step::Invoice.key(), now).await?;
        self.run_now(invoice, Step::Invoice).await
    }

    /// Runs ticks every `every` until `stop` resolves. Errors are logged and the loop goes on:
    /// a database blip must not stop reminders for good.
    pub async fn run(self, every: Duration, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut stop => return,
                _ = interval.tick() => {}
            }
            match self.tick().await {
                Ok(report) if report.claimed > 0 => {
                    tracing::info!(?report, "email engine tick");
                }
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "email engine tick failed"),
            }
        }
    }

    async fn process(&self, job: EmailJobDoc) -> Result<Handled, mongodb::error::Error> {
        use tracing::Instrument;
        let span = tracing::info_span!("email_job", job = %job.id, step = %job.step);
        self.handle(job).instrument(span).await
    }

    async fn handle(&self, job: EmailJobDoc) -> Result<Handled, mongodb::error::Error> {
        let Some(step) = Step::from_key(&job.step) else {
            return self.skip(&job, SkipReason::Gone).await;
        };
        let user = users::find(&self.db, job.user_id).await?;
        let invoice = invoices::get(&self.db, job.user_id, job.invoice_id).await?;
        let (Some(user), Some(invoice)) = (user, invoice) else {
            return self.skip(&job, SkipReason::Gone).await;
        };
        match step {
            Step::Invoice => self.send_invoice(&job, &user, &invoice).await,
            Step::Reminder(offset) => self.send_reminder(&job, &user, &invoice, offset).await,
        }
    }

    async fn send_invoice(
        &self,
        job: &EmailJobDoc,
        user: &UserDoc,
        invoice: &InvoiceDoc,
    ) -> Result<Handled, mongodb::error::Error> {
        if let Some(reason) = match invoice.status {
            crate::domain::status::InvoiceStatus::Void => Some(SkipReason::Void),
            crate::domain::status::InvoiceStatus::Draft => Some(SkipReason::BeforeSent),
            _ => None,
        } {
            return self.skip(job, reason).await;
        }
        let today = local_date(self.clock.now(), &zone_of(user));
        let facts = InvoiceFacts::of(user, invoice, &self.base_url, today);
        let rendered = invoice_email(&facts);
        let handled = self.deliver(job, user, invoice, rendered).await?;
        if matches!(handled, Handled::Sent { .. } | Handled::Failed(_)) {
            schedule_next(&self.db, user, invoice, None).await?;
        }
        Ok(handled)
    }

    async fn send_reminder(
        &self,
        job: &EmailJobDoc,
        user: &UserDoc,
        invoice: &InvoiceDoc,
        offset: i32,
    ) -> Result<Handled, mongodb::error::Error> {
        let client = clients::get(&self.db, user.id, invoice.client_id).await?;
        let chase = ChaseState {
            status: invoice.status,
            paused: invoice
                .reminders_paused
                .as_ref()
                .is_some_and(|p| p.reason != "bounced"),
            bounced: invoice
                .reminders_paused
                .as_ref()
                .is_some_and(|p| p.reason == "bounced")
                || client.as_ref().is_some_and(|c| c.email_problem.is_some()),
            reminders_off: client.as_ref().is_some_and(|c| !c.reminders),
        };
        if let Some(reason) = chase.hold() {
            return match reason {
                // These can change back; cancelled jobs are scheduled again when they do.
                SkipReason::Paused | SkipReason::Bounced | SkipReason::RemindersOff => {
                    let outcome = Outcome::Cancelled {
                        reason: reason.code(),
                    };
                    self.finish(job, outcome, Handled::Skipped(reason)).await
                }
                _ => self.skip(job, reason).await,
            };
        }
        let settings = user.reminder_settings();
        let now = self.clock.now();
        let zone = zone_of(user);
        // Snoozed (the snooze came after this job was scheduled): come back on that day.
        if let Some(until) = invoice.snoozed_until
            && until > local_date(now, &zone)
            && let Some(at) = send_instant(until, settings.send_hour, &zone)
        {
            return self.defer(job, at, None).await;
        }
        let Some(step) = settings
            .policy
            .steps()
            .iter()
            .find(|s| s.offset_days == offset)
        else {
            // The user removed this step from the policy since it was scheduled.
            let handled = self.skip(job, SkipReason::Superseded).await?;
            schedule_next(&self.db, user, invoice, Some(offset)).await?;
            return Ok(handled);
        };
        let latest = catch_up(&settings.policy, offset, |later| {
            reminder_instant(user, invoice, later).is_some_and(|at| at <= now)
        });
        if latest != offset {
            let handled = self.skip(job, SkipReason::Superseded).await?;
            for between in settings.policy.steps().iter().map(|s| s.offset_days) {
                if between > offset && between < latest {
                    let at = reminder_instant(user, invoice, between).unwrap_or(now);
                    email_jobs::record_skipped(
                        &self.db,
                        user.id,
                        invoice.id,
                        &Step::Reminder(between).key(),
                        SkipReason::Superseded.code(),
                        to_bson(at),
                    )
                    .await?;
                }
            }
            if let Some(at) = step_date(invoice.due_date, latest)
                .and_then(|d| send_instant(d, settings.send_hour, &zone))
            {
                email_jobs::schedule(
                    &self.db,
                    user.id,
                    invoice.id,
                    &Step::Reminder(latest).key(),
                    to_bson(at),
                )
                .await?;
            }
            return Ok(handled);
        }
        let facts = InvoiceFacts::of(user, invoice, &self.base_url, local_date(now, &zone));
        let rendered = reminder_email(&facts, step);
        let handled = self.deliver(job, user, invoice, rendered).await?;
        if matches!(handled, Handled::Sent { .. } | Handled::Failed(_)) {
            schedule_next(&self.db, user, invoice, Some(offset)).await?;
        }
        Ok(handled)
    }

    /// Sends `rendered` to the invoice's client and records the outcome.
    async fn deliver(
        &self,
        job: &EmailJobDoc,
        user: &UserDoc,
        invoice: &InvoiceDoc,
        rendered: crate::server::email::templates::Rendered,
    ) -> Result<Handled, mongodb::error::Error> {
        let client = clients::get(&self.db, user.id, invoice.client_id).await?;
        let addresses = client
            .as_ref()
            .map_or(&invoice.bill_to.emails, |c| &c.emails);
        let mut recipients = addresses.iter().filter_map(|a| EmailAddress::parse(a).ok());
        let Some(to) = recipients.next() else {
            let message = "The client has no email address.";
            let outcome = Outcome::Failed {
                to: &[],
                subject: &rendered.subject,
                message,
            };
            return self
                .finish(job, outcome, Handled::Failed(message.to_string()))
                .await;
        };
        let email = Email {
            to,
            cc: recipients.collect(),
            sender_name: Some(user.name.clone()),
            reply_to: EmailAddress::parse(&user.email).ok(),
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            kind: if job.step == "invoice" {
                "invoice"
            } else {
                "reminder"
            },
            idempotency_key: format!("paytrack-{}-{}", job.invoice_id, job.step),
        };
        let to_list: Vec<String> = std::iter::once(email.to.to_string())
            .chain(email.cc.iter().map(ToString::to_string))
            .collect();
        match self.mailer.send(&email).await {
            Ok(provider_id) => {
                let outcome = Outcome::Sent {
                    to: &to_list,
                    subject: &email.subject,
                    provider_id: &provider_id,
                    at: to_bson(self.clock.now()),
                };
                let handled = Handled::Sent {
                    provider_id: provider_id.clone(),
                };
                self.finish(job, outcome, handled).await
            }
            Err(err) => {
                let message = match &err {
                    MailError::Rejected(message) => message.clone(),
                    _ if job.attempts >= MAX_ATTEMPTS => {
                        format!("Gave up after {MAX_ATTEMPTS} attempts: {err}")
                    }
                    _ => {
                        let pause = SignedDuration::from_mins(1 << job.attempts.clamp(0, 6));
                        let now = self.clock.now();
                        let at = now.checked_add(pause).unwrap_or(now);
                        return self.defer(job, at, Some(&err.to_string())).await;
                    }
                };
                let outcome = Outcome::Failed {
                    to: &to_list,
                    subject: &email.subject,
                    message: &message,
                };
                self.finish(job, outcome, Handled::Failed(message.clone()))
                    .await
            }
        }
    }

    async fn skip(
        &self,
        job: &EmailJobDoc,
        reason: SkipReason,
    ) -> Result<Handled, mongodb::error::Error> {
        let outcome = Outcome::Skipped {
            reason: reason.code(),
        };
        self.finish(job, outcome, Handled::Skipped(reason)).await
    }

    async fn defer(
        &self,
        job: &EmailJobDoc,
        at: Timestamp,
        message: Option<&str>,
    ) -> Result<Handled, mongodb::error::Error> {
        let outcome = Outcome::Retry {
            due_at: to_bson(at),
            message,
        };
        self.finish(job, outcome, Handled::Deferred).await
    }

    /// Records `outcome` if this claim still holds the job: `handled` then, `Lost` otherwise.
    async fn finish(
        &self,
        job: &EmailJobDoc,
        outcome: Outcome<'_>,
        handled: Handled,
    ) -> Result<Handled, mongodb::error::Error> {
        let claim = job.claim.as_deref().unwrap_or_default();
        if email_jobs::finish(&self.db, job.id, claim, outcome).await? {
            Ok(handled)
        } else {
            tracing::warn!(job = %job.id, "lease lost before recording; the new claimant records it");
            Ok(Handled::Lost)
        }
    }
}
