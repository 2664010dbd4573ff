//! A secret as stored after `crypto::Keyring` sealed it. Only the keyring can open it; the
//! database holds nothing readable.

use serde::{Deserialize, Serialize};

/// Which master key sealed it, the nonce, and the ciphertext with its tag (base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub key_id: String,
    pub nonce: String,
    pub ciphertext: String,
}
