//! The country picker of the client and business forms: every ISO country by name, or none.

use leptos::prelude::*;

use crate::domain::country::Country;

/// `country` holds the chosen two-letter code, or "" for none. The list is drawn once with the
/// starting choice selected (one reactive binding per option would be 249 of them).
#[component]
pub fn CountrySelect(
    id: String,
    /// The id of the element that says what is wrong with the choice.
    described_by: String,
    #[prop(into)] invalid: Signal<bool>,
    country: RwSignal<String>,
) -> impl IntoView {
    let initial = country.get_untracked().to_ascii_uppercase();
    view! {
        <select id=id autocomplete="country" aria-invalid=move || invalid.get().to_string()
            aria-describedby=described_by on:change=move |ev| country.set(event_target_value(&ev))>
            <option value="" selected=initial.is_empty()>"—"</option>
            {Country::all().map(|c| {
                let code = c.code();
                view! { <option value=code selected=code == initial>{c.name()}</option> }
            }).collect_view()}
        </select>
    }
}
