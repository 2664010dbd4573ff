//! Sending several emails in one request to Resend's batch endpoint without giving up "once
//! per (invoice, step)". A batch is written with its rendered emails before it is sent, and
//! every retry goes under the batch's key (see `db::email_batches`).
//!
//! A retry first reads the invoices again and leaves out what must not go now (paid, void,
//! paused, snoozed, deleted). If the request then differs from one tried before and Resend
//! answers `409 invalid_idempotent_request`, an earlier request was accepted: the earlier
//! requests are asked again, newest first, and the one Resend answers with its ids is the one
//! that went. A refusal of the batch's very first request (nothing went) sends its emails one
//! by one under their own keys; a refusal of a retry never does, since the first may have
//! gone. `docs/architecture.md` has the whole state machine with its crash points.

use std::collections::{HashMap, HashSet};

use mongodb::bson::oid::ObjectId;

use super::books::Books;
use super::engine::Engine;
use super::holds::{Hold, hold};
use super::outcome::{KEY_LIFETIME, Prepared, TickReport, UNCONFIRMED};
use super::plan::{from_bson, to_bson};
use crate::domain::email::EmailAddress;
use crate::domain::reminder_schedule::Step;
use crate::server::db::Lease;
use crate::server::db::email_batches::{self, BatchDoc, BatchEmail, BatchState, SentId};
use crate::server::db::email_jobs;
use crate::server::email::{Email, MailError};

mod record;

