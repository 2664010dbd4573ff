use crate::ui::actions::failure_of;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::invoices::{
    InvoiceDetail, InvoiceSave, PaymentSave, delete_draft, duplicate_invoice, get_invoice,
    record_payment, replace_public_link, send_invoice, void_invoice, write_off_invoice,
};
use crate::api::reminders::load_invoice_reminders;
use crate::domain::pay_way::PayWay;
use crate::domain::payment::{PaymentErrors, PaymentInput, PaymentMethod};
use crate::domain::status::InvoiceStatus;
use crate::error::AppError;
use crate::ui::browser;
use crate::ui::components::invoice_paper::InvoicePaper;
use crate::ui::components::money_notices::{Disputes, PaidTwice};
use crate::ui::components::reminder_timeline::ReminderTimeline;
use crate::ui::components::signed_in::or_sign_in;

mod credit_notes;
mod hand_payments;

use credit_notes::{CreditNotes, ReduceForm};
use hand_payments::{HandPayments, MoneyOff};

/// `/invoices/:id`: the invoice as the client will see it, with what the user can do next.
#[component]
pub fn InvoiceView() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    view! {
        <Title text="Invoice" />
        <InvoiceScreen id />
    }
}

#[component]
fn InvoiceScreen(id: Memo<String>) -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let invoice =
        Resource::new_serde_wb(move || (id.get(), version.get()), |(id, _)| get_invoice(id));
    let reminders = Resource::new_serde_wb(
        move || (id.get(), version.get()),
        |(id, _)| load_invoice_reminders(id),
    );
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    view! {
        <section class="page invoice-view">
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the invoice…"</p> }>
                {move || Suspend::new(async move {
                    // Both read in one suspense: a second boundary would hydrate separately.
                    let loaded = match (invoice.await, reminders.await) {
                        (Ok(detail), Ok(reminders)) => Ok((detail, reminders)),
                        (Err(err), _) | (_, Err(err)) => Err(err),
                    };
                    or_sign_in(loaded.map(|(detail, reminders)| {
                        let client_id = detail.client_id.clone();
                        view! {
                            <Title text=detail.document.number.clone() />
                            <InvoiceActions detail=detail.clone() refresh />
                            <ReminderTimeline reminders client_id refresh />
                            <InvoicePaper document=detail.document />
                        }
                    }))
                })}
            </Transition>
        </section>
    }
}

