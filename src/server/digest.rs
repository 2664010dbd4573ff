//! Short SHA-256 digests that tell versions of something apart — a logo, a request to Stripe,
//! what a hosted invoice asks — inside names and keys. 64 bits are plenty for that (the inputs
//! compared are one user's), and keep URLs and Stripe's idempotency keys short. Not for
//! secrets: a token's hash keeps the whole digest (`auth::token::hash`).

use sha2::{Digest, Sha256};

/// The first 8 bytes of `data`'s SHA-256, as 16 lower-case hex digits.
pub fn short(data: impl AsRef<[u8]>) -> String {
    hex::encode(&Sha256::digest(data)[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_is_the_start_of_the_sha256() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assert_eq!(short("abc"), "ba7816bf8f01cfea");
        assert_ne!(short("abd"), short("abc"));
    }
}
