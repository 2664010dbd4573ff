//! What a page shows when something under it failed: the user-facing messages, never internals.

use leptos::prelude::*;

#[component]
pub fn ErrorList(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <section class="page error-page" role="alert">
            <h1>"Something went wrong"</h1>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
            <p>
                "Try again in a moment. " <a href="/">"Back to the home page"</a>
            </p>
        </section>
    }
}
