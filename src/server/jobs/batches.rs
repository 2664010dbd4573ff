//! Sending several emails in one request to Resend's batch endpoint without giving up "once
//! per (invoice, step)": a batch is written with its rendered emails before it is sent, and
//! every retry repeats that exact request under the batch's key (see `db::email_batches`).
//! If Resend refuses the batch as a whole (nothing was sent), its emails go one by one under
//! their own keys instead.

use std::collections::HashSet;

use mongodb::bson::oid::ObjectId;

use super::books::Books;
use super::engine::Engine;
use super::outcome::{Handled, Prepared, TickReport};
use super::plan::to_bson;
use crate::domain::email::EmailAddress;
use crate::server::db::Lease;
use crate::server::db::email_batches::{self, BatchDoc, BatchEmail, BatchState, SentId};
use crate::server::db::email_jobs::{self, Outcome};
use crate::server::email::{Email, MailError};

fn to_batch_email(prepared: &Prepared) -> BatchEmail {
    let (job, email) = (&prepared.job, &prepared.email);
    BatchEmail {
        job_id: job.id,
        user_id: job.user_id,
        invoice_id: job.invoice_id,
        step: job.step.clone(),
        to: email.to.to_string(),
        cc: email.cc.iter().map(ToString::to_string).collect(),
        reply_to: email.reply_to.as_ref().map(ToString::to_string),
        sender_name: email.sender_name.clone(),
        subject: email.subject.clone(),
        html: email.html.clone(),
        text: email.text.clone(),
        kind: email.kind.to_string(),
        key: email.idempotency_key.clone(),
    }
}

/// The email again, from what the batch stored. Addresses were valid when stored.
fn from_batch_email(stored: &BatchEmail) -> Option<Email> {
    Some(Email {
        to: EmailAddress::parse(&stored.to).ok()?,
        cc: stored
            .cc
            .iter()
            .filter_map(|c| EmailAddress::parse(c).ok())
            .collect(),
        sender_name: stored.sender_name.clone(),
        reply_to: stored
            .reply_to
            .as_deref()
            .and_then(|r| EmailAddress::parse(r).ok()),
        subject: stored.subject.clone(),
        html: stored.html.clone(),
        text: stored.text.clone(),
        kind: if stored.kind == "invoice" {
            "invoice"
        } else {
            "reminder"
        },
        idempotency_key: stored.key.clone(),
    })
}

impl Engine {
    /// Writes `chunk` as a batch, hands its jobs to it, and sends it.
    pub(super) async fn batch_out(
        &self,
        chunk: Vec<Prepared>,
        lease: &Lease,
        books: &Books,
        report: &mut TickReport,
    ) -> Result<(), mongodb::error::Error> {
        let claim = lease.claim.as_str();
        let emails: Vec<BatchEmail> = chunk.iter().map(to_batch_email).collect();
        let mut batch = email_batches::create(&self.db, emails, lease).await?;
        let ids: Vec<ObjectId> = chunk.iter().map(|p| p.job.id).collect();
        let handed = email_jobs::hand_to_batch(&self.db, &ids, claim, batch.id).await?;
        if handed.len() < ids.len() {
            // Some leases ran out meanwhile; those jobs are another engine's now.
            report.lost += ids.len() - handed.len();
            batch.emails.retain(|e| handed.contains(&e.job_id));
            email_batches::keep_only(&self.db, batch.id, &batch.emails).await?;
        }
        self.deliver_batch(batch, claim, books, report).await
    }

    /// Sends (or finishes recording) a batch this claim holds.
    pub(super) async fn deliver_batch(
        &self,
        mut batch: BatchDoc,
        claim: &str,
        books: &Books,
        report: &mut TickReport,
    ) -> Result<(), mongodb::error::Error> {
        let waiting: HashSet<ObjectId> = email_jobs::waiting_on(&self.db, batch.id)
            .await?
            .into_iter()
            .collect();
        // Only jobs handed to the batch are sent: if the engine died before handing them
        // over, they are still its own jobs and go out through their own claim.
        batch.emails.retain(|e| waiting.contains(&e.job_id));
        if batch.emails.is_empty() {
            email_batches::mark_recorded(&self.db, batch.id, claim, to_bson(self.now())).await?;
            return Ok(());
        }
        match batch.state {
            BatchState::Sent => self.record_batch(&batch, claim, books, report).await,
            BatchState::Split => self.send_one_by_one(&batch, claim, books, report).await,
            BatchState::Claimed | BatchState::Recorded => {
                let emails: Vec<Email> = batch.emails.iter().filter_map(from_batch_email).collect();
                report.batches += 1;
                match self.mailer.send_batch(&emails, &batch.key()).await {
                    Ok(provider_ids) => {
                        batch.sent_ids = batch
                            .emails
                            .iter()
                            .zip(provider_ids)
                            .map(|(e, provider_id)| SentId {
                                job_id: e.job_id,
                                provider_id,
                            })
                            .collect();
                        if email_batches::mark_sent(&self.db, batch.id, claim, &batch.sent_ids)
                            .await?
                        {
                            self.record_batch(&batch, claim, books, report).await?;
                        }
                        Ok(())
                    }
                    Err(MailError::Rejected(message)) if batch.emails.len() > 1 => {
                        tracing::warn!(batch = %batch.id, %message, "Resend refused a batch; sending its emails one by one");
                        if email_batches::mark_split(&self.db, batch.id, claim).await? {
                            self.send_one_by_one(&batch, claim, books, report).await?;
                        }
                        Ok(())
                    }
                    Err(err) => match self.failure(&err, batch.attempts) {
                        Err(at) => {
                            email_batches::retry_at(&self.db, batch.id, claim, to_bson(at)).await?;
                            report.deferred += batch.emails.len();
                            Ok(())
                        }
                        Ok(message) => {
                            for stored in &batch.emails {
                                self.record_one(&batch, stored, Err(&message), books, report)
                                    .await?;
                            }
                            email_batches::mark_recorded(
                                &self.db,
                                batch.id,
                                claim,
                                to_bson(self.now()),
                            )
                            .await?;
                            Ok(())
                        }
                    },
                }
            }
        }
    }

