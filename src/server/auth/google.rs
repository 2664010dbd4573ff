//! "Continue with Google": the authorization code flow with PKCE and a `state` bound to the
//! browser by a short-lived HttpOnly cookie, then Google's userinfo over reqwest. Only verified
//! addresses are accepted; a Google account and an emailed-link account with the same address
//! are one account.

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use mongodb::bson::DateTime;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;

use super::{login_link, notices, request, session, token};
use crate::domain::profile::MAX_NAME;
use crate::domain::{return_path, text};
use crate::error::AppError;
use crate::server::config::GoogleCredentials;
use crate::server::db::{self, oauth_states::OAuthStateDoc};
use crate::server::limits::rate;
use crate::server::state::AppState;

const STATE_COOKIE: &str = "paytrack_google_state";
/// Over https: `__Secure-` (its path is `/auth/google`, so `__Host-` cannot be used).
const SECURE_STATE_COOKIE: &str = "__Secure-paytrack_google_state";

fn state_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_STATE_COOKIE
    } else {
        STATE_COOKIE
    }
}
const STATE_PATH: &str = "/auth/google";
const STATE_LIFETIME: Duration = Duration::from_secs(10 * 60);

type GoogleClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn client(
    google: &GoogleCredentials,
    base_url: &str,
) -> Result<GoogleClient, oauth2::url::ParseError> {
    Ok(BasicClient::new(ClientId::new(google.client_id.clone()))
        .set_client_secret(ClientSecret::new(google.client_secret.expose().to_string()))
        .set_auth_uri(AuthUrl::new(google.auth_url.clone())?)
        .set_token_uri(TokenUrl::new(google.token_url.clone())?)
        .set_redirect_uri(RedirectUrl::new(format!(
            "{base_url}/auth/google/callback"
        ))?))
}

fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    // No redirects: the token endpoint must answer directly (OAuth 2.0 security advice).
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .user_agent(concat!("PayTrack/", env!("CARGO_PKG_VERSION")))
        .build()
}

fn state_cookie(value: &str, max_age: Duration, secure: bool) -> String {
    Cookie::build((state_cookie_name(secure), value.to_string()))
        .path(STATE_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age.as_secs() as i64))
        .build()
        .to_string()
}

fn problem(code: &str, secure: bool) -> Response {
    let mut response = Redirect::to(&format!("/sign-in?problem={code}")).into_response();
    session::append_cookie(&mut response, &state_cookie("", Duration::ZERO, secure));
    response
}

#[derive(Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    tz: String,
}

/// `GET /auth/google/start`: remembers the PKCE verifier and destination, then sends the
/// browser to Google.
pub async fn start(
    State(state): State<AppState>,
    extensions: Extensions,
    Query(query): Query<StartQuery>,
) -> Response {
    let secure = state.config.cookies_secure();
    let Some(google) = &state.config.secrets.google else {
        return problem("google_off", secure);
    };
    let now = DateTime::now();
    let asker = request::client_ip(&extensions);
    let counted = rate::check(
        &state,
        &format!("google-start:{asker}"),
        rate::GOOGLE_START,
        "Too many Google sign-ins were started from your address.",
        now,
    )
    .await;
    match counted {
        Ok(()) => {}
        Err(AppError::TooManyRequests(message, seconds)) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, seconds.to_string())],
                message,
            )
                .into_response();
        }
        Err(_) => return problem("unavailable", secure),
    }
    let client = match client(google, &state.config.base_url) {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(error = %err, "Google endpoints are not valid URLs");
            return problem("google", secure);
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("openid".to_string()))
        .add_scope(Scope::new("email".to_string()))
        .add_scope(Scope::new("profile".to_string()))
        .set_pkce_challenge(challenge)
        .url();
    let doc = OAuthStateDoc {
        state_hash: token::hash(csrf.secret()),
        pkce_verifier: verifier.secret().to_string(),
        next: return_path::same_site(&query.next)
            .unwrap_or("/")
            .to_string(),
        time_zone: login_link::known_time_zone(&query.tz),
        expires_at: session::after(now, STATE_LIFETIME),
    };
    if let Err(err) = db::oauth_states::insert(&state.db, &doc).await {
        tracing::warn!(error = %err, "could not store the Google sign-in state");
        return problem("unavailable", secure);
    }
    let mut response = Redirect::to(url.as_str()).into_response();
    session::append_cookie(
        &mut response,
        &state_cookie(csrf.secret(), STATE_LIFETIME, secure),
    );
    response
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Google's OpenID Connect userinfo, the fields PayTrack uses.
#[derive(Debug, Deserialize)]
pub struct GoogleProfile {
    pub sub: String,
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: bool,
    pub name: Option<String>,
    pub picture: Option<String>,
}

