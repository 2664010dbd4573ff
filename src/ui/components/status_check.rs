//! "Is PayTrack up?": a button that asks the server, which records the check in MongoDB and
//! answers with the running count. It only works once the WebAssembly has hydrated the page,
//! which is exactly what the end-to-end test uses it to prove.

use leptos::prelude::*;

use crate::api::site::RecordStatusCheck;

#[component]
pub fn StatusCheck() -> impl IntoView {
    let check = ServerAction::<RecordStatusCheck>::new();
    // Effects run only in the browser, after hydration; until then the button stays disabled.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    let result = move || {
        check.value().get().map(|outcome| match outcome {
            Ok(status) => view! {
                <p class="status-ok">
                    "PayTrack is up. Status checked "
                    <strong data-testid="status-count">{status.checks}</strong>
                    {if status.checks == 1 { " time" } else { " times" }}
                    " so far."
                </p>
            }
            .into_any(),
            Err(err) => view! { <p class="status-error">{err.to_string()}</p> }.into_any(),
        })
    };

    view! {
        <section class="status-check" data-hydrated=move || hydrated.get().to_string()>
            <h2>"Is PayTrack up?"</h2>
            <p class="muted">
                "Ask the server: it records your check in the database and tells you how many there have been."
            </p>
            <button
                type="button"
                class="button"
                disabled=move || !hydrated.get() || check.pending().get()
                on:click=move |_| {
                    check.dispatch(RecordStatusCheck {});
                }
            >
                {move || if check.pending().get() { "Checking…" } else { "Check status" }}
            </button>
            <div class="status-result" aria-live="polite">
                {result}
            </div>
        </section>
    }
}
