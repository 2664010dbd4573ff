//! The pages a first visit does not need, in five groups that the browser fetches the first
//! time one of their pages opens: an invoice (its page and the editor), settings, clients,
//! welcome (sign-in, login link, pricing), and the pages read rarely (a client's invoice link,
//! the legal texts, the operator's and developer's pages).
//!
//! With the `split` feature (`cargo leptos build --split --features split`, as `scripts/run`,
//! `scripts/test` and the release build do) each group is its own WebAssembly file, so the
//! bundle every first visit loads holds the shell, the landing page, the dashboard and the
//! invoice list. Without it the groups are ordinary functions in one bundle. One split point
//! per group rather than per page: wasm-split makes a shared file for each set of split points
//! that share code, and per page that came to hundreds of files.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::{
    account::Account, address_confirm::AddressConfirm, billing::Billing, business::Business,
    client_detail::ClientDetail, clients::Clients, dev_outbox::DevOutbox,
    invoice_editor::EditInvoice, invoice_editor::NewInvoice, invoice_view::InvoiceView,
    login_link::LoginLink, operator::Operator, pricing::Pricing, privacy::Privacy,
    public_invoice::PublicInvoice, reminder_settings::ReminderSettings, sign_in::SignIn,
    stripe_settings::StripeSettings, terms::Terms,
};

#[derive(Clone, Copy)]
enum Invoice {
    View,
    New,
    Edit,
}

#[derive(Clone, Copy)]
enum Welcome {
    SignIn,
    LoginLink,
    Pricing,
}

#[derive(Clone, Copy)]
enum Settings {
    Account,
    Address,
    Business,
    Reminders,
    Stripe,
    Billing,
}

#[derive(Clone, Copy)]
enum People {
    Clients,
    Client,
}

#[derive(Clone, Copy)]
enum Rare {
    PublicInvoice,
    Privacy,
    Terms,
    Operator,
    DevOutbox,
}

#[cfg_attr(all(feature = "split", feature = "hydrate"), leptos::lazy)]
async fn invoice(page: Invoice) -> AnyView {
    match page {
        Invoice::View => view! { <InvoiceView /> }.into_any(),
        Invoice::New => view! { <NewInvoice /> }.into_any(),
        Invoice::Edit => view! { <EditInvoice /> }.into_any(),
    }
}

#[cfg_attr(all(feature = "split", feature = "hydrate"), leptos::lazy)]
async fn welcome(page: Welcome) -> AnyView {
    match page {
        Welcome::SignIn => view! { <SignIn /> }.into_any(),
        Welcome::LoginLink => view! { <LoginLink /> }.into_any(),
        Welcome::Pricing => view! { <Pricing /> }.into_any(),
    }
}

#[cfg_attr(all(feature = "split", feature = "hydrate"), leptos::lazy)]
async fn settings(page: Settings) -> AnyView {
    match page {
        Settings::Account => view! { <Account /> }.into_any(),
        Settings::Address => view! { <AddressConfirm /> }.into_any(),
        Settings::Business => view! { <Business /> }.into_any(),
        Settings::Reminders => view! { <ReminderSettings /> }.into_any(),
        Settings::Stripe => view! { <StripeSettings /> }.into_any(),
        Settings::Billing => view! { <Billing /> }.into_any(),
    }
}

#[cfg_attr(all(feature = "split", feature = "hydrate"), leptos::lazy)]
async fn people(page: People) -> AnyView {
    match page {
        People::Clients => view! { <Clients /> }.into_any(),
        People::Client => view! { <ClientDetail /> }.into_any(),
    }
}

#[cfg_attr(all(feature = "split", feature = "hydrate"), leptos::lazy)]
async fn rare(page: Rare) -> AnyView {
    match page {
        Rare::PublicInvoice => view! { <PublicInvoice /> }.into_any(),
        Rare::Privacy => view! { <Privacy /> }.into_any(),
        Rare::Terms => view! { <Terms /> }.into_any(),
        Rare::Operator => view! { <Operator /> }.into_any(),
        Rare::DevOutbox => view! { <DevOutbox /> }.into_any(),
    }
}

