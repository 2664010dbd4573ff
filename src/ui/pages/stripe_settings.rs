//! `/stripe`: connect the user's own Stripe account with a key (checked live by the server,
//! then sealed there), see what it opened, how payments reach PayTrack, how clients pay, and
//! disconnect. The page never holds the key after sending it: the field is cleared.

use crate::ui::actions::failure_of;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::stripe::{
    StripeConnect, StripeConnectionView, WebhookView, choose_pay_with, connect_stripe,
    disconnect_stripe, save_payment_emails, save_stripe_signing_secret, stripe_connection,
};
use crate::domain::pay_with::PayWith;
use crate::error::AppError;
use crate::ui::components::signed_in::or_sign_in;

/// The permissions a restricted key needs, as Stripe's dashboard names them.
const PERMISSIONS: [(&str, &str); 7] = [
    ("Customers", "Write"),
    ("Invoices", "Write"),
    ("Products and Prices", "Write"),
    ("Payment Links", "Write"),
    ("Checkout Sessions", "Read"),
    ("Events", "Read"),
    (
        "Webhook Endpoints",
        "Write (optional: lets PayTrack register its webhook itself)",
    ),
];

#[component]
pub fn StripeSettings() -> impl IntoView {
    let loaded = OnceResource::new_serde_wb(stripe_connection());
    view! {
        <Title text="Stripe" />
        <section class="page stripe-settings">
            <h1>"Stripe"</h1>
            <p class="lede">
                "Your clients pay you through your own Stripe account. PayTrack creates a payment link for each invoice you send and marks the invoice paid when Stripe says so."
            </p>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    or_sign_in(loaded.await.map(|current| view! { <Connection current /> }))
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Connection(current: Option<StripeConnectionView>) -> impl IntoView {
    let connection = RwSignal::new(current);
    view! {
        {move || match connection.get() {
            Some(view) => view! { <Connected view connection /> }.into_any(),
            None => view! { <ConnectForm connection /> }.into_any(),
        }}
    }
}

/// For a form that sends a key or secret: the connection the server accepted is shown, and
/// what it refused comes back in words for the form to say.
fn follow(
    action: Action<String, Result<StripeConnect, AppError>>,
    connection: RwSignal<Option<StripeConnectionView>>,
) -> impl Fn() -> Option<String> + Copy {
    Effect::new(move || {
        if let Some(Ok(StripeConnect::Connected(view))) = action.value().get() {
            connection.set(Some(view));
        }
    });
    move || match action.value().get() {
        Some(Ok(StripeConnect::Invalid(message))) => Some(message),
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    }
}

#[component]
fn ConnectForm(connection: RwSignal<Option<StripeConnectionView>>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let connect = Action::new(move |key: &String| {
        let key = key.clone();
        async move { connect_stripe(key).await }
    });
    let problem = follow(connect, connection);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        connect.dispatch(key.get_untracked());
        // The key leaves the page with the request.
        key.set(String::new());
    };
    view! {
        <form class="card stripe-connect" on:submit=submit>
            <h2>"Connect Stripe"</h2>
            <p>
                "In Stripe's dashboard, open Developers → API keys and create a "
                <strong>"restricted key"</strong>
                " with only these permissions (a secret key sk_… works too, but gives PayTrack more than it needs):"
            </p>
            <table class="permissions">
                <thead><tr><th scope="col">"Resource"</th><th scope="col">"Permission"</th></tr></thead>
                <tbody>
                    {PERMISSIONS
                        .iter()
                        .map(|(resource, level)| view! { <tr><td>{*resource}</td><td>{*level}</td></tr> })
                        .collect_view()}
                </tbody>
            </table>
            <div class="field">
                <label for="stripe-key">"API key"</label>
                <input
                    id="stripe-key"
                    name="key"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="rk_live_…"
                    aria-describedby="stripe-key-help stripe-key-problem"
                    prop:value=key
                    on:input=move |ev| key.set(event_target_value(&ev))
                />
            </div>
            <p id="stripe-key-help" class="muted">
                "PayTrack checks the key with Stripe, then stores it encrypted. It is never shown again: only its last four characters."
            </p>
            <p id="stripe-key-problem" class="form-error" role="alert">{problem}</p>
            <crate::ui::components::upgrade_link::UpgradeLink when=Signal::derive(move || crate::ui::components::upgrade_link::is_plan_limit(connect.value().get())) />
            <button class="button primary" type="submit" disabled=move || connect.pending().get()>
                {move || if connect.pending().get() { "Checking with Stripe…" } else { "Connect" }}
            </button>
        </form>
    }
}

#[component]
fn Connected(
    view: StripeConnectionView,
    connection: RwSignal<Option<StripeConnectionView>>,
) -> impl IntoView {
    let disconnect = Action::new(move |_: &()| async move { disconnect_stripe().await });
    Effect::new(move || {
        if let Some(Ok(())) = disconnect.value().get() {
            connection.set(None);
        }
    });
    let confirming = RwSignal::new(false);
    let mode = if view.livemode {
        "Live mode"
    } else {
        "Test mode"
    };
    let kind = if view.restricted {
        "restricted key"
    } else {
        "secret key"
    };
    view! {
        <div class="card stripe-account">
            <h2>"Connected account"</h2>
            {view.broken.clone().map(|reason| view! {
                <p class="notice danger" role="alert">
                    {format!("This connection stopped working: {reason} Connect a new key below.")}
                </p>
            })}
            <dl class="facts">
                <dt>"Account"</dt><dd>{view.account_name.clone()}" "<span class="muted">{view.account_id.clone()}</span></dd>
                <dt>"Country"</dt><dd>{view.country.clone()}</dd>
                <dt>"Default currency"</dt><dd>{view.default_currency.clone()}</dd>
                <dt>"Mode"</dt><dd><span class=if view.livemode { "badge live" } else { "badge test" }>{mode}</span></dd>
                <dt>"Key"</dt><dd><code>{view.key_masked.clone()}</code>" ("{kind}")"</dd>
            </dl>
            <div class="actions">
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button class="button" type="button" on:click=move |_| confirming.set(true)>"Disconnect"</button>
                    }
                >
                    <p>"Disconnect? The key is deleted; invoices you send afterwards have no payment link."</p>
                    <button class="button danger" type="button" on:click=move |_| { disconnect.dispatch(()); }>
                        "Yes, disconnect"
                    </button>
                    <button class="button" type="button" on:click=move |_| confirming.set(false)>"Keep it"</button>
                </Show>
            </div>
        </div>
        <Webhook view=view.clone() connection />
        <PayWithChoice current=view.pay_with />
        <PaymentEmails notify_paid=view.notify_paid client_receipts=view.client_receipts />
        <details class="card">
            <summary>"Use another key"</summary>
            <ConnectForm connection />
        </details>
    }
}

