//! Server functions that fail before our code runs (arguments that do not decode) answer 500
//! from the framework. The body is already our `AppError`, which knows its status; this
//! gives the response that status, so bad input reads as 400 and never as a server fault, and
//! a rate limit's refusal its `Retry-After`.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;

/// Error bodies are a short JSON message; anything bigger is not one of ours.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn status_from_error(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = super::status_of(&err);
        if let AppError::TooManyRequests(_, seconds) = err {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
