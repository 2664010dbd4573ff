use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::api::public::{PromiseToPay as PromiseToPayFn, public_invoice};
use crate::domain::credit_note::CreditNoteView;
use crate::domain::promise::{Offer, Outcome};
use crate::ui::browser;
use crate::ui::components::invoice_paper::InvoicePaper;

/// `/i/:token`: what the client opens from their email. No account, no navigation into the
/// sender's data; search engines are asked not to index it.
#[component]
pub fn PublicInvoice() -> impl IntoView {
    let params = use_params_map();
    let token = params.read_untracked().get("token").unwrap_or_default();
    let pdf = format!("/i/{token}/pdf");
    let token_for_promise = token.clone();
    let token_for_notes = token.clone();
    let invoice = Resource::new_serde_wb(move || token.clone(), public_invoice);
    view! {
        <Meta name="robots" content="noindex, nofollow" />
        <Meta name="referrer" content="no-referrer" />
        <section class="page public-invoice">
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the invoice…"</p> }>
                {move || { let pdf = pdf.clone(); let token_for_promise = token_for_promise.clone(); let token_for_notes = token_for_notes.clone(); Suspend::new(async move {
                    invoice.await.map(|found| match found {
                        Some(document) => {
                            // Runs in the browser once the invoice has hydrated: Print works.
                            browser::mark_hydrated_when_built();
                            let branded = document.branded;
                            view! {
                            <Title text=format!("Invoice {} from {}", document.number, document.from.name) />
                            // The page's own heading: what the client opened, before what to do
                            // about it (the document below has its own).
                            <h1 class="public-title no-print">{format!("Invoice {} from {}", document.number, document.from.name)}</h1>
                            <PayBox
                                pay_url=document.pay_url.clone()
                                processing=document.payment_processing
                                due=document.totals.due.to_string()
                                paid=document.status == crate::domain::status::InvoiceStatus::Paid
                                by_bank=document.payment_instructions.is_some()
                                sender=document.from.name.clone()
                            />
                            {document.promise.clone().filter(|o| o.open || o.current.is_some()).map(|offer| view! {
                                <PromiseToPay token=token_for_promise.clone() offer sender=document.from.name.clone() />
                            })}
                            {document.replies_hold_reminders.then(|| view! {
                                <p class="already-paid small no-print">
                                    {format!(
                                        "Paid already? Reply to the email this invoice came with and say so: {} will check, and the reminders about this invoice wait meanwhile.",
                                        document.from.name,
                                    )}
                                </p>
                            })}
                            <div class="button-row no-print public-actions">
                                <a class="button" href=pdf rel="external" download>"Download PDF"</a>
                                <button type="button" class="button button-secondary" on:click=move |_| browser::print_page()>"Print"</button>
                            </div>
                            <CreditNotes token=token_for_notes.clone() notes=document.reductions.clone() />
                            <InvoicePaper document />
                            <p class="muted small no-print">"Questions about this invoice? Reply to the email it came with."</p>
                            {branded.then(|| view! {
                                <p class="powered-by small no-print">"Sent with "<a href="/">"PayTrack"</a>" — invoices that chase late payments for you."</p>
                            })}
                        }.into_any()
                        }
                        None => {
                            #[cfg(feature = "ssr")]
                            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                                response.set_status(axum::http::StatusCode::NOT_FOUND);
                            }
                            view! {
                            <Title text="Link not available" />
                            <div class="card empty">
                                <h1>"This invoice link doesn't work any more"</h1>
                                <p>"It may have been replaced with a new one, or the invoice was cancelled. Ask the sender for a current link."</p>
                            </div>
                        }.into_any()
                        }
                    })
                })}}
            </Transition>
        </section>
    }
}

/// The credit notes that took part of the price off, each to download: the documents the
/// client books against the invoice (they came by email too, but emails get lost).
#[component]
fn CreditNotes(token: String, notes: Vec<CreditNoteView>) -> impl IntoView {
    (!notes.is_empty()).then(|| view! {
        <section class="card no-print credit-notes" aria-labelledby="credit-notes-title">
            <h2 id="credit-notes-title" class="h3">"Credit notes"</h2>
            <ul class="plain-list credit-note-list">
                {notes.into_iter().filter_map(|note| {
                    let listed = note.listed()?;
                    let pdf = format!("/i/{token}/credit-notes/{}/pdf", note.number);
                    Some(view! {
                        <li>
                            <p>
                                <strong class="credit-note-number">{note.number.clone()}</strong>
                                {format!("{listed}.")}
                            </p>
                            <a class="button button-secondary button-small" href=pdf rel="external" download
                                aria-label=format!("Download credit note {}", note.number)>"Download"</a>
                        </li>
                    })
                }).collect_view()}
            </ul>
        </section>
    })
}

