//! Search as you type: act on what was typed once typing pauses, not on every keystroke.

use std::time::Duration;

use leptos::prelude::*;

/// Wraps `act` so that it runs `delay` after the last call, with that call's text; earlier
/// calls still waiting are dropped.
pub fn debounced(
    delay: Duration,
    act: impl Fn(String) + Clone + Send + Sync + 'static,
) -> impl Fn(String) + Copy + 'static {
    let waiting = StoredValue::new(None::<TimeoutHandle>);
    let act = StoredValue::new(act);
    move |text: String| {
        if let Some(handle) = waiting.get_value() {
            handle.clear();
        }
        let act = act.get_value();
        waiting.set_value(set_timeout_with_handle(move || act(text), delay).ok());
    }
}
