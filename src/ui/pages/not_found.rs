use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Shown for any address that matches no page; the server answers it with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }

    view! {
        <Title text="Page not found" />
        <section class="page not-found">
            <p class="eyebrow">"404"</p>
            <h1>"We couldn't find that page"</h1>
            <p>"The link may be old or mistyped. Nothing has been lost: your invoices are where you left them."</p>
            <p>
                <A href="/" attr:class="button">"Go to the home page"</A>
            </p>
        </section>
    }
}
