//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::ui::components::error_view::ErrorList;
use crate::ui::components::layout::{Footer, Header};
use crate::ui::pages::later::{
    AccountPage, AddressConfirmPage, BillingPage, BusinessPage, ClientPage, ClientsPage,
    DevOutboxPage, EditInvoicePage, InvoicePage, LoginLinkPage, NewInvoicePage, OperatorPage,
    PricingPage, PrivacyPage, PublicInvoicePage, RemindersPage, SignInPage, StripePage, TermsPage,
};
use crate::ui::pages::{
    account_deleted::AccountDeleted, dashboard::Dashboard, invoices::Invoices, landing::Landing,
    not_found::NotFound,
};
use crate::ui::session::provide_session;

/// The group of the requested page: nothing without the `split` feature (one bundle).
#[cfg(not(all(feature = "ssr", feature = "split")))]
fn preload_links() {}
#[cfg(all(feature = "ssr", feature = "split"))]
use crate::ui::pages::later::preload_links;

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::http::csp::set_for_page();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta
                    name="description"
                    content="PayTrack sends your invoices with a Stripe payment link and chases late payers by email until they pay."
                />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                {preload_links()}
                <HashedStylesheet options id="paytrack-css" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();

    // True while the router waits for the next page, e.g. for its group of pages to arrive
    // (ui/pages/later.rs): a bar shows it, and the page says it is busy.
    let (routing, set_routing) = signal(false);
    Effect::new(|_| crate::ui::pages::later::fetch_on_intent());
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "PayTrack".to_string() } else { format!("{page} · PayTrack") }
        } />
        <Router set_is_routing=set_routing>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <div class="route-progress" class:active=routing aria-hidden="true"></div>
            <Header />
            <main id="main" tabindex="-1" aria-busy=move || routing.get().then_some("true")>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    <Routes fallback=NotFound>
                        // The busiest pages are sent whole, in reading order, once their
                        // reads of our own database (milliseconds) are done: streaming them
                        // cost each request fallbacks and the scripts that move streamed parts
                        // into place. Gzipped, a signed-in `/` came out 8% smaller and served
                        // 11% more requests a second; `/dashboard` 19% more, `/invoices` 1–12%.
                        // Every signed-in page that loads its data through `or_sign_in` is
                        // sent whole too, so a failed load answers with its status: 404 for a
                        // missing invoice or client, 503 while the database is away. The
                        // sign-in and message pages still stream.
                        // A page of a group (ui/pages/later.rs) takes its path from its own
                        // type, which also tells the browser which group to load first.
                        <Route path=path!("/") view=Landing ssr=SsrMode::Async />
                        <Route path=PrivacyPage::path() view={Lazy::<PrivacyPage>::new()} ssr=SsrMode::Async />
                        <Route path=TermsPage::path() view={Lazy::<TermsPage>::new()} ssr=SsrMode::Async />
                        <Route path=PricingPage::path() view={Lazy::<PricingPage>::new()} ssr=SsrMode::Async />
                        <Route path=SignInPage::path() view={Lazy::<SignInPage>::new()} />
                        <Route path=LoginLinkPage::path() view={Lazy::<LoginLinkPage>::new()} />
                        <Route path=AccountPage::path() view={Lazy::<AccountPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/account/deleted") view=AccountDeleted />
                        <Route path=AddressConfirmPage::path() view={Lazy::<AddressConfirmPage>::new()} />
                        <Route path=BusinessPage::path() view={Lazy::<BusinessPage>::new()} ssr=SsrMode::Async />
                        <Route path=DevOutboxPage::path() view={Lazy::<DevOutboxPage>::new()} />
                        <Route path=path!("/dashboard") view=Dashboard ssr=SsrMode::Async />
                        <Route path=path!("/invoices") view=Invoices ssr=SsrMode::Async />
                        <Route path=NewInvoicePage::path() view={Lazy::<NewInvoicePage>::new()} ssr=SsrMode::Async />
                        <Route path=InvoicePage::path() view={Lazy::<InvoicePage>::new()} ssr=SsrMode::Async />
                        <Route path=EditInvoicePage::path() view={Lazy::<EditInvoicePage>::new()} ssr=SsrMode::Async />
                        <Route path=ClientsPage::path() view={Lazy::<ClientsPage>::new()} ssr=SsrMode::Async />
                        <Route path=ClientPage::path() view={Lazy::<ClientPage>::new()} ssr=SsrMode::Async />
                        <Route path=RemindersPage::path() view={Lazy::<RemindersPage>::new()} ssr=SsrMode::Async />
                        <Route path=StripePage::path() view={Lazy::<StripePage>::new()} ssr=SsrMode::Async />
                        <Route path=BillingPage::path() view={Lazy::<BillingPage>::new()} ssr=SsrMode::Async />
                        <Route path=OperatorPage::path() view={Lazy::<OperatorPage>::new()} ssr=SsrMode::Async />
                        // Rendered whole before sending, so an unknown link can answer 404.
                        <Route path=PublicInvoicePage::path() view={Lazy::<PublicInvoicePage>::new()} ssr=SsrMode::Async />
                    </Routes>
                </ErrorBoundary>
            </main>
            <Footer />
        </Router>
    }
}
