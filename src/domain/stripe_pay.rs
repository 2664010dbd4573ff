//! Where the client pays an invoice in the user's own Stripe account, as stored on the invoice
//! (`invoices.stripe`): the payment link or Stripe-hosted invoice and how far it got.

use serde::{Deserialize, Serialize};

use crate::domain::pay_with::PayWith;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripePay {
    pub account_id: String,
    pub mode: PayWith,
    /// `plink_…` or `in_…`.
    pub object_id: String,
    pub url: String,
    /// What this link or invoice collects.
    pub amount_minor: i64,
    pub state: PayState,
    /// The checkout session (payment links) or invoice that last moved the state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayState {
    /// Waiting for the client.
    Open,
    /// Paid with a method that settles later (a bank debit): not paid until it does.
    Processing,
    Paid,
    /// The last attempt failed; the link still works.
    Failed,
    /// Deactivated or voided: nothing can be paid through it.
    Closed,
}

impl StripePay {
    /// Still able to take the client's money (not closed, not already paid).
    pub fn takes_payments(&self) -> bool {
        self.state != PayState::Closed && self.state != PayState::Paid
    }
}
