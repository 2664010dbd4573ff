//! Sign-in and account server functions. The moments that set or clear the session cookie are
//! plain form posts (`server::auth::routes`); everything here reads or edits the account.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::browser_json::BrowserJson;
use crate::error::AppError;

/// The signed-in user, as the browser may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub picture: Option<String>,
    pub time_zone: String,
    /// How the current session signed in: "email_link" or "google".
    pub signed_in_with: String,
    /// Whether a Google account is linked (then "Continue with Google" signs in here too).
    pub google_linked: bool,
    /// What the user's invoice numbers start with.
    pub invoice_prefix: String,
    /// The last renewal of their Pro subscription failed (Stripe is retrying).
    pub payment_failed: bool,
    /// Crisp's website id when the support chat is configured (it loads when the user opens
    /// it, on app pages only).
    pub support_chat: Option<String>,
    /// Listed in PAYTRACK_OPERATORS: the usage page is theirs.
    pub operator: bool,
}

#[cfg(feature = "ssr")]
impl Me {
    /// The browser's view of `user`, for a session that signed in with `method`.
    fn new(user: crate::server::db::users::UserDoc, method: String) -> Self {
        let state = crate::api::ssr::state().ok();
        Me {
            support_chat: state
                .as_ref()
                .and_then(|state| state.config.crisp_website_id.clone()),
            operator: state
                .as_ref()
                .is_some_and(|state| crate::server::usage_report::is_operator(state, &user)),
            payment_failed: user
                .billing
                .as_ref()
                .and_then(|b| b.subscription.as_ref())
                .is_some_and(|s| s.status == crate::domain::plan::BillingStatus::PastDue),
            google_linked: user.google_id.is_some(),
            invoice_prefix: user.invoice_prefix().as_str().to_string(),
            name: user.name,
            email: user.email,
            picture: user.picture,
            time_zone: user.time_zone,
            signed_in_with: method,
        }
    }
}

/// What became of a request for a login link; field problems are values, not errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkRequest {
    /// A link is on its way (said the same way whether or not an account exists).
    Sent { email: String },
    /// The address does not parse; the message says why.
    InvalidEmail(String),
}

#[server(prefix = "/api", endpoint = "auth/me", output = BrowserJson)]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    let Some(signed_in) = ssr::signed_in().await? else {
        return Ok(None);
    };
    Ok(Some(Me::new(signed_in.user, signed_in.session.method)))
}

#[server(prefix = "/api", endpoint = "auth/request-link", output = BrowserJson)]
pub async fn request_login_link(
    email: String,
    time_zone: String,
    next: String,
) -> Result<LinkRequest, AppError> {
    let email = match crate::domain::email::EmailAddress::parse(&email) {
        Ok(email) => email,
        Err(message) => return Ok(LinkRequest::InvalidEmail(message)),
    };
    let (state, ip) = (ssr::state()?, ssr::client_addr()?);
    let now = mongodb::bson::DateTime::now();
    crate::server::auth::login_link::send(&state, &email, &time_zone, &next, ip, now).await?;
    Ok(LinkRequest::Sent {
        email: email.to_string(),
    })
}

/// The address an emailed link signs in as, or `None` if the link is unknown, used or expired.
/// Looking does not use the link up.
#[server(prefix = "/api", endpoint = "auth/link-status", output = BrowserJson)]
pub async fn login_link_email(token: String) -> Result<Option<String>, AppError> {
    use crate::server::auth::login_link;

    let state = ssr::state()?;
    login_link::peek(&state, &token, mongodb::bson::DateTime::now()).await
}

pub use crate::domain::profile::ProfileErrors;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileUpdate {
    Saved(Me),
    Invalid(ProfileErrors),
}

