//! The payments the user recorded by hand, on the invoice's page: each can be taken off again
//! (typed by mistake), or have money given back to the client recorded against it (a refund).

use leptos::prelude::*;

use crate::api::invoices::{HandPaymentView, refund_payment, remove_payment};
use crate::domain::money::Money;
use crate::domain::payment::refund_amount;
use crate::ui::actions::failure_of;
use crate::ui::browser;

/// Where money taken off one of the invoice's payments goes, as the questions say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyOff {
    OwedAgain,
    /// Onto what was written off.
    WrittenOff,
    /// A void invoice keeps its payments; money given back only lowers what it was paid.
    StaysVoid,
}

#[component]
pub fn HandPayments(
    id: String,
    payments: Vec<HandPaymentView>,
    money_off: MoneyOff,
    refresh: Callback<()>,
) -> impl IntoView {
    let remove = {
        let id = id.clone();
        Action::new(move |payment: &String| {
            let (id, payment) = (id.clone(), payment.clone());
            async move { remove_payment(id, payment).await }
        })
    };
    let failure = failure_of(remove.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = remove.value().get() {
            refresh.run(());
        }
    });
    (!payments.is_empty()).then(|| view! {
        <section class="card no-print" aria-labelledby="hand-payments-title">
            <h2 id="hand-payments-title" class="h3">"Payments you recorded"</h2>
            <ul class="plain-list hand-payments">
                {payments.into_iter().map(|payment| {
                    let what = format!("{} on {} ({})", payment.amount, payment.date.long(), payment.method);
                    let said = match payment.refunded {
                        Some(refunded) if refunded == payment.amount => format!("{what}, refunded"),
                        Some(refunded) => format!("{what}, {refunded} refunded"),
                        None => what.clone(),
                    };
                    let left = payment.refunded.map_or(Ok(payment.amount), |r| payment.amount.checked_sub(r));
                    let left = left.ok().filter(|left| left.minor() > 0);
                    let question = match money_off {
                        MoneyOff::WrittenOff => format!("Remove the payment of {what}? It goes back onto what was written off."),
                        _ => format!("Remove the payment of {what}? It will be owed again, and reminders resume."),
                    };
                    let payment_id = payment.id.clone();
                    view! {
                        <li>
                            <div class="hand-payment-line">
                                <span>{said}</span>
                                // A void invoice's payments stay as they are (the server says so too).
                                {(money_off != MoneyOff::StaysVoid).then(|| view! {
                                    <button type="button" class="button button-secondary button-small"
                                        aria-label=format!("Remove the payment of {what}")
                                        disabled=move || remove.pending().get()
                                        on:click=move |_| {
                                            if browser::confirm(&question) {
                                                remove.dispatch(payment_id.clone());
                                            }
                                        }>"Remove"</button>
                                })}
                            </div>
                            {left.map(|left| view! {
                                <RefundForm id=id.clone() payment=payment.id.clone() what=what.clone()
                                    left money_off refresh />
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="form-error" role="alert">{failure}</p>
        </section>
    })
}

/// Money of one payment given back to the client outside Stripe, folded away until needed.
#[component]
fn RefundForm(
    id: String,
    payment: String,
    /// The payment as its line says it.
    what: String,
    /// What of it is not refunded yet.
    left: Money,
    money_off: MoneyOff,
    refresh: Callback<()>,
) -> impl IntoView {
    let field = format!("refund-{payment}");
    let error = format!("{field}-error");
    let amount = RwSignal::new(left.to_decimal_string());
    let refund = Action::new(move |amount: &String| {
        let (id, payment, amount) = (id.clone(), payment.clone(), amount.clone());
        async move { refund_payment(id, payment, amount).await }
    });
    // Checked here first with the server's own rule, so a mistake is said before the
    // question; the server checks again.
    let mistake = RwSignal::new(None::<String>);
    let failed = failure_of(refund.value());
    let failure = move || mistake.get().or_else(failed);
    Effect::new(move |_| {
        if let Some(Ok(_)) = refund.value().get() {
            refresh.run(());
        }
    });
    let submit = {
        let what = what.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let typed = amount.get_untracked();
            let given_back = match refund_amount(&typed, left) {
                Ok(given_back) => given_back,
                Err(why) => return mistake.set(Some(why)),
            };
            mistake.set(None);
            let after = match money_off {
                MoneyOff::OwedAgain => "it is owed again, and reminders wait until you resume them",
                MoneyOff::WrittenOff => "it is added to what was written off",
                MoneyOff::StaysVoid => "the invoice stays void, with that much less paid",
            };
            let question = format!(
                "Record that {given_back} of the payment of {what} went back to your client? In the totals, {after}."
            );
            if browser::confirm(&question) {
                refund.dispatch(typed);
            }
        }
    };
    view! {
        <details class="refund">
            <summary>"Record a refund"</summary>
            <p class="muted small">{format!(
                "Gave money of this payment back outside Stripe (a transfer back, cash)? Up to {left} can be recorded."
            )}</p>
            <form class="form form-inline" on:submit=submit novalidate>
                <div>
                    <label for=field.clone()>{format!("Amount given back ({})", left.currency().code())}</label>
                    <input id=field.clone() type="text" inputmode="decimal" bind:value=amount
                        aria-invalid=move || failure().is_some().to_string() aria-describedby=error.clone() />
                </div>
                <button type="submit" class="button button-secondary" disabled=move || refund.pending().get()>
                    {move || if refund.pending().get() { "Recording…" } else { "Record refund" }}
                </button>
            </form>
            <p id=error class="form-error" role="alert">{failure}</p>
        </details>
    }
}
