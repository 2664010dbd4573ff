//! Emailed login links: request one (rate limited, answer never says whether an account
//! exists), then use it once within 15 minutes.

use std::net::IpAddr;
use std::time::Duration;

use mongodb::bson::DateTime;

use super::{session, token};
use crate::domain::email::EmailAddress;
use crate::domain::return_path;
use crate::error::AppError;
use crate::server::db::login_tokens::{LoginTokenDoc, Purpose};
use crate::server::db::{self, users::UserDoc};
use crate::server::email::{Email, templates};
use crate::server::http::client_addr::network_of;
use crate::server::limits::rate::{self, Rate};
use crate::server::state::AppState;

pub const VALID_FOR: Duration = Duration::from_secs(15 * 60);
/// Links per client address, whatever the email.
pub const PER_IP: Rate = Rate::per_minutes(10, 15);
/// Links per network (/24 or /64): one holder of many addresses is one asker.
pub const PER_NETWORK: Rate = Rate::per_minutes(30, 15);
/// Links for one email address asked from one network.
pub const PER_EMAIL_PER_NETWORK: Rate = Rate::per_minutes(3, 15);
/// Links for one email address from all networks it has no live session on.
pub const PER_EMAIL_UNKNOWN_NETWORKS: Rate = Rate::per_minutes(30, 60);

/// The IANA zone if known, otherwise UTC (the browser sends what it detects).
pub fn known_time_zone(name: &str) -> String {
    if crate::server::accounts::profile::is_known_zone(name) {
        name.to_string()
    } else {
        "UTC".to_string()
    }
}

async fn limit(state: &AppState, key: &str, rate: Rate, now: DateTime) -> Result<(), AppError> {
    rate::check(
        state,
        key,
        rate,
        "Too many sign-in links were requested.",
        now,
    )
    .await
}

