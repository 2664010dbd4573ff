//! The client form, used to add a client (on the clients page and inline in the invoice
//! editor) and to edit one. Messages from the server's parse appear next to their fields.

use crate::ui::actions::{create_or_update, failure_of};
use crate::ui::components::country_select::CountrySelect;
use crate::ui::components::currency_select::CurrencySelect;
use leptos::prelude::*;

use crate::api::clients::{ClientSave, ClientSummary, create_client, update_client};
use crate::domain::client::{ClientErrors, ClientInput};

#[component]
pub fn ClientForm(
    /// The form's starting text.
    initial: ClientInput,
    /// Set when editing an existing client.
    #[prop(optional)]
    client_id: Option<String>,
    /// Prefix for element ids, so two forms can share a page.
    id_prefix: &'static str,
    on_saved: Callback<ClientSummary>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
    /// Fewer fields, for the inline form in the invoice editor.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let name = RwSignal::new(initial.name);
    let emails = RwSignal::new(initial.emails);
    let company = RwSignal::new(initial.company);
    let address = RwSignal::new(initial.address);
    let country = RwSignal::new(initial.country);
    let tax_id = RwSignal::new(initial.tax_id);
    let currency = RwSignal::new(if initial.currency.is_empty() {
        "USD".to_string()
    } else {
        initial.currency
    });
    let notes = RwSignal::new(initial.notes);
    let reminders = RwSignal::new(initial.reminders);
    let editing = client_id.is_some();

    let save = create_or_update(client_id, create_client, update_client);
    let errors = move || match save.value().get() {
        Some(Ok(ClientSave::Invalid(errors))) => errors,
        _ => ClientErrors::default(),
    };
    let failure = failure_of(save.value());
    Effect::new(move |_| {
        if let Some(Ok(ClientSave::Saved(summary))) = save.value().get() {
            on_saved.run(summary);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(ClientInput {
            name: name.get_untracked(),
            emails: emails.get_untracked(),
            company: company.get_untracked(),
            address: address.get_untracked(),
            country: country.get_untracked(),
            tax_id: tax_id.get_untracked(),
            currency: currency.get_untracked(),
            notes: notes.get_untracked(),
            reminders: reminders.get_untracked(),
        });
    };
    let id = move |field: &str| format!("{id_prefix}-{field}");

    view! {
        <form class="form client-form" on:submit=submit novalidate>
            <label for=id("name")>"Name"</label>
            <input id=id("name") type="text" autocomplete="off" required bind:value=name
                aria-invalid=move || errors().name.is_some().to_string() aria-describedby=id("name-error") />
            <p id=id("name-error") class="field-error">{move || errors().name}</p>

            <label for=id("emails")>"Email"</label>
            <input id=id("emails") type="text" inputmode="email" autocomplete="off" required bind:value=emails
                aria-invalid=move || errors().emails.is_some().to_string() aria-describedby=format!("{} {}", id("emails-help"), id("emails-error")) />
            <p id=id("emails-help") class="muted small">"Invoices and reminders go here. Separate several addresses with commas."</p>
            <p id=id("emails-error") class="field-error">{move || errors().emails}</p>

            <label for=id("company")>"Company " <span class="muted">"(optional)"</span></label>
            <input id=id("company") type="text" autocomplete="off" bind:value=company
                aria-invalid=move || errors().company.is_some().to_string() aria-describedby=id("company-error") />
            <p id=id("company-error") class="field-error">{move || errors().company}</p>

            <label for=id("currency")>"Currency"</label>
            <CurrencySelect id=id("currency") described_by=id("currency-error") currency
                invalid=Signal::derive(move || errors().currency.is_some()) />
            <p id=id("currency-error") class="field-error">{move || errors().currency}</p>

            <Show when=move || !compact>
                <label for=id("address")>"Address " <span class="muted">"(optional)"</span></label>
                <textarea id=id("address") rows="3" bind:value=address
                    aria-invalid=move || errors().address.is_some().to_string() aria-describedby=id("address-error")></textarea>
                <p id=id("address-error") class="field-error">{move || errors().address}</p>

                <label for=id("country")>"Country " <span class="muted">"(optional)"</span></label>
                <CountrySelect id=id("country") described_by=id("country-error") country
                    invalid=Signal::derive(move || errors().country.is_some()) />
                <p id=id("country-error") class="field-error">{move || errors().country}</p>

                <label for=id("tax-id")>"Tax or VAT number " <span class="muted">"(optional: business clients)"</span></label>
                <input id=id("tax-id") type="text" autocomplete="off" bind:value=tax_id
                    aria-invalid=move || errors().tax_id.is_some().to_string() aria-describedby=id("tax-id-error") />
                <p id=id("tax-id-error") class="field-error">{move || errors().tax_id}</p>

                <label for=id("notes")>"Notes " <span class="muted">"(only you see these)"</span></label>
                <textarea id=id("notes") rows="2" bind:value=notes
                    aria-invalid=move || errors().notes.is_some().to_string() aria-describedby=id("notes-error")></textarea>
                <p id=id("notes-error") class="field-error">{move || errors().notes}</p>
            </Show>

            <label class="checkbox">
                <input type="checkbox" prop:checked=move || reminders.get() on:change=move |ev| reminders.set(event_target_checked(&ev)) />
                <span>"Send this client payment reminders"</span>
            </label>

            <div class="form-actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {move || match (save.pending().get(), editing) {
                        (true, _) => "Saving…",
                        (false, true) => "Save client",
                        (false, false) => "Add client",
                    }}
                </button>
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| cancel.run(())>"Cancel"</button>
                })}
            </div>
            <p class="form-error" role="alert">{failure}</p>
            <crate::ui::components::upgrade_link::UpgradeLink when=Signal::derive(move || crate::ui::components::upgrade_link::is_plan_limit(save.value().get())) />
        </form>
    }
}
