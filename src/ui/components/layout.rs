//! The frame around every page: site header with navigation, and footer.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"€$"</span>
                    <span>"PayTrack"</span>
                </A>
                <ul class="nav-links">
                    <li><a href="/#how-it-works">"How it works"</a></li>
                    <li><A href="/privacy">"Privacy"</A></li>
                    <li><A href="/terms">"Terms"</A></li>
                </ul>
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"PayTrack — get paid on time, without the awkward emails."</p>
            <ul class="footer-links">
                <li><A href="/privacy">"Privacy policy"</A></li>
                <li><A href="/terms">"Terms of service"</A></li>
            </ul>
        </footer>
    }
}
