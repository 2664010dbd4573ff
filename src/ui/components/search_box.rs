//! The search box of a list: the list follows what is typed once typing pauses.

use std::time::Duration;

use leptos::prelude::*;

use crate::ui::debounce::debounced;

/// `text` is what the box shows (the page may clear it); `on_pause` gets the text 300 ms
/// after the last keystroke.
#[component]
pub fn SearchBox(
    id: &'static str,
    #[prop(default = "Search")] label: &'static str,
    placeholder: &'static str,
    text: RwSignal<String>,
    on_pause: impl Fn(String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let apply = debounced(Duration::from_millis(300), on_pause);
    let help = format!("{id}-help");
    view! {
        <div class="filter search">
            <label for=id>{label}</label>
            <input id=id type="search" placeholder=placeholder autocomplete="off" aria-describedby=help.clone()
                prop:value=move || text.get()
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    text.set(typed.clone());
                    apply(typed);
                } />
            <span id=help class="visually-hidden">"Results update as you type."</span>
        </div>
    }
}
