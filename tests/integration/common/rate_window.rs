//! PayTrack counts rate limits in fixed windows that start at whole multiples of their length
//! since the Unix epoch (`server::db::rate_limits`). A test that drives a count to its limit
//! needs every attempt in one window: begun a few seconds before a window ends, its last
//! attempts land in a fresh count and are let through.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// More than a test needs for a few dozen requests on a loaded two-core machine.
const ROOM: Duration = Duration::from_secs(30);

/// Returns once the current `window` has at least [`ROOM`] left, waiting for the next one
/// to begin if it has not (at most `ROOM`, and only that close to a window's end).
pub async fn start_inside_one_window(window: Duration) {
    let window = window.as_millis();
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is past 1970")
        .as_millis();
    let left = window - since_epoch % window;
    if left < ROOM.as_millis() {
        let wait = u64::try_from(left).expect("less than ROOM") + 100;
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}
