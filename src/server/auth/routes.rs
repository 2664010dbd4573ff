//! Plain form endpoints for the moments that change who is signed in. They answer with a
//! redirect and a cookie, so they work before (or without) the WebAssembly.

use axum::Form;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use mongodb::bson::DateTime;
use serde::Deserialize;

use super::{login_link, notices, request, session};
use crate::server::state::AppState;

#[derive(Deserialize)]
pub struct LinkForm {
    token: String,
}

fn with_cookie(response: impl IntoResponse, cookie: &str) -> Response {
    let mut response = response.into_response();
    session::append_cookie(&mut response, cookie);
    response
}

/// `POST /auth/link`: uses the emailed token and signs in.
pub async fn redeem_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    Form(form): Form<LinkForm>,
) -> Response {
    let now = DateTime::now();
    // Whatever session this browser had ends: sign-in always starts a fresh one.
    if let Err(err) = session::end(&state, &headers).await {
        tracing::warn!(error = %err, "could not end the previous session");
    }
    let origin = session::Origin {
        user_agent: request::user_agent(&headers),
        ip: request::client_ip(&extensions),
        method: "email_link",
    };
    match login_link::redeem(&state, &form.token, origin, now).await {
        Ok(Some(signed_in)) => {
            tracing::info!(user = %signed_in.user.id, created = signed_in.created, "signed in with a login link");
            with_cookie(
                Redirect::to(&signed_in.next),
                &session::new_cookie(&signed_in.session_id, state.config.cookies_secure(), now),
            )
        }
        Ok(None) => Redirect::to("/sign-in?problem=link").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "login link could not be used");
            Redirect::to("/sign-in?problem=unavailable").into_response()
        }
    }
}

/// `POST /auth/sign-out`: ends this browser's session.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(err) = session::end(&state, &headers).await {
        tracing::warn!(error = %err, "could not end the session");
    }
    with_cookie(
        Redirect::to("/"),
        &session::clear_cookie(state.config.cookies_secure()),
    )
}

/// `POST /auth/sign-out-everywhere`: ends every session of the signed-in user and tells them.
pub async fn sign_out_everywhere(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let now = DateTime::now();
    let clear = session::clear_cookie(state.config.cookies_secure());
    let authenticated = match session::authenticate(&state, &headers, now).await {
        Ok(Some(authenticated)) => authenticated,
        Ok(None) => return with_cookie(Redirect::to("/sign-in"), &clear),
        Err(_) => return Redirect::to("/account?problem=unavailable").into_response(),
    };
    let user = authenticated.user;
    match session::end_everywhere(&state, user.id).await {
        Ok(count) => {
            tracing::info!(user = %user.id, sessions = count, "signed out everywhere");
            notices::signed_out_everywhere(&state, &user, count, now).await;
            with_cookie(Redirect::to("/sign-in?signed_out=everywhere"), &clear)
        }
        Err(err) => {
            tracing::warn!(error = %err, "could not end all sessions");
            Redirect::to("/account?problem=unavailable").into_response()
        }
    }
}

/// `POST /account/address`: uses an address confirmation link; the account then signs in with
/// the new address. Answers with the page that says what happened.
pub async fn confirm_address(
    State(state): State<AppState>,
    Form(form): Form<LinkForm>,
) -> Response {
    use crate::server::accounts::address::{self, Confirmed};
    match address::confirm(&state, &form.token, DateTime::now()).await {
        Ok(Confirmed::Changed(_)) => Redirect::to("/account?address=changed").into_response(),
        Ok(Confirmed::Unknown) => Redirect::to("/account/address?problem=link").into_response(),
        Ok(Confirmed::Taken(_)) => Redirect::to("/account/address?problem=taken").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "an address confirmation could not be used");
            Redirect::to("/account/address?problem=unavailable").into_response()
        }
    }
}
