//! `GET /healthz`: the process is up. `GET /readyz`: the database answers too; load balancers
//! stop sending traffic while it does not, and the driver reconnects by itself when it is back.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;

use crate::server::db;
use crate::server::state::AppState;

const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize)]
struct Health {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

pub async fn healthz() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(Health {
            status: "ok",
            reason: None,
        }),
    )
}

pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (status, body) = match tokio::time::timeout(READINESS_TIMEOUT, db::ping(&state.db)).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            Health {
                status: "ready",
                reason: None,
            },
        ),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check: database ping failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Health {
                    status: "not ready",
                    reason: Some("database unreachable"),
                },
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Health {
                status: "not ready",
                reason: Some("database did not answer within 2 seconds"),
            },
        ),
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body))
}