/// One route type per page (the router asks each for itself by type), each opening its group
/// and holding its path, so the route table and the group a path opens cannot disagree: a
/// page hydrating before its group is loaded is a panic, not a slow start.
macro_rules! later {
    ($($route:ident at $path:tt => $group:ident($kind:ident::$page:ident);)*) => {
        $(
            pub struct $route;

            impl $route {
                /// The path the route table serves this page at.
                pub fn path() -> impl leptos_router::PossibleRouteMatch + Clone + Send + 'static {
                    leptos_router::path!($path)
                }
            }

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_: Self) -> AnyView {
                    $group($kind::$page).await
                }
            }
        )*

        /// Each grouped page's path, `:name` standing for any one segment, and its group.
        #[cfg(any(test, feature = "split"))]
        const GROUPED: &[(&str, Group)] = &[$(($path, Group::$kind)),*];
    };
}

later! {
    InvoicePage at "/invoices/:id" => invoice(Invoice::View);
    NewInvoicePage at "/invoices/new" => invoice(Invoice::New);
    EditInvoicePage at "/invoices/:id/edit" => invoice(Invoice::Edit);
    SignInPage at "/sign-in" => welcome(Welcome::SignIn);
    LoginLinkPage at "/auth/link" => welcome(Welcome::LoginLink);
    PricingPage at "/pricing" => welcome(Welcome::Pricing);
    AccountPage at "/account" => settings(Settings::Account);
    AddressConfirmPage at "/account/address" => settings(Settings::Address);
    BusinessPage at "/account/business" => settings(Settings::Business);
    RemindersPage at "/reminders" => settings(Settings::Reminders);
    StripePage at "/stripe" => settings(Settings::Stripe);
    BillingPage at "/billing" => settings(Settings::Billing);
    ClientsPage at "/clients" => people(People::Clients);
    ClientPage at "/clients/:id" => people(People::Client);
    PublicInvoicePage at "/i/:token" => rare(Rare::PublicInvoice);
    PrivacyPage at "/privacy" => rare(Rare::Privacy);
    TermsPage at "/terms" => rare(Rare::Terms);
    OperatorPage at "/operator" => rare(Rare::Operator);
    DevOutboxPage at "/dev/outbox" => rare(Rare::DevOutbox);
}

/// The groups, named as the page kinds they hold.
#[cfg(any(test, feature = "split"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    Invoice,
    Settings,
    People,
    Rare,
    Welcome,
}

/// The group a link's path opens: the group of the grouped page whose path it matches.
#[cfg(any(test, feature = "split"))]
fn group_of(href: &str) -> Option<Group> {
    let path = href.split(['?', '#']).next()?;
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    // Empty segments are skipped: loading a group a page turns out not to need costs a
    // fetch, while missing one the router's match needs stops hydration.
    let have: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    GROUPED.iter().find_map(|(pattern, group)| {
        let wanted: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        let matches = wanted.len() == have.len()
            && wanted
                .iter()
                .zip(&have)
                .all(|(want, have)| want == have || want.starts_with(':'));
        matches.then_some(*group)
    })
}

#[cfg(all(feature = "ssr", feature = "split"))]
impl Group {
    /// The name of the group's function above, which wasm-split's manifest keys begin with.
    fn function(self) -> &'static str {
        match self {
            Group::Invoice => "invoice",
            Group::Settings => "settings",
            Group::People => "people",
            Group::Rare => "rare",
            Group::Welcome => "welcome",
        }
    }
}

/// The `<link>`s that let the browser fetch the requested page's group beside the main file,
/// for the document's `<head>`. Written here rather than by Leptos: its integration
/// (leptos_integration_utils 0.8.9) looks the split manifest up through whichever reactive
/// owner is current after an await, and in about 3% of renders found none and wrote nothing,
/// leaving the group to be fetched only after the main file.
#[cfg(all(feature = "ssr", feature = "split"))]
pub fn preload_links() -> impl IntoView {
    group_files().map(|(files, loader)| {
        view! {
            {files
                .into_iter()
                .map(|href| {
                    view! {
                        <link rel="preload" href=href r#as="fetch" type="application/wasm" crossorigin="anonymous" />
                    }
                })
                .collect_view()}
            <link rel="modulepreload" href=loader crossorigin="anonymous" />
        }
    })
}

