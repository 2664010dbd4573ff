//! Invoice numbers: the user's prefix and a per-user sequence, e.g. `INV-0042`, or a series
//! that starts again each year, e.g. `INV-2026-0001`.

use serde::{Deserialize, Serialize};

/// A prefix the user chose for their invoice numbers ("INV-", "2026/", "ACME-").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberPrefix(String);

impl NumberPrefix {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.chars().count() > 12 {
            return Err("Keep the prefix to 12 characters or fewer.".to_string());
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_/.#".contains(c))
        {
            return Err("Use letters, digits and - _ / . # in the prefix.".to_string());
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for NumberPrefix {
    fn default() -> Self {
        Self("INV-".to_string())
    }
}

/// The printed number for sequence value `sequence`: at least four digits, more as needed.
pub fn format_number(prefix: &NumberPrefix, sequence: i64) -> String {
    format!("{}{sequence:04}", prefix.as_str())
}

/// How invoice numbers count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Numbering {
    /// One sequence for ever: INV-0041, INV-0042, …
    #[default]
    Continuous,
    /// A series per year of issue, starting at 1 each January: INV-2026-0001, …
    Yearly,
}

impl Numbering {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "continuous" => Ok(Self::Continuous),
            "yearly" => Ok(Self::Yearly),
            other => Err(format!("“{other}” is not a way of numbering invoices.")),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Continuous => "continuous",
            Self::Yearly => "yearly",
        }
    }

    /// The printed number of the `n`th invoice of its series (the year's, when yearly).
    pub fn format(self, prefix: &NumberPrefix, year: i32, n: i64) -> String {
        match self {
            Self::Continuous => format_number(prefix, n),
            Self::Yearly => format!("{}{year}-{n:04}", prefix.as_str()),
        }
    }
}

/// The number the user wants the next invoice to have, as typed ("1042"); empty means "carry
/// on as now".
pub fn parse_next(text: &str) -> Result<Option<i64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if (1..=999_999_999).contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "“{text}” is not an invoice number: use a whole number from 1 to 999999999."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_prefix_and_four_digits_at_least() {
        let prefix = NumberPrefix::default();
        assert_eq!(format_number(&prefix, 42), "INV-0042");
        assert_eq!(format_number(&prefix, 12_345), "INV-12345");
        let custom = NumberPrefix::parse(" 2026/ ").unwrap();
        assert_eq!(format_number(&custom, 7), "2026/0007");
        assert_eq!(format_number(&NumberPrefix::parse("").unwrap(), 1), "0001");
    }

    #[test]
    fn prefixes_are_short_and_plain() {
        assert!(NumberPrefix::parse("ACME-INV-2026-").is_err());
        assert!(NumberPrefix::parse("INV <b>").is_err());
        assert!(NumberPrefix::parse("Ü-").is_err());
    }

    #[test]
    fn a_yearly_series_carries_the_year() {
        let prefix = NumberPrefix::default();
        assert_eq!(Numbering::Yearly.format(&prefix, 2026, 1), "INV-2026-0001");
        assert_eq!(Numbering::Continuous.format(&prefix, 2026, 42), "INV-0042");
        assert_eq!(Numbering::parse("yearly"), Ok(Numbering::Yearly));
        assert_eq!(Numbering::parse(""), Ok(Numbering::Continuous));
        assert!(Numbering::parse("weekly").is_err());
    }

    #[test]
    fn the_next_number_is_a_positive_whole_number_or_nothing() {
        assert_eq!(parse_next(" 1042 "), Ok(Some(1042)));
        assert_eq!(parse_next(""), Ok(None));
        for bad in ["0", "-3", "12a", "1.5", "9999999999"] {
            assert!(parse_next(bad).unwrap_err().contains(bad), "{bad}");
        }
    }
}
