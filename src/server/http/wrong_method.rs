//! A request with a method its address does not take (a GET of the sign-out or a server
//! function, a POST of a page) gets axum's 405 with an empty body: a blank page in a browser.
//! This says which method the address takes and that nothing was done: under `/api/` as a
//! server function's error (`{"BadRequest": "…"}`, the one shape of every error there), and as
//! text elsewhere.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

pub async fn explain(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let allowed = response
        .headers()
        .get(header::ALLOW)
        .and_then(|allow| allow.to_str().ok())
        .filter(|allow| !allow.is_empty())
        .map(|allow| allow.replace(',', " or "))
        .unwrap_or_else(|| "other".to_string());
    let error = format!("This address takes {allowed} requests only; nothing was done.");
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let body = if is_api {
        super::api_failure(AppError::BadRequest(error))
    } else {
        error.into_response()
    };
    let (body_parts, body) = body.into_parts();
    if let Some(content_type) = body_parts.headers.get(header::CONTENT_TYPE) {
        parts
            .headers
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    Response::from_parts(parts, body)
}
