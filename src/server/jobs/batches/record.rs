//! Recording what became of each email of a batch, and sending a refused batch's emails one
//! by one. Every record goes through `finish_batched`, so only the batch records its jobs.

use std::collections::HashMap;

use futures::FutureExt;
use mongodb::bson::oid::ObjectId;

use super::from_batch_email;
use crate::server::db::email_batches::{self, BatchDoc, BatchEmail, SentId};
use crate::server::db::email_jobs::{self, Outcome};
use crate::server::jobs::books::Books;
use crate::server::jobs::engine::Engine;
use crate::server::jobs::holds::Hold;
use crate::server::jobs::outcome::{Handled, TickReport, UNCONFIRMED, Verdict};
use crate::server::jobs::plan::to_bson;
use crate::server::jobs::single::sent_reminder;

/// A batch being delivered by a claim, with what holds its emails back and the books its
/// records schedule from.
#[derive(Clone, Copy)]
pub(super) struct Pending<'a> {
    pub batch: &'a BatchDoc,
    pub claim: &'a str,
    pub holds: &'a HashMap<ObjectId, Hold>,
    pub books: &'a Books,
}

/// What becomes of an email of the batch.
#[derive(Clone, Copy)]
pub(super) enum Fate<'a> {
    /// Resend accepted it (with this id, when it said).
    Sent(Option<&'a str>),
    Failed(&'a str),
    Held(Hold),
    /// It did not go and nothing holds it: it goes on its own now, under its own key.
    Again,
}

impl Engine {
    /// Records every email of the batch — those in `sent` as sent, the held ones as what holds
    /// them, the rest as `rest` — then the batch itself.
    pub(super) async fn settle(
        &self,
        pending: &Pending<'_>,
        sent: Option<&[SentId]>,
        rest: Fate<'_>,
        report: &mut TickReport,
    ) -> Result<(), mongodb::error::Error> {
        let (batch, holds) = (pending.batch, pending.holds);
        let fates: Vec<(&BatchEmail, Fate<'_>)> = batch
            .emails
            .iter()
            .map(|stored| {
                let went = sent.and_then(|s| s.iter().find(|s| s.job_id == stored.job_id));
                let fate = match (went, holds.get(&stored.job_id)) {
                    (Some(went), _) => Fate::Sent(went.provider_id.as_deref()),
                    // Whether an earlier request took it is unknown: a hold that can lift
                    // (pause, snooze) must not bring it back under its own key later.
                    (None, Some(Hold::Cancel(_) | Hold::Until(_))) if sent.is_none() => {
                        Fate::Failed(UNCONFIRMED)
                    }
                    (None, Some(&hold)) => Fate::Held(hold),
                    (None, None) => rest,
                };
                (stored, fate)
            })
            .collect();
        // Each job's record is its own write; a group of them goes at once. The batch's
        // reminders are counted in the usage figures together, in one write.
        let mut reminders = 0;
        for group in fates.chunks(self.concurrency) {
            let records = group.iter().map(|&(stored, fate)| {
                // Boxed so the compiler sees a `Send` future for these exact lifetimes.
                async move {
                    let mut counted = TickReport::default();
                    self.record_one(pending, stored, fate, &mut counted)
                        .await
                        .map(|reminder| (counted, reminder))
                }
                .boxed()
            });
            for recorded in futures::future::join_all(records).await {
                let (counted, reminder) = recorded?;
                report.add(&counted);
                reminders += i64::from(reminder);
            }
        }
        self.count_reminders(reminders).await;
        email_batches::mark_recorded(&self.db, batch.id, pending.claim, to_bson(self.now()))
            .await?;
        Ok(())
    }

    /// Each email of a batch whose first request Resend refused whole, on its own under its
    /// own key (a retry after a crash repeats those keys, so nothing goes twice).
    pub(super) async fn send_one_by_one(
        &self,
        pending: &Pending<'_>,
        report: &mut TickReport,
    ) -> Result<(), mongodb::error::Error> {
        let (batch, holds) = (pending.batch, pending.holds);
        let mut reminders = 0;
        for stored in &batch.emails {
            let fate = if let Some(&hold) = holds.get(&stored.job_id) {
                Fate::Held(hold)
            } else if let Some(email) = from_batch_email(stored) {
                match self.verdict(self.mailer.send(&email).await, batch.attempts) {
                    Verdict::Sent(id) => {
                        let sent = Fate::Sent(id.as_deref());
                        reminders +=
                            i64::from(self.record_one(pending, stored, sent, report).await?);
                        continue;
                    }
                    Verdict::Failed(message) => {
                        let failed = Fate::Failed(&message);
                        self.record_one(pending, stored, failed, report).await?;
                        continue;
                    }
                    Verdict::Later(at, _) => {
                        // The rest waits with the batch, which stays split.
                        self.count_reminders(reminders).await;
                        email_batches::retry_at(&self.db, batch.id, pending.claim, to_bson(at))
                            .await?;
                        report.deferred += 1;
                        return Ok(());
                    }
                }
            } else {
                Fate::Failed("The address is not valid.")
            };
            self.record_one(pending, stored, fate, report).await?;
        }
        self.count_reminders(reminders).await;
        email_batches::mark_recorded(&self.db, batch.id, pending.claim, to_bson(self.now()))
            .await?;
        Ok(())
    }

    /// Records one job of a batch; after a send or a failure, schedules its invoice's next
    /// reminder. True when it recorded a reminder sent (for the usage figures).
    async fn record_one(
        &self,
        pending: &Pending<'_>,
        stored: &BatchEmail,
        fate: Fate<'_>,
        report: &mut TickReport,
    ) -> Result<bool, mongodb::error::Error> {
        let (batch, books) = (pending.batch, pending.books);
        let to = std::iter::once(stored.to.clone())
            .chain(stored.cc.iter().cloned())
            .collect::<Vec<_>>();
        let (outcome, handled) = match fate {
            Fate::Sent(provider_id) => (
                Outcome::Sent {
                    to: &to,
                    subject: &stored.subject,
                    provider_id,
                    at: to_bson(self.now()),
                },
                Handled::Sent {
                    provider_id: provider_id.map(str::to_string),
                },
            ),
            Fate::Failed(message) => (
                Outcome::Failed {
                    to: &to,
                    subject: &stored.subject,
                    message,
                },
                Handled::Failed(message.to_string()),
            ),
            Fate::Held(Hold::Skip(reason)) => (
                Outcome::Skipped {
                    reason: reason.code(),
                },
                Handled::Skipped(reason),
            ),
            Fate::Held(Hold::Cancel(reason)) => (
                Outcome::Cancelled {
                    reason: reason.code(),
                },
                Handled::Skipped(reason),
            ),
            Fate::Held(Hold::Until(at)) => (
                Outcome::Retry {
                    due_at: to_bson(at),
                    message: None,
                },
                Handled::Deferred,
            ),
            Fate::Again => (
                Outcome::Retry {
                    due_at: to_bson(self.now()),
                    message: None,
                },
                Handled::Deferred,
            ),
        };
        if !email_jobs::finish_batched(&self.db, stored.job_id, batch.id, outcome).await? {
            return Ok(false);
        }
        report.count(&handled);
        if matches!(handled, Handled::Sent { .. } | Handled::Failed(_)) {
            self.schedule_after(stored.user_id, stored.invoice_id, &stored.step, books)
                .await?;
        }
        Ok(sent_reminder(&stored.step, &handled))
    }
}
