//! Money in integer minor units of an ISO 4217 currency. No floats anywhere: amounts are
//! parsed from decimal text and formatted back by string arithmetic on the minor units.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::written_number::{self, Digits, Written};

/// The currencies PayTrack invoices in, with their ISO 4217 exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    USD,
    EUR,
    GBP,
    CAD,
    AUD,
    CHF,
    JPY,
    SEK,
    NOK,
    DKK,
    PLN,
    INR,
    BRL,
    MXN,
    KWD,
}

impl Currency {
    pub const ALL: [Currency; 15] = [
        Currency::USD,
        Currency::EUR,
        Currency::GBP,
        Currency::CAD,
        Currency::AUD,
        Currency::CHF,
        Currency::JPY,
        Currency::SEK,
        Currency::NOK,
        Currency::DKK,
        Currency::PLN,
        Currency::INR,
        Currency::BRL,
        Currency::MXN,
        Currency::KWD,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::USD => "USD",
            Currency::EUR => "EUR",
            Currency::GBP => "GBP",
            Currency::CAD => "CAD",
            Currency::AUD => "AUD",
            Currency::CHF => "CHF",
            Currency::JPY => "JPY",
            Currency::SEK => "SEK",
            Currency::NOK => "NOK",
            Currency::DKK => "DKK",
            Currency::PLN => "PLN",
            Currency::INR => "INR",
            Currency::BRL => "BRL",
            Currency::MXN => "MXN",
            Currency::KWD => "KWD",
        }
    }

    /// Digits after the decimal point (ISO 4217 minor unit).
    pub fn exponent(self) -> u32 {
        match self {
            Currency::JPY => 0,
            Currency::KWD => 3,
            _ => 2,
        }
    }

    /// What goes before the amount: a symbol where it is unambiguous, else the code and a space.
    fn prefix(self) -> &'static str {
        match self {
            Currency::USD => "$",
            Currency::EUR => "€",
            Currency::GBP => "£",
            Currency::CAD => "CA$",
            Currency::AUD => "A$",
            Currency::JPY => "¥",
            Currency::INR => "₹",
            Currency::BRL => "R$",
            Currency::MXN => "MX$",
            Currency::CHF => "CHF ",
            Currency::SEK => "SEK ",
            Currency::NOK => "NOK ",
            Currency::DKK => "DKK ",
            Currency::PLN => "PLN ",
            Currency::KWD => "KWD ",
        }
    }

    /// The signs an amount in this currency may be typed with: the one PayTrack writes, the
    /// code, and for dollars and pesos a bare "$".
    fn signs(self) -> impl Iterator<Item = &'static str> {
        let dollar = matches!(
            self,
            Currency::USD | Currency::CAD | Currency::AUD | Currency::MXN
        );
        [self.prefix().trim_end(), self.code()]
            .into_iter()
            .chain(dollar.then_some("$"))
    }

    /// `text` without this currency's sign before or after the number ("$1,200.00",
    /// "CHF 12.50", "80 €"), or `None` when it carries no sign of its own.
    fn without_sign(self, text: &str) -> Option<&str> {
        self.signs().find_map(|sign| {
            text.strip_prefix(sign)
                .map(str::trim_start)
                .or_else(|| text.strip_suffix(sign).map(str::trim_end))
        })
    }

    pub fn parse(code: &str) -> Result<Self, String> {
        let upper = code.trim().to_ascii_uppercase();
        Currency::ALL
            .into_iter()
            .find(|c| c.code() == upper)
            .ok_or_else(|| format!("PayTrack doesn't invoice in “{}” yet.", code.trim()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("Amounts in {0} and {1} can't be combined.")]
    CurrencyMismatch(Currency, Currency),
    #[error("That amount is too large.")]
    Overflow,
}

/// An amount of one currency, in its minor units (cents; yen; fils for KWD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::from_minor(0, currency)
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn is_negative(self) -> bool {
        self.minor < 0
    }

    /// Parses what a person types: "1234.5", "1,234.50", "-3", "  12 ", and the European way,
    /// "1.234,50", "12,5" (`written_number`). At most as many decimals as the currency has.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err("Enter an amount.".to_string());
        }
        let (negative, signed) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, text),
        };
        // The amount as PayTrack shows it ("$1,200.00") reads back; another currency's sign is
        // named rather than guessed at.
        let digits = match currency.without_sign(signed) {
            Some(number) => number,
            None if Currency::ALL
                .into_iter()
                .any(|other| other.without_sign(signed).is_some()) =>
            {
                return Err(format!(
                    "“{text}” is in another currency: this amount is in {}.",
                    currency.code()
                ));
            }
            None => signed,
        };
        let exponent = currency.exponent() as usize;
        let not_a_number = || format!("“{text}” is not an amount (use digits, like 1,250.00).");
        let (Digits { whole, fraction }, meant_thousands) = match written_number::read(digits) {
            Written::Number(number) => (number, None),
            // A comma grouping thousands is how PayTrack shows amounts, and no currency it
            // invoices in has three decimals except KWD, which PayTrack shows as 1,500.000.
            Written::Unclear {
                separator: ',',
                grouped,
                ..
            } => (grouped, None),
            // "1.500": KWD's own way, otherwise too many decimals, or thousands grouped the
            // European way. Not guessed: a slip of the finger would be a thousand times more.
            Written::Unclear {
                grouped, decimal, ..
            } => (decimal, Some(grouped.whole)),
            Written::NotANumber => return Err(not_a_number()),
        };
        if fraction.len() > exponent {
            let limit = if exponent == 0 {
                format!("{} has no decimal places", currency.code())
            } else {
                format!(
                    "{} amounts have at most {exponent} decimal places",
                    currency.code()
                )
            };
            return Err(match meant_thousands {
                Some(whole) => format!("{limit}: for {whole}, leave out the point."),
                None => format!("{limit}."),
            });
        }
        let mut minor: i64 = 0;
        let too_large = || "That amount is too large.".to_string();
        for digit in whole.bytes().chain(fraction.bytes()) {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(digit - b'0')))
                .ok_or_else(too_large)?;
        }
        for _ in fraction.len()..exponent {
            minor = minor.checked_mul(10).ok_or_else(too_large)?;
        }
        Ok(Self::from_minor(
            if negative { -minor } else { minor },
            currency,
        ))
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }

    /// The amount as plain decimal text without grouping or symbol ("-1234.50"): what a form
    /// field shows, and what `parse` reads back to the same value.
    pub fn to_decimal_string(self) -> String {
        let (whole, fraction) = self.split();
        let sign = if self.minor < 0 { "-" } else { "" };
        match fraction {
            Some(fraction) => format!("{sign}{whole}.{fraction}"),
            None => format!("{sign}{whole}"),
        }
    }

    /// Whole units and the zero-padded fraction digits of the absolute value.
    fn split(self) -> (String, Option<String>) {
        let exponent = self.currency.exponent();
        let absolute = self.minor.unsigned_abs();
        let scale = 10u64.pow(exponent);
        let whole = (absolute / scale).to_string();
        let fraction = (exponent > 0)
            .then(|| format!("{:0width$}", absolute % scale, width = exponent as usize));
        (whole, fraction)
    }
}

/// For display: "$1,234.56", "-€3.00", "¥1,235", "CHF 12.50", "KWD 1.234".
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, fraction) = self.split();
        let sign = if self.minor < 0 { "-" } else { "" };
        write!(
            f,
            "{sign}{}{}",
            self.currency.prefix(),
            group_thousands(&whole)
        )?;
        if let Some(fraction) = fraction {
            write!(f, ".{fraction}")?;
        }
        Ok(())
    }
}

/// Digits with commas every three from the right.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
