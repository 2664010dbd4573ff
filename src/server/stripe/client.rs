//! Calls to a user's own Stripe account through async-stripe: one client per call built from
//! the key opened for it, retries with the same idempotency key, and Stripe's failures turned
//! into `StripeProblem`, whose words are fit to show the user (they never hold the key).

use std::time::Duration;

use stripe::{
    ApiErrorsCode, ApiErrorsType, Client, ClientBuilder, IdempotencyKey, RequestStrategy,
    StripeError, StripeRequest,
};

use super::api_key::StripeKey;
use crate::server::digest;

/// What went wrong talking to Stripe, as the user should hear it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeProblem {
    #[error(
        "Stripe does not recognise this API key. Check that you copied all of it, from the right account and mode."
    )]
    InvalidKey,
    #[error(
        "Stripe says this API key was revoked or has expired. Create a new restricted key in Stripe and connect it again."
    )]
    RevokedKey,
    #[error(
        "This key lacks a permission PayTrack needs ({0}). Edit the restricted key in Stripe to grant it, or use the permissions listed on this page."
    )]
    MissingPermission(String),
    #[error(
        "Stripe is limiting how fast requests can be made to your account. Wait a minute and try again."
    )]
    RateLimited,
    #[error("PayTrack could not reach Stripe. Try again in a moment; nothing was changed.")]
    Unreachable,
    /// `field`: the parameter Stripe named as the one it refused, when it named one.
    #[error("Stripe refused the request: {message}")]
    Refused {
        message: String,
        field: Option<String>,
    },
    /// The object asked for does not exist in this account.
    #[error("Stripe has no such object in this account.")]
    NotFound,
    #[error(
        "Stripe answered in a way PayTrack did not understand. Try again; if it keeps happening, contact support."
    )]
    Unexpected,
}

impl StripeProblem {
    /// Whether the same request may succeed if sent again (with the same idempotency key).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StripeProblem::RateLimited | StripeProblem::Unreachable
        )
    }

    /// Whether the key itself no longer works: the connection is broken.
    pub fn breaks_connection(&self) -> bool {
        matches!(self, StripeProblem::InvalidKey | StripeProblem::RevokedKey)
    }

    fn from_error(err: StripeError) -> StripeProblem {
        match err {
            StripeError::Stripe(api, status) => {
                let message = api.message.clone().unwrap_or_default();
                match (status, &api.type_, &api.code) {
                    (401, _, Some(ApiErrorsCode::ApiKeyExpired)) => StripeProblem::RevokedKey,
                    (401, _, _) => StripeProblem::InvalidKey,
                    (403, _, _) => StripeProblem::MissingPermission(permission_in(&message)),
                    (404, _, _) => StripeProblem::NotFound,
                    (429, _, _) => StripeProblem::RateLimited,
                    (500..=599, _, _) => StripeProblem::Unreachable,
                    (_, ApiErrorsType::ApiError, _) => StripeProblem::Unreachable,
                    // Stripe's own message for a refused request names the field, never the key.
                    _ if !message.is_empty() => StripeProblem::Refused {
                        message,
                        field: api.param.clone(),
                    },
                    _ => StripeProblem::Unexpected,
                }
            }
            StripeError::ClientError(_) | StripeError::Timeout => StripeProblem::Unreachable,
            StripeError::JSONDeserialize(_) | StripeError::ConfigError(_) => {
                StripeProblem::Unexpected
            }
        }
    }
}

/// Stripe names the missing permission as `rak_…` in its message; show that part only.
fn permission_in(message: &str) -> String {
    message
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.starts_with("rak_"))
        .unwrap_or("unknown")
        .to_string()
}

/// `idempotency` followed by a digest of what `request` asks. Stripe refuses a key sent again
/// with other parameters, for as long as it keeps the key (a day): a send tried again after an
/// overdue invoice's due date moved on, or after its draft was edited, would be refused until
/// then. With the digest the same request is the same key, and a changed one makes anew.
/// Parameters are sorted first: Stripe compares them, not the order a body lists them in.
fn keyed<R: StripeRequest>(idempotency: &str, request: &R) -> String {
    let built = request.build();
    let mut params: Vec<&str> = [built.query.as_deref(), built.body.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(|form| form.split('&'))
        .collect();
    params.sort_unstable();
    let mut asked = built.path.into_bytes();
    for param in params {
        asked.push(0);
        asked.extend_from_slice(param.as_bytes());
    }
    format!("{idempotency}-{}", digest::short(asked))
}

/// Where users' Stripe accounts are reached (Stripe itself, or a stand-in in tests).
#[derive(Debug, Clone)]
pub struct StripeApi {
    base: String,
    /// Waits between attempts of one call; short, because a person is usually waiting.
    backoff: Vec<Duration>,
}

impl StripeApi {
    pub fn new(base: &str) -> StripeApi {
        StripeApi {
            base: format!("{}/", base.trim_end_matches('/')),
            backoff: vec![Duration::from_millis(300), Duration::from_secs(1)],
        }
    }

    fn client(&self, key: &StripeKey) -> Result<Client, StripeProblem> {
        ClientBuilder::new(key.secret().expose())
            .url(self.base.clone())
            .app_info("PayTrack", None, None)
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|_| StripeProblem::Unexpected)
    }

    /// Sends `request`; a create always carries `idempotency` (derived from what it creates,
    /// so a retry, a second click or a second server never makes two), sent with a digest of
    /// the request (`keyed`). Transient failures are retried under the same key.
    pub async fn call<R: StripeRequest>(
        &self,
        key: &StripeKey,
        request: &R,
        idempotency: Option<&str>,
    ) -> Result<R::Output, StripeProblem>
    where
        R::Output: miniserde::Deserialize,
    {
        let client = self.client(key)?;
        let strategy = match idempotency {
            Some(value) => RequestStrategy::Idempotent(
                IdempotencyKey::new(keyed(value, request))
                    .map_err(|_| StripeProblem::Unexpected)?,
            ),
            None => RequestStrategy::Once,
        };
        let mut waits = self.backoff.iter();
        loop {
            let sent = request
                .customize()
                .request_strategy(strategy.clone())
                .send(&client)
                .await
                .map_err(StripeProblem::from_error);
            match sent {
                Err(problem) if problem.is_transient() => match waits.next() {
                    Some(wait) => tokio::time::sleep(*wait).await,
                    None => return Err(problem),
                },
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{keyed, permission_in};
    use std::collections::HashMap;
    use stripe_core::customer::CreateCustomer;

    fn customer(name: &str, marks: &[(&str, &str)]) -> CreateCustomer {
        let marks: HashMap<String, String> = marks
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        CreateCustomer::new().name(name).metadata(marks)
    }

    #[test]
    fn a_key_says_what_is_asked_whatever_order_the_parameters_come_in() {
        let marks = [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")];
        let mut reversed = marks;
        reversed.reverse();
        let first = keyed("paytrack-x", &customer("Ada", &marks));
        assert!(first.starts_with("paytrack-x-"), "{first}");
        assert_eq!(first, keyed("paytrack-x", &customer("Ada", &reversed)));
        assert_ne!(
            first,
            keyed("paytrack-x", &customer("Ada Lovelace", &marks))
        );
        assert_ne!(first, keyed("paytrack-y", &customer("Ada", &marks)));
    }

    #[test]
    fn the_missing_permission_is_picked_out_of_stripes_message() {
        assert_eq!(
            permission_in(
                "The provided key does not have the required permissions for this endpoint: rak_webhook_write."
            ),
            "rak_webhook_write"
        );
        assert_eq!(permission_in("Forbidden"), "unknown");
    }
}
