//! `/pricing`: what Free includes and what Pro adds, for visitors and users alike. The Free
//! limits come from this installation's configuration; prices are shown by Stripe Checkout.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::site::get_site_info;
use crate::ui::components::plans::Plans;
use crate::ui::components::way_in::WayIn;

#[component]
pub fn Pricing() -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    let site = OnceResource::new_serde_wb(get_site_info());
    view! {
        <Title text="Pricing" />
        <section class="page pricing">
            <h1>"Pricing"</h1>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    site.await.map(|site| match site.free_limits {
                        Some(limits) => view! { <Plans limits prices=site.pro_prices /> }.into_any(),
                        None => view! {
                            <p class="lede">"This PayTrack has no plans: everything is included."</p>
                            <WayIn label="Sign in" signed_in=("/dashboard", "Open your dashboard") class="button primary" />
                        }.into_any(),
                    })
                })}
            </Transition>
        </section>
    }
}
