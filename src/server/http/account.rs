//! The user's data rights as plain HTTP: download everything (`GET /account/export`) and delete
//! the account (`POST /account/delete`, with the email address typed as confirmation).

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use mongodb::bson::{Bson, DateTime};
use serde::Deserialize;

use crate::domain::email::EmailAddress;
use crate::server::auth::session;
use crate::server::db;
use crate::server::db::users::UserDoc;
use crate::server::email::{Email, templates};
use crate::server::state::AppState;

fn rfc3339(at: DateTime) -> String {
    at.try_to_rfc3339_string()
        .unwrap_or_else(|_| at.timestamp_millis().to_string())
}

/// The signed-in user, or the redirect that answers the request instead: to sign in (and back
/// to the account page), or back to the account page when the database is unreachable.
async fn signed_in_user(
    state: &AppState,
    headers: &HeaderMap,
    now: DateTime,
) -> Result<UserDoc, Response> {
    match session::authenticate(&state.db, headers, now).await {
        Ok(Some(authenticated)) => Ok(authenticated.user),
        Ok(None) => Err(Redirect::to("/sign-in?next=/account").into_response()),
        Err(_) => Err(Redirect::to("/account?problem=unavailable").into_response()),
    }
}

/// `GET /account/export`: a JSON file with everything PayTrack holds about the signed-in user,
/// secrets excepted.
pub async fn export(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let now = DateTime::now();
    let user = match signed_in_user(&state, &headers, now).await {
        Ok(user) => user,
        Err(redirect) => return redirect,
    };
    let data = match db::account_data::export(&state.db, &user).await {
        Ok(data) => data,
        Err(err) => {
            tracing::warn!(error = %err, "export failed");
            return Redirect::to("/account?problem=unavailable").into_response();
        }
    };
    let body = serde_json::json!({
        "format": "paytrack-export/1",
        "exported_at": rfc3339(now),
        "account": user.email,
        "data": Bson::Document(data).into_relaxed_extjson(),
    });
    let date = rfc3339(now).chars().take(10).collect::<String>();
    let disposition = format!("attachment; filename=\"paytrack-export-{date}.json\"");
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response();
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

/// `POST /account/delete`: removes every document of the user, ends all sessions (they are
/// among the documents), and emails a receipt.
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
    if !form.confirm.trim().eq_ignore_ascii_case(&user.email) {
        return Redirect::to("/account?problem=confirm#delete").into_response();
    }
    // PayTrack stops billing first: a deleted account must never be charged again. If Stripe
    // cannot be reached, nothing is deleted and the user is asked to try again.
    if let (Some(subscription), Some(stripe)) = (
        user.billing
            .as_ref()
            .and_then(|b| b.subscription_id.as_ref()),
        crate::server::stripe::billing::PayTrackStripe::from_config(&state.config),
    ) && let Err(problem) = stripe.cancel_now(subscription).await
    {
        tracing::error!(user = %user.id, reason = %problem, "subscription not canceled; account kept");
        return Redirect::to("/account?problem=billing#delete").into_response();
    }
    // PayTrack's webhook endpoint goes from the user's Stripe account first, while the key
    // that can remove it still exists (best effort: a revoked key cannot).
    if let (Ok(Some(connection)), Some(keyring)) = (
        db::stripe_connections::of_user(&state.db, user.id).await,
        state.keyring.as_ref(),
    ) {
        crate::server::stripe_account::disconnect::remove_webhook(&state, keyring, &connection)
            .await;
    }
    let records = match db::account_data::delete(&state.db, &user).await {
        Ok(records) => records,
        Err(err) => {
            tracing::error!(error = %err, user = %user.id, "account deletion failed part-way");
            return Redirect::to("/account?problem=unavailable").into_response();
        }
    };
    tracing::info!(user = %user.id, records, "account deleted");
    if let Ok(to) = EmailAddress::parse(&user.email) {
        let receipt = templates::deletion_receipt(&user.email, &rfc3339(now), records);
        let email = Email {
            to,
            cc: Vec::new(),
            sender_name: None,
            reply_to: None,
            subject: receipt.subject,
            html: receipt.html,
            text: receipt.text,
            kind: "deletion_receipt",
            idempotency_key: format!("deletion-receipt-{}", user.id),
        };
        if let Err(err) = state.mailer.send(&email).await {
            tracing::warn!(error = %err, "deletion receipt not sent");
        }
    }
    let mut response = Redirect::to("/account/deleted").into_response();
    if let Ok(value) = HeaderValue::from_str(&session::clear_cookie(state.config.cookies_secure()))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
