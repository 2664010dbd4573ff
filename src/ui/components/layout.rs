//! The frame around every page: site header with navigation, and footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::session::use_session;

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let links = move || {
        session.0.get().map(|user| match user {
            Ok(Some(me)) => view! {
                <li><A href="/dashboard">"Dashboard"</A></li>
                <li><A href="/invoices">"Invoices"</A></li>
                <li><A href="/clients">"Clients"</A></li>
                <li><A href="/reminders">"Reminders"</A></li>
                <li><A href="/stripe">"Stripe"</A></li>
                <li><A href="/billing">"Plan"</A></li>
                {me.operator.then(|| view! { <li><A href="/operator">"Usage"</A></li> })}
                <li>
                    <A href="/account" attr:class="nav-user">
                        <span class="visually-hidden">"Account: "</span>
                        {me.name}
                    </A>
                </li>
            }
            .into_any(),
            _ => view! {
                <li><a href="/#how-it-works">"How it works"</a></li>
                <li><A href="/pricing">"Pricing"</A></li>
                <li><A href="/privacy">"Privacy"</A></li>
                <li><A href="/terms">"Terms"</A></li>
                <li>
                    <A href="/sign-in" attr:class="nav-cta">"Sign in"</A>
                </li>
            }
            .into_any(),
        })
    };
    // A failed renewal of Pro: said on every page until the card is fixed, with the way
    // straight to Stripe's portal (and the billing page if the portal cannot open).
    let portal = Action::new(|_: &()| crate::api::billing::open_billing_portal());
    Effect::new(move || {
        if let Some(Ok(url)) = portal.value().get() {
            crate::ui::browser::go_to(&url);
        }
    });
    let portal_failed = move || portal.value().get().is_some_and(|r| r.is_err());
    let payment_failed = move || {
        session.0.get().map(|user| match user {
            Ok(Some(me)) if me.payment_failed => view! {
                <p class="banner banner-warning" role="alert">
                    "Your last PayTrack payment failed, and Stripe will try again. "
                    <button type="button" class="link-button" disabled=move || portal.pending().get()
                        on:click=move |_| { portal.dispatch(()); }>"Update your card"</button>
                    " to keep Pro."
                    <Show when=portal_failed>
                        " Stripe's page could not be opened: try again from "<A href="/billing">"your plan"</A>"."
                    </Show>
                </p>
            }
            .into_any(),
            _ => ().into_any(),
        })
    };
    view! {
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"€$"</span>
                    <span>"PayTrack"</span>
                </A>
                <ul class="nav-links">
                    <Transition fallback=|| ()>{links}</Transition>
                </ul>
            </nav>
            <Transition fallback=|| ()>{payment_failed}</Transition>
        </header>
    }
}

/// The support chat's button, for signed-in users when Crisp is configured. Crisp loads only
/// when it is pressed (the privacy policy says so).
#[component]
fn SupportChat(me: Option<crate::api::auth::Me>) -> impl IntoView {
    me.and_then(|me| {
        let website = me.support_chat.clone()?;
        let open = move |_| crate::ui::browser::open_support_chat(&website, &me.email, &me.name);
        Some(view! {
            <p class="support-chat">
                "Stuck, or found something wrong? "
                <button type="button" class="link-button" on:click=open>"Chat with support"</button>
            </p>
        })
    })
}

#[component]
pub fn Footer() -> impl IntoView {
    let session = use_session();
    view! {
        <footer class="site-footer">
            <Transition fallback=|| ()>
                {move || session.0.get().map(|user| view! { <SupportChat me=user.ok().flatten() /> })}
            </Transition>
            <p>"PayTrack — get paid on time, without the awkward emails."</p>
            <ul class="footer-links">
                <li><A href="/pricing">"Pricing"</A></li>
                <li><A href="/privacy">"Privacy policy"</A></li>
                <li><A href="/terms">"Terms of service"</A></li>
            </ul>
        </footer>
    }
}
