//! Where the client pays an invoice in the user's own Stripe account, as stored on the invoice
//! (`invoices.stripe`): the payment link or Stripe-hosted invoice and how far it got.

use serde::{Deserialize, Serialize};

use crate::domain::pay_with::PayWith;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripePay {
    pub account_id: String,
    /// The account's mode it was made in: a test key's objects do not exist for the live key.
    /// `None`: made before PayTrack recorded the mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livemode: Option<bool>,
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

    /// Whether a key of `account_id` in this mode reaches it: after going from a test key to
    /// a live one, the test links are out of reach (and take only test money). One made
    /// before the mode was recorded is taken to be reachable, as it was.
    pub fn reached_by(&self, account_id: &str, livemode: bool) -> bool {
        self.account_id == account_id && self.livemode.is_none_or(|made| made == livemode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_with(livemode: Option<bool>) -> StripePay {
        StripePay {
            account_id: "acct_1".to_string(),
            livemode,
            mode: PayWith::PaymentLink,
            object_id: "plink_1".to_string(),
            url: "https://buy.stripe.com/test_1".to_string(),
            amount_minor: 100,
            state: PayState::Open,
            reference: None,
        }
    }

    #[test]
    fn a_link_is_reached_by_a_key_of_its_own_account_and_mode_only() {
        let test_link = made_with(Some(false));
        assert!(test_link.reached_by("acct_1", false));
        assert!(!test_link.reached_by("acct_1", true), "the live key");
        assert!(!test_link.reached_by("acct_2", false), "another account");
        let older = made_with(None);
        assert!(older.reached_by("acct_1", false) && older.reached_by("acct_1", true));
        assert!(!older.reached_by("acct_2", true));
    }
}
