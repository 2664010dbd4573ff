//! `GET /metrics`: with `Authorization: Bearer $PAYTRACK_METRICS_TOKEN`, the process's metrics
//! (`server::metrics`); without the token configured, or with another, a plain 404 — nothing
//! says metrics exist.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::server::state::AppState;

pub async fn serve(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let allowed = match (&state.config.secrets.metrics_token, presented) {
        (Some(token), Some(presented)) => token.matches(presented),
        _ => false,
    };
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        crate::server::metrics::get().render(),
    )
        .into_response()
}
