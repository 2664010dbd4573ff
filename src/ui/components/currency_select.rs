//! The currency picker of the client and invoice forms.

use leptos::prelude::*;

use crate::domain::money::Currency;

/// Every currency PayTrack invoices in; `currency` holds the chosen code.
#[component]
pub fn CurrencySelect(
    id: String,
    /// The id of the element that says what is wrong with the choice.
    described_by: String,
    #[prop(into)] invalid: Signal<bool>,
    currency: RwSignal<String>,
) -> impl IntoView {
    view! {
        <select id=id aria-invalid=move || invalid.get().to_string() aria-describedby=described_by
            on:change=move |ev| currency.set(event_target_value(&ev))>
            {Currency::ALL.into_iter().map(|c| {
                let code = c.code();
                view! { <option value=code selected=move || currency.get() == code>{code}</option> }
            }).collect_view()}
        </select>
    }
}
