//! `/`: what PayTrack is, for someone who has never heard of it: what it does, a picture of
//! the dashboard it gives, how it works, what it costs, and the way in.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::site::get_site_info;
use crate::domain::money::{Currency, Money};
use crate::ui::components::charts::{AgingChart, CashChart};
use crate::ui::components::plans::Plans;
use crate::ui::components::way_in::WayIn;

#[component]
pub fn Landing() -> impl IntoView {
    // Runs in the browser once the page has hydrated: links now navigate without a reload.
    crate::ui::browser::mark_hydrated_when_built();
    view! {
        <Title text="" />
        <section class="hero">
            <p class="eyebrow">"Invoicing for freelancers"</p>
            <h1>"Get paid on time, without chasing anyone yourself."</h1>
            <p class="lede">
                "PayTrack sends your invoices with a Stripe payment link, then follows up with polite reminders before and after the due date — and stops the moment your client pays."
            </p>
            <div class="button-row">
                <WayIn label="Get started free" signed_in=("/dashboard", "Open your dashboard") class="button primary" />
                <a href="#pricing" class="button">"See pricing"</a>
            </div>
        </section>

        <DashboardPicture />

        <section class="features" aria-labelledby="features-title">
            <h2 id="features-title" class="visually-hidden">"What PayTrack does"</h2>
            <article class="card">
                <h3>"Invoices in a minute"</h3>
                // Counted from the list the editor offers: the page said 14 when there were 15.
                <p>{format!("Clients, line items, taxes and discounts in any of {} currencies, numbered the way you like.", Currency::ALL.len())}</p>
            </article>
            <article class="card">
                <h3>"Paid through your own Stripe"</h3>
                <p>"Connect your Stripe account and every invoice carries a payment link. Money goes straight to you."</p>
            </article>
            <article class="card">
                <h3>"Reminders that stop by themselves"</h3>
                <p>"A schedule you control — three days before, on the day, a week late — sent at the hour you pick in your time zone (9:00 unless you change it), never twice, never after payment."</p>
            </article>
            <article class="card">
                <h3>"Your data stays yours"</h3>
                <p>"See, correct, export or delete everything we hold about you. Stripe keys are encrypted at rest."</p>
            </article>
        </section>

        <section id="how-it-works" class="steps" aria-labelledby="steps-title">
            <h2 id="steps-title">"How it works"</h2>
            <ol>
                <li><strong>"Sign in"</strong>" with Google or a link we email you — no password to remember."</li>
                <li><strong>"Add a client and write an invoice."</strong>" Totals are worked out to the cent as you type."</li>
                <li><strong>"Connect Stripe"</strong>" with a restricted key, so PayTrack can only do what it needs."</li>
                <li><strong>"Send it."</strong>" PayTrack chases late payers by email until Stripe says the invoice is paid."</li>
            </ol>
        </section>

        <LandingPricing />

        <section class="card closing" aria-labelledby="closing-title">
            <h2 id="closing-title">"Your next invoice can chase itself"</h2>
            <p>"Sign in with Google or an emailed link. No card needed to start."</p>
            <WayIn label="Create your account" signed_in=("/dashboard", "Open your dashboard") class="button primary" />
        </section>
    }
}

/// What the dashboard shows, drawn by the dashboard's own charts over example figures.
#[component]
fn DashboardPicture() -> impl IntoView {
    let eur = |minor| Money::from_minor(minor, Currency::EUR);
    let aging = [eur(420_000), eur(180_000), eur(95_000), eur(40_000), eur(0)];
    let months: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).collect();
    let collected = [310, 280, 420, 390, 450, 380, 520, 610, 480, 560, 640, 590]
        .into_iter()
        .map(|hundreds| eur(hundreds * 1_000))
        .collect();
    view! {
        <figure class="dashboard-picture card" aria-labelledby="dashboard-picture-caption">
            <figcaption id="dashboard-picture-caption">
                <strong>"Your dashboard"</strong>
                " — what you are owed, how late it is and what came in, at a glance (example figures)."
            </figcaption>
            <div class="stats" aria-hidden="true">
                <span class="stat"><span class="stat-label">"Outstanding"</span><span class="stat-value">{eur(735_000).to_string()}</span></span>
                <span class="stat stat-overdue"><span class="stat-label">"Overdue"</span><span class="stat-value">{eur(315_000).to_string()}</span></span>
                <span class="stat stat-paid"><span class="stat-label">"Paid this month"</span><span class="stat-value">{eur(590_000).to_string()}</span></span>
            </div>
            <div class="chart-grid-2">
                <AgingChart aging counts=[6, 3, 2, 1, 0] id="picture-aging".to_string() />
                <CashChart months collected id="picture-cash".to_string() />
            </div>
        </figure>
    }
}

/// The plans with this installation's Free limits, or that everything is included.
#[component]
fn LandingPricing() -> impl IntoView {
    let site = OnceResource::new_serde_wb(get_site_info());
    view! {
        <section id="pricing" class="landing-pricing" aria-labelledby="pricing-title">
            <h2 id="pricing-title">"Pricing"</h2>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading prices…"</p> }>
                {move || Suspend::new(async move {
                    site.await.map(|site| match site.free_limits {
                        Some(limits) => view! { <Plans limits prices=site.pro_prices /> }.into_any(),
                        None => view! {
                            <p class="lede">"This PayTrack has no plans: everything is included."</p>
                        }.into_any(),
                    })
                })}
            </Suspense>
        </section>
    }
}
