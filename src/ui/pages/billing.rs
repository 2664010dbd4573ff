//! `/billing`: the user's PayTrack plan — Free with its limits drawn as meters, or Pro with
//! its renewal — and the way to upgrade (Stripe Checkout) or manage it (Stripe's portal).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::billing::{BillingOverview, load_billing, open_billing_portal, start_checkout};
use crate::domain::plan::{BillingStatus, Interval, Plan, ProPrices};
use crate::ui::actions::failure_of;
use crate::ui::components::plans::price_terms;
use crate::ui::components::signed_in::or_sign_in;

#[component]
pub fn Billing() -> impl IntoView {
    let overview = OnceResource::new_serde_wb(load_billing());
    let query = use_query_map();
    let upgraded = move || query.read().get("upgraded").is_some();
    view! {
        <Title text="Plan and billing" />
        <section class="page billing">
            <h1>"Plan and billing"</h1>
            <Show when=upgraded>
                <p class="notice notice-success" role="status">
                    "Thank you! Stripe is confirming your payment; Pro switches on within a few seconds. Reload if it still says Free."
                </p>
            </Show>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading your plan…"</p> }>
                {move || Suspend::new(async move {
                    or_sign_in(overview.await.map(|overview| view! { <Overview overview /> }))
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Overview(overview: BillingOverview) -> impl IntoView {
    if !overview.enabled {
        return view! {
            <div class="card"><p>"This PayTrack server has no plans: everything is included."</p></div>
        }
        .into_any();
    }
    let checkout = Action::new(move |interval: &Interval| start_checkout(*interval));
    let portal = Action::new(move |_: &()| async move { open_billing_portal().await });
    Effect::new(move || {
        if let Some(Ok(url)) = checkout.value().get() {
            crate::ui::browser::go_to(&url);
        }
    });
    Effect::new(move || {
        if let Some(Ok(url)) = portal.value().get() {
            crate::ui::browser::go_to(&url);
        }
    });
    let (checkout_failed, portal_failed) =
        (failure_of(checkout.value()), failure_of(portal.value()));
    let problem = move || checkout_failed().or_else(portal_failed);
    let busy = move || checkout.pending().get() || portal.pending().get();
    let pro = overview.plan == Plan::Pro;
    let status_line = match (&overview.status, &overview.period_end) {
        (Some(BillingStatus::PastDue), _) => Some(
            "Your last payment failed. Stripe will try again; update your card to keep Pro."
                .to_string(),
        ),
        (Some(_), Some(end)) if overview.cancel_at_period_end => Some(format!(
            "Canceled: Pro stays until {end}, then you are on Free. Nothing is deleted."
        )),
        (Some(BillingStatus::Canceled), Some(end)) if pro => {
            Some(format!("Canceled: Pro stays until {end}."))
        }
        (Some(BillingStatus::Active | BillingStatus::Trialing), Some(end)) => Some(format!(
            "Renews on {end} ({}).",
            if overview.interval == Some(Interval::Year) {
                "yearly"
            } else {
                "monthly"
            }
        )),
        _ => None,
    };
    let limits = overview.limits;
    let prices = overview.prices;
    view! {
        <div class="card plan-card">
            <h2>{format!("You're on {}", overview.plan.label())}</h2>
            {status_line.map(|line| view! { <p>{line}</p> })}
            {(!pro).then(|| view! {
                <Meter label="Active clients" used=overview.active_clients limit=u64::from(limits.active_clients) />
                <Meter label="Invoices this month" used=overview.invoices_this_month limit=u64::from(limits.invoices_per_month) />
                <p class="muted small">{format!(
                    "Free also sends up to {} reminders per invoice and has no Stripe payment links. Limits never delete anything: past a limit, only new work waits for Pro.",
                    limits.reminder_steps
                )}</p>
            })}
            <p class="form-error" role="alert">{problem}</p>
            <div class="button-row">
                {(!pro).then(|| view! {
                    <button type="button" class="button primary" disabled=busy on:click=move |_| { checkout.dispatch(Interval::Month); }>
                        {format!("Upgrade to Pro — {}", prices.map_or("monthly".to_string(), |p| p.per(Interval::Month)))}
                    </button>
                    <button type="button" class="button" disabled=busy on:click=move |_| { checkout.dispatch(Interval::Year); }>
                        {format!("Upgrade to Pro — {}", prices.map_or("yearly".to_string(), ProPrices::yearly_offer))}
                    </button>
                })}
                {overview.can_manage.then(|| view! {
                    <button type="button" class="button button-secondary" disabled=busy on:click=move |_| { portal.dispatch(()); }>"Manage billing"</button>
                })}
            </div>
        </div>
        <div class="card">
            <h2 class="h3">"What Pro adds"</h2>
            <ul>
                <li>"As many clients and invoices as you need"</li>
                <li>"Your full reminder policy, as many steps as you like"</li>
                <li>"Payment links through your own Stripe account, and invoices that mark themselves paid"</li>
                <li>"The client's invoice page without PayTrack branding"</li>
            </ul>
            <p class="muted small">{price_terms(prices)}" Cancel any time from Manage billing; Pro stays until the end of the period you paid for."</p>
        </div>
    }
    .into_any()
}

/// How much of a Free limit is used, drawn as a bar (with the numbers for screen readers).
#[component]
fn Meter(label: &'static str, used: u64, limit: u64) -> impl IntoView {
    let shown = used.min(limit);
    let full = used >= limit;
    view! {
        <div class="meter-row">
            <span>{label}</span>
            <meter min="0" max=limit.to_string() value=shown.to_string() aria-label=label class=if full { "full" } else { "" }></meter>
            <span class=if full { "meter-count full" } else { "meter-count" }>{format!("{used} of {limit}")}</span>
        </div>
    }
}
