//! A dispute of a Stripe payment by the payer's bank, as stored on the payment (or on money
//! paid twice) it is about.

use mongodb::bson::DateTime;
use serde::{Deserialize, Serialize};

/// A dispute of a Stripe payment, as last heard (`domain::dispute` orders the news).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeDoc {
    /// Stripe's id (`dp_…`).
    pub id: String,
    /// What the bank disputed.
    pub amount_minor: i64,
    /// Stripe's status (`needs_response`, `won`, …).
    pub status: String,
    /// How many times Stripe moved money for it: 1 taken back, 2 taken and given back.
    pub moves: u8,
    /// What of the payment the invoice does not count because of it: what was taken back,
    /// while it is; once given back, what the invoice no longer owed by then (to refund).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub uncounted_minor: i64,
    /// The last moment to answer it in Stripe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond_by: Option<DateTime>,
    pub heard_at: DateTime,
}

impl DisputeDoc {
    /// Money that came back from a dispute won after the invoice was settled another way.
    pub fn spare_minor(&self) -> i64 {
        if self.moves >= 2 {
            self.uncounted_minor
        } else {
            0
        }
    }
}

fn is_zero(amount: &i64) -> bool {
    *amount == 0
}
