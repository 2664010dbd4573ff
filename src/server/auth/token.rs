//! Random tokens (session ids, login links) and the one-way hash that is all we store of them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// 32 random bytes from the operating system, URL-safe base64 (43 characters).
pub fn random() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| {
        tracing::error!(error = %err, "the operating system's random source failed");
        AppError::Internal
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256, hex. A database leak then reveals no usable token: tokens carry 256 bits of
/// entropy, so an unsalted fast hash is enough (nothing to brute-force).
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` has the shape `random` produces; anything else is rejected before any query.
pub fn is_well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_well_formed() -> Result<(), AppError> {
        let a = random()?;
        let b = random()?;
        assert_ne!(a, b);
        assert!(is_well_formed(&a), "{a}");
        Ok(())
    }

    #[test]
    fn the_hash_is_stable_and_hides_the_token() -> Result<(), AppError> {
        let token = random()?;
        assert_eq!(hash(&token), hash(&token));
        assert_eq!(hash(&token).len(), 64);
        assert!(!hash(&token).contains(&token));
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        Ok(())
    }

    #[test]
    fn malformed_tokens_are_recognised() {
        assert!(!is_well_formed(""));
        assert!(!is_well_formed("short"));
        assert!(!is_well_formed(&"a".repeat(42)));
        assert!(!is_well_formed(&format!("{}$", "a".repeat(42))));
    }
}
