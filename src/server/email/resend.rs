//! Resend's HTTP API (`POST /emails`). The base URL is configurable so tests can point it at a
//! local stand-in that records requests.
//!
//! Rate limits (429), server errors (5xx) and network failures are retried a few times with
//! growing pauses, honouring `retry-after`, always with the same `Idempotency-Key` so Resend
//! sends the email once. A refused API key (401, 403: a rotation half done) is not the
//! email's fault: the send is unavailable for now. A 409 `invalid_idempotent_request` says an
//! earlier request under the key was accepted. Any other 4xx is final and carries Resend's
//! own message. A wait longer
//! than the policy allows is not slept through: the send fails as unavailable, for the caller
//! (a person waiting on a page, or a job that will run again) to retry later.

use std::time::Duration;

use base64::Engine as _;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use super::{Email, MailError};
use crate::server::secret::Secret;

mod from;
mod receiving;
use from::from_on_behalf;
pub use receiving::ReceivedEmail;

#[derive(Clone)]
pub struct Resend {
    http: reqwest::Client,
    base_url: String,
    api_key: Secret,
    from: String,
    retry: RetryPolicy,
}

/// How hard to try before giving up on one send.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The pause after the first failure; it doubles after each further one.
    pub first_pause: Duration,
    /// The longest pause worth waiting for (a longer `retry-after` ends the send instead).
    pub longest_pause: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            first_pause: Duration::from_millis(250),
            longest_pause: Duration::from_secs(5),
        }
    }
}

/// What one attempt came to.
enum Attempt<T> {
    Sent(T),
    /// Worth another try, after the server's `retry-after` if it gave one.
    Transient {
        message: String,
        retry_after: Option<Duration>,
    },
    /// Not sent, and asking again now would get the same answer: PayTrack's own key was
    /// refused (a rotation half done). Worth a try later, not in this loop.
    Later(String),
    /// The key was used before with another body: that earlier request was accepted.
    KeyTaken,
    Final(String),
}

#[derive(Serialize)]
struct SendRequest<'a> {
    from: String,
    /// `X-PayTrack-Email-Key`: which invoice and step the email is, for support and for
    /// matching an email inside a batch.
    headers: std::collections::BTreeMap<&'static str, &'a str>,
    to: [&'a str; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cc: Vec<&'a str>,
    subject: &'a str,
    html: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<AttachmentRequest<'a>>,
}

/// Resend's attachment object: the file's bytes in base64.
#[derive(Serialize)]
struct AttachmentRequest<'a> {
    filename: &'a str,
    content: String,
    content_type: &'a str,
}

#[derive(Deserialize)]
struct SendResponse {
    id: String,
}

#[derive(Deserialize)]
struct BatchResponse {
    data: Vec<SendResponse>,
}

/// Resend takes up to 100 emails in one batch.
pub const BATCH_LIMIT: usize = 100;

#[derive(Deserialize)]
struct ErrorResponse {
    message: String,
    #[serde(default)]
    name: String,
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
            retry: RetryPolicy::default(),
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends one email, under its own idempotency key.
    pub async fn send(&self, email: &Email) -> Result<String, MailError> {
        let body = self.request(email);
        let id = self
            .with_retries(
                email.kind,
                &email.idempotency_key,
                "emails",
                &body,
                |r: SendResponse| r.id,
            )
            .await?;
        tracing::info!(kind = email.kind, resend_id = %id, "email sent");
        Ok(id)
    }

    /// Sends up to `BATCH_LIMIT` emails in one request under one idempotency key (repeating a
    /// batch must repeat it exactly: same emails, same key). Returns Resend's ids in order.
    /// Resend checks the whole batch first: a refusal means none of it was sent.
    pub async fn send_batch(&self, emails: &[Email], key: &str) -> Result<Vec<String>, MailError> {
        if emails.iter().any(|e| !e.attachments.is_empty()) {
            // Resend would refuse the whole batch; the engine sends these on their own.
            return Err(MailError::Rejected(
                "Resend's batch endpoint does not take attachments".to_string(),
            ));
        }
        let body: Vec<SendRequest<'_>> = emails.iter().map(|e| self.request(e)).collect();
        let ids = self
            .with_retries("batch", key, "emails/batch", &body, |r: BatchResponse| {
                r.data.into_iter().map(|d| d.id).collect::<Vec<_>>()
            })
            .await?;
        if ids.len() != emails.len() {
            return Err(MailError::Unavailable(format!(
                "Resend answered a batch of {} with {} ids",
                emails.len(),
                ids.len()
            )));
        }
        tracing::info!(emails = ids.len(), "email batch sent");
        Ok(ids)
    }

