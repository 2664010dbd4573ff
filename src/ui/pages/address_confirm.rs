use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::auth::address_change_status;

/// Where the link confirming a new sign-in address lands. One click uses it (mail scanners
/// that open links cannot), and the page says what went wrong when it cannot be used.
#[component]
pub fn AddressConfirm() -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let problem = move || query.read().get("problem");
    let status = Resource::new_serde_wb(token, address_change_status);

    view! {
        <Title text="Confirm your new address" />
        <section class="page auth-card">
            {move || match problem().as_deref() {
                Some("taken") => view! {
                    <h1>"That address is taken"</h1>
                    <p>"Another PayTrack account signs in with that address, so nothing was changed."</p>
                    <p><A href="/account" attr:class="button">"Back to your account"</A></p>
                }.into_any(),
                Some("unavailable") => view! {
                    <h1>"Nothing was changed"</h1>
                    <p>"PayTrack couldn't reach its database. Ask for a new link from your account page in a moment."</p>
                    <p><A href="/account" attr:class="button">"Back to your account"</A></p>
                }.into_any(),
                Some(_) => view! {
                    <h1>"This link no longer works"</h1>
                    <p>"It has expired or was already used: each link works once, for an hour."</p>
                    <p><A href="/account" attr:class="button">"Back to your account"</A></p>
                }.into_any(),
                None => view! {
                    <Suspense fallback=|| view! { <p class="muted">"Checking your link…"</p> }>
                        {move || Suspend::new(async move {
                            status.await.map(|address| match address {
                                Some(address) => view! {
                                    <h1>"Confirm your new sign-in address"</h1>
                                    <p>"From now on you will sign in to PayTrack as " <strong>{address}</strong> "."</p>
                                    <form method="post" action="/account/address" class="form">
                                        <input type="hidden" name="token" value=token />
                                        <button type="submit" class="button">"Use this address"</button>
                                    </form>
                                }.into_any(),
                                None => view! {
                                    <h1>"This link no longer works"</h1>
                                    <p>"It has expired or was already used: each link works once, for an hour."</p>
                                    <p><A href="/account" attr:class="button">"Back to your account"</A></p>
                                }.into_any(),
                            })
                        })}
                    </Suspense>
                }.into_any(),
            }}
        </section>
    }
}