#[component]
fn Webhook(
    view: StripeConnectionView,
    connection: RwSignal<Option<StripeConnectionView>>,
) -> impl IntoView {
    let secret = RwSignal::new(String::new());
    let save = Action::new(move |secret: &String| {
        let secret = secret.clone();
        async move { save_stripe_signing_secret(secret).await }
    });
    let problem = follow(save, connection);
    let status = match (&view.webhook, view.events_refused.is_some()) {
        (WebhookView::Registered, _) => {
            "PayTrack registered its webhook in your Stripe account: payments, refunds and disputes show up within seconds."
        }
        (WebhookView::Pasted, _) => {
            "Stripe sends payments to PayTrack through the webhook you added."
        }
        (WebhookView::Missing, false) => {
            "No webhook yet: PayTrack asks Stripe about your open payment links, refunds and disputes every 15 minutes instead. For news within seconds, add one:"
        }
        (WebhookView::Missing, true) => {
            "No webhook yet: PayTrack asks Stripe about your open payment links every 15 minutes instead, but refunds and disputes reach it only through a webhook. Add one:"
        }
    };
    let events_refused = view.events_refused.clone().map(|permission| {
        view! {
            <p class="notice notice-warning" role="status">
                "This key may not read your Stripe account's events (" <code>{permission}</code>
                "), which PayTrack reads for refunds and disputes a webhook did not bring. In Stripe, edit the restricted key to allow Events: Read."
            </p>
        }
    });
    view! {
        <div class="card stripe-webhook">
            <h2>"Payment updates"</h2>
            {events_refused}
            <p>{status}</p>
            <Show when=move || view.webhook != WebhookView::Registered>
                <ol class="steps">
                    <li>"In Stripe, open Developers → Webhooks → Add endpoint."</li>
                    <li>"Endpoint URL: " <code class="copyable">{view.webhook_url.clone()}</code></li>
                    <li>"API version: " <code>{view.webhook_api_version.clone()}</code> " (the one PayTrack reads)."</li>
                    <li>"Events: checkout.session.completed, checkout.session.async_payment_succeeded, checkout.session.async_payment_failed, invoice.paid, invoice.payment_failed, invoice.voided, charge.refunded, charge.dispute.created, charge.dispute.updated, charge.dispute.funds_withdrawn, charge.dispute.funds_reinstated, charge.dispute.closed."</li>
                    <li>"Paste the endpoint's signing secret here:"</li>
                </ol>
                <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    save.dispatch(secret.get_untracked());
                    secret.set(String::new());
                }>
                    <label for="signing-secret">"Signing secret"</label>
                    <input id="signing-secret" type="password" autocomplete="off" placeholder="whsec_…"
                        prop:value=secret on:input=move |ev| secret.set(event_target_value(&ev)) />
                    <p class="form-error" role="alert">{problem}</p>
                    <button class="button" type="submit" disabled=move || save.pending().get()>"Save secret"</button>
                </form>
            </Show>
        </div>
    }
}

