//! `/account/business`: who the user's invoices say they are from (legal name, address,
//! country, tax number, contact), how to pay by bank, and what new invoices start with. Every
//! field is optional; messages come back per field from the server's parse.

use crate::ui::actions::failure_of;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::business::{
    BusinessForm, BusinessSave, NumberingSave, RemoveLogo, SaveNumbering, get_business,
    save_business,
};
use crate::domain::business::{BusinessErrors, BusinessInput};
use crate::ui::browser;
use crate::ui::components::country_select::CountrySelect;
use crate::ui::components::signed_in::or_sign_in;

#[component]
pub fn Business() -> impl IntoView {
    let form = OnceResource::new_serde_wb(get_business());
    view! {
        <Title text="Business details" />
        <section class="page business">
            <p><a href="/account">"← Account"</a></p>
            <h1>"Business details"</h1>
            <p class="muted">
                "What your invoices, their PDFs and your emails say about you. Most countries "
                "require your legal name and address, and your tax or VAT number where you are "
                "registered. Everything here is optional."
            </p>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading your business details…"</p> }>
                {move || Suspend::new(async move {
                    or_sign_in(form.await.map(|form| view! {
                        <Logo current=form.logo_url.clone() />
                        <Numbers numbering=form.numbering.clone() next=form.next_number.clone() />
                        <BusinessFields form />
                    }))
                })}
            </Transition>
        </section>
    }
}

#[component]
fn BusinessFields(form: BusinessForm) -> impl IntoView {
    let BusinessInput {
        legal_name,
        address,
        country,
        tax_id,
        email,
        phone,
        payment_instructions,
        default_taxes,
        default_notes,
        footer,
    } = form.input;
    let legal_name = RwSignal::new(legal_name);
    let address = RwSignal::new(address);
    let country = RwSignal::new(country);
    let tax_id = RwSignal::new(tax_id);
    let email = RwSignal::new(email);
    let phone = RwSignal::new(phone);
    let payment_instructions = RwSignal::new(payment_instructions);
    let default_taxes = RwSignal::new(default_taxes);
    let default_notes = RwSignal::new(default_notes);
    let footer = RwSignal::new(footer);

    let save = Action::new(|input: &BusinessInput| save_business(input.clone()));
    let errors = move || match save.value().get() {
        Some(Ok(BusinessSave::Invalid(errors))) => errors,
        _ => BusinessErrors::default(),
    };
    let saved = move || matches!(save.value().get(), Some(Ok(BusinessSave::Saved(_))));
    let failure = failure_of(save.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(BusinessInput {
            legal_name: legal_name.get_untracked(),
            address: address.get_untracked(),
            country: country.get_untracked(),
            tax_id: tax_id.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
            payment_instructions: payment_instructions.get_untracked(),
            default_taxes: default_taxes.get_untracked(),
            default_notes: default_notes.get_untracked(),
            footer: footer.get_untracked(),
        });
    };

    view! {
        <form class="form card business-form" on:submit=submit novalidate>
            <h2>"On every invoice"</h2>
            <label for="business-legal-name">"Legal name"</label>
            <input id="business-legal-name" type="text" autocomplete="organization" bind:value=legal_name
                aria-invalid=move || errors().legal_name.is_some().to_string() aria-describedby="business-legal-name-help business-legal-name-error" />
            <p id="business-legal-name-help" class="muted small">"Your company's registered name, or your own for a sole trader. Empty: your account name."</p>
            <p id="business-legal-name-error" class="field-error">{move || errors().legal_name}</p>

            <label for="business-address">"Address"</label>
            <textarea id="business-address" rows="3" autocomplete="street-address" bind:value=address
                aria-invalid=move || errors().address.is_some().to_string() aria-describedby="business-address-error"></textarea>
            <p id="business-address-error" class="field-error">{move || errors().address}</p>

            <label for="business-country">"Country"</label>
            <CountrySelect id="business-country".to_string() described_by="business-country-help business-country-error".to_string()
                country invalid=Signal::derive(move || errors().country.is_some()) />
            <p id="business-country-help" class="muted small">"Also sets the PDF's paper: Letter in North America, A4 elsewhere."</p>
            <p id="business-country-error" class="field-error">{move || errors().country}</p>

            <label for="business-tax-id">"Tax or VAT number"</label>
            <input id="business-tax-id" type="text" autocomplete="off" bind:value=tax_id
                aria-invalid=move || errors().tax_id.is_some().to_string() aria-describedby="business-tax-id-error" />
            <p id="business-tax-id-error" class="field-error">{move || errors().tax_id}</p>

            <label for="business-email">"Billing email"</label>
            <input id="business-email" type="email" autocomplete="email" bind:value=email
                aria-invalid=move || errors().email.is_some().to_string() aria-describedby="business-email-help business-email-error" />
            <p id="business-email-help" class="muted small">"Shown on invoices. Empty: the address you sign in with."</p>
            <p id="business-email-error" class="field-error">{move || errors().email}</p>

            <label for="business-phone">"Phone"</label>
            <input id="business-phone" type="tel" autocomplete="tel" bind:value=phone
                aria-invalid=move || errors().phone.is_some().to_string() aria-describedby="business-phone-error" />
            <p id="business-phone-error" class="field-error">{move || errors().phone}</p>

            <label for="business-payment">"How to pay by bank"</label>
            <textarea id="business-payment" rows="3" bind:value=payment_instructions placeholder="e.g. IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP"
                aria-invalid=move || errors().payment_instructions.is_some().to_string() aria-describedby="business-payment-help business-payment-error"></textarea>
            <p id="business-payment-help" class="muted small">"Shown on every invoice: on its own, or beside the Stripe payment link."</p>
            <p id="business-payment-error" class="field-error">{move || errors().payment_instructions}</p>

            <label for="business-footer">"Footer"</label>
            <textarea id="business-footer" rows="2" bind:value=footer placeholder="e.g. company registration number, share capital"
                aria-invalid=move || errors().footer.is_some().to_string() aria-describedby="business-footer-error"></textarea>
            <p id="business-footer-error" class="field-error">{move || errors().footer}</p>

            <h2>"New invoices start with"</h2>
            <label for="business-taxes">"Taxes"</label>
            <input id="business-taxes" type="text" bind:value=default_taxes placeholder="e.g. VAT 20%, or GST 5%, QST 9.975%"
                aria-invalid=move || errors().default_taxes.is_some().to_string() aria-describedby="business-taxes-help business-taxes-error" />
            <p id="business-taxes-help" class="muted small">"Each tax's name and rate, separated by commas. Each shows as its own line on the invoice."</p>
            <p id="business-taxes-error" class="field-error">{move || errors().default_taxes}</p>

            <label for="business-notes">"Notes"</label>
            <textarea id="business-notes" rows="3" bind:value=default_notes
                aria-invalid=move || errors().default_notes.is_some().to_string() aria-describedby="business-notes-error"></textarea>
            <p id="business-notes-error" class="field-error">{move || errors().default_notes}</p>

            <div class="form-actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save business details" }}
                </button>
                <span role="status" class="muted">{move || saved().then_some("Saved.")}</span>
            </div>
            <p class="form-error" role="alert">{failure}</p>
        </form>
    }
}

