//! How the client of a draft will be able to pay once it is sent: told before sending, because
//! an invoice that says nothing about paying is chased for money nobody can send.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayWay {
    /// A Stripe payment page, in the email and on the client's page.
    Stripe,
    /// The bank details from the business profile, printed on the invoice.
    Bank,
    /// Neither. `needs_pro`: Stripe alone would not help, payment pages being part of Pro.
    Unsaid { needs_pro: bool },
}

impl PayWay {
    /// `links`: this user's sent invoices get a Stripe payment page (Pro, Stripe connected).
    pub fn of(links: bool, bank_details: bool, on_pro: bool) -> PayWay {
        match (links, bank_details) {
            (true, _) => PayWay::Stripe,
            (false, true) => PayWay::Bank,
            (false, false) => PayWay::Unsaid { needs_pro: !on_pro },
        }
    }

    /// What would give the client a way to pay, in plain words (for a question in a dialog);
    /// `None` when there is one.
    pub fn remedy(self) -> Option<&'static str> {
        match self {
            PayWay::Stripe | PayWay::Bank => None,
            PayWay::Unsaid { needs_pro: true } => Some(
                "add how to pay by bank in Business details, or upgrade to Pro for a Stripe payment page",
            ),
            PayWay::Unsaid { needs_pro: false } => Some(
                "connect Stripe for a payment page, or add how to pay by bank in Business details",
            ),
        }
    }

    /// The words after "Sending emails it to …": what the client gets.
    pub fn what_the_client_gets(self) -> &'static str {
        match self {
            PayWay::Stripe => "with a private link to view it and pay through Stripe",
            PayWay::Bank => {
                "with a private link to view it, and your bank details to pay by transfer"
            }
            PayWay::Unsaid { .. } => "with a private link to view it",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_comes_first_then_the_bank_and_otherwise_what_is_missing() {
        assert_eq!(PayWay::of(true, true, true), PayWay::Stripe);
        assert_eq!(PayWay::of(false, true, false), PayWay::Bank);
        assert_eq!(
            PayWay::of(false, false, false),
            PayWay::Unsaid { needs_pro: true }
        );
        assert_eq!(
            PayWay::of(false, false, true),
            PayWay::Unsaid { needs_pro: false }
        );
    }
}
