//! How a user's clients pay through the user's own Stripe account, and what each way costs.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayWith {
    /// A Stripe Payment Link for the amount due: Stripe's card fee only.
    #[default]
    PaymentLink,
    /// A finalized Stripe invoice with the same lines, paid on Stripe's invoice page.
    HostedInvoice,
}

impl PayWith {
    pub const ALL: [PayWith; 2] = [PayWith::PaymentLink, PayWith::HostedInvoice];

    pub fn key(self) -> &'static str {
        match self {
            PayWith::PaymentLink => "payment_link",
            PayWith::HostedInvoice => "hosted_invoice",
        }
    }

    pub fn parse(key: &str) -> Option<PayWith> {
        PayWith::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            PayWith::PaymentLink => "Payment link",
            PayWith::HostedInvoice => "Stripe-hosted invoice",
        }
    }

    /// What it costs and what the client sees, for the settings page.
    pub fn explanation(self) -> &'static str {
        match self {
            PayWith::PaymentLink => {
                "Your client pays the amount due on a Stripe checkout page. You pay only Stripe's usual card or bank fee; no Stripe Invoicing fee."
            }
            PayWith::HostedInvoice => {
                "PayTrack copies the invoice's lines into a Stripe invoice and your client pays on Stripe's invoice page (with a PDF from Stripe). Stripe charges its Invoicing fee on top of the payment fee (0.4% per paid invoice on the Starter plan). Stripe's own invoice emails stay off: PayTrack sends the emails."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_unknown_keys_are_refused() {
        for mode in PayWith::ALL {
            assert_eq!(PayWith::parse(mode.key()), Some(mode));
        }
        assert_eq!(PayWith::parse("cheque"), None);
        assert_eq!(PayWith::default(), PayWith::PaymentLink);
    }
}
