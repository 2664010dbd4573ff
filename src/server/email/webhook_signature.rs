//! Resend signs its delivery webhooks the Svix way: `svix-signature` holds one or more
//! `v1,<base64 HMAC-SHA256>` of `"{svix-id}.{svix-timestamp}.{body}"`, keyed with the base64
//! part of the endpoint's `whsec_…` secret. A request is accepted only with a matching
//! signature and a timestamp within five minutes of now (so a captured request cannot be
//! replayed later; replays inside the window are caught by the event id).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the signed timestamp may be from now, either way.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the webhook secret is not a whsec_ value")]
    BadSecret,
    #[error("the request lacks the svix-id, svix-timestamp or svix-signature header")]
    MissingHeaders,
    #[error("the signed timestamp is too far from now")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// The signed parts of a webhook request.
pub struct Signed<'a> {
    pub id: &'a str,
    pub timestamp: &'a str,
    pub signatures: &'a str,
    pub body: &'a [u8],
}

fn key(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let encoded = secret
        .strip_prefix("whsec_")
        .ok_or(SignatureError::BadSecret)?;
    STANDARD
        .decode(encoded)
        .map_err(|_| SignatureError::BadSecret)
}

fn mac(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> Result<Hmac<Sha256>, SignatureError> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| SignatureError::BadSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// Checks `signed` against `secret` at `now` (Unix seconds).
pub fn verify(secret: &str, signed: &Signed<'_>, now: i64) -> Result<(), SignatureError> {
    let key = key(secret)?;
    if signed.id.is_empty() || signed.timestamp.is_empty() || signed.signatures.is_empty() {
        return Err(SignatureError::MissingHeaders);
    }
    let timestamp: i64 = signed
        .timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Stale)?;
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let expected = mac(&key, signed.id, signed.timestamp, signed.body)?;
    let matches = signed
        .signatures
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|encoded| STANDARD.decode(encoded).ok())
        // `verify_slice` compares in constant time.
        .any(|candidate| expected.clone().verify_slice(&candidate).is_ok());
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The `svix-signature` value for `body`: what Resend sends, for tests and stand-ins.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, SignatureError> {
    let key = key(secret)?;
    let digest = mac(&key, id, &timestamp.to_string(), body)?
        .finalize()
        .into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(digest)))
}

#[cfg(test)]
mod tests;
