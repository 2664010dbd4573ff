//! When the work was done: a first (or only) day and, for a period, its last, under one legend.

use leptos::prelude::*;

use crate::domain::invoice_draft::InvoiceErrors;

#[component]
pub(super) fn ServiceDate(
    service_from: RwSignal<String>,
    service_to: RwSignal<String>,
    errors: RwSignal<InvoiceErrors>,
) -> impl IntoView {
    let invalid = move || errors.get().service_period.is_some().to_string();
    view! {
        <fieldset class="field service-period" aria-describedby="service-help service-error">
            <legend>"Service date " <span class="muted">"(optional)"</span></legend>
            <div class="inline">
                <label class="visually-hidden" for="invoice-service-from">"Service date, or first day"</label>
                <input id="invoice-service-from" type="date" bind:value=service_from
                    aria-invalid=invalid aria-describedby="service-help service-error" />
                <span class="service-to">
                    <label for="invoice-service-to">"to"</label>
                    <input id="invoice-service-to" type="date" bind:value=service_to
                        aria-invalid=invalid aria-describedby="service-help service-error" />
                </span>
            </div>
            <p id="service-help" class="muted small">
                "When the work was done, if not on the issue date; a second date makes it a period. EU and UK VAT rules ask for it."
            </p>
            <p id="service-error" class="field-error">{move || errors.get().service_period}</p>
        </fieldset>
    }
}