/// The logo on invoices: shown as it is, replaced by choosing a file (sent at once), removed
/// with a button.
#[component]
fn Logo(current: Option<String>) -> impl IntoView {
    let logo = RwSignal::new(current);
    let problem = RwSignal::new(None::<String>);
    let uploading = RwSignal::new(false);
    let remove = ServerAction::<RemoveLogo>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            logo.set(None);
        }
    });
    let removal_failure = failure_of(remove.value());
    let upload = move |_| {
        uploading.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match browser::upload_file("business-logo", "/account/logo").await {
                Ok(url) => logo.set(Some(url)),
                Err(message) => problem.set(Some(message)),
            }
            uploading.set(false);
        });
    };
    view! {
        <section class="card logo-card" aria-labelledby="logo-title">
            <h2 id="logo-title">"Logo"</h2>
            {move || match logo.get() {
                Some(url) => view! { <img class="logo-preview" src=url alt="Your logo, as invoices show it" /> }.into_any(),
                None => view! { <p class="muted">"No logo: invoices start with your name."</p> }.into_any(),
            }}
            <label for="business-logo">{move || if logo.get().is_some() { "Replace the logo" } else { "Add a logo" }}</label>
            <input id="business-logo" type="file" accept="image/png,image/jpeg" on:change=upload
                disabled=move || uploading.get() aria-describedby="business-logo-help business-logo-error" />
            <p id="business-logo-help" class="muted small">"A PNG or JPEG of at most 512 KB. It appears at the top of your invoices and their PDFs."</p>
            <p id="business-logo-error" class="field-error" role="alert">{move || problem.get()}{removal_failure}</p>
            <p role="status" class="muted small">{move || uploading.get().then_some("Uploading…")}</p>
            <Show when=move || logo.get().is_some()>
                <ActionForm action=remove>
                    <button type="submit" class="button button-secondary" disabled=move || remove.pending().get()>"Remove the logo"</button>
                </ActionForm>
            </Show>
        </section>
    }
}

/// How invoice numbers count, and where the next one starts.
#[component]
fn Numbers(numbering: String, next: String) -> impl IntoView {
    let save = ServerAction::<SaveNumbering>::new();
    let next_number = Memo::new(move |_| match save.value().get() {
        Some(Ok(NumberingSave::Saved(next))) => next,
        _ => next.clone(),
    });
    let errors = move || match save.value().get() {
        Some(Ok(NumberingSave::Invalid { numbering, next })) => (numbering, next),
        _ => (None, None),
    };
    let saved = move || matches!(save.value().get(), Some(Ok(NumberingSave::Saved(_))));
    let failure = failure_of(save.value());
    let yearly = numbering == "yearly";
    view! {
        <section class="card" aria-labelledby="numbers-title">
            <h2 id="numbers-title">"Invoice numbers"</h2>
            <p>"The next invoice will be " <strong data-testid="next-number">{move || next_number.get()}</strong> "."</p>
            <ActionForm action=save attr:class="form">
                <label for="numbering">"Numbering"</label>
                <select id="numbering" name="numbering" aria-describedby="numbering-error">
                    <option value="continuous" selected=!yearly>"One sequence (INV-0042)"</option>
                    <option value="yearly" selected=yearly>"A series per year (INV-2026-0001)"</option>
                </select>
                <p id="numbering-error" class="field-error">{move || errors().0}</p>
                <label for="next-number">"Next number " <span class="muted">"(optional)"</span></label>
                <input id="next-number" name="next" type="text" inputmode="numeric" autocomplete="off"
                    aria-invalid=move || errors().1.is_some().to_string() aria-describedby="next-number-help next-number-error" />
                <p id="next-number-help" class="muted small">"To carry on from another tool: the number the next invoice gets (in this year's series when numbering by year). It must come after every number already used."</p>
                <p id="next-number-error" class="field-error">{move || errors().1}</p>
                <div class="form-actions">
                    <button type="submit" class="button button-secondary" disabled=move || save.pending().get()>"Save numbering"</button>
                    <span role="status" class="muted">{move || saved().then_some("Saved.")}</span>
                </div>
                <p class="form-error" role="alert">{failure}</p>
            </ActionForm>
        </section>
    }
}