#[component]
fn PayWithChoice(current: PayWith) -> impl IntoView {
    let chosen = RwSignal::new(current);
    // What the server holds: a refused change puts the choice back to it.
    let saved = StoredValue::new(current);
    let save = Action::new(move |mode: &PayWith| choose_pay_with(*mode));
    Effect::new(move || match save.value().get() {
        Some(Ok(view)) => {
            saved.set_value(view.pay_with);
            chosen.set(view.pay_with);
        }
        Some(Err(_)) => chosen.set(saved.get_value()),
        None => {}
    });
    let failure = failure_of(save.value());
    view! {
        <fieldset class="card pay-with">
            <legend>"How clients pay"</legend>
            {PayWith::ALL
                .into_iter()
                .map(|mode| view! {
                    <label class="choice">
                        <input
                            type="radio"
                            name="pay-with"
                            value=mode.key()
                            prop:checked=move || chosen.get() == mode
                            on:change=move |_| {
                                // Optimistic: the choice shows at once.
                                chosen.set(mode);
                                save.dispatch(mode);
                            }
                        />
                        <span>
                            <strong>{mode.label()}</strong>
                            " "
                            <span class="muted">{mode.explanation()}</span>
                        </span>
                    </label>
                })
                .collect_view()}
            <p class="form-error" role="alert">{failure}</p>
        </fieldset>
    }
}

#[component]
fn PaymentEmails(notify_paid: bool, client_receipts: bool) -> impl IntoView {
    let me = RwSignal::new(notify_paid);
    let client = RwSignal::new(client_receipts);
    let save = Action::new(move |(me, client): &(bool, bool)| {
        let (me, client) = (*me, *client);
        async move { save_payment_emails(me, client).await }
    });
    // Optimistic: the boxes change at once; what the server saved (or refused) wins.
    Effect::new(move || match save.value().get() {
        Some(Ok(view)) => {
            me.set(view.notify_paid);
            client.set(view.client_receipts);
        }
        Some(Err(_)) => {
            me.set(notify_paid);
            client.set(client_receipts);
        }
        None => {}
    });
    let failure = failure_of(save.value());
    let changed = move || save.dispatch((me.get_untracked(), client.get_untracked()));
    view! {
        <fieldset class="card payment-emails">
            <legend>"When a client pays through Stripe"</legend>
            <label class="choice">
                <input type="checkbox" prop:checked=me on:change=move |ev| { me.set(event_target_checked(&ev)); changed(); } />
                <span>"Email me (\"You got paid\")"</span>
            </label>
            <label class="choice">
                <input type="checkbox" prop:checked=client on:change=move |ev| { client.set(event_target_checked(&ev)); changed(); } />
                <span>"Email my client a receipt"</span>
            </label>
            <p class="form-error" role="alert">{failure}</p>
        </fieldset>
    }
}
