//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::ui::components::error_view::ErrorList;
use crate::ui::components::layout::{Footer, Header};
use crate::ui::pages::{
    account::Account, account_deleted::AccountDeleted, address_confirm::AddressConfirm,
    billing::Billing, business::Business, client_detail::ClientDetail, clients::Clients,
    dashboard::Dashboard, dev_outbox::DevOutbox, invoice_editor::EditInvoice,
    invoice_editor::NewInvoice, invoice_view::InvoiceView, invoices::Invoices, landing::Landing,
    login_link::LoginLink, not_found::NotFound, operator::Operator, pricing::Pricing,
    privacy::Privacy, public_invoice::PublicInvoice, reminder_settings::ReminderSettings,
    sign_in::SignIn, stripe_settings::StripeSettings, terms::Terms,
};
use crate::ui::session::provide_session;

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

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "PayTrack".to_string() } else { format!("{page} · PayTrack") }
        } />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header />
            <main id="main" tabindex="-1">
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    <Routes fallback=NotFound>
                        // The busiest pages are sent whole, in reading order, once their
                        // reads of our own database (milliseconds) are done: streaming them
                        // cost each request fallbacks and the scripts that move streamed parts
                        // into place. Gzipped, a signed-in `/` came out 8% smaller and served
                        // 11% more requests a second; `/dashboard` 19% more, `/invoices` 1–12%.
                        // The other pages still stream: none has been measured either way.
                        <Route path=path!("/") view=Landing ssr=SsrMode::Async />
                        <Route path=path!("/privacy") view=Privacy ssr=SsrMode::Async />
                        <Route path=path!("/terms") view=Terms ssr=SsrMode::Async />
                        <Route path=path!("/pricing") view=Pricing ssr=SsrMode::Async />
                        <Route path=path!("/sign-in") view=SignIn />
                        <Route path=path!("/auth/link") view=LoginLink />
                        <Route path=path!("/account") view=Account />
                        <Route path=path!("/account/deleted") view=AccountDeleted />
                        <Route path=path!("/account/address") view=AddressConfirm />
                        <Route path=path!("/account/business") view=Business />
                        <Route path=path!("/dev/outbox") view=DevOutbox />
                        <Route path=path!("/dashboard") view=Dashboard ssr=SsrMode::Async />
                        <Route path=path!("/invoices") view=Invoices ssr=SsrMode::Async />
                        <Route path=path!("/invoices/new") view=NewInvoice />
                        <Route path=path!("/invoices/:id") view=InvoiceView />
                        <Route path=path!("/invoices/:id/edit") view=EditInvoice />
                        <Route path=path!("/clients") view=Clients />
                        <Route path=path!("/clients/:id") view=ClientDetail />
                        <Route path=path!("/reminders") view=ReminderSettings />
                        <Route path=path!("/stripe") view=StripeSettings />
                        <Route path=path!("/billing") view=Billing />
                        <Route path=path!("/operator") view=Operator />
                        // Rendered whole before sending, so an unknown link can answer 404.
                        <Route path=path!("/i/:token") view=PublicInvoice ssr=SsrMode::Async />
                    </Routes>
                </ErrorBoundary>
            </main>
            <Footer />
        </Router>
    }
}
