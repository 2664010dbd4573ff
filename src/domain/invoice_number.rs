//! Invoice numbers: the user's prefix and a per-user sequence, e.g. `INV-0042`.

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
}
