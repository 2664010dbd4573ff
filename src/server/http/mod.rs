//! HTTP plumbing outside Leptos' routes: health probes, static files, response headers,
//! canonical paths.

pub mod account;
pub mod api_errors;
pub mod billing_webhooks;
pub mod client_addr;
pub mod csp;
pub mod documents;
pub mod exports;
pub mod headers;
pub mod health;
pub mod metrics;
pub mod run_to_end;
pub mod static_files;
pub mod stripe_events;
pub mod stripe_webhooks;
pub mod trailing_slash;
pub mod webhooks;
pub mod wrong_method;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Any `/api/…` path that is not a server function: a JSON 404 rather than the HTML page.
pub async fn unknown_endpoint() -> Response {
    api_failure(AppError::NotFound(
        "There is no PayTrack API endpoint at this address.".to_string(),
    ))
}

/// The status a server function answers with when it fails with `err`.
pub fn status_of(err: &AppError) -> StatusCode {
    StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A request to the API refused before any server function ran, in the shape a failing server
/// function answers with, so the app reads it as that function's error.
pub fn api_failure(err: AppError) -> Response {
    api_failure_as(status_of(&err), err)
}

/// `api_failure` with a status of its own, where HTTP has a more exact word than the error's.
pub fn api_failure_as(status: StatusCode, err: AppError) -> Response {
    (status, Json(err)).into_response()
}

/// A plain-text answer for a route outside the server functions (a download, an upload): the
/// error's status and its message for the user.
pub fn plain_failure(err: &AppError) -> Response {
    (
        status_of(err),
        [(header::CACHE_CONTROL, "no-store")],
        err.to_string(),
    )
        .into_response()
}
