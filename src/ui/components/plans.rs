//! Free and Pro side by side, with this installation's Free limits: on the pricing page and the
//! landing page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::plan::FreeLimits;
use crate::ui::components::way_in::WayIn;

#[component]
pub fn Plans(limits: FreeLimits) -> impl IntoView {
    view! {
        <p class="lede">"Start free. Upgrade when PayTrack is chasing enough money to be worth it."</p>
        <div class="plan-columns">
            <section class="card plan" aria-labelledby="plan-free">
                <h2 id="plan-free">"Free"</h2>
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
                <ul>
                    <li>"Unlimited clients and invoices"</li>
                    <li>"Your full reminder policy, as many steps as you like"</li>
                    <li>"Payment links through your own Stripe account; invoices mark themselves paid"</li>
                    <li>"Your client's invoice page without PayTrack branding"</li>
                </ul>
                <A href="/billing" attr:class="button primary">"Go Pro"</A>
                <p class="muted small">"Prices and taxes are shown on Stripe's checkout page before you pay. Cancel any time; Pro stays until the end of the period you paid for. Downgrading never deletes anything."</p>
            </section>
        </div>
    }
}
