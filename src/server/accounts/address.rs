//! Changing the address a user signs in with. A link sent to the new address confirms it, so
//! nobody holding a session can move an account to an address they cannot read; the old
//! address is told when the change is asked for and when it is made, so a stolen session
//! cannot quietly take the account away.

use std::time::Duration;

use mongodb::bson::DateTime;

use crate::domain::email::EmailAddress;
use crate::error::AppError;
use crate::server::auth::{notices, session, token};
use crate::server::db::login_tokens::{self, LoginTokenDoc, Purpose};
use crate::server::db::{self, schema::is_duplicate_key, users, users::UserDoc};
use crate::server::email::{Email, templates};
use crate::server::limits::rate::{self, Rate};
use crate::server::state::AppState;

/// How long the confirmation link works.
pub const VALID_FOR: Duration = Duration::from_secs(60 * 60);
/// Confirmation emails per account: each goes to an address the user chooses.
pub const CHANGES: Rate = Rate::per_minutes(5, 60);

pub enum ChangeAsked {
    /// A confirmation link went to the new address.
    Sent(String),
    /// The address is not usable; the message says why.
    Invalid(String),
}

/// Sends a confirmation link to `new_address` and tells the current address.
pub async fn request_change(
    state: &AppState,
    user: &UserDoc,
    new_address: &str,
    now: DateTime,
) -> Result<ChangeAsked, AppError> {
    let address = match EmailAddress::parse(new_address) {
        Ok(address) => address,
        Err(message) => return Ok(ChangeAsked::Invalid(message)),
    };
    let identity = address.identity();
    if identity == user.email {
        return Ok(ChangeAsked::Invalid(
            "That is already the address you sign in with.".to_string(),
        ));
    }
    rate::check(
        state,
        &format!("address-change:{}", user.id),
        CHANGES,
        "Too many address changes were asked for.",
        now,
    )
    .await?;
    let raw = token::random()?;
    let doc = LoginTokenDoc {
        token_hash: token::hash(&raw),
        email: identity.clone(),
        time_zone: user.time_zone.clone(),
        next: "/account".to_string(),
        created_at: now,
        expires_at: session::after(now, VALID_FOR),
        change_for: Some(user.id),
    };
    login_tokens::insert(&state.db, &doc)
        .await
        .map_err(db::failed("storing an address confirmation"))?;

    let url = format!("{}/account/address?token={raw}", state.config.base_url);
    let minutes = (VALID_FOR.as_secs() / 60) as i64;
    let to = EmailAddress::parse(&identity).unwrap_or(address);
    let message = Email::from_paytrack(
        to,
        templates::confirm_address(&url, &identity, minutes),
        "address_confirmation",
        format!("address-change-{}", doc.token_hash),
    );
    state.mailer.send(&message).await.map_err(|err| {
        tracing::warn!(error = %err, "sending an address confirmation failed");
        AppError::Rejected(
            "We couldn't send the confirmation just now. Please try again in a few minutes."
                .to_string(),
        )
    })?;
    notice(
        state,
        user,
        &format!(
            "Someone signed in to your PayTrack account asked to sign in as {identity} from now on. Nothing changes unless the link sent to that address is used within an hour. If this wasn't you, sign out everywhere from your account page."
        ),
        &format!("address-change-asked-{}", doc.token_hash),
    )
    .await;
    Ok(ChangeAsked::Sent(identity))
}

/// The new address a live confirmation link is for, without using it up.
pub async fn peek(state: &AppState, raw: &str, now: DateTime) -> Result<Option<String>, AppError> {
    if !token::is_well_formed(raw) {
        return Ok(None);
    }
    let doc = login_tokens::peek(&state.db, &token::hash(raw), Purpose::ChangeAddress, now)
        .await
        .map_err(db::failed("looking up an address confirmation"))?;
    Ok(doc.map(|d| d.email))
}

pub enum Confirmed {
    /// The account now signs in with the new address.
    Changed(String),
    /// Unknown, used or expired link.
    Unknown,
    /// Another account signs in with that address; nothing changed.
    Taken(String),
}

/// Uses a confirmation link: the account's sign-in address becomes the one it was sent to.
pub async fn confirm(state: &AppState, raw: &str, now: DateTime) -> Result<Confirmed, AppError> {
    if !token::is_well_formed(raw) {
        return Ok(Confirmed::Unknown);
    }
    let Some(doc) =
        login_tokens::consume(&state.db, &token::hash(raw), Purpose::ChangeAddress, now)
            .await
            .map_err(db::failed("using an address confirmation"))?
    else {
        return Ok(Confirmed::Unknown);
    };
    let Some(user_id) = doc.change_for else {
        return Ok(Confirmed::Unknown);
    };
    let Some(before) = users::find(&state.db, user_id)
        .await
        .map_err(db::failed("loading the account"))?
    else {
        return Ok(Confirmed::Unknown);
    };
    match users::change_email(&state.db, user_id, &doc.email).await {
        Ok(Some(_)) => {}
        Ok(None) => return Ok(Confirmed::Unknown),
        Err(err) if is_duplicate_key(&err) => return Ok(Confirmed::Taken(doc.email)),
        Err(err) => return Err(db::user_facing("changing the sign-in address", err)),
    }
    tracing::info!(user = %user_id, "sign-in address changed");
    notice(
        state,
        &before,
        &format!(
            "Your PayTrack account now signs in as {}, no longer as {}. If this wasn't you, write to us at once.",
            doc.email, before.email
        ),
        &format!("address-changed-{}", doc.token_hash),
    )
    .await;
    Ok(Confirmed::Changed(doc.email))
}

/// A security notice to the address `user` signed in with (the old one, for a change).
async fn notice(state: &AppState, user: &UserDoc, body: &str, key: &str) {
    notices::send(state, user, "security_notice", key.to_string(), body).await;
}
