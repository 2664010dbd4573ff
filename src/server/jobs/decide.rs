//! What becomes of one claimed job: the invoice and client re-read, the step decided (send,
//! skip with a reason, defer, cancel), the email rendered and sent under its own key, and the
//! outcome recorded only by the claim that still holds the lease.

use jiff::Timestamp;
use mongodb::bson::oid::ObjectId;

use super::books::Books;
use super::engine::Engine;
use super::holds::{Hold, hold};
use super::outcome::{Decision, Handled, Prepared, email_key};
use super::plan::{local_date, reminder_instant, schedule_next, send_instant, to_bson, zone_of};
use crate::domain::date::CalendarDate;
use crate::domain::email::EmailAddress;
use crate::domain::promise::Outcome as PromiseOutcome;
use crate::domain::reminder_schedule::{SkipReason, Step, catch_up, step_date};
use crate::server::chasing::replies;
use crate::server::db::clients::ClientDoc;
use crate::server::db::email_jobs::{self, EmailJobDoc, Outcome};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;
use crate::server::db::{invoices, users};
use crate::server::email::invoice_emails::{
    InvoiceFacts, invoice_email, missed_promise_email, reminder_email,
};
use crate::server::email::{Attachment, Email};
use crate::server::invoicing::pdf;

impl Engine {
    /// Re-reads the job's invoice and decides: skip, defer, or an email to send.
    pub(super) async fn decide(
        &self,
        job: EmailJobDoc,
        books: &Books,
    ) -> Result<Decision, mongodb::error::Error> {
        use tracing::Instrument;
        let span = tracing::info_span!("email_job", job = %job.id, step = %job.step);
        self.handle(job, books).instrument(span).await
    }

    async fn handle(
        &self,
        job: EmailJobDoc,
        books: &Books,
    ) -> Result<Decision, mongodb::error::Error> {
        let step = Step::from_key(&job.step);
        let user = books.user(job.user_id);
        let invoice = books.invoice(job.user_id, job.invoice_id);
        let client = invoice.and_then(|i| books.client(job.user_id, i.client_id));
        if let Some(hold) = hold(step, user, invoice, client, self.clock.now()) {
            return self.held(&job, hold).await.map(Decision::Done);
        }
        let (Some(step), Some(user), Some(invoice)) = (step, user, invoice) else {
            return self.skip(&job, SkipReason::Gone).await.map(Decision::Done);
        };
        match step {
            Step::Invoice => self.send_invoice(&job, user, invoice, client).await,
            Step::Reminder(offset) => {
                self.send_reminder(&job, user, invoice, client, offset)
                    .await
            }
        }
    }

    /// Records a job that must not go now.
    pub(super) async fn held(
        &self,
        job: &EmailJobDoc,
        hold: Hold,
    ) -> Result<Handled, mongodb::error::Error> {
        match hold {
            Hold::Skip(reason) => self.skip(job, reason).await,
            // Cancelled jobs are scheduled again when what holds them changes back.
            Hold::Cancel(reason) => {
                let outcome = Outcome::Cancelled {
                    reason: reason.code(),
                };
                self.finish(job, outcome, Handled::Skipped(reason)).await
            }
            Hold::Until(at) => self.defer(job, at, None).await,
        }
    }

    async fn send_invoice(
        &self,
        job: &EmailJobDoc,
        user: &UserDoc,
        invoice: &InvoiceDoc,
        client: Option<&ClientDoc>,
    ) -> Result<Decision, mongodb::error::Error> {
        let today = local_date(self.clock.now(), &zone_of(user));
        let facts = InvoiceFacts::of(user, invoice, &self.base_url, today);
        let attachments = match pdf::render(&self.db, invoice, user, today).await {
            Ok(pdf) => vec![Attachment {
                filename: pdf.filename,
                content_type: "application/pdf",
                bytes: pdf.bytes,
            }],
            Err(pdf::RenderError::Database(err)) => return Err(err),
            // The email links the PDF as well: better sent without the file than not at all.
            Err(err @ pdf::RenderError::Writer(_)) => {
                tracing::error!(error = %err, invoice = %invoice.id, "the invoice email goes without its PDF");
                Vec::new()
            }
        };
        let email = invoice_email(&facts);
        self.prepare(job, user, invoice, client, email, attachments)
            .await
    }

