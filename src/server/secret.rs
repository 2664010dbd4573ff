//! A string that must never be printed: API keys, client secrets, the master key.

use std::fmt;

/// Holds a secret value. It is neither `Display` nor `Serialize`, and its `Debug` output is
/// redacted, so a secret cannot end up in a log line, an error message or a response by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The raw value, for the single call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `presented` is this secret. Both are hashed before they are compared, so how
    /// long the comparison takes says nothing about how much of a guess was right.
    pub fn matches(&self, presented: &str) -> bool {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.0.as_bytes()) == Sha256::digest(presented.as_bytes())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_value() {
        let secret = Secret::new("re_abcdef123456".to_string());
        let printed = format!("{secret:?}");
        assert!(!printed.contains("abcdef"), "{printed}");
        assert_eq!(secret.expose(), "re_abcdef123456");
    }

    #[test]
    fn only_the_exact_value_matches() {
        let secret = Secret::new("a-long-metrics-token".to_string());
        assert!(secret.matches("a-long-metrics-token"));
        assert!(!secret.matches("a-long-metrics-toke"));
        assert!(!secret.matches(""));
    }
}
