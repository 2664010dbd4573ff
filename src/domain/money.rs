//! Money in integer minor units of an ISO 4217 currency. No floats anywhere: amounts are
//! parsed from decimal text and formatted back by string arithmetic on the minor units.

use std::fmt;

use serde::{Deserialize, Serialize};

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

    /// Parses what a person types: "1234.5", "1,234.50", "-3", "  12 ". At most as many
    /// decimals as the currency has; thousands separators only as commas between digit groups.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err("Enter an amount.".to_string());
        }
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, text),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (digits, ""),
        };
        let exponent = currency.exponent() as usize;
        let not_a_number = || format!("“{text}” is not an amount (use digits, like 1,250.00).");
        if whole.is_empty() && fraction.is_empty() {
            return Err(not_a_number());
        }
        if !fraction.chars().all(|c| c.is_ascii_digit()) {
            return Err(not_a_number());
        }
        if fraction.len() > exponent {
            return Err(if exponent == 0 {
                format!("{} has no decimal places.", currency.code())
            } else {
                format!(
                    "{} amounts have at most {exponent} decimal places.",
                    currency.code()
                )
            });
        }
        let whole_digits = parse_grouped(whole).ok_or_else(not_a_number)?;
        let mut minor: i64 = 0;
        let too_large = || "That amount is too large.".to_string();
        for digit in whole_digits.bytes().chain(fraction.bytes()) {
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

/// The digits of `whole`, accepting commas only as correct thousands separators. An empty
/// whole part (".50") is zero.
fn parse_grouped(whole: &str) -> Option<String> {
    if whole.is_empty() {
        return Some("0".to_string());
    }
    if !whole.contains(',') {
        return whole
            .chars()
            .all(|c| c.is_ascii_digit())
            .then(|| whole.to_string());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    let digits_ok = groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    (first_ok && rest_ok && digits_ok).then(|| groups.concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn money(text: &str, currency: Currency) -> Money {
        Money::parse(text, currency).unwrap()
    }

    #[test]
    fn amounts_parse_into_minor_units_per_currency() {
        assert_eq!(money("1,234.56", Currency::USD).minor(), 123_456);
        assert_eq!(money("12.5", Currency::EUR).minor(), 1_250);
        assert_eq!(money("12", Currency::GBP).minor(), 1_200);
        assert_eq!(money(".5", Currency::USD).minor(), 50);
        assert_eq!(money("1500", Currency::JPY).minor(), 1_500);
        assert_eq!(money("1.234", Currency::KWD).minor(), 1_234);
        assert_eq!(money("-3.00", Currency::CHF).minor(), -300);
        assert_eq!(money(" 7 ", Currency::SEK).minor(), 700);
    }

    #[test]
    fn malformed_amounts_say_what_is_wrong() {
        let cases = [
            ("", Currency::USD, "Enter an amount."),
            (
                "12.345",
                Currency::USD,
                "USD amounts have at most 2 decimal places.",
            ),
            ("12.5", Currency::JPY, "JPY has no decimal places."),
            (
                "1.2345",
                Currency::KWD,
                "KWD amounts have at most 3 decimal places.",
            ),
            (
                "99999999999999999999",
                Currency::USD,
                "That amount is too large.",
            ),
        ];
        for (input, currency, message) in cases {
            assert_eq!(
                Money::parse(input, currency).unwrap_err(),
                message,
                "{input}"
            );
        }
        for input in ["abc", "1,23.00", "12,34", "1.2.3", "€5", "1e5", "--1", "."] {
            let err = Money::parse(input, Currency::EUR).unwrap_err();
            assert!(err.contains("is not an amount"), "{input}: {err}");
        }
    }

    #[test]
    fn amounts_display_with_symbol_grouping_and_exact_decimals() {
        assert_eq!(money("1234.5", Currency::USD).to_string(), "$1,234.50");
        assert_eq!(money("-3", Currency::EUR).to_string(), "-€3.00");
        assert_eq!(money("1234567", Currency::JPY).to_string(), "¥1,234,567");
        assert_eq!(money("12.5", Currency::CHF).to_string(), "CHF 12.50");
        assert_eq!(money("0.005", Currency::KWD).to_string(), "KWD 0.005");
        assert_eq!(money("999.99", Currency::GBP).to_string(), "£999.99");
        assert_eq!(
            Money::from_minor(i64::MIN, Currency::USD).to_string(),
            "-$92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies_and_overflow() {
        let usd = money("1", Currency::USD);
        let eur = money("1", Currency::EUR);
        assert_eq!(
            usd.checked_add(eur),
            Err(MoneyError::CurrencyMismatch(Currency::USD, Currency::EUR))
        );
        let max = Money::from_minor(i64::MAX, Currency::USD);
        assert_eq!(max.checked_add(usd), Err(MoneyError::Overflow));
        assert_eq!(usd.checked_sub(usd), Ok(Money::zero(Currency::USD)));
    }

    #[test]
    fn currency_codes_parse_case_insensitively() {
        assert_eq!(Currency::parse(" eur "), Ok(Currency::EUR));
        assert_eq!(
            Currency::parse("XYZ").unwrap_err(),
            "PayTrack doesn't invoice in “XYZ” yet."
        );
        for currency in Currency::ALL {
            assert_eq!(Currency::parse(currency.code()), Ok(currency));
        }
    }

    fn any_currency() -> impl Strategy<Value = Currency> {
        proptest::sample::select(Currency::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn decimal_text_round_trips(minor in -1_000_000_000_000_i64..1_000_000_000_000, currency in any_currency()) {
            let amount = Money::from_minor(minor, currency);
            prop_assert_eq!(Money::parse(&amount.to_decimal_string(), currency), Ok(amount));
        }

        #[test]
        fn displayed_text_round_trips_without_the_prefix(minor in 0_i64..1_000_000_000_000, currency in any_currency()) {
            let amount = Money::from_minor(minor, currency);
            let shown = amount.to_string();
            let number = shown.trim_start_matches(|c: char| !c.is_ascii_digit());
            prop_assert_eq!(Money::parse(number, currency), Ok(amount));
        }

        #[test]
        fn adding_then_subtracting_gives_back_the_start(a in -1_000_000_000_000_i64..1_000_000_000_000, b in -1_000_000_000_000_i64..1_000_000_000_000) {
            let x = Money::from_minor(a, Currency::EUR);
            let y = Money::from_minor(b, Currency::EUR);
            prop_assert_eq!(x.checked_add(y).and_then(|s| s.checked_sub(y)), Ok(x));
        }

        #[test]
        fn parsing_never_panics(input in "\\PC{0,40}", currency in any_currency()) {
            let _ = Money::parse(&input, currency);
        }
    }
}