/// What the client can do about paying, before anything else on the page: pay on Stripe, pay
/// by bank as the invoice below says, wait for a payment settling, or nothing (paid).
#[component]
fn PayBox(
    pay_url: Option<String>,
    processing: bool,
    due: String,
    paid: bool,
    by_bank: bool,
    sender: String,
) -> impl IntoView {
    if paid {
        return view! {
            <p class="notice notice-success no-print" role="status">"Paid in full. Thank you!"</p>
        }
        .into_any();
    }
    if processing {
        return view! {
            <p class="notice no-print" role="status">
                "Your payment is on its way: bank payments take a few working days to arrive. Nothing more to do."
            </p>
        }
        .into_any();
    }
    match pay_url {
        Some(url) => view! {
            <div class="card pay-box no-print">
                <a class="button primary pay-link" href=url rel="noopener">{format!("Pay {due} now")}</a>
                <p class="muted small">"Secure payment by card or bank through Stripe."</p>
            </div>
        }
        .into_any(),
        // The bank details sit at the foot of the invoice; a phone shows them a few screens
        // down. The browser follows the link itself (`rel="external"`), so focus moves too.
        None if by_bank => view! {
            <div class="card pay-box no-print">
                <p class="pay-by-bank">{format!("Pay {due} by bank transfer.")}</p>
                <a class="button primary" href="#how-to-pay" rel="external">"See the bank details"</a>
            </div>
        }
        .into_any(),
        None => view! {
            <p class="notice no-print" role="status">
                {format!("{due} to pay. To ask {sender} how to pay, reply to the email this invoice came with.")}
            </p>
        }
        .into_any(),
    }
}

/// "I'll pay by …": the client names the day they will pay, and reminders wait until then.
#[component]
fn PromiseToPay(token: String, offer: Offer, sender: String) -> impl IntoView {
    let promise = ServerAction::<PromiseToPayFn>::new();
    let offer = RwSignal::new(offer);
    let day = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| match promise.value().get() {
        Some(Ok(now)) => {
            problem.set(None);
            offer.set(now);
        }
        Some(Err(err)) => problem.set(Some(err.to_string())),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = day.get_untracked();
        if chosen.is_empty() {
            problem.set(Some("Choose the day you will pay.".to_string()));
            return;
        }
        promise.dispatch(PromiseToPayFn {
            token: token.clone(),
            day: chosen,
        });
    };
    let said = move || {
        offer.with(|o| {
            o.current.as_ref().map(|p| match p.outcome {
                Outcome::Pending => format!(
                    "You said you will pay by {}. Thank you — reminders wait until then.",
                    p.day.long()
                ),
                Outcome::Broken => format!(
                    "You planned to pay by {}. If that changed, choose a new day.",
                    p.day.long()
                ),
                Outcome::Kept => format!("You paid by {}, as you said. Thank you!", p.day.long()),
            })
        })
    };
    view! {
        <section class="card promise-box no-print" aria-labelledby="promise-title">
            <h2 id="promise-title" class="h3">"Can't pay today?"</h2>
            <p role="status" class="promise-said">{said}</p>
            <Show when=move || offer.with(|o| o.open)>
                <form class="form-inline" on:submit=submit.clone() novalidate>
                    <label for="promise-day">{format!("Tell {sender} the day you will pay by")}</label>
                    <input id="promise-day" type="date" required
                        min=move || offer.with(|o| o.first.to_string())
                        max=move || offer.with(|o| o.last.to_string())
                        aria-describedby="promise-help promise-error"
                        aria-invalid=move || problem.get().is_some().to_string()
                        bind:value=day />
                    <button type="submit" class="button button-secondary" disabled=move || promise.pending().get()>"I'll pay by this day"</button>
                    <p id="promise-help" class="muted small">{move || offer.with(|o| format!("Any day up to {}.", o.last.long()))}</p>
                </form>
            </Show>
            <p id="promise-error" class="form-error" role="alert">{move || problem.get()}</p>
        </section>
    }
}
