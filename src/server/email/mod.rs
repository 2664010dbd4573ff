//! Outgoing email. `Mailer` sends through Resend's HTTP API when `RESEND_API_KEY` is set, and
//! otherwise stores every email in the development outbox (readable at /dev/outbox), so the
//! whole product works locally without an account anywhere.

pub mod invoice_emails;
pub mod notify;
pub mod resend;
pub mod templates;
pub mod webhook_signature;

use mongodb::Database;
use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::domain::email::EmailAddress;
use crate::server::db;

/// One email, ready to send.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: EmailAddress,
    /// Further addresses of the same recipient (a client with several), copied in.
    pub cc: Vec<EmailAddress>,
    /// Whose email it is when sent on a user's behalf: the From name becomes
    /// "Ada Lovelace via PayTrack" (the address stays PayTrack's, which is what can be sent).
    pub sender_name: Option<String>,
    pub reply_to: Option<EmailAddress>,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// What the email is for ("login_link", "security_notice", …), for logs and the outbox.
    pub kind: &'static str,
    /// The same key for a retry of the same email, so the provider sends it once.
    pub idempotency_key: String,
    /// Files sent with it (the invoice's PDF). Resend's batch endpoint takes none, so an
    /// email with attachments always goes on its own.
    pub attachments: Vec<Attachment>,
}

/// A file sent with an email. Its bytes must be the same on every try of the email, or
/// Resend would take the retry for another request under the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Email {
    /// An email from PayTrack itself: no one's name on it, no one to reply to, one recipient.
    pub fn from_paytrack(
        to: EmailAddress,
        rendered: templates::Rendered,
        kind: &'static str,
        idempotency_key: String,
    ) -> Email {
        Email {
            to,
            cc: Vec::new(),
            sender_name: None,
            reply_to: None,
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            kind,
            idempotency_key,
            attachments: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the email provider refused the email: {0}")]
    Rejected(String),
    /// Resend's `409 invalid_idempotent_request`: the key was used before with another body,
    /// so that earlier request was accepted (and this one was not).
    #[error("the email provider already accepted an earlier request under this key")]
    AlreadyAccepted,
    #[error("the email provider could not be reached: {0}")]
    Unavailable(String),
    #[error("storing the email in the outbox failed: {0}")]
    Outbox(#[from] mongodb::error::Error),
}

#[derive(Clone)]
pub enum Mailer {
    Outbox(Database),
    Resend(resend::Resend),
}

impl Mailer {
    /// Resend when its key is configured, otherwise the dev outbox in `db`.
    pub fn from_config(
        config: &crate::server::config::Config,
        db: &Database,
    ) -> Result<Self, reqwest::Error> {
        Ok(match &config.secrets.resend_api_key {
            Some(key) => Mailer::Resend(resend::Resend::new(
                &config.resend_base_url,
                key.clone(),
                config.email_from.clone(),
            )?),
            None => Mailer::Outbox(db.clone()),
        })
    }

    pub fn is_outbox(&self) -> bool {
        matches!(self, Mailer::Outbox(_))
    }

    /// Sends `emails` in one request under `key` (see `Resend::send_batch`); the outbox
    /// stores each under its own key. Returns the ids in order.
    pub async fn send_batch(&self, emails: &[Email], key: &str) -> Result<Vec<String>, MailError> {
        match self {
            Mailer::Outbox(_) => {
                let mut ids = Vec::with_capacity(emails.len());
                for email in emails {
                    ids.push(self.send(email).await?);
                }
                Ok(ids)
            }
            Mailer::Resend(resend) => resend.send_batch(emails, key).await,
        }
    }

    /// A message Resend received for the inbound domain (see `Resend::received`), or in
    /// development one typed in the dev outbox.
    pub async fn received(&self, id: &str) -> Result<resend::ReceivedEmail, MailError> {
        match self {
            // In development, replies are typed in the dev outbox and kept there.
            Mailer::Outbox(db) => {
                let unknown = || MailError::Rejected(format!("the dev outbox has no message {id}"));
                let id = ObjectId::parse_str(id).map_err(|_| unknown())?;
                let message = db::outbox::find(db, id).await?.ok_or_else(unknown)?;
                if message.kind != db::outbox::RECEIVED {
                    return Err(unknown());
                }
                let automatic = message.automatic.then(|| {
                    let value = serde_json::Value::String("auto-replied".to_string());
                    [("Auto-Submitted".to_string(), value)].into()
                });
                Ok(resend::ReceivedEmail {
                    from: message.from.unwrap_or_default(),
                    subject: message.subject,
                    text: Some(message.text),
                    html: None,
                    headers: automatic,
                })
            }
            Mailer::Resend(resend) => resend.received(id).await,
        }
    }

    /// Sends `email`; returns the provider's id for it (the outbox id in development).
    pub async fn send(&self, email: &Email) -> Result<String, MailError> {
        match self {
            Mailer::Outbox(db) => {
                let doc = db::outbox::OutboxDoc {
                    id: ObjectId::new(),
                    to: email.to.to_string(),
                    cc: email.cc.iter().map(ToString::to_string).collect(),
                    reply_to: email.reply_to.as_ref().map(ToString::to_string),
                    subject: email.subject.clone(),
                    html: email.html.clone(),
                    text: email.text.clone(),
                    kind: email.kind.to_string(),
                    idempotency_key: email.idempotency_key.clone(),
                    attachments: email
                        .attachments
                        .iter()
                        .map(|a| db::outbox::OutboxAttachment {
                            filename: a.filename.clone(),
                            content_type: a.content_type.to_string(),
                            size: i64::try_from(a.bytes.len()).unwrap_or(i64::MAX),
                        })
                        .collect(),
                    from: None,
                    automatic: false,
                    created_at: DateTime::now(),
                };
                let id = db::outbox::store(db, &doc).await?;
                tracing::info!(kind = email.kind, outbox_id = %id, "email stored in the dev outbox");
                Ok(id.to_hex())
            }
            Mailer::Resend(resend) => resend.send(email).await,
        }
    }
}
