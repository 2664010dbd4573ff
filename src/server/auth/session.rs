//! Sessions: a random 32-byte id in an HttpOnly, SameSite=Lax cookie; only its hash is stored,
//! with an expiry that slides forward while the session is used, up to an absolute lifetime
//! after which the user signs in again however active they were (a stolen cookie kept alive
//! by use dies then too). Over https the cookie is named `__Host-…`: browsers then accept it
//! only from PayTrack's own host, Secure, for the whole site — a sibling subdomain cannot plant
//! or overwrite it.

use std::time::Duration;

use axum::http::HeaderMap;
use cookie::{Cookie, SameSite};
use mongodb::Database;
use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::{request, session_cache, token};
use crate::error::AppError;
use crate::server::db::{self, sessions::SessionDoc, users::UserDoc};
use crate::server::state::AppState;

/// The cookie's name over plain http (local development, where `__Host-` cannot be used).
pub const COOKIE_NAME: &str = "paytrack_session";
/// The cookie's name whenever it is `Secure`.
pub const SECURE_COOKIE_NAME: &str = "__Host-paytrack_session";
/// How long an unused session lives.
pub const LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// How long any session lives, used or not.
pub const ABSOLUTE_LIFETIME: Duration = Duration::from_secs(90 * 24 * 60 * 60);
/// A session used again after this long gets a fresh expiry (and cookie).
pub const RENEW_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// The session cookie's name.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// When a session used at `now` expires: `LIFETIME` on, but never past its absolute end.
fn expiry(created_at: DateTime, now: DateTime) -> DateTime {
    let sliding = after(now, LIFETIME);
    let absolute = after(created_at, ABSOLUTE_LIFETIME);
    sliding.min(absolute)
}

/// The instant `by` after `now` (expiry times).
pub fn after(now: DateTime, by: Duration) -> DateTime {
    DateTime::from_millis(now.timestamp_millis() + by.as_millis() as i64)
}

/// Adds a `Set-Cookie` header; cookie strings built here are always valid header values.
pub fn append_cookie(response: &mut axum::response::Response, cookie: &str) {
    if let Ok(value) = axum::http::HeaderValue::from_str(cookie) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
}

/// Who is signing in, from where.
pub struct Origin {
    pub user_agent: String,
    pub ip: String,
    pub method: &'static str,
}

/// Starts a new session for `user_id` and returns the cookie value. Always a new id, so a
/// session id planted before sign-in is never promoted (no session fixation).
pub async fn start(
    db: &Database,
    user_id: ObjectId,
    origin: Origin,
    now: DateTime,
) -> Result<String, AppError> {
    let id = token::random()?;
    let session = SessionDoc {
        id_hash: token::hash(&id),
        user_id,
        created_at: now,
        last_seen_at: now,
        expires_at: expiry(now, now),
        user_agent: origin.user_agent,
        ip: origin.ip,
        method: origin.method.to_string(),
    };
    db::sessions::insert(db, &session)
        .await
        .map_err(|err| db::user_facing("starting a session", err))?;
    Ok(id)
}

/// The signed-in user behind a request, and whether the cookie should be re-issued.
#[derive(Clone)]
pub struct Authenticated {
    pub user: UserDoc,
    pub session: SessionDoc,
    /// Set when the expiry slid forward: the cookie (with this value) must follow.
    pub renewed_cookie: Option<String>,
}

/// The session id in the request's cookie, if it carries a well-formed one.
fn presented_id(headers: &HeaderMap, secure: bool) -> Option<String> {
    request::cookie(headers, cookie_name(secure)).filter(|id| token::is_well_formed(id))
}