    /// Records every job of an accepted batch from the ids Resend gave.
    async fn record_batch(
        &self,
        batch: &BatchDoc,
        claim: &str,
        books: &Books,
        report: &mut TickReport,
    ) -> Result<(), mongodb::error::Error> {
        use futures::FutureExt;
        let sent: Vec<(&BatchEmail, &str)> = batch
            .emails
            .iter()
            .filter_map(|stored| {
                let id = batch.sent_ids.iter().find(|s| s.job_id == stored.job_id)?;
                Some((stored, id.provider_id.as_str()))
            })
            .collect();
        // Each job's record is its own write; a group of them goes at once.
        for group in sent.chunks(self.concurrency) {
            let records = group.iter().map(|&(stored, provider_id)| {
                // Boxed so the compiler sees a `Send` future for these exact lifetimes.
                async move {
                    let mut counted = TickReport::default();
                    self.record_one(batch, stored, Ok(provider_id), books, &mut counted)
                        .await
                        .map(|()| counted)
                }
                .boxed()
            });
            for counted in futures::future::join_all(records).await {
                report.add(&counted?);
            }
        }
        email_batches::mark_recorded(&self.db, batch.id, claim, to_bson(self.now())).await?;
        Ok(())
    }

    /// Each email of a refused batch on its own, under its own key (a retry after a crash
    /// repeats those keys, so nothing goes twice).
    async fn send_one_by_one(
        &self,
        batch: &BatchDoc,
        claim: &str,
        books: &Books,
        report: &mut TickReport,
    ) -> Result<(), mongodb::error::Error> {
        for stored in &batch.emails {
            let Some(email) = from_batch_email(stored) else {
                self.record_one(
                    batch,
                    stored,
                    Err("The address is not valid."),
                    books,
                    report,
                )
                .await?;
                continue;
            };
            match self.mailer.send(&email).await {
                Ok(id) => {
                    self.record_one(batch, stored, Ok(&id), books, report)
                        .await?
                }
                Err(err) => match self.failure(&err, batch.attempts) {
                    Ok(message) => {
                        self.record_one(batch, stored, Err(&message), books, report)
                            .await?
                    }
                    Err(at) => {
                        // The rest waits with the batch, which stays split.
                        email_batches::retry_at(&self.db, batch.id, claim, to_bson(at)).await?;
                        report.deferred += 1;
                        return Ok(());
                    }
                },
            }
        }
        email_batches::mark_recorded(&self.db, batch.id, claim, to_bson(self.now())).await?;
        Ok(())
    }

    /// Records one job of a batch as sent (`Ok(provider id)`) or failed (`Err(message)`),
    /// then schedules its invoice's next reminder.
    async fn record_one(
        &self,
        batch: &BatchDoc,
        stored: &BatchEmail,
        result: Result<&str, &str>,
        books: &Books,
        report: &mut TickReport,
    ) -> Result<(), mongodb::error::Error> {
        let to = std::iter::once(stored.to.clone())
            .chain(stored.cc.iter().cloned())
            .collect::<Vec<_>>();
        let (outcome, handled) = match result {
            Ok(provider_id) => (
                Outcome::Sent {
                    to: &to,
                    subject: &stored.subject,
                    provider_id,
                    at: to_bson(self.now()),
                },
                Handled::Sent {
                    provider_id: provider_id.to_string(),
                },
            ),
            Err(message) => (
                Outcome::Failed {
                    to: &to,
                    subject: &stored.subject,
                    message,
                },
                Handled::Failed(message.to_string()),
            ),
        };
        if email_jobs::finish_batched(&self.db, stored.job_id, batch.id, outcome).await? {
            report.count(&handled);
            self.count_reminder(&stored.step, &handled).await;
            self.schedule_after(stored.user_id, stored.invoice_id, &stored.step, books)
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
