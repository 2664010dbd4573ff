//! Mail Resend received for PayTrack's inbound domain: `GET /emails/receiving/{id}`, which
//! the `email.received` webhook names (it carries no body).

use reqwest::StatusCode;
use serde::Deserialize;

use super::Resend;
use crate::server::email::MailError;

/// A message Resend received for PayTrack's inbound domain, as `GET /emails/receiving/{id}`
/// gives it (the webhook carries only its id).
#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedEmail {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub html: Option<String>,
    /// Header names as the sender wrote them; a value is a string, or a list when the header
    /// repeats.
    #[serde(default)]
    pub headers: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

impl ReceivedEmail {
    /// Every header as (name, value), a repeated one once per value.
    pub fn header_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().flatten().flat_map(|(name, value)| {
            let values: Vec<&str> = match value {
                serde_json::Value::String(one) => vec![one.as_str()],
                serde_json::Value::Array(many) => many.iter().filter_map(|v| v.as_str()).collect(),
                _ => Vec::new(),
            };
            values.into_iter().map(move |v| (name.as_str(), v))
        })
    }
}

impl Resend {
    /// The received message `id` (`GET /emails/receiving/{id}`). Passing failures are tried
    /// again like a send; an id Resend does not know is `Rejected`.
    pub async fn received(&self, id: &str) -> Result<ReceivedEmail, MailError> {
        if id.is_empty()
            || id.len() > 100
            || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(MailError::Rejected(format!(
                "`{id}` is not a Resend email id"
            )));
        }
        let url = format!("{}/emails/receiving/{id}", self.base_url);
        let mut pause = self.retry.first_pause;
        for attempt in 1..=self.retry.attempts {
            let response = self
                .http
                .get(&url)
                .bearer_auth(self.api_key.expose())
                .send()
                .await;
            let message = match response {
                Ok(response) if response.status().is_success() => {
                    return response.json::<ReceivedEmail>().await.map_err(|err| {
                        MailError::Rejected(format!(
                            "Resend's received email does not read: {}",
                            err.without_url()
                        ))
                    });
                }
                Ok(response) if response.status() == StatusCode::NOT_FOUND => {
                    return Err(MailError::Rejected(format!(
                        "Resend has no received email {id}"
                    )));
                }
                Ok(response) => format!("HTTP {}", response.status()),
                Err(err) => err.without_url().to_string(),
            };
            if attempt == self.retry.attempts {
                return Err(MailError::Unavailable(message));
            }
            tracing::info!(attempt, %message, "reading a received email failed, retrying");
            tokio::time::sleep(pause).await;
            pause = pause.saturating_mul(2);
        }
        Err(MailError::Unavailable("no attempt was made".to_string()))
    }
}