    async fn send_reminder(
        &self,
        job: &EmailJobDoc,
        user: &UserDoc,
        invoice: &InvoiceDoc,
        client: Option<&ClientDoc>,
        offset: i32,
    ) -> Result<Decision, mongodb::error::Error> {
        let settings = user.reminder_settings();
        let now = self.clock.now();
        let zone = zone_of(user);
        let Some(step) = settings
            .policy
            .steps()
            .iter()
            .find(|s| s.offset_days == offset)
        else {
            // The user removed this step from the policy since it was scheduled.
            let handled = self.skip(job, SkipReason::Superseded).await?;
            schedule_next(&self.db, user, invoice, Some(offset)).await?;
            return Ok(Decision::Done(handled));
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
            return Ok(Decision::Done(handled));
        }
        let today = local_date(now, &zone);
        let facts = InvoiceFacts::of(user, invoice, &self.base_url, today);
        let email = match self.missed_promise(job, invoice, today).await? {
            Some(day) => missed_promise_email(&facts, day),
            None => reminder_email(&facts, step),
        };
        self.prepare(job, user, invoice, client, email, Vec::new())
            .await
    }

    /// The day the client promised to pay by, when `job` is the one reminder that tells them
    /// it passed: the first step to go out after the promise broke, named on the promise so
    /// that every try of that step says the same (Resend refuses one key with two bodies).
    async fn missed_promise(
        &self,
        job: &EmailJobDoc,
        invoice: &InvoiceDoc,
        today: CalendarDate,
    ) -> Result<Option<CalendarDate>, mongodb::error::Error> {
        let Some((index, promise)) = invoice.open_promise() else {
            return Ok(None);
        };
        if invoice.promise_outcome(promise, today) != PromiseOutcome::Broken {
            return Ok(None);
        }
        let carrier = match &promise.followed_up_by {
            Some(step) => Some(step.clone()),
            None => invoices::follow_up_promise(&self.db, invoice.id, index, &job.step).await?,
        };
        Ok((carrier.as_deref() == Some(job.step.as_str())).then_some(promise.day))
    }

    /// The email for `rendered`, addressed to the invoice's client from the user — or a
    /// failure recorded when the client has no address.
    async fn prepare(
        &self,
        job: &EmailJobDoc,
        user: &UserDoc,
        invoice: &InvoiceDoc,
        client: Option<&ClientDoc>,
        rendered: crate::server::email::templates::Rendered,
        attachments: Vec<Attachment>,
    ) -> Result<Decision, mongodb::error::Error> {
        let addresses = client.map_or(&invoice.bill_to.emails, |c| &c.emails);
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
                .await
                .map(Decision::Done);
        };
        let reply_to = self.reply_to(user, invoice).await?;
        let email = Email {
            to,
            cc: recipients.collect(),
            sender_name: Some(user.name.clone()),
            reply_to,
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            kind: if job.step == "invoice" {
                "invoice"
            } else {
                "reminder"
            },
            idempotency_key: email_key(job),
            attachments,
        };
        Ok(Decision::Send(Box::new(Prepared {
            job: job.clone(),
            email,
        })))
    }

    /// Where the client's reply goes: the invoice's reply address when PayTrack receives
    /// mail (an invoice sent before that gets its token now), else the user.
    async fn reply_to(
        &self,
        user: &UserDoc,
        invoice: &InvoiceDoc,
    ) -> Result<Option<EmailAddress>, mongodb::error::Error> {
        let domain = self.inbound_domain.as_deref();
        if domain.is_none() || invoice.reply_token.is_some() {
            return Ok(replies::reply_to_for(domain, invoice, user));
        }
        let Ok(fresh) = replies::new_token() else {
            return Ok(EmailAddress::parse(&user.email).ok());
        };
        let token = invoices::ensure_reply_token(&self.db, invoice.id, &fresh).await?;
        let invoice = InvoiceDoc {
            reply_token: token,
            ..invoice.clone()
        };
        Ok(replies::reply_to_for(domain, &invoice, user))
    }

    /// After a job's email went out (or failed for good): the invoice's next reminder.
    pub(super) async fn schedule_after(
        &self,
        owner: ObjectId,
        invoice: ObjectId,
        step: &str,
        books: &Books,
    ) -> Result<(), mongodb::error::Error> {
        let user = match books.user(owner) {
            Some(user) => Some(user.clone()),
            None => users::find(&self.db, owner).await?.map(|user| {
                crate::server::limits::reminder_cap::cap_reminders(
                    self.free_reminder_steps,
                    user,
                    self.clock.now(),
                )
            }),
        };
        let invoice = match books.invoice(owner, invoice) {
            Some(invoice) => Some(invoice.clone()),
            None => invoices::get(&self.db, owner, invoice).await?,
        };
        let (Some(user), Some(invoice)) = (user, invoice) else {
            return Ok(());
        };
        let after = match Step::from_key(step) {
            Some(Step::Reminder(offset)) => Some(offset),
            _ => None,
        };
        schedule_next(&self.db, &user, &invoice, after)
            .await
            .map(|_| ())
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

    pub(super) async fn defer(
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
    pub(super) async fn finish(
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
