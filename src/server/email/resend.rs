//! Resend's HTTP API (`POST /emails`). The base URL is configurable so tests can point it at a
//! local stand-in that records requests.

use serde::{Deserialize, Serialize};

use super::{Email, MailError};
use crate::server::secret::Secret;

#[derive(Clone)]
pub struct Resend {
    http: reqwest::Client,
    base_url: String,
    api_key: Secret,
    from: String,
}

#[derive(Serialize)]
struct SendRequest<'a> {
    from: &'a str,
    to: [&'a str; 1],
    subject: &'a str,
    html: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<&'a str>,
}

#[derive(Deserialize)]
struct SendResponse {
    id: String,
}

#[derive(Deserialize)]
struct ErrorResponse {
    message: String,
}

impl Resend {
    pub fn new(base_url: &str, api_key: Secret, from: String) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("PayTrack/", env!("CARGO_PKG_VERSION")))
            .timeout(std::time::Duration::from_secs(15))
            .build()?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            from,
        })
    }

    pub async fn send(&self, email: &Email) -> Result<String, MailError> {
        let body = SendRequest {
            from: &self.from,
            to: [email.to.as_str()],
            subject: &email.subject,
            html: &email.html,
            text: &email.text,
            reply_to: email.reply_to.as_ref().map(|r| r.as_str()),
        };
        let response = self
            .http
            .post(format!("{}/emails", self.base_url))
            .bearer_auth(self.api_key.expose())
            .header("Idempotency-Key", &email.idempotency_key)
            .json(&body)
            .send()
            .await
            .map_err(|err| MailError::Unavailable(err.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            let sent: SendResponse = response
                .json()
                .await
                .map_err(|err| MailError::Unavailable(err.without_url().to_string()))?;
            tracing::info!(kind = email.kind, resend_id = %sent.id, "email sent");
            return Ok(sent.id);
        }
        let message = response
            .json::<ErrorResponse>()
            .await
            .map(|e| e.message)
            .unwrap_or_else(|_| format!("HTTP {status}"));
        if status.as_u16() == 429 || status.is_server_error() {
            Err(MailError::Unavailable(message))
        } else {
            Err(MailError::Rejected(message))
        }
    }
}
