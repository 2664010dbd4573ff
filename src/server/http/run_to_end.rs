//! A request's work runs to its end even when its client leaves halfway (a closed tab, a
//! proxy's time-out, a load test stopping).
//!
//! Left to hyper, a client's leaving drops the request's future wherever it waits. Two harms
//! follow. An operation of several writes stops between them (a client changed, the list of
//! who pays latest not yet worked out again). And a request waiting for one of the database
//! driver's pooled connections leaves its place in the driver's queue behind: the pool
//! (mongodb 3.9) serves that queue one place per turn of its loop, and with no other traffic
//! a turn comes every 500 ms, so the 54 places that 64 connections cut at once left kept
//! every later query of the process waiting about 28 s (`/readyz` 503, pages timing out).
//! Run as a task of its own, a request always takes its connection and gives it back.
//!
//! The tasks are tracked, so that a stopping server lets them end (for [`FINISH_FOR`] at
//! most) before it closes the database: graceful shutdown waits for connections, and these
//! requests have none left.
//!
//! Work that outlives its client is counted (`paytrack_http_requests_in_progress`,
//! `paytrack_http_requests_abandoned_total`), because it can pile up: while the database stops
//! answering, each request waits until the driver gives the database up: its monitor checks
//! every 10 s, a check and its retry time out after the connect time-out (3 s), and the pool
//! then fails every waiting and running operation (about 16 s in the test that pauses the
//! database).

use std::panic;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use crate::server::metrics;

/// How long a stopping server waits for requests whose clients left: within the ten seconds
/// a container runtime allows between its stop signal and its kill.
pub const FINISH_FOR: Duration = Duration::from_secs(5);

/// Middleware: runs the rest of the stack as a task of `requests` and answers with what it
/// answers.
pub async fn layer(State(requests): State<TaskTracker>, request: Request, next: Next) -> Response {
    let in_progress = InProgress::start();
    let work = requests.spawn(
        async move {
            let _in_progress = in_progress;
            next.run(request).await
        }
        .in_current_span(),
    );
    let waiting = ClientWaiting { answered: false };
    let outcome = work.await;
    waiting.answered();
    match outcome {
        Ok(response) => response,
        // A panic stays a panic, as if the work had run here.
        Err(err) if err.is_panic() => panic::resume_unwind(err.into_panic()),
        // Only a runtime shutting down cancels a task it did not start.
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// A request's work, counted in progress until it ends.
struct InProgress;

impl InProgress {
    fn start() -> Self {
        metrics::get().requests_in_progress.inc();
        InProgress
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        metrics::get().requests_in_progress.dec();
    }
}

/// A client waiting for its answer; dropped unanswered, it left (hyper drops the waiting
/// future when the connection closes).
struct ClientWaiting {
    answered: bool,
}

impl ClientWaiting {
    fn answered(mut self) {
        self.answered = true;
    }
}

impl Drop for ClientWaiting {
    fn drop(&mut self) {
        if !self.answered {
            metrics::get().requests_abandoned.inc();
        }
    }
}

/// Waits, as the server stops, for the requests still running to end, for [`FINISH_FOR`] at
/// most; new ones cannot start (the listener is closed).
pub async fn finish(requests: &TaskTracker) {
    requests.close();
    if tokio::time::timeout(FINISH_FOR, requests.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            requests = requests.len(),
            "stopping with requests still running"
        );
    }
}
