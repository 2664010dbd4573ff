//! A user's Stripe API key as pasted: checked for shape before anything is sent to Stripe, and
//! held so that it never prints (only its last four characters are ever shown).

use std::fmt;

use crate::server::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `sk_…`: every permission on the account.
    Secret,
    /// `rk_…`: only the permissions the user granted (what we recommend).
    Restricted,
}

#[derive(Clone)]
pub struct StripeKey {
    value: Secret,
    kind: KeyKind,
    live: bool,
}

impl fmt::Debug for StripeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StripeKey({})", self.masked())
    }
}

impl StripeKey {
    /// The key in `input` (surrounding spaces ignored), or what is wrong with it in words the
    /// user can act on. The message never repeats the input.
    pub fn parse(input: &str) -> Result<StripeKey, &'static str> {
        let key = input.trim();
        if key.is_empty() {
            return Err("Paste your Stripe API key.");
        }
        if key.starts_with("pk_") {
            return Err(
                "That is a publishable key (pk_…), which cannot create payment links. Paste a restricted key (rk_…) or a secret key (sk_…).",
            );
        }
        if key.starts_with("whsec_") {
            return Err(
                "That is a webhook signing secret (whsec_…). Paste it under \"Webhook signing secret\"; here PayTrack needs an API key (rk_… or sk_…).",
            );
        }
        let (kind, rest) = if let Some(rest) = key.strip_prefix("sk_") {
            (KeyKind::Secret, rest)
        } else if let Some(rest) = key.strip_prefix("rk_") {
            (KeyKind::Restricted, rest)
        } else {
            return Err("A Stripe API key starts with rk_ (restricted) or sk_ (secret).");
        };
        let (live, body) = if let Some(body) = rest.strip_prefix("live_") {
            (true, body)
        } else if let Some(body) = rest.strip_prefix("test_") {
            (false, body)
        } else {
            return Err(
                "A Stripe API key continues with live_ or test_ after its prefix; check that you copied all of it.",
            );
        };
        if body.len() < 10 || body.len() > 250 {
            return Err(
                "That key is too short or too long; copy it again from Stripe's dashboard.",
            );
        }
        if !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(
                "That key has characters a Stripe key never has (spaces, quotes or punctuation); copy it again.",
            );
        }
        Ok(StripeKey {
            value: Secret::new(key.to_string()),
            kind,
            live,
        })
    }

    /// A key read back from storage (already checked when it was connected).
    pub fn stored(value: Secret) -> Result<StripeKey, &'static str> {
        StripeKey::parse(value.expose())
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    pub fn is_live(&self) -> bool {
        self.live
    }

    pub fn secret(&self) -> &Secret {
        &self.value
    }

    /// The last four characters: all of the key the browser, logs and emails ever see.
    pub fn last4(&self) -> String {
        let value = self.value.expose();
        value[value.len() - 4..].to_string()
    }

    /// How the key is shown: `rk_live_…abcd`.
    pub fn masked(&self) -> String {
        let prefix = match (self.kind, self.live) {
            (KeyKind::Secret, true) => "sk_live_",
            (KeyKind::Secret, false) => "sk_test_",
            (KeyKind::Restricted, true) => "rk_live_",
            (KeyKind::Restricted, false) => "rk_test_",
        };
        format!("{prefix}…{}", self.last4())
    }
}

/// A webhook signing secret as pasted (`whsec_…`).
pub fn parse_signing_secret(input: &str) -> Result<Secret, &'static str> {
    let secret = input.trim();
    match secret.strip_prefix("whsec_") {
        Some(body)
            if body.len() >= 16
                && body
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=') =>
        {
            Ok(Secret::new(secret.to_string()))
        }
        Some(_) => Err(
            "That signing secret looks cut short; copy it again from the webhook's page in Stripe.",
        ),
        None => Err("A webhook signing secret starts with whsec_."),
    }
}

#[cfg(test)]
mod tests;