#[server(prefix = "/api", endpoint = "account/profile", output = BrowserJson)]
pub async fn update_profile(
    name: String,
    time_zone: String,
    invoice_prefix: String,
) -> Result<ProfileUpdate, AppError> {
    use crate::server::accounts::profile::{self, ProfileSaved};

    let signed_in = ssr::require_user().await?;
    let state = ssr::state()?;
    let saved = profile::update(&state, &signed_in.user, &name, &time_zone, &invoice_prefix);
    Ok(match saved.await? {
        ProfileSaved::Saved(user) => ProfileUpdate::Saved(Me::new(*user, signed_in.session.method)),
        ProfileSaved::Invalid(errors) => ProfileUpdate::Invalid(errors),
    })
}

#[cfg(feature = "ssr")]
use super::ssr;

/// Every IANA time zone name PayTrack knows, for the profile form.
#[server(prefix = "/api", endpoint = "account/time-zones", output = BrowserJson)]
pub async fn time_zones() -> Result<Vec<String>, AppError> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.to_string())
        .filter(|name| name.contains('/') || name == "UTC")
        .collect();
    names.sort();
    Ok(names)
}

/// One of the user's active sessions, as the account page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The day it signed in, in the user's zone: "Sat 5 Dec 2026".
    pub signed_in_on: String,
    /// When it was last used, in the user's zone: "Sat 5 Dec 2026, 13:05".
    pub last_used: String,
    pub device: String,
    pub method: String,
    pub ip: String,
    /// The session making this request.
    pub current: bool,
}

#[server(prefix = "/api", endpoint = "account/sessions", output = BrowserJson)]
pub async fn my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let signed_in = ssr::require_user().await?;
    let state = ssr::state()?;
    let sessions = crate::server::accounts::sessions::live(&state, &signed_in.user).await?;
    let current = &signed_in.session.id_hash;
    Ok(sessions
        .into_iter()
        .map(|s| session_info(s, current, &signed_in.user))
        .collect())
}

#[cfg(feature = "ssr")]
fn session_info(
    session: crate::server::db::sessions::SessionDoc,
    current: &str,
    user: &crate::server::db::users::UserDoc,
) -> SessionInfo {
    use crate::server::jobs::plan::{day_of, from_bson, local_moment};

    SessionInfo {
        current: session.id_hash == current,
        signed_in_on: day_of(session.created_at, user).long(),
        last_used: local_moment(from_bson(session.last_seen_at), user),
        device: crate::server::accounts::sessions::device(&session.user_agent),
        method: session.method,
        ip: session.ip,
    }
}

/// What became of a request to change the sign-in address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressChange {
    /// A confirmation link went to this (lower-cased) address.
    Sent(String),
    /// The address is not usable; the message says why.
    Invalid(String),
}

#[server(prefix = "/api", endpoint = "account/address", output = BrowserJson)]
pub async fn request_address_change(new_address: String) -> Result<AddressChange, AppError> {
    use crate::server::accounts::address::{self, ChangeAsked};

    let signed_in = ssr::require_user().await?;
    let state = ssr::state()?;
    let now = mongodb::bson::DateTime::now();
    Ok(
        match address::request_change(&state, &signed_in.user, &new_address, now).await? {
            ChangeAsked::Sent(address) => AddressChange::Sent(address),
            ChangeAsked::Invalid(message) => AddressChange::Invalid(message),
        },
    )
}

/// The new address a confirmation link is for; looking does not use the link up.
#[server(prefix = "/api", endpoint = "account/address-status", output = BrowserJson)]
pub async fn address_change_status(token: String) -> Result<Option<String>, AppError> {
    let state = ssr::state()?;
    let now = mongodb::bson::DateTime::now();
    crate::server::accounts::address::peek(&state, &token, now).await
}

/// Forgets the Google picture; Google sign-ins no longer bring it back.
#[server(prefix = "/api", endpoint = "account/remove-picture", output = BrowserJson)]
pub async fn remove_picture() -> Result<Me, AppError> {
    let signed_in = ssr::require_user().await?;
    let state = ssr::state()?;
    let user = crate::server::db::users::remove_picture(&state.db, signed_in.user.id)
        .await
        .map_err(crate::server::db::failed("removing the picture"))?
        .ok_or(AppError::Unauthorized)?;
    Ok(Me::new(user, signed_in.session.method))
}
