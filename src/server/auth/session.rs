//! Sessions: a random 32-byte id in an HttpOnly, SameSite=Lax cookie; only its hash is stored,
//! with an expiry that slides forward while the session is used.

use std::time::Duration;

use axum::http::HeaderMap;
use cookie::{Cookie, SameSite};
use mongodb::Database;
use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::{request, token};
use crate::error::AppError;
use crate::server::db::{self, sessions::SessionDoc, users::UserDoc};

pub const COOKIE_NAME: &str = "paytrack_session";
pub const LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// A session used again after this long gets a fresh expiry (and cookie).
pub const RENEW_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

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
        expires_at: after(now, LIFETIME),
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
pub struct Authenticated {
    pub user: UserDoc,
    pub session: SessionDoc,
    /// Set when the expiry slid forward: the cookie's Max-Age must follow.
    pub renewed_cookie: Option<String>,
}

/// Resolves the session cookie in `headers` to a live session and its user.
pub async fn authenticate(
    db: &Database,
    headers: &HeaderMap,
    now: DateTime,
) -> Result<Option<Authenticated>, AppError> {
    let Some(id) = request::cookie(headers, COOKIE_NAME).filter(|id| token::is_well_formed(id))
    else {
        return Ok(None);
    };
    let id_hash = token::hash(&id);
    let Some(session) = db::sessions::find_live(db, &id_hash, now)
        .await
        .map_err(|err| db::user_facing("looking up a session", err))?
    else {
        return Ok(None);
    };
    let Some(user) = db::users::find(db, session.user_id)
        .await
        .map_err(|err| db::user_facing("loading the signed-in user", err))?
    else {
        return Ok(None);
    };
    let stale = now.timestamp_millis() - session.last_seen_at.timestamp_millis()
        >= RENEW_AFTER.as_millis() as i64;
    let renewed_cookie = if stale {
        db::sessions::renew(db, &id_hash, now, after(now, LIFETIME))
            .await
            .map_err(|err| db::user_facing("renewing a session", err))?;
        Some(id)
    } else {
        None
    };
    Ok(Some(Authenticated {
        user,
        session,
        renewed_cookie,
    }))
}

/// Ends the session whose cookie is in `headers`, if any.
pub async fn end(db: &Database, headers: &HeaderMap) -> Result<(), AppError> {
    if let Some(id) = request::cookie(headers, COOKIE_NAME).filter(|id| token::is_well_formed(id)) {
        db::sessions::delete(db, &token::hash(&id))
            .await
            .map_err(|err| db::user_facing("ending a session", err))?;
    }
    Ok(())
}

/// `Set-Cookie` value carrying session `id`.
pub fn cookie(id: &str, secure: bool) -> String {
    Cookie::build((COOKIE_NAME, id.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(LIFETIME.as_secs() as i64))
        .build()
        .to_string()
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    Cookie::build((COOKIE_NAME, ""))
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
    fn the_cookie_is_http_only_lax_and_secure_when_asked() {
        let c = cookie("abc", true);
        assert!(c.starts_with("paytrack_session=abc"));
        for part in [
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=2592000",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(!cookie("abc", false).contains("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }
}
