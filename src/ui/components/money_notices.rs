//! What the invoice page says of money that went the unexpected way: paid twice (to refund),
//! or taken back by the payer's bank (a dispute).

use leptos::prelude::*;

use crate::api::invoices::{DisputeView, ExtraPaymentView};
use crate::domain::dispute::DisputeState;
use crate::domain::status::InvoiceStatus;

/// Money that came through Stripe after the invoice was paid or voided, each with what to do.
#[component]
pub fn PaidTwice(extra: Vec<ExtraPaymentView>, status: InvoiceStatus) -> impl IntoView {
    (!extra.is_empty()).then(|| {
        let why = match status {
            InvoiceStatus::Void => "after it was voided",
            InvoiceStatus::WrittenOff => "after it was written off",
            _ => "after it was already paid",
        };
        let refunded = extra.iter().all(|payment| payment.to_refund.minor() == 0);
        let taken_back = extra.iter().any(|payment| payment.taken_back.is_some());
        let (class, title) = if refunded && taken_back {
            ("notice no-print", "Paid twice — nothing left to refund")
        } else if refunded {
            ("notice no-print", "Paid twice — refunded")
        } else {
            (
                "notice notice-warning no-print",
                "Paid twice — refund it from Stripe",
            )
        };
        view! {
            <section class=class aria-labelledby="paid-twice-title" data-testid="paid-twice">
                <h2 id="paid-twice-title" class="h3">{title}</h2>
                <ul>
                    {extra.into_iter().map(|payment| view! {
                        <li>{payment.sentence(why)}</li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The payer's bank disputing a Stripe payment: where it stands and what the owner can do.
#[component]
pub fn Disputes(disputes: Vec<DisputeView>) -> impl IntoView {
    (!disputes.is_empty()).then(|| {
        let settled = disputes.iter().all(|d| {
            matches!(d.state, DisputeState::Won | DisputeState::Closed) && d.to_refund.is_none()
        });
        let class = if settled {
            "notice no-print"
        } else {
            "notice notice-warning no-print"
        };
        view! {
            <section class=class aria-labelledby="disputes-title" data-testid="disputes">
                <h2 id="disputes-title" class="h3">"Disputed by the payer's bank"</h2>
                <ul>
                    {disputes.into_iter().map(|d| view! { <li>{d.sentence()}</li> }).collect_view()}
                </ul>
            </section>
        }
    })
}
