//! An invoice's credit notes on its page: the one that cancelled it, those that reduced it
//! (each to download, and to email again when its email did not go), and the form that
//! reduces a sent invoice by part of what is owed.

use leptos::prelude::*;

use crate::api::invoices::{InvoiceDetail, ReductionSave, email_credit_note, reduce_invoice};
use crate::domain::credit_note::{CreditNoteView, ReductionErrors, ReductionInput};
use crate::domain::invoice_document::InvoiceDocument;
use crate::ui::actions::failure_of;
use crate::ui::browser;

/// Where the owner downloads credit note `number` of invoice `id`.
fn pdf_path(id: &str, number: &str) -> String {
    format!("/invoices/{id}/credit-notes/{number}/pdf")
}

#[component]
pub fn CreditNotes(id: String, document: InvoiceDocument, refresh: Callback<()>) -> impl IntoView {
    let email = Action::new({
        let id = id.clone();
        move |number: &String| {
            let (id, number) = (id.clone(), number.clone());
            async move { email_credit_note(id, Some(number)).await }
        }
    });
    let failure = failure_of(email.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = email.value().get() {
            refresh.run(());
        }
    });
    let busy = move || email.pending().get();
    let email_button = move |note: &CreditNoteView| {
        let number = note.number.clone();
        note.emailed_to.is_none().then(|| view! {
            <button type="button" class="button" disabled=busy
                on:click=move |_| { email.dispatch(number.clone()); }>"Email it to your client"</button>
        })
    };
    let total = document.totals.total;
    let cancelled = document.credit_note.clone().map(|note| view! {
        <section class="notice no-print credit-note" aria-labelledby="credit-note-title">
            <h2 id="credit-note-title" class="h3">"Cancelled by credit note " <span class="credit-note-number">{note.number.clone()}</span></h2>
            <p>{match &note.emailed_to {
                Some(to) => format!(
                    "Issued on {} for the full {total}, and emailed to {to} with the PDF: it cancels the invoice in your client's books and yours.",
                    note.issued_on.long(),
                ),
                None if note.email_retrying => format!(
                    "Issued on {} for the full {total}. Its email to your client has not gone yet: PayTrack tries again every few minutes for a day. You can email it now or send them the PDF yourself, as it is what cancels the invoice in their books and yours.",
                    note.issued_on.long(),
                ),
                None => format!(
                    "Issued on {} for the full {total}. It could not be emailed to your client: email it again or send them the PDF yourself, as it is what cancels the invoice in their books and yours.",
                    note.issued_on.long(),
                ),
            }}</p>
            <div class="button-row">
                <a class="button button-secondary" href=pdf_path(&id, &note.number) rel="external" download>"Download credit note"</a>
                {email_button(&note)}
            </div>
        </section>
    });
    let reductions = (!document.reductions.is_empty()).then(|| view! {
        <section class="card no-print credit-notes" aria-labelledby="credit-notes-title">
            <h2 id="credit-notes-title" class="h3">"Credit notes"</h2>
            <ul class="plain-list credit-note-list">
                {document.reductions.iter().filter_map(|note| {
                    let listed = note.listed()?;
                    let emailed = match &note.emailed_to {
                        Some(to) => format!("emailed to {to}"),
                        None if note.email_retrying => {
                            "not emailed yet: PayTrack tries again for a day, or email it now".to_string()
                        }
                        None => "not emailed: email it, or send the PDF yourself".to_string(),
                    };
                    Some(view! {
                        <li>
                            <p>
                                <strong class="credit-note-number">{note.number.clone()}</strong>
                                {format!("{listed}; {emailed}.")}
                            </p>
                            <div class="button-row">
                                <a class="button button-secondary button-small" href=pdf_path(&id, &note.number) rel="external" download
                                    aria-label=format!("Download credit note {}", note.number)>"Download"</a>
                                {email_button(note)}
                            </div>
                        </li>
                    })
                }).collect_view()}
            </ul>
        </section>
    });
    view! {
        {cancelled}
        {reductions}
        <p class="form-error no-print" role="alert">{failure}</p>
    }
}

/// Takes part of what is owed off the price (agreed after the invoice went), with a credit
/// note to the client. Folded away: most invoices never need one.
#[component]
pub fn ReduceForm(detail: InvoiceDetail, refresh: Callback<()>) -> impl IntoView {
    let id = detail.id.clone();
    let (due, total) = (detail.document.totals.due, detail.document.totals.total);
    let client = detail.document.bill_to.name.clone();
    // Checked here first with the server's own rules, so a mistake is said before the
    // question; the server checks again.
    let checked = RwSignal::new(None::<ReductionErrors>);
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let reduce = Action::new(move |reduction: &ReductionInput| {
        let (id, reduction) = (id.clone(), reduction.clone());
        async move { reduce_invoice(id, reduction).await }
    });
    let errors = move || match (checked.get(), reduce.value().get()) {
        (Some(errors), _) | (None, Some(Ok(ReductionSave::Invalid(errors)))) => errors,
        _ => ReductionErrors::default(),
    };
    let failure = failure_of(reduce.value());
    Effect::new(move |_| {
        if let Some(Ok(ReductionSave::Reduced(_))) = reduce.value().get() {
            refresh.run(());
        }
    });
    let submit = {
        let client = client.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let input = ReductionInput {
                amount: amount.get_untracked(),
                reason: reason.get_untracked(),
            };
            let reduction = match input.parse(due, total) {
                Ok(reduction) => reduction,
                Err(errors) => return checked.set(Some(*errors)),
            };
            checked.set(None);
            let question = format!(
                "Issue a credit note taking {} off this invoice for {client}? PayTrack emails it to them; it can't be undone.",
                reduction.amount
            );
            if browser::confirm(&question) {
                reduce.dispatch(input);
            }
        }
    };
    view! {
        <details class="card no-print reduce">
            <summary class="h3">"Reduce by a credit note"</summary>
            <p class="muted small">{format!(
                "Agreed with {client} to take something off after the invoice went? A credit note says so: PayTrack numbers it, emails it to them with the PDF, and chases only what is left. Still owed: {due}."
            )}</p>
            <form class="form" on:submit=submit novalidate>
                <div>
                    <label for="reduce-amount">{format!("Amount to take off, tax included ({})", due.currency().code())}</label>
                    <input id="reduce-amount" type="text" inputmode="decimal" bind:value=amount
                        aria-invalid=move || errors().amount.is_some().to_string() aria-describedby="reduce-amount-error" />
                    <p id="reduce-amount-error" class="field-error">{move || errors().amount}</p>
                </div>
                <div>
                    <label for="reduce-reason">"Reason, as the credit note will say it"</label>
                    <input id="reduce-reason" type="text" maxlength="200" bind:value=reason
                        aria-invalid=move || errors().reason.is_some().to_string() aria-describedby="reduce-reason-error" />
                    <p id="reduce-reason-error" class="field-error">{move || errors().reason}</p>
                </div>
                <button type="submit" class="button" disabled=move || reduce.pending().get()>
                    {move || if reduce.pending().get() { "Issuing…" } else { "Issue credit note" }}
                </button>
            </form>
            <p class="form-error" role="alert">{failure}</p>
        </details>
    }
}