/// The addresses of the requested page's group's files and of wasm-split's loader; none for a
/// page outside the groups or a server without a split build.
#[cfg(all(feature = "ssr", feature = "split"))]
fn group_files() -> Option<(Vec<String>, String)> {
    let group =
        use_context::<axum::http::request::Parts>().and_then(|parts| group_of(parts.uri.path()))?;
    let manifest = use_context::<leptos::WasmSplitManifest>()?;
    let read = manifest.0.try_read_value()?;
    let (pkg, modules, loader) = &*read;
    let prefix = format!("{}_", group.function());
    let files = modules
        .iter()
        .filter(|(key, _)| key.starts_with(&prefix))
        .flat_map(|(_, files)| files.iter().map(|f| format!("{pkg}/{f}.wasm")))
        .collect();
    Some((files, format!("{pkg}/{loader}")))
}

/// Starts fetching a group's files as soon as a link to one of its pages is pointed at,
/// pressed or focused, so following the link seldom waits for them; each group once.
pub fn fetch_on_intent() {
    #[cfg(all(feature = "hydrate", feature = "split"))]
    {
        use std::cell::Cell;
        use web_sys::wasm_bindgen::JsCast;

        thread_local! {
            static STARTED: Cell<u8> = const { Cell::new(0) };
        }
        let on_intent = |ev: web_sys::Event| {
            let Some(group) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a[href]").ok().flatten())
                .and_then(|link| link.get_attribute("href"))
                .and_then(|href| group_of(&href))
            else {
                return;
            };
            let bit = 1u8 << (group as u8);
            if STARTED.with(|started| started.replace(started.get() | bit)) & bit != 0 {
                return;
            }
            wasm_bindgen_futures::spawn_local(load(group));
        };
        let _ = window_event_listener(leptos::ev::pointerover, move |ev| on_intent(ev.into()));
        let _ = window_event_listener(leptos::ev::pointerdown, move |ev| on_intent(ev.into()));
        let _ = window_event_listener(leptos::ev::focusin, move |ev| on_intent(ev.into()));
    }
}

/// Loads the group of the page the browser opened, if it is in one. Hydrating a page whose
/// group is not loaded yet needs Leptos' asynchronous hydration (`hydrate_lazy`), which does
/// not match our server-rendered pages; with the group loaded first, the ordinary one does.
#[cfg(all(feature = "hydrate", feature = "split"))]
pub async fn load_for_this_page() {
    let Some(path) = web_sys::window().and_then(|w| w.location().pathname().ok()) else {
        return;
    };
    if let Some(group) = group_of(&path) {
        load(group).await;
    }
}

/// Fetches and instantiates a group's files; at once if they are in already.
#[cfg(all(feature = "hydrate", feature = "split"))]
async fn load(group: Group) {
    // `#[lazy]` names each group's loader `__preload_<group>`.
    match group {
        Group::Invoice => __preload_invoice().await,
        Group::Settings => __preload_settings().await,
        Group::People => __preload_people().await,
        Group::Rare => __preload_rare().await,
        Group::Welcome => __preload_welcome().await,
    }
}

#[cfg(test)]
mod tests {
    use super::{Group, group_of};

    #[test]
    fn links_open_the_group_their_route_is_in() {
        assert_eq!(group_of("/invoices/new"), Some(Group::Invoice));
        assert_eq!(group_of("/invoices/65a1b2/edit"), Some(Group::Invoice));
        assert_eq!(
            group_of("/invoices/65a1b2?tab=reminders"),
            Some(Group::Invoice)
        );
        assert_eq!(group_of("/account/business"), Some(Group::Settings));
        assert_eq!(group_of("/stripe"), Some(Group::Settings));
        assert_eq!(group_of("/clients?new=1"), Some(Group::People));
        assert_eq!(group_of("/clients/65a1b2"), Some(Group::People));
        assert_eq!(group_of("/i/tok3n"), Some(Group::Rare));
        assert_eq!(group_of("/sign-in?next=/invoices"), Some(Group::Welcome));
        assert_eq!(group_of("/reminders/"), Some(Group::Settings));
        assert_eq!(group_of("/clients//"), Some(Group::People));
    }

    #[test]
    fn links_to_pages_in_the_main_file_or_elsewhere_open_none() {
        for href in [
            "/",
            "/dashboard",
            "/invoices",
            "/invoices?status=overdue",
            "/account/deleted",
            "/invoices/65a1b2/edit/more",
        ] {
            assert_eq!(group_of(href), None, "{href}");
        }
        for href in [
            "https://stripe.com/x",
            "#pricing",
            "//evil.example/i/x",
            "mailto:a@b.c",
        ] {
            assert_eq!(group_of(href), None, "{href}");
        }
    }
}
