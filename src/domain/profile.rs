//! The user's profile as they edit it: the name their clients know them by, their time zone,
//! and the prefix of their invoice numbers. The zone is checked against the time-zone
//! database on the server (`server::accounts::profile::is_known_zone`).

use serde::{Deserialize, Serialize};

use super::text::{self, Shape};

/// Field problems with a profile edit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileErrors {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub invoice_prefix: Option<String>,
}

impl ProfileErrors {
    pub fn is_empty(&self) -> bool {
        *self == ProfileErrors::default()
    }
}

/// The most characters a name may have.
pub const MAX_NAME: usize = 100;

/// The name as saved (trimmed), or why it can't be.
pub fn parse_name(text: &str) -> Result<String, String> {
    text::required(
        text,
        MAX_NAME,
        Shape::OneLine,
        "name",
        "Enter the name your clients know you by.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            parse_name("  Ada Lovelace "),
            Ok("Ada Lovelace".to_string())
        );
        assert!(parse_name("   ").is_err_and(|m| m.contains("Enter the name")));
        assert!(parse_name(&"é".repeat(100)).is_ok());
        assert!(parse_name(&"é".repeat(101)).is_err_and(|m| m.contains("under 100")));
    }
}
