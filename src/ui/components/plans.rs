//! Free and Pro side by side, with this installation's Free limits: on the pricing page and the
//! landing page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::money::Money;
use crate::domain::plan::{FreeLimits, Interval, ProPrices};
use crate::ui::components::way_in::WayIn;

/// What the small print says about the price: where taxes are added, or, before Stripe has
/// told PayTrack its prices, that Checkout shows them.
pub fn price_terms(prices: Option<ProPrices>) -> &'static str {
    match prices {
        Some(_) => "Taxes, where they apply, are added on Stripe's checkout page before you pay.",
        None => "Prices and taxes are shown on Stripe's checkout page before you pay.",
    }
}

#[component]
pub fn Plans(limits: FreeLimits, prices: Option<ProPrices>) -> impl IntoView {
    view! {
        <p class="lede">"Start free. Upgrade when PayTrack is chasing enough money to be worth it."</p>
        <div class="plan-columns">
            <section class="card plan" aria-labelledby="plan-free">
                <h2 id="plan-free">"Free"</h2>
                <p class="plan-price">
                    <strong>{prices.map_or("Nothing to pay".to_string(), |p| Money::zero(p.monthly.currency()).to_string())}</strong>
                    " — no card needed"
                </p>
                <ul>
                    <li>{format!("Up to {} active clients", limits.active_clients)}</li>
                    <li>{format!("{} new invoices a month", limits.invoices_per_month)}</li>
                    <li>{format!("Automatic reminders: up to {} per invoice", limits.reminder_steps)}</li>
                    <li>"Your client's invoice page, with “Sent with PayTrack”"</li>
                </ul>
                <WayIn label="Start free" signed_in=("/billing", "Your plan") class="button" />
            </section>
            <section class="card plan plan-pro" aria-labelledby="plan-pro">
                <h2 id="plan-pro">"Pro — monthly or yearly"</h2>
                {match prices {
                    Some(prices) => view! {
                        <p class="plan-price">
                            <strong>{prices.per(Interval::Month)}</strong>
                            {format!(", or {}", prices.yearly_offer())}
                        </p>
                    }.into_any(),
                    None => view! { <p class="plan-price"><strong>"Monthly or yearly"</strong></p> }.into_any(),
                }}
                <ul>
                    <li>"Unlimited clients and invoices"</li>
                    <li>"Your full reminder policy, as many steps as you like"</li>
                    <li>"Payment links through your own Stripe account; invoices mark themselves paid"</li>
                    <li>"Your client's invoice page without PayTrack branding"</li>
                </ul>
                <A href="/billing" attr:class="button primary">"Go Pro"</A>
                <p class="muted small">{price_terms(prices)}" Cancel any time; Pro stays until the end of the period you paid for. Downgrading never deletes anything."</p>
            </section>
        </div>
    }
}
