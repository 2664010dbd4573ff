//! Secrets at rest — users' Stripe keys and webhook signing secrets — sealed with
//! XChaCha20-Poly1305 under a master key from the environment.
//!
//! - Every sealing draws a fresh random 24-byte nonce (XChaCha's nonce is long enough for
//!   random nonces to never repeat in practice).
//! - The owner's id and the purpose are the associated data: a sealed value copied to another
//!   user's record, or used for another purpose, does not open.
//! - Each sealed value names the key that sealed it (an id derived from the key), so the
//!   master key can be rotated: configure the new key as current and the old one as previous,
//!   re-seal everything (`Keyring::reseal`), then drop the old key.
//! - Opened values come back as `Secret`, which never prints.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use mongodb::bson::oid::ObjectId;
use sha2::{Digest, Sha256};

use super::secret::Secret;

/// What a sealed value is for; part of the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    StripeKey,
    StripeWebhookSecret,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::StripeKey => "stripe-key",
            Purpose::StripeWebhookSecret => "stripe-webhook-secret",
        }
    }
}

/// What sealing produces is stored as it is: its record lives with the other stored shapes.
pub use crate::server::db::sealed::Sealed;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the value was sealed under master key {0}, which is not configured")]
    UnknownKey(String),
    #[error(
        "the sealed value does not open: it was altered, or it belongs to another user or purpose"
    )]
    DoesNotOpen,
    #[error("no randomness available for a nonce")]
    NoRandomness,
}

struct MasterKey {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl MasterKey {
    fn from_base64(encoded: &str) -> Result<Self, String> {
        let bytes = BASE64
            .decode(encoded.trim().as_bytes())
            .map_err(|_| "is not valid base64".to_string())?;
        if bytes.len() != 32 {
            return Err(format!("decodes to {} bytes, not 32", bytes.len()));
        }
        let digest = Sha256::new()
            .chain_update(b"paytrack master key id\0")
            .chain_update(&bytes)
            .finalize();
        let id = hex::encode(&digest[..6]);
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
            .map_err(|_| "is not a usable key".to_string())?;
        Ok(MasterKey { id, cipher })
    }
}

/// The current master key, which seals, and previous ones, which only open.
pub struct Keyring {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.id)
            .field(
                "previous",
                &self.previous.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn associated_data(owner: ObjectId, purpose: Purpose) -> String {
    format!("paytrack/v1/{}/{owner}", purpose.as_str())
}

impl Keyring {
    /// From base64 keys: the current one and any previous ones. The message says which key is
    /// wrong and how, never what it is.
    pub fn from_base64(current: &Secret, previous: &[Secret]) -> Result<Self, String> {
        let current = MasterKey::from_base64(current.expose())
            .map_err(|problem| format!("the master key {problem}"))?;
        let previous = previous
            .iter()
            .enumerate()
            .map(|(i, key)| {
                MasterKey::from_base64(key.expose())
                    .map_err(|problem| format!("previous master key {} {problem}", i + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Keyring { current, previous })
    }

    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    pub fn seal(
        &self,
        owner: ObjectId,
        purpose: Purpose,
        plaintext: &Secret,
    ) -> Result<Sealed, CryptoError> {
        let mut nonce = [0_u8; 24];
        getrandom::fill(&mut nonce).map_err(|_| CryptoError::NoRandomness)?;
        let aad = associated_data(owner, purpose);
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.expose().as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::DoesNotOpen)?;
        Ok(Sealed {
            key_id: self.current.id.clone(),
            nonce: BASE64.encode(nonce),
            ciphertext: BASE64.encode(ciphertext),
        })
    }

    pub fn open(
        &self,
        owner: ObjectId,
        purpose: Purpose,
        sealed: &Sealed,
    ) -> Result<Secret, CryptoError> {
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == sealed.key_id)
            .ok_or_else(|| CryptoError::UnknownKey(sealed.key_id.clone()))?;
        let nonce = BASE64
            .decode(sealed.nonce.as_bytes())
            .ok()
            .filter(|n| n.len() == 24)
            .ok_or(CryptoError::DoesNotOpen)?;
        let ciphertext = BASE64
            .decode(sealed.ciphertext.as_bytes())
            .map_err(|_| CryptoError::DoesNotOpen)?;
        let aad = associated_data(owner, purpose);
        let plaintext = key
            .cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::DoesNotOpen)?;
        String::from_utf8(plaintext)
            .map(Secret::new)
            .map_err(|_| CryptoError::DoesNotOpen)
    }

    /// The value sealed again under the current key, or `None` if it already is.
    pub fn reseal(
        &self,
        owner: ObjectId,
        purpose: Purpose,
        sealed: &Sealed,
    ) -> Result<Option<Sealed>, CryptoError> {
        if sealed.key_id == self.current.id {
            return Ok(None);
        }
        let plaintext = self.open(owner, purpose, sealed)?;
        self.seal(owner, purpose, &plaintext).map(Some)
    }
}

#[cfg(test)]
mod tests;
