//! What the engine's passes and jobs come to: a pass's report, how one job ended, and an
//! email ready to go with the job it is for.

use std::time::Duration;

use jiff::SignedDuration;

use crate::domain::reminder_schedule::SkipReason;
use crate::server::db::email_jobs::EmailJobDoc;
use crate::server::email::Email;

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
    /// Requests to Resend's batch endpoint.
    pub batches: usize,
    /// Sent invoices whose email was not on the schedule, found and scheduled by the sweep.
    pub rescheduled: usize,
    /// Credit notes whose email had not gone when they were issued, emailed now.
    pub credit_notes: usize,
    /// Where the time went: finding and claiming due work; reading invoices and deciding;
    /// sending and recording (and scheduling the next steps).
    pub claiming: Duration,
    pub deciding: Duration,
    pub delivering: Duration,
}

/// How one job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Resend's id, unknown when only its `409 invalid_idempotent_request` said it went.
    Sent {
        provider_id: Option<String>,
    },
    Skipped(SkipReason),
    Failed(String),
    Deferred,
    Lost,
}

/// What deciding about a job comes to.
pub(super) enum Decision {
    Done(Handled),
    Send(Box<Prepared>),
}

/// An email ready to go, with the job it is for.
pub(super) struct Prepared {
    pub job: EmailJobDoc,
    pub email: Email,
}

/// How long after its first try a request may be repeated under its key.
pub(super) const KEY_LIFETIME: SignedDuration =
    SignedDuration::from_hours(crate::domain::email::KEY_LIFETIME_HOURS);

/// Why a job tried before, longer ago than `KEY_LIFETIME`, is not tried again.
pub(super) const UNCONFIRMED: &str = "Resend did not confirm this email within a day of the first try. PayTrack does not send it again, in case the first try reached the client.";

/// What one send came to.
pub(super) enum Verdict {
    /// Sent; Resend's id unless only its `409 invalid_idempotent_request` said so.
    Sent(Option<String>),
    /// Not sent for a passing reason: try again at that time.
    Later(jiff::Timestamp, String),
    /// Not sent, for good.
    Failed(String),
}

/// The email's own idempotency key: the same for every attempt at this step of this invoice.
pub(super) fn email_key(job: &EmailJobDoc) -> String {
    format!("paytrack-{}-{}", job.invoice_id, job.step)
}

pub(super) fn recipients_of(email: &Email) -> Vec<String> {
    std::iter::once(email.to.to_string())
        .chain(email.cc.iter().map(ToString::to_string))
        .collect()
}

impl TickReport {
    /// Adds what another part of the tick did.
    pub fn add(&mut self, other: &TickReport) {
        self.claimed += other.claimed;
        self.sent += other.sent;
        self.skipped += other.skipped;
        self.failed += other.failed;
        self.deferred += other.deferred;
        self.lost += other.lost;
        self.batches += other.batches;
        self.rescheduled += other.rescheduled;
        self.credit_notes += other.credit_notes;
        self.claiming += other.claiming;
        self.deciding += other.deciding;
        self.delivering += other.delivering;
    }

    pub(super) fn count(&mut self, handled: &Handled) {
        match handled {
            Handled::Sent { .. } => self.sent += 1,
            Handled::Skipped(_) => self.skipped += 1,
            Handled::Failed(_) => self.failed += 1,
            Handled::Deferred => self.deferred += 1,
            Handled::Lost => self.lost += 1,
        }
    }
}
