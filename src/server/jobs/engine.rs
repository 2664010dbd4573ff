//! The email engine: claims the invoice emails and reminders whose time has come, re-checks
//! each invoice, sends, records, and schedules the next step.
//!
//! Exactly once per (invoice, step): a job is claimed with a lease, the email carries an
//! idempotency key made of the invoice id and the step (so a resend after a crash is the same
//! email to Resend), and only the claim that holds the lease can record the outcome. If this
//! process dies between the send and the record, the lease runs out, another tick claims the
//! job again and Resend answers the repeated key with the email it already sent.
//!
//! This file holds the engine and its passes; `decide.rs` what becomes of one job,
//! `batches.rs` sending several at once, `outcome.rs` the results they share.

use std::sync::Arc;
use std::time::Duration;

use futures::{FutureExt, StreamExt};
use jiff::{SignedDuration, Timestamp};
use mongodb::Database;
use mongodb::bson::oid::ObjectId;

use super::books::Books;
use super::clock::Clock;
use super::outcome::{Decision, Handled, Prepared, TickReport};
use super::plan::to_bson;
use crate::domain::reminder_schedule::Step;
use crate::server::db::email_jobs::{self, EmailJobDoc};
use crate::server::db::invoices;
use crate::server::db::{Lease, email_batches};
use crate::server::email::Mailer;
use crate::server::email::resend::BATCH_LIMIT;

#[derive(Clone)]
pub struct Engine {
    pub(super) db: Database,
    pub(super) mailer: Mailer,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) base_url: String,
    /// How long a claim is exclusive; longer than any one send with its retries.
    lease: SignedDuration,
    /// Jobs claimed at once.
    pub(super) batch: i64,
    /// Sends in flight at once.
    pub(super) concurrency: usize,
    /// Free's reminder steps when the installation bills (users on Free are chased with that
    /// many); `None` without billing.
    pub(super) free_reminder_steps: Option<u32>,
    /// Where clients' replies go (`chasing::replies`); `None`: to the user's own address.
    pub(super) inbound_domain: Option<String>,
}

impl Engine {
    pub fn new(db: Database, mailer: Mailer, clock: Arc<dyn Clock>, base_url: String) -> Self {
        Engine {
            db,
            mailer,
            clock,
            base_url,
            lease: SignedDuration::from_mins(5),
            batch: 500,
            concurrency: 16,
            free_reminder_steps: None,
            inbound_domain: None,
        }
    }

    /// Sends replies to invoices' reply addresses on `domain` (`None`: to the user).
    pub fn with_inbound_domain(mut self, domain: Option<String>) -> Self {
        self.inbound_domain = domain;
        self
    }

    /// The engine as `config` sets it up: its site, Free's reminder cap when the installation
    /// bills, and where clients' replies go. The server and the one-shot pass both use this.
    pub fn for_config(
        db: Database,
        mailer: Mailer,
        clock: Arc<dyn Clock>,
        config: &crate::server::config::Config,
    ) -> Self {
        let free_steps = config
            .billing
            .as_ref()
            .map(|_| config.free_limits.reminder_steps);
        Engine::new(db, mailer, clock, config.base_url.clone())
            .with_free_reminder_steps(free_steps)
            .with_inbound_domain(config.inbound_domain.clone())
    }

    /// Chases users on Free with at most `steps` reminders (`None`: no plans).
    pub fn with_free_reminder_steps(mut self, steps: Option<u32>) -> Self {
        self.free_reminder_steps = steps;
        self
    }

    /// The round's users, invoices and clients, each user marked with what their plan allows.
    pub(super) async fn books(&self, jobs: &[EmailJobDoc]) -> Result<Books, mongodb::error::Error> {
        self.books_for(jobs.iter().map(|j| (j.user_id, j.invoice_id)))
            .await
    }

