//! The invoice editor (`/invoices/new`, `/invoices/:id/edit`): the header fields here, the
//! line items in `lines`, the running totals in `totals`.

mod client_picker;
mod lines;
mod service_date;
mod totals;

use crate::ui::actions::{create_or_update, failure_of};
use crate::ui::components::currency_select::CurrencySelect;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::invoices::{
    EditorContext, InvoiceDetail, InvoiceSave, create_invoice, get_invoice, load_editor_context,
    update_invoice,
};
use crate::domain::invoice_draft::{InvoiceErrors, InvoiceInput, LineInput};
use crate::ui::browser;

use crate::ui::components::signed_in::or_sign_in;
use client_picker::ClientPicker;
use lines::{LineRow, LinesEditor};
use service_date::ServiceDate;
use totals::LiveTotals;

/// `/invoices/new` (optionally `?client=<id>`).
#[component]
pub fn NewInvoice() -> impl IntoView {
    view! {
        <Title text="New invoice" />
        <EditorLoader id=None />
    }
}

/// `/invoices/:id/edit` (drafts only; the server refuses the rest).
#[component]
pub fn EditInvoice() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <Title text="Edit invoice" />
        <EditorLoader id=Some(id.clone()) />
    }
}

#[component]
fn EditorLoader(id: Option<String>) -> impl IntoView {
    let query = use_query_map();
    let preselect = query.read_untracked().get("client");
    let editing = id.is_some();
    let existing = Resource::new_serde_wb(
        move || id.clone(),
        |id| async move {
            match id {
                Some(id) => get_invoice(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // The picker offers the invoice's own client (or the one asked for) even when it is not
    // among those it lists, so a draft's client is read first.
    let asked = preselect.clone();
    let context = Resource::new_serde_wb(
        || (),
        move |_| {
            let asked = asked.clone();
            async move {
                let client = if editing {
                    existing.await?.map(|detail| detail.input.client_id)
                } else {
                    asked
                };
                load_editor_context(client.unwrap_or_default()).await
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading the editor…"</p> }>
            {move || {
                let preselect = preselect.clone();
                Suspend::new(async move {
                    let loaded = match (context.await, existing.await) {
                        (Ok(context), Ok(existing)) => Ok((context, existing)),
                        (Err(err), _) | (_, Err(err)) => Err(err),
                    };
                    or_sign_in(loaded.map(|(context, existing)| view! { <Editor context existing preselect /> }))
                })
            }}
        </Transition>
    }
}

const TERMS: [(&str, &str); 5] = [
    ("", "Custom date"),
    ("0", "Due on receipt"),
    ("14", "Net 14"),
    ("30", "Net 30"),
    ("60", "Net 60"),
];

fn terms_of(input: &InvoiceInput) -> String {
    use crate::domain::date::CalendarDate;
    let (Ok(issued), Ok(due)) = (
        CalendarDate::parse(&input.issue_date),
        CalendarDate::parse(&input.due_date),
    ) else {
        return String::new();
    };
    let days = issued.days_until(due).to_string();
    if TERMS.iter().any(|(d, _)| *d == days) {
        days
    } else {
        String::new()
    }
}

#[component]
fn Editor(
    context: EditorContext,
    existing: Option<InvoiceDetail>,
    preselect: Option<String>,
) -> impl IntoView {
    let navigate = use_navigate();
    let navigate_away = navigate.clone();
    let editing_id = existing.as_ref().map(|d| d.id.clone());
    let back_to = match &editing_id {
        Some(id) => format!("/invoices/{id}"),
        None => "/invoices".to_string(),
    };
    let title = existing
        .as_ref()
        .map(|d| format!("Edit {}", d.document.number))
        .unwrap_or_else(|| "New invoice".to_string());
    let clients = RwSignal::new(context.clients.clone());
    let initial = match &existing {
        Some(detail) => detail.input.clone(),
        None => {
            let client = preselect
                .as_ref()
                .and_then(|id| context.clients.iter().find(|c| &c.id == id));
            InvoiceInput {
                client_id: client.map(|c| c.id.clone()).unwrap_or_default(),
                issue_date: context.today.to_string(),
                due_date: context
                    .today
                    .add_days(30)
                    .unwrap_or(context.today)
                    .to_string(),
                currency: client
                    .map(|c| c.currency)
                    .unwrap_or(context.currency)
                    .code()
                    .to_string(),
                lines: vec![LineInput {
                    quantity: "1".to_string(),
                    ..Default::default()
                }],
                discount_kind: "none".to_string(),
                taxes: context.default_taxes.clone(),
                notes: context.default_notes.clone(),
                ..Default::default()
            }
        }
    };

    let client_id = RwSignal::new(initial.client_id.clone());
    let issue_date = RwSignal::new(initial.issue_date.clone());
    let due_date = RwSignal::new(initial.due_date.clone());
    let terms = RwSignal::new(terms_of(&initial));
    let service_from = RwSignal::new(initial.service_from.clone());
    let service_to = RwSignal::new(initial.service_to.clone());
    let currency = RwSignal::new(initial.currency.clone());
    let discount_kind = RwSignal::new(initial.discount_kind.clone());
    let discount_value = RwSignal::new(initial.discount_value.clone());
    let taxes = RwSignal::new(initial.taxes.clone());
    let notes = RwSignal::new(initial.notes.clone());
    let next_key = StoredValue::new(initial.lines.len() as u64);
    let lines = RwSignal::new(
        initial
            .lines
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, line)| LineRow::new(i as u64, line))
            .collect::<Vec<_>>(),
    );
    let errors = RwSignal::new(InvoiceErrors::default());
    let saved = RwSignal::new(false);

    let input = Memo::new(move |_| InvoiceInput {
        client_id: client_id.get(),
        issue_date: issue_date.get(),
        due_date: due_date.get(),
        service_from: service_from.get(),
        service_to: service_to.get(),
        currency: currency.get(),
        lines: lines.get().iter().map(LineRow::input).collect(),
        discount_kind: discount_kind.get(),
        discount_value: discount_value.get(),
        taxes: taxes.get(),
        notes: notes.get(),
    });
    let initial = StoredValue::new(initial);
    let dirty = Memo::new(move |_| !saved.get() && initial.with_value(|i| *i != input.get()));
    let preview = Memo::new(move |_| input.get().preview());

    // Leaving with unsaved changes (closing the tab, reloading) asks first.
    let guard = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if dirty.get_untracked() {
            ev.prevent_default();
            ev.set_return_value("You have unsaved changes.");
        }
    });
    on_cleanup(move || guard.remove());
    // … and so does following a link inside PayTrack.
    browser::guard_links(
        move || dirty.get_untracked(),
        "This invoice has unsaved changes. Leave without saving?",
    );

    // Net terms move the due date with the issue date.
    Effect::new(move |_| {
        use crate::domain::date::CalendarDate;
        let days = terms.get();
        let issued = issue_date.get();
        if let (Ok(days), Ok(issued)) = (days.parse::<i64>(), CalendarDate::parse(&issued))
            && let Ok(due) = issued.add_days(days)
        {
            due_date.set(due.to_string());
        }
    });

    // A new invoice follows the client's usual currency until the user picks one or prices a
    // line: this is the currency last set on the user's behalf.
    let followed = StoredValue::new(currency.get_untracked());
    let pick_client = move |id: String| {
        if let Some(client) = clients.with_untracked(|cs| cs.iter().find(|c| c.id == id).cloned()) {
            let untouched = followed.with_value(|f| currency.with_untracked(|c| c == f));
            if untouched
                && input.with_untracked(|i| i.lines.iter().all(|l| l.unit_price.is_empty()))
            {
                let code = client.currency.code().to_string();
                followed.set_value(code.clone());
                currency.set(code);
            }
        }
        client_id.set(id);
    };

    let listed = context.clients.clone();
    let save = create_or_update(editing_id.clone(), create_invoice, update_invoice);
    let failure = failure_of(save.value());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(InvoiceSave::Saved { id, .. })) => {
            saved.set(true);
            navigate(&format!("/invoices/{id}"), Default::default());
        }
        Some(Ok(InvoiceSave::Invalid(found))) => {
            errors.set(found);
            browser::focus("editor-problems");
        }
        _ => {}
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(input.get_untracked());
    };
    let cancel = move |_| {
        if !dirty.get_untracked() || browser::confirm("Discard your changes to this invoice?") {
            saved.set(true);
            navigate_away(&back_to, Default::default());
        }
    };
    let has_errors = move || !errors.with(InvoiceErrors::is_empty);

    view! {
        <section class="page editor">
            <div class="page-head">
                <h1>{title}</h1>
                <span class="muted small" role="status">{move || dirty.get().then_some("Unsaved changes")}</span>
            </div>
            <form class="invoice-form" on:submit=submit novalidate>
                <div id="editor-problems" tabindex="-1" class="notice notice-warning" role="alert" class:hidden=move || !has_errors()>
                    {move || has_errors().then_some("Some fields need a look — the messages are next to them.")}
                    {move || errors.get().line_items.map(|m| view! { <p>{m}</p> })}
                </div>

                <div class="card editor-grid">
                    <ClientPicker clients listed more=context.more_clients client_id currency
                        error=Signal::derive(move || errors.get().client) on_pick=Callback::new(pick_client) />
                    <div class="field">
                        <label for="invoice-currency">"Currency"</label>
                        <CurrencySelect id="invoice-currency".to_string() described_by="currency-error".to_string() currency
                            invalid=Signal::derive(move || errors.get().currency.is_some()) />
                        <p id="currency-error" class="field-error">{move || errors.get().currency}</p>
                    </div>
                    <div class="field">
                        <label for="invoice-issued">"Issue date"</label>
                        <input id="invoice-issued" type="date" bind:value=issue_date
                            aria-invalid=move || errors.get().issue_date.is_some().to_string() aria-describedby="issued-error" />
                        <p id="issued-error" class="field-error">{move || errors.get().issue_date}</p>
                    </div>
                    <div class="field">
                        <label for="invoice-terms">"Payment terms"</label>
                        <select id="invoice-terms" on:change=move |ev| terms.set(event_target_value(&ev))>
                            {TERMS.into_iter().map(|(days, label)| view! {
                                <option value=days selected=move || terms.get() == days>{label}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="invoice-due">"Due date"</label>
                        <input id="invoice-due" type="date" prop:value=move || due_date.get()
                            on:input=move |ev| { terms.set(String::new()); due_date.set(event_target_value(&ev)); }
                            aria-invalid=move || errors.get().due_date.is_some().to_string() aria-describedby="due-error" />
                        <p id="due-error" class="field-error">{move || errors.get().due_date}</p>
                    </div>
                    <ServiceDate service_from service_to errors />
                </div>

                <LinesEditor lines next_key errors preview />

                <div class="editor-bottom">
                    <div class="card editor-grid">
                        <div class="field">
                            <label for="invoice-discount-kind">"Discount"</label>
                            <div class="inline">
                                <select id="invoice-discount-kind" on:change=move |ev| discount_kind.set(event_target_value(&ev))>
                                    {[("none", "None"), ("percent", "Percent"), ("fixed", "Fixed amount")].into_iter().map(|(kind, label)| view! {
                                        <option value=kind selected=move || discount_kind.get() == kind>{label}</option>
                                    }).collect_view()}
                                </select>
                                <Show when=move || discount_kind.get() != "none">
                                    <label class="visually-hidden" for="invoice-discount">"Discount value"</label>
                                    <input id="invoice-discount" type="text" inputmode="decimal" bind:value=discount_value
                                        placeholder=move || if discount_kind.get() == "percent" { "10" } else { "50.00" }
                                        aria-invalid=move || errors.get().discount.is_some().to_string() aria-describedby="discount-error" />
                                </Show>
                            </div>
                            <p id="discount-error" class="field-error">{move || errors.get().discount}</p>
                        </div>
                        <div class="field">
                            <label for="invoice-tax">"Taxes"</label>
                            <input id="invoice-tax" type="text" placeholder="e.g. VAT 20%, or GST 5%, QST 9.975%" bind:value=taxes
                                aria-invalid=move || errors.get().taxes.is_some().to_string() aria-describedby="tax-help tax-error" />
                            <p id="tax-help" class="muted small">"Each tax's name and rate, separated by commas; leave empty for none."</p>
                            <p id="tax-error" class="field-error">{move || errors.get().taxes}</p>
                        </div>
                        <div class="field field-wide">
                            <label for="invoice-notes">"Notes and payment terms " <span class="muted">"(shown on the invoice)"</span></label>
                            <textarea id="invoice-notes" rows="3" bind:value=notes
                                aria-invalid=move || errors.get().notes.is_some().to_string() aria-describedby="notes-error"></textarea>
                            <p id="notes-error" class="field-error">{move || errors.get().notes}</p>
                        </div>
                    </div>

                    <aside class="card live-totals" aria-label="Totals" aria-live="polite">
                        <LiveTotals preview />
                        <div class="form-actions">
                            <button type="submit" class="button" disabled=move || save.pending().get()>
                                {move || if save.pending().get() { "Saving…" } else { "Save draft" }}
                            </button>
                            <button type="button" class="button button-secondary" on:click=cancel>"Cancel"</button>
                        </div>
                        <p class="form-error" role="alert">{failure}</p>
            <crate::ui::components::upgrade_link::UpgradeLink when=Signal::derive(move || crate::ui::components::upgrade_link::is_plan_limit(save.value().get())) />
                    </aside>
                </div>
            </form>
        </section>
    }
}
