use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::status_check::StatusCheck;

/// What PayTrack is and how it works, for someone who has never heard of it.
#[component]
pub fn Landing() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="hero">
            <p class="eyebrow">"Invoicing for freelancers"</p>
            <h1>"Get paid on time, without chasing anyone yourself."</h1>
            <p class="lede">
                "PayTrack sends your invoices with a Stripe payment link, then follows up with polite reminders before and after the due date — and stops the moment your client pays."
            </p>
        </section>

        <section class="features" aria-labelledby="features-title">
            <h2 id="features-title" class="visually-hidden">"What PayTrack does"</h2>
            <article class="card">
                <h3>"Invoices in a minute"</h3>
                <p>"Clients, line items, taxes and discounts in any of 14 currencies, numbered the way you like."</p>
            </article>
            <article class="card">
                <h3>"Paid through your own Stripe"</h3>
                <p>"Connect your Stripe account and every invoice carries a payment link. Money goes straight to you."</p>
            </article>
            <article class="card">
                <h3>"Reminders that stop by themselves"</h3>
                <p>"A schedule you control — three days before, on the day, a week late — sent at 9 in the morning your time, never twice, never after payment."</p>
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

        <StatusCheck />
    }
}
