//! A client's reply to an invoice email. Every invoice email and reminder says "reply to
//! `reply+<token>@<inbound domain>`"; Resend receives the reply and calls the webhook with
//! its id, and this reads it, keeps it, holds the invoice's reminders (a person wrote, so
//! chasing waits for the user), and forwards it to the user with the client as reply-to.
//!
//! Each step is safe to repeat, because Resend delivers the event again until it gets a 200:
//! the message is stored once (its Resend id is unique), the hold is only put on an invoice
//! that has none, and the forward goes under one idempotency key per message — and not again
//! once that key may have been forgotten (`KEY_LIFETIME`).

use jiff::{SignedDuration, Timestamp};
use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::domain::email::EmailAddress;
use crate::domain::inbound::{self, Author, MAX_BODY_BYTES};
use crate::domain::timeline::ReplyView;
use crate::server::db::activity::ActivityKind;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::replies::{self, ReplyDoc};
use crate::server::db::users::{self, UserDoc};
use crate::server::db::{activity, clients, email_jobs};
use crate::server::email::resend::ReceivedEmail;
use crate::server::email::{Email, MailError, templates};
use crate::server::state::AppState;

/// A forward first tried longer ago than this is not tried again (it may have gone).
const KEY_LIFETIME: SignedDuration =
    SignedDuration::from_hours(crate::domain::email::KEY_LIFETIME_HOURS);

/// What became of a received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Kept, forwarded, and the invoice's reminders held (or not, for an automatic answer or
    /// an invoice no longer chased).
    Noted { held: bool },
    /// Nothing changed, for the reason given (logged; Resend is answered 200 so it stops).
    Ignored(&'static str),
}

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("the database failed: {0}")]
    Database(#[from] mongodb::error::Error),
    /// Resend could not be asked now; the webhook is answered 503 and delivered again.
    #[error("Resend could not be reached: {0}")]
    Unavailable(String),
}

/// A fresh reply token: 16 random bytes in lower-case hex (see `domain::inbound`).
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// Where replies to `invoice`'s emails go: its reply address when PayTrack receives mail,
/// otherwise the user's own address.
pub fn reply_to_for(
    inbound_domain: Option<&str>,
    invoice: &InvoiceDoc,
    user: &UserDoc,
) -> Option<EmailAddress> {
    match (inbound_domain, invoice.reply_token.as_deref()) {
        (Some(domain), Some(token)) => EmailAddress::parse(&inbound::reply_address(token, domain))
            .ok()
            .or_else(|| EmailAddress::parse(&user.email).ok()),
        _ => EmailAddress::parse(&user.email).ok(),
    }
}

/// Whether a person's reply to `invoice`'s emails reaches PayTrack and holds its reminders:
/// replies are received, the invoice's emails went with its reply address, it is still owed,
/// and no payment is settling (which holds them already).
pub fn reply_would_hold(inbound_domain: Option<&str>, invoice: &InvoiceDoc) -> bool {
    inbound_domain.is_some()
        && invoice.reply_token.is_some()
        && invoice.status.is_collectable()
        && !invoice.stripe_payment_processing()
}

/// Handles the message Resend received as `email_id`, addressed to `recipients`.
pub async fn receive(
    state: &AppState,
    email_id: &str,
    recipients: &[String],
) -> Result<Received, ReplyError> {
    let Some(domain) = state.config.inbound_domain.as_deref() else {
        return Ok(ignored(
            "PayTrack does not receive mail (no inbound domain)",
        ));
    };
    let Some(token) = inbound::token_among(recipients.iter().map(String::as_str), domain) else {
        return Ok(ignored("not addressed to a reply address"));
    };
    let Some(invoice) = invoices::by_reply_token(&state.db, &token).await? else {
        return Ok(ignored("no invoice has this reply address"));
    };
    let Some(user) = users::find(&state.db, invoice.user_id).await? else {
        return Ok(ignored("the invoice's account is gone"));
    };
    let message = match state.mailer.received(email_id).await {
        Ok(message) => message,
        Err(MailError::Rejected(message)) => {
            tracing::warn!(%message, "Resend refused to give a received email");
            return Ok(ignored("Resend has no such received email"));
        }
        Err(err) => return Err(ReplyError::Unavailable(err.to_string())),
    };
    let Some(reply) = reply_of(email_id, &invoice, &message) else {
        return Ok(ignored("the message is malformed or too large"));
    };
    let stored = replies::store(&state.db, &reply).await?;
    if stored.held {
        hold(state, &invoice).await?;
    }
    // An automatic answer is on the invoice's page; the user's inbox is spared it.
    if !stored.automatic {
        forward(state, &user, &invoice, &stored).await?;
    }
    if stored.id == reply.id {
        let kind = if stored.automatic {
            ActivityKind::AutomaticReply
        } else {
            ActivityKind::ClientReplied
        };
        let (due, now) = (invoice.due_minor, DateTime::now());
        if let Err(err) = activity::record(&state.db, &invoice, kind, due, now).await {
            tracing::warn!(error = %err, "the reply is not on the dashboard's activity");
        }
    }
    Ok(Received::Noted { held: stored.held })
}

fn ignored(why: &'static str) -> Received {
    tracing::info!(why, "a received email changed nothing");
    Received::Ignored(why)
}

