//! Email addresses as PayTrack accepts them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How long after its first try an email may be repeated under its idempotency key: Resend
/// remembers a key for 24 hours, after which a repeat would be a second email, so PayTrack
/// stops an hour short.
pub const KEY_LIFETIME_HOURS: i64 = 23;

/// A syntactically valid email address, trimmed and with its domain lower-cased (the local part
/// is kept as typed: some mail servers treat it case-sensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Enter your email address.".to_string());
        }
        if trimmed.len() > 254 {
            return Err("That email address is too long.".to_string());
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err("An email address needs an @, like name@example.com.".to_string());
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(format!("“{trimmed}” is not a valid email address."));
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form an account is known by: the whole address lower-cased. Mail providers treat
    /// the local part without regard to case, so `Ada@x.com` and `ada@x.com` are one person
    /// and must be one account.
    pub fn identity(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_normalises_the_domain() {
        let email = EmailAddress::parse("  Ada.Lovelace+invoices@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace+invoices@example.com");
        assert!(EmailAddress::parse("a@b.co").is_ok());
        assert!(EmailAddress::parse("x@mail.sub-domain.example.org").is_ok());
    }

    #[test]
    fn rejects_malformed_addresses_with_a_message() {
        for bad in [
            "",
            "   ",
            "plainaddress",
            "@example.com",
            "name@",
            "name@localhost",
            "name@-example.com",
            "name@example..com",
            ".name@example.com",
            "na..me@example.com",
            "na me@example.com",
            "name@exa_mple.com",
        ] {
            let err = EmailAddress::parse(bad).unwrap_err();
            assert!(!err.is_empty(), "{bad}");
        }
        assert_eq!(
            EmailAddress::parse("").unwrap_err(),
            "Enter your email address."
        );
    }

    #[test]
    fn length_limits_are_enforced() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(EmailAddress::parse(&long_local).is_err());
        let long_total = format!("a@{}.com", "b".repeat(250));
        assert!(EmailAddress::parse(&long_total).is_err());
    }

    #[test]
    fn deserialising_validates() {
        let ok: Result<EmailAddress, _> = serde_json::from_str("\"a@example.com\"");
        assert!(ok.is_ok());
        let bad: Result<EmailAddress, _> = serde_json::from_str("\"nope\"");
        assert!(bad.is_err());
    }
}
