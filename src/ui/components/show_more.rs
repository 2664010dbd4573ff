//! The button under a list that reads its next page, and what went wrong when that failed.

use leptos::prelude::*;

use crate::error::AppError;

/// Shown while the list has a `next` page: pressing it dispatches `more` with that cursor
/// (the list appends what comes back); a failed read is said under the list, which stays.
#[component]
pub fn ShowMore<T>(
    next: RwSignal<Option<String>>,
    more: Action<String, Result<T, AppError>>,
    label: &'static str,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let problem = move || {
        more.value().with(|answer| match answer {
            Some(Err(err)) => Some(err.to_string()),
            _ => None,
        })
    };
    view! {
        <p class="field-error" role="alert">{problem}</p>
        <Show when=move || next.get().is_some()>
            <button type="button" class="button button-secondary load-more" disabled=move || more.pending().get()
                on:click=move |_| { if let Some(after) = next.get_untracked() { more.dispatch(after); } }>
                {move || if more.pending().get() { "Loading…" } else { label }}
            </button>
        </Show>
    }
}