/// The message as a reply to `invoice`, or `None` when it has no sender or is too large.
fn reply_of(email_id: &str, invoice: &InvoiceDoc, message: &ReceivedEmail) -> Option<ReplyDoc> {
    let from = inbound::address_in(&message.from)?;
    let text = message.text.clone().unwrap_or_default();
    let html = message.html.clone().filter(|h| !h.trim().is_empty());
    if text.len() > MAX_BODY_BYTES || html.as_ref().is_some_and(|h| h.len() > MAX_BODY_BYTES) {
        return None;
    }
    let automatic = inbound::author(message.header_pairs()) == Author::Machine;
    Some(ReplyDoc {
        id: ObjectId::new(),
        user_id: invoice.user_id,
        invoice_id: invoice.id,
        client_id: Some(invoice.client_id),
        provider_id: email_id.to_string(),
        from_address: from.to_string(),
        from_name: inbound::name_in(&message.from),
        subject: crate::domain::text::tidied(&message.subject, 300),
        text: if text.trim().is_empty() {
            html.as_deref().map(text_of_html).unwrap_or_default()
        } else {
            text
        },
        html: html.map(|h| clean_html(&h)),
        automatic,
        held: !automatic && invoice.status.is_collectable(),
        received_at: DateTime::now(),
        forward_tried_at: None,
        forwarded_at: None,
    })
}

/// The message's HTML as the invoice page may show it: no scripts, styles or forms, and no
/// images, whose addresses would tell the sender when the user read it.
fn clean_html(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .clean(html)
        .to_string()
}

/// What an HTML-only message says, as plain text for the forward and the timeline.
fn text_of_html(html: &str) -> String {
    html2text::from_read(html.as_bytes(), 78).unwrap_or_default()
}

/// Holds the invoice's reminders for the user to look at the reply, unless something else
/// holds them already (their own pause, a bounce, a payment settling).
async fn hold(state: &AppState, invoice: &InvoiceDoc) -> Result<(), mongodb::error::Error> {
    let held =
        invoices::hold_for_reply(&state.db, invoice.user_id, invoice.id, DateTime::now()).await?;
    if held.is_some() {
        let reminders = email_jobs::Cancel::Reminders;
        email_jobs::cancel_scheduled(&state.db, invoice.id, reminders, "replied").await?;
        tracing::info!(invoice = %invoice.id, "reminders held: the client replied");
    }
    Ok(())
}

/// Forwards `reply` to the user, once.
async fn forward(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    reply: &ReplyDoc,
) -> Result<(), ReplyError> {
    if reply.forwarded_at.is_some() {
        return Ok(());
    }
    let Some(reply) = replies::forward_tried(&state.db, reply.id, DateTime::now()).await? else {
        return Ok(());
    };
    let first_try = reply
        .forward_tried_at
        .map(|at| at.timestamp_millis())
        .and_then(|ms| Timestamp::from_millisecond(ms).ok());
    if first_try
        .and_then(|at| at.checked_add(KEY_LIFETIME).ok())
        .is_some_and(|until| until <= Timestamp::now())
    {
        tracing::warn!(reply = %reply.id, "a forward first tried a day ago is not tried again");
        return Ok(());
    }
    let (Ok(to), Ok(client)) = (
        EmailAddress::parse(&user.email),
        EmailAddress::parse(&reply.from_address),
    ) else {
        tracing::error!(reply = %reply.id, "stored addresses do not parse; reply not forwarded");
        return Ok(());
    };
    let who = client_name(state, invoice, &reply).await;
    let rendered = templates::client_replied(
        &user.name,
        &who,
        &invoice.number,
        &reply.text,
        reply.held,
        &format!("{}/invoices/{}", state.config.base_url, invoice.id.to_hex()),
    );
    let email = Email {
        reply_to: Some(client),
        ..Email::from_paytrack(
            to,
            rendered,
            "reply_forward",
            format!("reply-forward-{}", reply.provider_id),
        )
    };
    match state.mailer.send(&email).await {
        Ok(_) | Err(MailError::AlreadyAccepted) => {
            replies::forwarded(&state.db, reply.id, DateTime::now()).await?;
            Ok(())
        }
        Err(MailError::Rejected(message)) => {
            tracing::error!(%message, reply = %reply.id, "Resend refused the forwarded reply");
            Ok(())
        }
        Err(err) => Err(ReplyError::Unavailable(err.to_string())),
    }
}

/// Who wrote, as the user knows them: the name the message gives, else the client's.
async fn client_name(state: &AppState, invoice: &InvoiceDoc, reply: &ReplyDoc) -> String {
    if let Some(name) = &reply.from_name {
        return name.clone();
    }
    match clients::get(&state.db, invoice.user_id, invoice.client_id).await {
        Ok(Some(client)) => client.name,
        _ => invoice.bill_to.name.clone(),
    }
}

/// `reply` as the invoice's page shows it.
pub fn view(reply: &ReplyDoc, user: &UserDoc) -> ReplyView {
    let received = Timestamp::from_millisecond(reply.received_at.timestamp_millis())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    ReplyView {
        from: match &reply.from_name {
            Some(name) => format!("{name} <{}>", reply.from_address),
            None => reply.from_address.clone(),
        },
        when: crate::server::jobs::plan::local_moment(received, user),
        subject: reply.subject.clone(),
        text: reply.text.clone(),
        html: reply.html.clone(),
        automatic: reply.automatic,
    }
}