/// Counts a request for `email`'s link from `ip` against every limit, refusing past any.
///
/// The limits keep a stranger from flooding an inbox or the mailer without letting them lock
/// a user out by asking for that user's link: each network has its own small budget per
/// address, so the stranger's requests use up the stranger's budget, not the user's. The
/// address's overall hourly ceiling (against askers spread over many networks) does not
/// apply on a network the account already has a live session from.
async fn count_request(
    state: &AppState,
    email: &EmailAddress,
    ip: Option<IpAddr>,
    now: DateTime,
) -> Result<(), AppError> {
    let email_key = token::hash(&email.identity());
    let network = ip.map_or_else(|| "unknown".to_string(), |ip| network_of(ip).to_string());
    if let Some(ip) = ip {
        limit(state, &format!("login-ip:{ip}"), PER_IP, now).await?;
    }
    limit(state, &format!("login-net:{network}"), PER_NETWORK, now).await?;
    limit(
        state,
        &format!("login-email-net:{email_key}:{network}"),
        PER_EMAIL_PER_NETWORK,
        now,
    )
    .await?;
    if !signed_in_from(state, email, ip, now).await? {
        limit(
            state,
            &format!("login-email:{email_key}"),
            PER_EMAIL_UNKNOWN_NETWORKS,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Whether the account at `email` has a live session from `ip`'s network.
async fn signed_in_from(
    state: &AppState,
    email: &EmailAddress,
    ip: Option<IpAddr>,
    now: DateTime,
) -> Result<bool, AppError> {
    let Some(network) = ip.map(network_of) else {
        return Ok(false);
    };
    let failed = |err| db::user_facing("counting sign-in link requests", err);
    let Some(user) = db::users::find_by_email(&state.db, email.as_str())
        .await
        .map_err(failed)?
    else {
        return Ok(false);
    };
    let sessions = db::sessions::list_live(&state.db, user.id, now)
        .await
        .map_err(failed)?;
    Ok(sessions
        .iter()
        .filter_map(|session| session.ip.parse::<IpAddr>().ok())
        .any(|seen| network.contains(&seen)))
}

/// Emails a login link to `email`. Succeeds the same way whether or not an account exists.
pub async fn send(
    state: &AppState,
    email: &EmailAddress,
    time_zone: &str,
    next: &str,
    ip: Option<IpAddr>,
    now: DateTime,
) -> Result<(), AppError> {
    count_request(state, email, ip, now).await?;

    let raw = token::random()?;
    // Sign in as the address's identity: one account however the address is capitalised.
    let email = EmailAddress::parse(&email.identity()).unwrap_or_else(|_| email.clone());
    let doc = LoginTokenDoc {
        token_hash: token::hash(&raw),
        email: email.to_string(),
        time_zone: known_time_zone(time_zone),
        next: return_path::same_site(next).unwrap_or("/").to_string(),
        created_at: now,
        expires_at: session::after(now, VALID_FOR),
        change_for: None,
    };
    db::login_tokens::insert(&state.db, &doc)
        .await
        .map_err(|err| db::user_facing("storing a login link", err))?;

    let url = format!("{}/auth/link?token={raw}", state.config.base_url);
    let rendered = templates::login_link(&url, (VALID_FOR.as_secs() / 60) as i64);
    let key = format!("login-link-{}", doc.token_hash);
    let message = Email::from_paytrack(email, rendered, "login_link", key);
    state.mailer.send(&message).await.map_err(|err| {
        tracing::warn!(error = %err, "sending a login link failed");
        AppError::Rejected(
            "We couldn't send the email just now. Please try again in a few minutes.".to_string(),
        )
    })?;
    Ok(())
}

/// The address a live link is for, without using the link up.
pub async fn peek(state: &AppState, raw: &str, now: DateTime) -> Result<Option<String>, AppError> {
    if !token::is_well_formed(raw) {
        return Ok(None);
    }
    let doc = db::login_tokens::peek(&state.db, &token::hash(raw), Purpose::SignIn, now)
        .await
        .map_err(|err| db::user_facing("looking up a login link", err))?;
    Ok(doc.map(|d| d.email))
}

/// A link that worked: who signed in, the new session id, and where to go next.
pub struct SignedIn {
    pub user: UserDoc,
    pub created: bool,
    pub session_id: String,
    pub next: String,
}

/// Uses the link up and starts a session. `None` when the link is unknown, used or expired.
pub async fn redeem(
    state: &AppState,
    raw: &str,
    origin: session::Origin,
    now: DateTime,
) -> Result<Option<SignedIn>, AppError> {
    if !token::is_well_formed(raw) {
        return Ok(None);
    }
    let Some(doc) = db::login_tokens::consume(&state.db, &token::hash(raw), Purpose::SignIn, now)
        .await
        .map_err(|err| db::user_facing("using a login link", err))?
    else {
        return Ok(None);
    };
    let default_name = doc.email.split('@').next().unwrap_or_default().to_string();
    let (user, created) = db::users::find_or_create(
        &state.db,
        db::users::NewUser {
            email: &doc.email,
            name: &default_name,
            time_zone: &doc.time_zone,
        },
    )
    .await
    .map_err(|err| db::user_facing("finding or creating the account", err))?;
    if created {
        db::usage::count_today(&state.db, crate::domain::usage::UsageEvent::SignUp).await;
    }
    let session_id = session::start(&state.db, user.id, origin, now).await?;
    Ok(Some(SignedIn {
        user,
        created,
        session_id,
        next: doc.next,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_time_zones_fall_back_to_utc() {
        assert_eq!(known_time_zone("Europe/Paris"), "Europe/Paris");
        assert_eq!(
            known_time_zone("America/Argentina/Buenos_Aires"),
            "America/Argentina/Buenos_Aires"
        );
        assert_eq!(known_time_zone("Mars/Olympus_Mons"), "UTC");
        assert_eq!(known_time_zone(""), "UTC");
        assert_eq!(known_time_zone("../../etc/passwd"), "UTC");
    }
}