#[component]
fn InvoiceActions(detail: InvoiceDetail, refresh: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let status = detail.document.status;
    let money_off = if status == InvoiceStatus::Void {
        MoneyOff::StaysVoid
    } else if detail.written_off_on.is_some() {
        MoneyOff::WrittenOff
    } else {
        MoneyOff::OwedAgain
    };
    let id = StoredValue::new(detail.id.clone());
    let problem = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);

    // One action per button; each reports failure in the same place and refreshes on success.
    let change = Action::new(move |what: &&'static str| {
        let what = *what;
        let id = id.get_value();
        async move {
            match what {
                "send" => send_invoice(id).await.map(|_| None),
                "void" => void_invoice(id).await.map(|_| None),
                "write-off" => write_off_invoice(id).await.map(|_| None),
                "link" => replace_public_link(id).await.map(|_| None),
                "delete" => delete_draft(id)
                    .await
                    .map(|_| Some("/invoices".to_string())),
                "duplicate" => match duplicate_invoice(id).await? {
                    InvoiceSave::Saved { id, .. } => Ok(Some(format!("/invoices/{id}/edit"))),
                    InvoiceSave::Invalid(_) => Err(AppError::Rejected(
                        "This invoice's client is archived; restore them to duplicate it."
                            .to_string(),
                    )),
                },
                _ => Ok(None),
            }
        }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(Some(path))) => navigate(&path, Default::default()),
        Some(Ok(None)) => {
            problem.set(None);
            refresh.run(());
        }
        Some(Err(err)) => problem.set(Some(err.to_string())),
        None => {}
    });
    let run = move |what: &'static str, question: Option<&str>| {
        if question.is_none_or(browser::confirm) {
            change.dispatch(what);
        }
    };
    let busy = move || change.pending().get();
    let public_url = detail.public_url.clone();
    let pay_url = detail.document.pay_url.clone();
    let processing = detail.document.payment_processing;
    let due = detail.document.totals.due.to_string();
    let client = detail.document.bill_to.name.clone();
    let heading_client = client.clone();
    let write_off_question = format!(
        "Write off the {due} {client} still owes? PayTrack stops chasing it and no longer counts it as owed, and its links stop working; payments already made stay, and money that still comes can be recorded."
    );

    view! {
        <div class="page-head">
            <h1>{detail.document.number.clone()} <span class="muted h-sub">" · "<A href=format!("/clients/{}", detail.client_id)>{heading_client}</A></span></h1>
            <div class="button-row no-print">
                {(status == InvoiceStatus::Draft).then(|| view! {
                    <A href=format!("/invoices/{}/edit", detail.id) attr:class="button button-secondary">"Edit"</A>
                    <button type="button" class="button" disabled=busy on:click=move |_| run("send", None)>"Send to client"</button>
                    <button type="button" class="button button-danger" disabled=busy
                        on:click=move |_| run("delete", Some("Delete this draft? This can't be undone."))>"Delete draft"</button>
                })}
                // Once a credit note reduced it, what is left comes off by another, not a void.
                {(status == InvoiceStatus::Open && detail.document.reductions.is_empty()).then(|| view! {
                    <button type="button" class="button button-danger" disabled=busy
                        on:click=move |_| run("void", Some("Void this invoice? The client's link stops working, it can't be reopened, and PayTrack emails your client a credit note cancelling it."))>"Void"</button>
                })}
                // A client who won't or can't pay the rest: stop expecting it (void is for
                // invoices sent in error, and refuses once anything was paid).
                {(status.is_collectable() && !processing).then(|| view! {
                    <button type="button" class="button button-secondary" disabled=busy
                        on:click=move |_| run("write-off", Some(&write_off_question))>"Write off"</button>
                })}
                <button type="button" class="button button-secondary" disabled=busy on:click=move |_| run("duplicate", None)>"Duplicate"</button>
                <a class="button button-secondary" href=format!("/invoices/{}/pdf", detail.id) rel="external" download>"Download PDF"</a>
                <button type="button" class="button button-secondary" on:click=move |_| browser::print_page()>"Print"</button>
            </div>
        </div>
        <p class="form-error no-print" role="alert">{move || problem.get()}</p>
        <PaidTwice extra=detail.extra_payments.clone() status=status />
        <Disputes disputes=detail.disputes.clone() />
        {detail.written_off_on.map(|on| view! {
            <p class="notice no-print written-off" role="status">{if status == InvoiceStatus::WrittenOff {
                format!(
                    "Written off on {}: the {due} that was left is no longer expected, and {client} is not chased for it.",
                    on.long()
                )
            } else {
                format!("Written off on {}, and paid in full after all.", on.long())
            }}</p>
        })}
        <CreditNotes id=detail.id.clone() document=detail.document.clone() refresh />
        {(status == InvoiceStatus::Draft).then(|| view! {
            <p class="muted small no-print">{format!(
                "Sending emails it to {} {}, and opens it for payment. Reminders then follow your policy until it is paid.",
                detail.document.bill_to.emails.join(", "),
                detail.pay_way.map_or("with a private link to view it", PayWay::what_the_client_gets),
            )}</p>
            {match detail.pay_way {
                Some(PayWay::Unsaid { needs_pro }) => Some(view! { <NoWayToPay needs_pro /> }),
                _ => None,
            }}
            // A draft left for a while: sent as it is, it would arrive already overdue.
            {(detail.document.due_date < detail.today).then(|| view! {
                <p class="notice notice-warning no-print due-passed">{format!(
                    "Its due date, {}, has passed: sent now, it arrives already overdue. Edit the dates first, unless that is what you mean.",
                    detail.document.due_date.long()
                )}</p>
            })}
        })}

        {public_url.map(|url| {
            let shown = url.clone();
            view! {
                <section class="card share no-print" aria-labelledby="share-title">
                    <h2 id="share-title" class="h3">"Your client's link"</h2>
                    <p class="muted small">"Anyone with this link sees this invoice and nothing else of your account. Make a new link if it went to the wrong person."</p>
                    <div class="inline">
                        <label class="visually-hidden" for="public-link">"Client link"</label>
                        <input id="public-link" type="text" readonly value=shown on:focus=move |ev| {
                            use web_sys::wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { input.select(); }
                        } />
                        <button type="button" class="button button-secondary" on:click=move |_| copied.set(browser::copy_to_clipboard(&url))>
                            {move || if copied.get() { "Copied" } else { "Copy link" }}
                        </button>
                        <button type="button" class="button button-secondary" disabled=busy
                            on:click=move |_| run("link", Some("Make a new link? The current one stops working at once."))>"New link"</button>
                    </div>
                    {pay_url.clone().map(|pay| view! {
                        <p class="small">"Pays through Stripe at "<a href=pay.clone() rel="noopener" class="stripe-pay-link">{pay.clone()}</a>" — in every email and on the client's page."</p>
                    })}
                    {processing.then(|| view! {
                        <p class="notice small" role="status">"A payment through Stripe is on its way (a bank debit): reminders wait until it settles."</p>
                    })}
                </section>
            }
        })}

        {status.takes_payments().then(|| view! { <PaymentForm detail=detail.clone() refresh /> })}
        {(status.is_collectable() && !processing).then(|| view! { <ReduceForm detail=detail.clone() refresh /> })}
        <HandPayments id=detail.id.clone() payments=detail.hand_payments.clone() money_off refresh />
    }
}

