//! A job as stored: its state and what became of it.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, doc};
use serde::{Deserialize, Serialize};

use super::super::schema::EMAIL_JOBS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Scheduled,
    Claimed,
    /// Handed to a batch (`email_batches`), which records it: no claim can take it back.
    Batched,
    Sent,
    Skipped,
    Failed,
    Cancelled,
}

impl JobState {
    pub(super) fn code(self) -> &'static str {
        match self {
            JobState::Scheduled => "scheduled",
            JobState::Claimed => "claimed",
            JobState::Batched => "batched",
            JobState::Sent => "sent",
            JobState::Skipped => "skipped",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailJobDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub user_id: ObjectId,
    pub invoice_id: ObjectId,
    /// `Step::key()`: "invoice" or "reminder:<offset>".
    pub step: String,
    pub state: JobState,
    /// When it is to go out (scheduled), or went out.
    pub due_at: DateTime,
    #[serde(default)]
    pub lease_until: Option<DateTime>,
    /// Which claim holds the lease; recording requires it, so a claim that lost its lease
    /// cannot overwrite the one that took over.
    #[serde(default)]
    pub claim: Option<String>,
    /// The batch it went into, if it went out with others.
    #[serde(default)]
    pub batch: Option<ObjectId>,
    #[serde(default)]
    pub attempts: i32,
    /// When its email was first handed to the mailer on its own: Resend keeps the key a day,
    /// so a repeat is only safe within that day.
    #[serde(default)]
    pub tried_at: Option<DateTime>,
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub provider_id: Option<String>,
    #[serde(default)]
    pub sent_at: Option<DateTime>,
    /// A `SkipReason` code, or the provider's message for a failure.
    #[serde(default)]
    pub reason: Option<String>,
    /// What Resend reported afterwards: "delivered", "bounced" or "complained".
    #[serde(default)]
    pub delivery: Option<String>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl EmailJobDoc {
    /// A new job for `step` of an invoice, due at `due_at`.
    pub fn scheduled(owner: ObjectId, invoice: ObjectId, step: &str, due_at: DateTime) -> Self {
        let now = DateTime::now();
        EmailJobDoc {
            id: ObjectId::new(),
            user_id: owner,
            invoice_id: invoice,
            step: step.to_string(),
            state: JobState::Scheduled,
            due_at,
            lease_until: None,
            claim: None,
            batch: None,
            attempts: 0,
            tried_at: None,
            to: Vec::new(),
            subject: None,
            provider_id: None,
            sent_at: None,
            reason: None,
            delivery: None,
            created_at: now,
            updated_at: now,
        }
    }
}

pub(super) fn jobs(db: &Database) -> mongodb::Collection<EmailJobDoc> {
    db.collection::<EmailJobDoc>(EMAIL_JOBS)
}
