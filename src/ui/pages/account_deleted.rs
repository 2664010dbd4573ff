use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Where a deleted account lands: what happened, and that a receipt is on its way.
#[component]
pub fn AccountDeleted() -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    view! {
        <Title text="Account deleted" />
        <section class="page auth-card" role="status">
            <h1>"Your account has been deleted"</h1>
            <p>"Your profile and everything stored under your account are gone, and every session has ended. We emailed you a receipt."</p>
            <p class="muted">"Backups roll over within 30 days. You're welcome back any time."</p>
            <p><A href="/" attr:class="button">"Back to the home page"</A></p>
        </section>
    }
}
