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
use serde::{Deserialize, Serialize};
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

/// A sealed value as stored: which key, the nonce, and the ciphertext with its tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub key_id: String,
    pub nonce: String,
    pub ciphertext: String,
}

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
        let id = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
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
mod tests {
    use super::*;

    fn key(byte: u8) -> Secret {
        Secret::new(BASE64.encode([byte; 32]))
    }

    fn stripe_key() -> Secret {
        Secret::new("rk_test_51Hx0000000000000000000000abcd".to_string())
    }

    #[test]
    fn a_sealed_value_opens_for_its_owner_and_purpose_only() {
        let keyring = Keyring::from_base64(&key(1), &[]).unwrap();
        let (ada, bob) = (ObjectId::new(), ObjectId::new());
        let sealed = keyring
            .seal(ada, Purpose::StripeKey, &stripe_key())
            .unwrap();
        assert_eq!(
            keyring.open(ada, Purpose::StripeKey, &sealed).unwrap(),
            stripe_key()
        );
        assert!(!sealed.ciphertext.contains("rk_test"));
        assert_eq!(
            keyring.open(bob, Purpose::StripeKey, &sealed),
            Err(CryptoError::DoesNotOpen),
            "copied to another user"
        );
        assert_eq!(
            keyring.open(ada, Purpose::StripeWebhookSecret, &sealed),
            Err(CryptoError::DoesNotOpen),
            "used for another purpose"
        );
    }

    #[test]
    fn every_sealing_has_its_own_nonce() {
        let keyring = Keyring::from_base64(&key(1), &[]).unwrap();
        let owner = ObjectId::new();
        let a = keyring
            .seal(owner, Purpose::StripeKey, &stripe_key())
            .unwrap();
        let b = keyring
            .seal(owner, Purpose::StripeKey, &stripe_key())
            .unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn tampering_with_the_ciphertext_or_nonce_is_caught() {
        let keyring = Keyring::from_base64(&key(1), &[]).unwrap();
        let owner = ObjectId::new();
        let sealed = keyring
            .seal(owner, Purpose::StripeKey, &stripe_key())
            .unwrap();
        let flip = |text: &str| {
            let mut bytes = BASE64.decode(text).unwrap();
            bytes[0] ^= 1;
            BASE64.encode(bytes)
        };
        for tampered in [
            Sealed {
                ciphertext: flip(&sealed.ciphertext),
                ..sealed.clone()
            },
            Sealed {
                nonce: flip(&sealed.nonce),
                ..sealed.clone()
            },
            Sealed {
                nonce: "short".into(),
                ..sealed.clone()
            },
        ] {
            assert_eq!(
                keyring.open(owner, Purpose::StripeKey, &tampered),
                Err(CryptoError::DoesNotOpen)
            );
        }
    }

    #[test]
    fn rotation_reseals_under_the_new_key_and_the_old_one_can_then_go() {
        let owner = ObjectId::new();
        let old = Keyring::from_base64(&key(1), &[]).unwrap();
        let sealed = old.seal(owner, Purpose::StripeKey, &stripe_key()).unwrap();

        let rotating = Keyring::from_base64(&key(2), &[key(1)]).unwrap();
        assert_ne!(rotating.current_id(), old.current_id());
        assert_eq!(
            rotating.open(owner, Purpose::StripeKey, &sealed).unwrap(),
            stripe_key()
        );
        let resealed = rotating
            .reseal(owner, Purpose::StripeKey, &sealed)
            .unwrap()
            .expect("sealed under the old key");
        assert_eq!(resealed.key_id, rotating.current_id());
        assert_eq!(
            rotating.reseal(owner, Purpose::StripeKey, &resealed),
            Ok(None)
        );

        let rotated = Keyring::from_base64(&key(2), &[]).unwrap();
        assert_eq!(
            rotated.open(owner, Purpose::StripeKey, &resealed).unwrap(),
            stripe_key()
        );
        assert_eq!(
            rotated.open(owner, Purpose::StripeKey, &sealed),
            Err(CryptoError::UnknownKey(old.current_id().to_string()))
        );
    }

    #[test]
    fn bad_keys_are_named_without_being_shown() {
        let short = Secret::new(BASE64.encode([7_u8; 16]));
        let err = Keyring::from_base64(&short, &[]).unwrap_err();
        assert_eq!(err, "the master key decodes to 16 bytes, not 32");
        let err = Keyring::from_base64(&key(1), &[Secret::new("not base64!".into())]).unwrap_err();
        assert_eq!(err, "previous master key 1 is not valid base64");
        let keyring = Keyring::from_base64(&key(1), &[key(2)]).unwrap();
        let printed = format!("{keyring:?}");
        assert!(!printed.contains(&BASE64.encode([1_u8; 32])), "{printed}");
        assert!(printed.contains(keyring.current_id()));
    }
}
