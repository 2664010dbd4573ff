//! A payment the user records by hand (a bank transfer, a cheque): parsed from the form against
//! what is still owed, so an invoice can never be paid more than its total.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;
use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMethod {
    BankTransfer,
    Card,
    Cash,
    Cheque,
    Stripe,
    Other,
}

impl PaymentMethod {
    /// What the user can pick when recording a payment by hand (Stripe records its own).
    pub const MANUAL: [PaymentMethod; 5] = [
        PaymentMethod::BankTransfer,
        PaymentMethod::Card,
        PaymentMethod::Cash,
        PaymentMethod::Cheque,
        PaymentMethod::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Card => "card",
            PaymentMethod::Cash => "cash",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::Stripe => "stripe",
            PaymentMethod::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::BankTransfer => "Bank transfer",
            PaymentMethod::Card => "Card",
            PaymentMethod::Cash => "Cash",
            PaymentMethod::Cheque => "Cheque",
            PaymentMethod::Stripe => "Stripe",
            PaymentMethod::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInput {
    pub amount: String,
    pub date: String,
    pub method: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub amount: Money,
    pub date: CalendarDate,
    pub method: PaymentMethod,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentErrors {
    pub amount: Option<String>,
    pub date: Option<String>,
    pub method: Option<String>,
}

impl PaymentInput {
    /// `due` is what is left on the invoice (owed, or written off); `today` is the user's local
    /// date.
    pub fn parse(&self, due: Money, today: CalendarDate) -> Result<Payment, Box<PaymentErrors>> {
        let mut errors = PaymentErrors::default();
        let amount = match Money::parse(&self.amount, due.currency()) {
            Ok(amount) if amount.minor() <= 0 => {
                errors.amount = Some("Enter an amount above zero.".to_string());
                None
            }
            Ok(amount) if amount.minor() > due.minor() => {
                errors.amount = Some(format!("That is more than the {due} left on this invoice."));
                None
            }
            Ok(amount) => Some(amount),
            Err(message) => {
                errors.amount = Some(message);
                None
            }
        };
        let date = match CalendarDate::parse(&self.date) {
            Ok(date) if date > today => {
                errors.date = Some("A payment can't be dated in the future.".to_string());
                None
            }
            Ok(date) => Some(date),
            Err(message) => {
                errors.date = Some(message);
                None
            }
        };
        let method = PaymentMethod::MANUAL
            .into_iter()
            .find(|m| m.key() == self.method.trim());
        if method.is_none() {
            errors.method = Some("Choose how the client paid.".to_string());
        }
        match (amount, date, method) {
            (Some(amount), Some(date), Some(method)) => Ok(Payment {
                amount,
                date,
                method,
            }),
            _ => Err(Box::new(errors)),
        }
    }
}

/// `typed` as money of a payment given back to the client, when `left` of the payment is not
/// refunded yet: above zero and no more than that; or what to say.
pub fn refund_amount(typed: &str, left: Money) -> Result<Money, String> {
    if left.minor() <= 0 {
        return Err("All of this payment is refunded already.".to_string());
    }
    let amount = Money::parse(typed, left.currency())?;
    if amount.minor() <= 0 {
        return Err("Enter an amount above zero to refund.".to_string());
    }
    if amount.minor() > left.minor() {
        return Err(format!(
            "That is more than the {left} of this payment not yet refunded."
        ));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn today() -> CalendarDate {
        CalendarDate::parse("2026-11-27").unwrap()
    }

    fn input(amount: &str, date: &str, method: &str) -> PaymentInput {
        PaymentInput {
            amount: amount.into(),
            date: date.into(),
            method: method.into(),
        }
    }

    #[test]
    fn a_part_payment_is_accepted() {
        let due = Money::from_minor(10_000, Currency::EUR);
        let payment = input("40.50", "2026-11-27", "bank_transfer")
            .parse(due, today())
            .unwrap();
        assert_eq!(payment.amount.minor(), 4_050);
        assert_eq!(payment.method, PaymentMethod::BankTransfer);
    }

    #[test]
    fn payments_above_what_is_owed_or_in_the_future_are_refused() {
        let due = Money::from_minor(10_000, Currency::EUR);
        let errors = input("100.01", "2026-11-28", "stripe")
            .parse(due, today())
            .unwrap_err();
        assert!(errors.amount.unwrap().contains("€100.00"));
        assert!(errors.date.unwrap().contains("future"));
        // Stripe payments arrive from Stripe, not from the form.
        assert!(errors.method.is_some());
        let errors = input("0", "yesterday", "cash")
            .parse(due, today())
            .unwrap_err();
        assert!(errors.amount.unwrap().contains("above zero"));
        assert!(errors.date.is_some());
    }

    #[test]
    fn a_refund_is_above_zero_and_at_most_what_is_left_of_the_payment() {
        let left = Money::from_minor(6_000, Currency::EUR);
        let minor = |typed: &str| refund_amount(typed, left).map(Money::minor);
        assert_eq!(minor("40"), Ok(4_000));
        assert_eq!(minor("60.00"), Ok(6_000));
        assert_eq!(
            minor("60.01").unwrap_err(),
            format!("That is more than the {left} of this payment not yet refunded.")
        );
        assert!(minor("0").unwrap_err().contains("above zero"));
        assert!(minor("-5").is_err());
        assert!(minor("ten").is_err());
        let none_left = Money::from_minor(0, Currency::EUR);
        assert!(
            refund_amount("40", none_left)
                .unwrap_err()
                .contains("refunded already")
        );
    }
}