    /// The same for (owner, invoice) pairs.
    pub(super) async fn books_for(
        &self,
        pairs: impl Iterator<Item = (ObjectId, ObjectId)> + Clone,
    ) -> Result<Books, mongodb::error::Error> {
        let mut books = Books::load_for(&self.db, pairs).await?;
        books.cap_users(|user| {
            crate::server::limits::reminder_cap::cap_reminders(
                self.free_reminder_steps,
                user,
                self.clock.now(),
            )
        });
        Ok(books)
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

    /// A fresh claim, from now for `lease`.
    pub(super) fn lease(&self) -> Lease {
        let now = self.clock.now();
        Lease {
            claim: ObjectId::new().to_hex(),
            now: to_bson(now),
            until: to_bson(now.checked_add(self.lease).unwrap_or(now)),
        }
    }

    /// Handles everything due now, claim after claim, until nothing is left. Emails decided
    /// together go to Resend as one batch.
    pub async fn tick(&self) -> Result<TickReport, mongodb::error::Error> {
        let report = self.pass().await?;
        let metrics = crate::server::metrics::get();
        metrics.engine_passes.inc();
        for (outcome, count) in [
            ("claimed", report.claimed),
            ("sent", report.sent),
            ("failed", report.failed),
            ("deferred", report.deferred),
            ("skipped", report.skipped),
            ("lost", report.lost),
            ("credit_note_sent", report.credit_notes),
        ] {
            metrics.emails(outcome, count);
        }
        Ok(report)
    }

    async fn pass(&self) -> Result<TickReport, mongodb::error::Error> {
        let mut report = TickReport {
            rescheduled: self.sweep_unscheduled().await?,
            credit_notes: self.email_owed_credit_notes().await?,
            ..TickReport::default()
        };
        loop {
            let lease = self.lease();
            let claim = &lease.claim;
            let claiming = std::time::Instant::now();
            let batches = email_batches::claim_due(&self.db, &lease, self.batch).await?;
            report.claiming += claiming.elapsed();
            let retried = !batches.is_empty();
            let delivering = std::time::Instant::now();
            for batch in batches {
                report.claimed += batch.emails.len();
                let books = self
                    .books_for(batch.emails.iter().map(|e| (e.user_id, e.invoice_id)))
                    .await?;
                self.deliver_batch(batch, claim, &books, &mut report)
                    .await?;
            }
            report.delivering += delivering.elapsed();
            let claiming = std::time::Instant::now();
            let jobs = email_jobs::claim_due(&self.db, &lease, self.batch).await?;
            report.claiming += claiming.elapsed();
            if jobs.is_empty() {
                if retried {
                    continue;
                }
                return Ok(report);
            }
            report.claimed += jobs.len();
            let deciding = std::time::Instant::now();
            let books = self.books(&jobs).await?;
            let decisions: Vec<_> = futures::stream::iter(jobs)
                // Boxed so the compiler sees a `Send` future for these exact lifetimes.
                .map(|job| self.decide(job, &books).boxed())
                .buffer_unordered(self.concurrency)
                .collect()
                .await;
            let mut ready: Vec<Prepared> = Vec::new();
            for decision in decisions {
                match decision? {
                    Decision::Done(handled) => report.count(&handled),
                    Decision::Send(prepared) => ready.push(*prepared),
                }
            }
            report.deciding += deciding.elapsed();
            let delivering = std::time::Instant::now();
            // A job claimed before may already have been tried on its own, under its own
            // key; putting it in a batch (under the batch's key) could send it twice. Only
            // first claims are batched, and only emails without attachments, which Resend's
            // batch endpoint refuses.
            let (mut ready, alone): (Vec<_>, Vec<_>) = ready
                .into_iter()
                .partition(|p| p.job.attempts <= 1 && p.email.attachments.is_empty());
            for prepared in &alone {
                let handled = self.send_single(prepared, &books).await?;
                report.count(&handled);
            }
            while !ready.is_empty() {
                let rest = ready.split_off(ready.len().min(BATCH_LIMIT));
                let chunk = std::mem::replace(&mut ready, rest);
                if let [single] = chunk.as_slice() {
                    let handled = self.send_single(single, &books).await?;
                    report.count(&handled);
                } else {
                    self.batch_out(chunk, &lease, &books, &mut report).await?;
                }
            }
            report.delivering += delivering.elapsed();
        }
    }

    /// Sends one step of an invoice right away if it is due (the invoice email, while the
    /// user waits). `None` when it was not claimable (another engine has it, or it is done).
    pub async fn run_now(
        &self,
        invoice: ObjectId,
        step: Step,
    ) -> Result<Option<Handled>, mongodb::error::Error> {
        match email_jobs::claim_one(&self.db, invoice, &step.key(), &self.lease()).await? {
            Some(job) => {
                let books = self.books(std::slice::from_ref(&job)).await?;
                match self.decide(job, &books).await? {
                    Decision::Done(handled) => Ok(Some(handled)),
                    Decision::Send(prepared) => self.send_single(&prepared, &books).await.map(Some),
                }
            }
            None => Ok(None),
        }
    }

    /// Puts the invoice email on the schedule for now and sends it.
    pub async fn send_invoice_email(
        &self,
        owner: ObjectId,
        invoice: ObjectId,
    ) -> Result<Option<Handled>, mongodb::error::Error> {
        self.schedule_invoice_email(owner, invoice).await?;
        self.send_scheduled_invoice_email(invoice).await
    }

    /// Sends an invoice email already on the schedule, if no engine has it yet.
    pub async fn send_scheduled_invoice_email(
        &self,
        invoice: ObjectId,
    ) -> Result<Option<Handled>, mongodb::error::Error> {
        self.run_now(invoice, Step::Invoice).await
    }

    /// Puts the invoice email on the schedule for now, then lifts the invoice's flag: in that
    /// order, so a failure in between leaves the flag for the sweep.
    pub async fn schedule_invoice_email(
        &self,
        owner: ObjectId,
        invoice: ObjectId,
    ) -> Result<(), mongodb::error::Error> {
        let now = to_bson(self.clock.now());
        email_jobs::schedule(&self.db, owner, invoice, &Step::Invoice.key(), now).await?;
        invoices::invoice_email_scheduled(&self.db, invoice).await
    }

    /// Schedules the email of every sent invoice that does not have it on the schedule yet
    /// (the send that should have scheduled it failed or died half-way); returns how many.
    /// Scheduling is idempotent, so two engines sweeping together do no harm.
    async fn sweep_unscheduled(&self) -> Result<usize, mongodb::error::Error> {
        let waiting = invoices::awaiting_invoice_email(&self.db, self.batch).await?;
        for (owner, invoice) in &waiting {
            tracing::warn!(%invoice, "a sent invoice had no email on the schedule; scheduling it");
            self.schedule_invoice_email(*owner, *invoice).await?;
        }
        Ok(waiting.len())
    }

    /// Runs ticks every `every` until `stop` resolves. Errors are logged and the loop goes on:
    /// a database blip must not stop reminders for good.
    pub async fn run(self, every: Duration, stop: impl std::future::Future<Output = ()>) {
        super::every(every, stop, || async {
            match self.tick().await {
                Ok(report)
                    if report.claimed > 0 || report.rescheduled > 0 || report.credit_notes > 0 =>
                {
                    tracing::info!(?report, "email engine tick");
                }
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "email engine tick failed"),
            }
        })
        .await;
    }
}