#[component]
fn PaymentForm(detail: InvoiceDetail, refresh: Callback<()>) -> impl IntoView {
    let id = detail.id.clone();
    let amount = RwSignal::new(detail.document.totals.due.to_decimal_string());
    let date = RwSignal::new(detail.today.to_string());
    let method = RwSignal::new(PaymentMethod::BankTransfer.key().to_string());
    let record = Action::new(move |payment: &PaymentInput| {
        let payment = payment.clone();
        let id = id.clone();
        async move { record_payment(id, payment).await }
    });
    let errors = move || match record.value().get() {
        Some(Ok(PaymentSave::Invalid(errors))) => errors,
        _ => PaymentErrors::default(),
    };
    let failure = failure_of(record.value());
    Effect::new(move |_| {
        if let Some(Ok(PaymentSave::Recorded(_))) = record.value().get() {
            refresh.run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        record.dispatch(PaymentInput {
            amount: amount.get_untracked(),
            date: date.get_untracked(),
            method: method.get_untracked(),
        });
    };
    view! {
        <section class="card no-print" aria-labelledby="payment-title">
            <h2 id="payment-title" class="h3">"Record a payment"</h2>
            <p class="muted small">{if detail.document.status == InvoiceStatus::WrittenOff {
                format!("Written off: {}. Paid after all? Record what reached you: it comes off what was written off, and all of it makes the invoice paid. Reminders stay stopped.", detail.document.totals.due)
            } else {
                format!("Still owed: {}. Record money that reached you outside Stripe; a part payment leaves the rest open.", detail.document.totals.due)
            }}</p>
            <form class="form form-inline" on:submit=submit novalidate>
                <div>
                    <label for="payment-amount">{format!("Amount ({})", detail.document.totals.due.currency().code())}</label>
                    <input id="payment-amount" type="text" inputmode="decimal" bind:value=amount
                        aria-invalid=move || errors().amount.is_some().to_string() aria-describedby="payment-amount-error" />
                    <p id="payment-amount-error" class="field-error">{move || errors().amount}</p>
                </div>
                <div>
                    <label for="payment-date">"Received on"</label>
                    <input id="payment-date" type="date" bind:value=date
                        aria-invalid=move || errors().date.is_some().to_string() aria-describedby="payment-date-error" />
                    <p id="payment-date-error" class="field-error">{move || errors().date}</p>
                </div>
                <div>
                    <label for="payment-method">"Method"</label>
                    <select id="payment-method" on:change=move |ev| method.set(event_target_value(&ev))
                        aria-invalid=move || errors().method.is_some().to_string() aria-describedby="payment-method-error">
                        {PaymentMethod::MANUAL.into_iter().map(|m| view! {
                            <option value=m.key() selected=move || method.get() == m.key()>{m.label()}</option>
                        }).collect_view()}
                    </select>
                    <p id="payment-method-error" class="field-error">{move || errors().method}</p>
                </div>
                <button type="submit" class="button" disabled=move || record.pending().get()>
                    {move || if record.pending().get() { "Recording…" } else { "Record payment" }}
                </button>
            </form>
            <p class="form-error" role="alert">{failure}</p>
        </section>
    }
}

/// Said before sending: with no payment page and no bank details the invoice gives the client
/// no way to pay, and its reminders would chase money they cannot send.
#[component]
fn NoWayToPay(needs_pro: bool) -> impl IntoView {
    let remedy = if needs_pro {
        view! {
            "add how to pay by bank in "<A href="/account/business">"Business details"</A>", or "
            <A href="/billing">"upgrade to Pro"</A>" for a Stripe payment page."
        }
        .into_any()
    } else {
        view! {
            <A href="/stripe">"connect Stripe"</A>" for a payment page, or add how to pay by bank in "
            <A href="/account/business">"Business details"</A>"."
        }
        .into_any()
    };
    view! {
        <p class="notice notice-warning no-print no-way-to-pay">
            "Your client won't see a way to pay this invoice: "{remedy}
        </p>
    }
}
