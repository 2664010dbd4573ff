use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::ui::components::contact_email::ContactEmail;

/// The terms of service, in plain words.
#[component]
pub fn Terms() -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    view! {
        <Title text="Terms of service" />
        <article class="page prose">
            <h1>"Terms of service"</h1>
            <p class="muted">"Last updated 27 November 2026"</p>

            <h2>"The service"</h2>
            <p>"PayTrack lets you write invoices, send them to your clients with a payment link from your own Stripe account, and remind your clients by email until they pay. Payments go directly from your clients to your Stripe account; PayTrack never holds your money."</p>

            <h2>"Your account"</h2>
            <p>"Keep access to your email or Google account safe: it is how you sign in. You are responsible for what is sent from your account, and for having the right to email the clients you add."</p>

            <h2>"Acceptable use"</h2>
            <p>"Use PayTrack only to bill for real work. No spam, no harassment through reminders, no attempts to break or overload the service."</p>

            <h2>"Plans and billing"</h2>
            <p>"The Free plan has limits shown on the pricing page. PayTrack Pro is billed monthly or yearly through Stripe; you can cancel at any time and keep Pro until the end of the period you paid for. Downgrading never deletes your data."</p>

            <h2>"Your data"</h2>
            <p>
                "You own your data. How we handle it is described in the "
                <A href="/privacy">"privacy policy"</A>
                "; you can export or delete it at any time."
            </p>

            <h2>"Availability and liability"</h2>
            <p>"We work hard to keep PayTrack running and to send every reminder exactly once, but the service is provided as is. We are not liable for payments your clients do not make, or for losses beyond the fees you paid us in the last twelve months."</p>

            <h2>"Changes and contact"</h2>
            <p>
                "We will email you before material changes to these terms take effect. Questions: "
                <ContactEmail />"."
            </p>
        </article>
    }
}