/// Resolves the session cookie in `headers` to a live session and its user.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    now: DateTime,
) -> Result<Option<Authenticated>, AppError> {
    let db = &state.db;
    let secure = state.config.cookies_secure();
    let Some(id) = presented_id(headers, secure) else {
        return Ok(None);
    };
    let id_hash = token::hash(&id);
    let (session, user) = match state.sessions.get(&id_hash, now) {
        Some(known) => known,
        None => {
            let epoch = db::auth_epoch::current();
            let Some((session, Some(user))) = db::sessions::find_live_with_user(db, &id_hash, now)
                .await
                .map_err(|err| db::user_facing("looking up a session", err))?
            else {
                return Ok(None);
            };
            state
                .sessions
                .put(&id_hash, session.clone(), user.clone(), epoch);
            (session, user)
        }
    };
    // Sessions renewed before the absolute lifetime existed may still have an expiry past it.
    if after(session.created_at, ABSOLUTE_LIFETIME) <= now {
        return Ok(None);
    }
    let stale = now.timestamp_millis() - session.last_seen_at.timestamp_millis()
        >= RENEW_AFTER.as_millis() as i64;
    let renewed_cookie = if stale {
        let expires_at = expiry(session.created_at, now);
        db::sessions::renew(db, &id_hash, now, expires_at)
            .await
            .map_err(|err| db::user_facing("renewing a session", err))?;
        let renewed = SessionDoc {
            last_seen_at: now,
            expires_at,
            ..session.clone()
        };
        state.sessions.renewed(&id_hash, renewed);
        Some(cookie(&id, secure, expires_at, now))
    } else {
        None
    };
    Ok(Some(Authenticated {
        user,
        session,
        renewed_cookie,
    }))
}

/// Ends every session of `user`; returns how many there were. Answers only once no server's
/// session cache can still accept them (see `session_cache`).
pub async fn end_everywhere(state: &AppState, user: ObjectId) -> Result<u64, AppError> {
    let ended = db::sessions::delete_all_for(&state.db, user)
        .await
        .map_err(|err| db::user_facing("ending every session", err))?;
    tokio::time::sleep(session_cache::STALE_AT_MOST).await;
    Ok(ended)
}

/// Ends the session whose cookie is in `headers`, if any.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    if let Some(id) = presented_id(headers, state.config.cookies_secure()) {
        db::sessions::delete(&state.db, &token::hash(&id))
            .await
            .map_err(|err| db::user_facing("ending a session", err))?;
    }
    Ok(())
}

/// `Set-Cookie` value carrying session `id`, kept by the browser until `expires_at`.
pub fn cookie(id: &str, secure: bool, expires_at: DateTime, now: DateTime) -> String {
    let seconds = (expires_at.timestamp_millis() - now.timestamp_millis()).max(0) / 1000;
    Cookie::build((cookie_name(secure), id.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(seconds))
        .build()
        .to_string()
}

/// `Set-Cookie` value carrying a session just started at `now`.
pub fn new_cookie(id: &str, secure: bool, now: DateTime) -> String {
    cookie(id, secure, expiry(now, now), now)
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    Cookie::build((cookie_name(secure), ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_lax_and_host_only_when_secure() {
        let now = DateTime::from_millis(1_000_000);
        let c = new_cookie("abc", true, now);
        assert!(c.starts_with("__Host-paytrack_session=abc"), "{c}");
        for part in [
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=2592000",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(!c.contains("Domain"), "{c}");
        let plain = new_cookie("abc", false, now);
        assert!(plain.starts_with("paytrack_session=abc"), "{plain}");
        assert!(!plain.contains("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
        assert!(clear_cookie(true).starts_with("__Host-paytrack_session=;"));
    }

    #[test]
    fn sessions_slide_but_never_past_ninety_days() {
        let day = 24 * 60 * 60 * 1000_i64;
        let created = DateTime::from_millis(0);
        assert_eq!(expiry(created, created).timestamp_millis(), 30 * day);
        let used = DateTime::from_millis(50 * day);
        assert_eq!(expiry(created, used).timestamp_millis(), 80 * day);
        let late = DateTime::from_millis(75 * day);
        assert_eq!(expiry(created, late).timestamp_millis(), 90 * day);
        // The renewed cookie lives only as long as the session.
        let c = cookie("abc", false, expiry(created, late), late);
        assert!(c.contains(&format!("Max-Age={}", 15 * day / 1000)), "{c}");
    }
}
