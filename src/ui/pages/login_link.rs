use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::auth::login_link_email;

/// Where an emailed link lands. It asks for one click before using the link up, so mail
/// scanners that open links cannot burn it.
#[component]
pub fn LoginLink() -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let status = Resource::new_serde_wb(token, login_link_email);

    view! {
        <Title text="Sign in" />
        <section class="page auth-card">
            <Suspense fallback=|| view! { <p class="muted">"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    status.await.map(|email| match email {
                        Some(email) => view! {
                            <h1>"Sign in to PayTrack"</h1>
                            <p>"You're signing in as " <strong>{email}</strong> "."</p>
                            <form method="post" action="/auth/link" class="form">
                                <input type="hidden" name="token" value=token />
                                <button type="submit" class="button">"Continue to PayTrack"</button>
                            </form>
                        }.into_any(),
                        None => view! {
                            <h1>"This sign-in link no longer works"</h1>
                            <p>"It has expired or was already used: each link works once, for 15 minutes."</p>
                            <p><A href="/sign-in" attr:class="button">"Get a new link"</A></p>
                        }.into_any(),
                    })
                })}
            </Suspense>
        </section>
    }
}