    fn request<'a>(&'a self, email: &'a Email) -> SendRequest<'a> {
        SendRequest {
            from: from_on_behalf(&self.from, email.sender_name.as_deref()),
            headers: [("X-PayTrack-Email-Key", email.idempotency_key.as_str())].into(),
            to: [email.to.as_str()],
            cc: email.cc.iter().map(|c| c.as_str()).collect(),
            subject: &email.subject,
            html: &email.html,
            text: &email.text,
            reply_to: email.reply_to.as_ref().map(|r| r.as_str()),
            attachments: email
                .attachments
                .iter()
                .map(|a| AttachmentRequest {
                    filename: &a.filename,
                    content: base64::engine::general_purpose::STANDARD.encode(&a.bytes),
                    content_type: a.content_type,
                })
                .collect(),
        }
    }

    /// Posts `body` to `path` until it is accepted, refused for good, or not worth waiting
    /// for; every attempt carries the same idempotency key.
    async fn with_retries<B: Serialize, R: serde::de::DeserializeOwned, T>(
        &self,
        kind: &str,
        key: &str,
        path: &str,
        body: &B,
        accepted: impl Fn(R) -> T,
    ) -> Result<T, MailError> {
        let mut pause = self.retry.first_pause;
        let mut attempt = 1;
        loop {
            let (message, retry_after) = match self.attempt(key, path, body).await {
                Attempt::Sent(response) => return Ok(accepted(response)),
                Attempt::Final(message) => return Err(MailError::Rejected(message)),
                Attempt::KeyTaken => return Err(MailError::AlreadyAccepted),
                Attempt::Later(message) => {
                    tracing::error!(kind, %message, "Resend refused PayTrack's API key");
                    return Err(MailError::Unavailable(message));
                }
                Attempt::Transient {
                    message,
                    retry_after,
                } => (message, retry_after),
            };
            let wait = retry_after.unwrap_or(pause);
            if attempt >= self.retry.attempts || wait > self.retry.longest_pause {
                tracing::warn!(kind, attempt, %message, "email not sent, giving up for now");
                return Err(MailError::Unavailable(message));
            }
            tracing::info!(kind, attempt, %message, wait_ms = wait.as_millis() as u64, "email send failed, retrying");
            tokio::time::sleep(wait).await;
            pause = pause.saturating_mul(2);
            attempt += 1;
        }
    }

    async fn attempt<B: Serialize, R: serde::de::DeserializeOwned>(
        &self,
        key: &str,
        path: &str,
        body: &B,
    ) -> Attempt<R> {
        let response = self
            .http
            .post(format!("{}/{path}", self.base_url))
            .bearer_auth(self.api_key.expose())
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(err) => {
                return Attempt::Transient {
                    message: err.without_url().to_string(),
                    retry_after: None,
                };
            }
        };
        let status = response.status();
        if status.is_success() {
            return match response.json::<R>().await {
                Ok(sent) => Attempt::Sent(sent),
                Err(err) => Attempt::Transient {
                    message: err.without_url().to_string(),
                    retry_after: None,
                },
            };
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let (message, name) = response
            .json::<ErrorResponse>()
            .await
            .map(|e| (e.message, e.name))
            .unwrap_or_else(|_| (format!("HTTP {status}"), String::new()));
        // A 409 "concurrent_idempotent_requests" means the same key is still being handled
        // (another attempt is in flight): worth asking again. "invalid_idempotent_request"
        // means an earlier request under this key, with another body, was accepted.
        let conflict = status == StatusCode::CONFLICT;
        if conflict && name == "invalid_idempotent_request" {
            Attempt::KeyTaken
        } else if status == StatusCode::TOO_MANY_REQUESTS
            || status.is_server_error()
            || (conflict && name == "concurrent_idempotent_requests")
        {
            Attempt::Transient {
                message,
                retry_after,
            }
        } else if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            Attempt::Later(message)
        } else {
            Attempt::Final(message)
        }
    }
}
