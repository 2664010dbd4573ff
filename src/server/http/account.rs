//! The user's data rights as plain HTTP (`server::accounts::data_rights`): download everything
//! (`GET /account/export`) and delete the account (`POST /account/delete`, with the email
//! address typed as confirmation). Answers are downloads and redirects, so they work without
//! the app's script.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use mongodb::bson::DateTime;
use serde::Deserialize;

use crate::server::accounts::data_rights::{self, Kept};
use crate::server::auth::session;
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;

/// The signed-in user, or the redirect that answers the request instead: to sign in (and back
/// to the account page), or back to the account page when the database is unreachable.
async fn signed_in_user(
    state: &AppState,
    headers: &HeaderMap,
    now: DateTime,
) -> Result<UserDoc, Response> {
    match session::authenticate(state, headers, now).await {
        Ok(Some(authenticated)) => Ok(authenticated.user),
        Ok(None) => Err(Redirect::to("/sign-in?next=/account").into_response()),
        Err(_) => Err(back_to_account(Kept::Unavailable)),
    }
}

/// The account page, saying why nothing happened.
fn back_to_account(kept: Kept) -> Response {
    Redirect::to(match kept {
        Kept::NotConfirmed => "/account?problem=confirm#delete",
        Kept::BillingNotStopped => "/account?problem=billing#delete",
        Kept::Unavailable => "/account?problem=unavailable",
    })
    .into_response()
}

/// `GET /account/export`: a JSON file with everything PayTrack holds about the signed-in user,
/// secrets excepted.
pub async fn export(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let now = DateTime::now();
    let user = match signed_in_user(&state, &headers, now).await {
        Ok(user) => user,
        Err(redirect) => return redirect,
    };
    let export = match data_rights::export(&state, &user, now).await {
        Ok(export) => export,
        Err(kept) => return back_to_account(kept),
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        export.json,
    )
        .into_response();
    let disposition = format!("attachment; filename=\"{}\"", export.filename);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[derive(Deserialize)]
pub struct DeleteForm {
    confirm: String,
}

/// `POST /account/delete`: on success the session cookie is cleared (the sessions themselves
/// went with the account) and the browser lands on the goodbye page.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<DeleteForm>,
) -> Response {
    let now = DateTime::now();
    let user = match signed_in_user(&state, &headers, now).await {
        Ok(user) => user,
        Err(redirect) => return redirect,
    };
    if let Err(kept) = data_rights::delete(&state, &user, &form.confirm, now).await {
        return back_to_account(kept);
    }
    let mut response = Redirect::to("/account/deleted").into_response();
    if let Ok(value) = HeaderValue::from_str(&session::clear_cookie(state.config.cookies_secure()))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