use record::{Fate, Pending};

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
        // Emails with attachments never join a batch (see `Engine::pass`).
        attachments: Vec::new(),
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
        // A batch just written was decided a moment ago; one tried before is checked again.
        let holds = if batch.tried.is_empty() {
            HashMap::new()
        } else {
            self.holds(&batch, books)
        };
        let past_key = from_bson(batch.created_at)
            .checked_add(KEY_LIFETIME)
            .is_ok_and(|until| until <= self.now());
        let pending = Pending {
            batch: &batch,
            claim,
            holds: &holds,
            books,
        };
        match batch.state {
            BatchState::Sent => {
                let sent = batch.sent_ids.clone();
                self.settle(&pending, Some(&sent), Fate::Again, report)
                    .await
            }
            _ if past_key && !batch.tried.is_empty() => {
                self.settle(&pending, None, Fate::Failed(UNCONFIRMED), report)
                    .await
            }
            BatchState::Split => self.send_one_by_one(&pending, report).await,
            BatchState::Claimed | BatchState::Recorded => {
                self.send_claimed(batch.clone(), claim, &holds, books, report)
                    .await
            }
        }
    }

    /// What holds each email of the batch back now (see `holds::hold`).
    fn holds(&self, batch: &BatchDoc, books: &Books) -> HashMap<ObjectId, Hold> {
        let now = self.now();
        batch
            .emails
            .iter()
            .filter_map(|e| {
                let invoice = books.invoice(e.user_id, e.invoice_id);
                let client = invoice.and_then(|i| books.client(e.user_id, i.client_id));
                let step = Step::from_key(&e.step);
                let held = hold(step, books.user(e.user_id), invoice, client, now)?;
                Some((e.job_id, held))
            })
            .collect()
    }

    /// Sends a batch that Resend has not (to PayTrack's knowledge) accepted yet.
    async fn send_claimed(
        &self,
        mut batch: BatchDoc,
        claim: &str,
        holds: &HashMap<ObjectId, Hold>,
        books: &Books,
        report: &mut TickReport,
    ) -> Result<(), mongodb::error::Error> {
        // Each request holds what the one before held, less what must not go now.
        let last = batch.tried.last();
        let current: Vec<&BatchEmail> = batch
            .emails
            .iter()
            .filter(|e| last.is_none_or(|l| l.contains(&e.job_id)))
            .filter(|e| !holds.contains_key(&e.job_id))
            .collect();
        let ids: Vec<ObjectId> = current.iter().map(|e| e.job_id).collect();
        let emails: Vec<Email> = current.iter().filter_map(|e| from_batch_email(e)).collect();
        let new_request = last != Some(&ids);
        if !ids.is_empty() && new_request {
            if !email_batches::note_tried(&self.db, batch.id, claim, &ids).await? {
                report.lost += ids.len();
                return Ok(());
            }
            batch.tried.push(ids.clone());
        }
        let pending = Pending {
            batch: &batch,
            claim,
            holds,
            books,
        };
        if ids.is_empty() {
            // Nothing may go. Whether an earlier try reached Resend cannot be learnt without
            // sending; what is not held back now is recorded as unconfirmed, not sent again.
            return self
                .settle(&pending, None, Fate::Failed(UNCONFIRMED), report)
                .await;
        }
        report.batches += 1;
        crate::server::metrics::get()
            .batch_size
            .observe(emails.len() as f64);
        let answer = match self.mailer.send_batch(&emails, &batch.key()).await {
            Ok(provider_ids) => Ok(sent_ids(&ids, provider_ids)),
            Err(MailError::AlreadyAccepted) => self.probe(&batch).await.map(|found| {
                // No earlier request could be asked again (an email left the batch when its
                // account was deleted). Every earlier one held all of these: they went.
                found.unwrap_or_else(|| {
                    let unknown = |&job_id| SentId {
                        job_id,
                        provider_id: None,
                    };
                    ids.iter().map(unknown).collect()
                })
            }),
            Err(err) => Err(err),
        };
        match answer {
            Ok(sent) => {
                if !email_batches::mark_sent(&self.db, batch.id, claim, &sent).await? {
                    report.lost += ids.len();
                    return Ok(());
                }
                self.settle(&pending, Some(&sent), Fate::Again, report)
                    .await
            }
            // The batch's very first request, refused as a whole: nothing of it went.
            Err(MailError::Rejected(message))
                if batch.attempts == 1 && batch.tried.len() == 1 && ids.len() > 1 =>
            {
                tracing::warn!(batch = %batch.id, %message, "Resend refused a batch; sending its emails one by one");
                if email_batches::mark_split(&self.db, batch.id, claim).await? {
                    self.send_one_by_one(&pending, report).await?;
                }
                Ok(())
            }
            Err(err) => match self.failure(&err, batch.attempts) {
                Err(at) => {
                    email_batches::retry_at(&self.db, batch.id, claim, to_bson(at)).await?;
                    report.deferred += ids.len();
                    Ok(())
                }
                Ok(message) => {
                    self.settle(&pending, None, Fate::Failed(&message), report)
                        .await
                }
            },
        }
    }

    /// After a `409 invalid_idempotent_request`: asks Resend again with each earlier request,
    /// newest first. Exactly one of them was accepted, so each answer is either that one's
    /// ids again or another 409: nothing is sent anew. `None` when no earlier request can be
    /// rebuilt.
    async fn probe(&self, batch: &BatchDoc) -> Result<Option<Vec<SentId>>, MailError> {
        for ids in batch.tried.iter().rev().skip(1) {
            let stored: Option<Vec<&BatchEmail>> = ids
                .iter()
                .map(|id| batch.emails.iter().find(|e| e.job_id == *id))
                .collect();
            let Some(stored) = stored else { continue };
            let emails: Vec<Email> = stored.iter().filter_map(|e| from_batch_email(e)).collect();
            match self.mailer.send_batch(&emails, &batch.key()).await {
                Ok(provider_ids) => return Ok(Some(sent_ids(ids, provider_ids))),
                Err(MailError::AlreadyAccepted | MailError::Rejected(_)) => continue,
                Err(err) => return Err(err),
            }
        }
        Ok(None)
    }
}

fn sent_ids(jobs: &[ObjectId], provider_ids: Vec<String>) -> Vec<SentId> {
    jobs.iter()
        .zip(provider_ids)
        .map(|(&job_id, provider_id)| SentId {
            job_id,
            provider_id: Some(provider_id),
        })
        .collect()
}

#[cfg(test)]
mod tests;
