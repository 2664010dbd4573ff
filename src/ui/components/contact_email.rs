//! The installation's contact address, as a mail link. It comes from the server's
//! configuration, so it is fetched once and streamed with the page.

use leptos::prelude::*;

use crate::api::site::get_site_info;

#[component]
pub fn ContactEmail() -> impl IntoView {
    let info = OnceResource::new_serde_wb(get_site_info());
    view! {
        <Suspense fallback=|| view! { <span class="muted">"loading…"</span> }>
            {move || Suspend::new(async move {
                info.await
                    .map(|info| {
                        let href = format!("mailto:{}", info.contact_email);
                        view! { <a href=href>{info.contact_email}</a> }
                    })
            })}
        </Suspense>
    }
}
