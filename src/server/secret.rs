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
}
