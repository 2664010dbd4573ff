use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::api::public::public_invoice;
use crate::ui::browser;
use crate::ui::components::invoice_paper::InvoicePaper;

/// `/i/:token`: what the client opens from their email. No account, no navigation into the
/// sender's data; search engines are asked not to index it.
#[component]
pub fn PublicInvoice() -> impl IntoView {
    let params = use_params_map();
    let token = params.read_untracked().get("token").unwrap_or_default();
    let pdf = format!("/i/{token}/pdf");
    let invoice = Resource::new(move || token.clone(), public_invoice);
    view! {
        <Meta name="robots" content="noindex, nofollow" />
        <Meta name="referrer" content="no-referrer" />
        <section class="page public-invoice">
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the invoice…"</p> }>
                {move || { let pdf = pdf.clone(); Suspend::new(async move {
                    invoice.await.map(|found| match found {
                        Some(document) => {
                            // Runs in the browser once the invoice has hydrated: Print works.
                            Effect::new(|_| browser::mark_hydrated());
                            let branded = document.branded;
                            view! {
                            <Title text=format!("Invoice {} from {}", document.number, document.from.name) />
                            <PayBox
                                pay_url=document.pay_url.clone()
                                processing=document.payment_processing
                                due=document.totals.due.to_string()
                                paid=document.status == crate::domain::status::InvoiceStatus::Paid
                            />
                            <div class="button-row no-print public-actions">
                                <a class="button" href=pdf rel="external" download>"Download PDF"</a>
                                <button type="button" class="button button-secondary" on:click=move |_| browser::print_page()>"Print"</button>
                            </div>
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

/// What the client can do about paying: pay on Stripe, wait for a payment settling, or
/// nothing (paid). Without Stripe, the invoice itself says how to pay.
#[component]
fn PayBox(pay_url: Option<String>, processing: bool, due: String, paid: bool) -> impl IntoView {
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
        None => ().into_any(),
    }
}