/// `GET /auth/google/callback`: checks the state against the cookie, exchanges the code with
/// the PKCE verifier, reads the profile, and signs in.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let secure = state.config.cookies_secure();
    let Some(google) = &state.config.secrets.google else {
        return problem("google_off", secure);
    };
    if query.error.is_some() {
        return problem("google_cancelled", secure);
    }
    let (Some(code), Some(returned_state)) = (query.code, query.state) else {
        return problem("google", secure);
    };
    // The state must come back to the browser that started the flow.
    if request::cookie(&headers, state_cookie_name(secure)).as_deref()
        != Some(returned_state.as_str())
    {
        tracing::warn!("Google callback state does not match this browser's cookie");
        return problem("google_state", secure);
    }
    let now = DateTime::now();
    let pending =
        match db::oauth_states::consume(&state.db, &token::hash(&returned_state), now).await {
            Ok(Some(pending)) => pending,
            Ok(None) => return problem("google_state", secure),
            Err(err) => {
                tracing::warn!(error = %err, "could not read the Google sign-in state");
                return problem("unavailable", secure);
            }
        };

    let profile =
        match fetch_profile(google, &state.config.base_url, code, pending.pkce_verifier).await {
            Ok(profile) => profile,
            Err(reason) => {
                tracing::warn!(%reason, "Google sign-in failed");
                return problem("google", secure);
            }
        };
    let Some(email) = profile
        .email
        .as_deref()
        .filter(|_| profile.email_verified)
        .and_then(|e| crate::domain::email::EmailAddress::parse(e).ok())
    else {
        return problem("google_unverified", secure);
    };

    let user = match account_for(&state, &profile, email.as_str(), &pending.time_zone, now).await {
        Ok(user) => user,
        Err(err) => {
            tracing::warn!(error = %err, "could not find or create the Google account's user");
            return problem("unavailable", secure);
        }
    };
    if let Err(err) = session::end(&state, &headers).await {
        tracing::warn!(error = %err, "could not end the previous session");
    }
    let origin = session::Origin {
        user_agent: request::user_agent(&headers),
        ip: request::client_ip(&extensions),
        method: "google",
    };
    let session_id = match session::start(&state.db, user.id, origin, now).await {
        Ok(id) => id,
        Err(_) => return problem("unavailable", secure),
    };
    tracing::info!(user = %user.id, "signed in with Google");
    let mut response = Redirect::to(&pending.next).into_response();
    for cookie in [
        state_cookie("", Duration::ZERO, secure),
        session::new_cookie(&session_id, secure, now),
    ] {
        session::append_cookie(&mut response, &cookie);
    }
    response
}

async fn fetch_profile(
    google: &GoogleCredentials,
    base_url: &str,
    code: String,
    verifier: String,
) -> Result<GoogleProfile, String> {
    let client = client(google, base_url).map_err(|e| e.to_string())?;
    let http = http_client().map_err(|e| e.to_string())?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http)
        .await
        .map_err(|e| format!("token exchange: {e}"))?;
    let response = http
        .get(&google.userinfo_url)
        .bearer_auth(token.access_token().secret())
        .send()
        .await
        .map_err(|e| format!("userinfo: {}", e.without_url()))?;
    if !response.status().is_success() {
        return Err(format!("userinfo answered {}", response.status()));
    }
    response
        .json::<GoogleProfile>()
        .await
        .map_err(|e| format!("userinfo body: {}", e.without_url()))
}

/// Pictures are shown from Google's image host only (the pages' CSP allows exactly that).
fn is_google_picture(url: &str) -> bool {
    url.strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|host| host.ends_with(".googleusercontent.com"))
}

/// The user this Google account signs in as: already linked, or the account with the same
/// verified address (then linked, with a security notice), or a new account.
async fn account_for(
    state: &AppState,
    profile: &GoogleProfile,
    email: &str,
    time_zone: &str,
    now: DateTime,
) -> Result<db::users::UserDoc, mongodb::error::Error> {
    let picture = profile
        .picture
        .as_deref()
        .filter(|url| is_google_picture(url));
    if let Some(user) = db::users::find_by_google_id(&state.db, &profile.sub).await? {
        let refreshed = db::users::link_google(&state.db, user.id, &profile.sub, picture).await?;
        return Ok(refreshed.unwrap_or(user));
    }
    // Google's name is whatever its user typed there: it passes the rules of PayTrack's own
    // name field before it names anyone on an invoice or in an email's sender.
    let name = profile
        .name
        .as_deref()
        .map(|name| text::tidied(name, MAX_NAME))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let (user, created) = db::users::find_or_create(
        &state.db,
        db::users::NewUser {
            email,
            name: &name,
            time_zone,
        },
    )
    .await?;
    let linked = db::users::link_google(&state.db, user.id, &profile.sub, picture)
        .await?
        .unwrap_or(user);
    if created {
        db::usage::count_today(&state.db, crate::domain::usage::UsageEvent::SignUp).await;
    } else {
        notices::google_linked(state, &linked, now).await;
    }
    Ok(linked)
}
