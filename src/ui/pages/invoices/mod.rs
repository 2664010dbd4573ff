//! The invoice list page: filters, search and sort kept in the URL; the table is `table`.

mod table;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::clients::client_names;
use crate::api::invoices::{bulk_action, list_invoices};
use crate::domain::bulk::BulkAction;
use crate::domain::invoice_list::{ListParams, SortKey, StatusFilter};
use crate::ui::browser;
use crate::ui::components::search_box::SearchBox;
use crate::ui::components::signed_in::or_sign_in;
use crate::ui::url::query as query_string;
use table::InvoiceTable;

/// Every invoice, filtered, searched and sorted on the server. The filters live in the URL,
/// so a view can be bookmarked and the back button steps through them.
#[component]
pub fn Invoices() -> impl IntoView {
    view! {
        <Title text="Invoices" />
        <InvoiceList />
    }
}

fn params_from_url(q: &leptos_router::params::ParamsMap) -> ListParams {
    let get = |key: &str| q.get(key).unwrap_or_default();
    ListParams {
        status: get("status"),
        client: get("client"),
        from: get("from"),
        to: get("to"),
        q: get("q"),
        sort: get("sort"),
        dir: get("dir"),
        after: String::new(),
    }
}

fn url_for(params: &ListParams) -> String {
    format!("/invoices{}", list_query(params))
}

/// The list's filters and order as a query string ("" when there are none), for the page's
/// own address and for its CSV download.
fn list_query(params: &ListParams) -> String {
    query_string(&[
        ("status", &params.status),
        ("client", &params.client),
        ("from", &params.from),
        ("to", &params.to),
        ("q", &params.q),
        ("sort", &params.sort),
        ("dir", &params.dir),
    ])
}

#[component]
fn InvoiceList() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let params = Memo::new(move |_| params_from_url(&query.read()));
    let version = RwSignal::new(0_u32);
    let page = Resource::new_serde_wb(
        move || (params.get(), version.get()),
        |(params, _)| list_invoices(params),
    );
    // The client filter's names are a database read and, with a couple of hundred clients, a
    // good part of the page, while most visits never open the filter: they are read when a
    // pointer or the keyboard's focus first reaches the filter, or with the page when the view
    // is already one client's. A phone opens its picker with the options it has on the tap,
    // before a read the tap started could arrive, so a touch screen reads them once the page
    // is up.
    let names_wanted = RwSignal::new(!params.get_untracked().client.is_empty());
    let want_names = move || {
        if !names_wanted.get_untracked() {
            names_wanted.set(true);
        }
    };
    Effect::new(move || {
        if !params.read().client.is_empty() || browser::touch_first() {
            want_names();
        }
    });
    // The client the page opened filtered by is named even past the first thousand.
    let filtered_by = params.get_untracked().client;
    let clients = Resource::new_serde_wb(
        move || names_wanted.get(),
        move |wanted| {
            let filtered_by = filtered_by.clone();
            async move {
                if wanted {
                    client_names(filtered_by).await
                } else {
                    Ok(Vec::new())
                }
            }
        },
    );
    let bulk = Action::new(move |(ids, action): &(Vec<String>, BulkAction)| {
        let (ids, action) = (ids.clone(), *action);
        async move {
            bulk_action(ids, action)
                .await
                .map(|outcome| outcome.says(action))
        }
    });
    // Many invoices take a while (each one's Stripe link): say so meanwhile.
    let bulk_message = move || {
        if bulk.pending().get() {
            return bulk.input().with(|asked| {
                asked
                    .as_ref()
                    .map(|(ids, action)| action.working(ids.len()))
            });
        }
        bulk.value().get().map(|said| match said {
            Ok(said) => said,
            Err(err) => err.to_string(),
        })
    };
    // Reload the list once a bulk action finished; its outcome message stays above the list.
    Effect::new(move |previous: Option<bool>| {
        let pending = bulk.pending().get();
        if previous == Some(true) && !pending {
            version.update(|v| *v += 1);
        }
        pending
    });

    let go = {
        let navigate = navigate.clone();
        move |change: &dyn Fn(&mut ListParams)| {
            let mut next = params.get_untracked();
            change(&mut next);
            navigate(
                &url_for(&next),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    let go = StoredValue::new(go);
    let set = move |change: &dyn Fn(&mut ListParams)| go.with_value(|go| go(change));

    // Search as you type: the URL (and the query) follows once typing pauses.
    let search = RwSignal::new(params.get_untracked().q);
    // "/" jumps to the search box from anywhere on the page, as in most web apps.
    let shortcut = window_event_listener(leptos::ev::keydown, move |ev| {
        use web_sys::wasm_bindgen::JsCast;
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if ev.key() == "/" && !typing {
            ev.prevent_default();
            browser::focus("invoice-search");
        }
    });
    on_cleanup(move || shortcut.remove());

    let status_tab = move |filter: Option<StatusFilter>| {
        let key = filter.map(StatusFilter::key).unwrap_or("");
        let label = filter.map(StatusFilter::label).unwrap_or("All");
        let href = move || {
            let mut p = params.get();
            p.status = key.to_string();
            url_for(&p)
        };
        let current = move || params.get().status == key;
        // A plain link (the router still takes its clicks): `<A>` marks every link to this
        // path as the current page, whatever its query, so all six tabs read as current.
        view! {
            <li>
                <a href=href class="tab" aria-current=move || current().then_some("page")>{label}</a>
            </li>
        }
    };

    view! {
        <section class="page invoices">
            <div class="page-head">
                <h1>"Invoices"</h1>
                <div class="button-row">
                    // The invoices this view shows (every page of them), as a spreadsheet.
                    <a class="button button-secondary list-tool" rel="external" download
                        href=move || format!("/invoices/export.csv{}", list_query(&params.get()))>"Export CSV"</a>
                    // Every credit note issued, for the books and the tax return.
                    <a class="button button-secondary list-tool" rel="external" download href="/invoices/credit-notes.csv">"Credit notes CSV"</a>
                    <A href="/invoices/new" attr:class="button">"New invoice"</A>
                </div>
            </div>

            <nav class="list-tool" aria-label="Invoice status">
                <ul class="tabs">
                    {status_tab(None)}
                    {StatusFilter::ALL.into_iter().map(|f| status_tab(Some(f))).collect_view()}
                </ul>
            </nav>

            <div class="filters list-tool" role="search">
                <SearchBox id="invoice-search" placeholder="Number or client  ( / )" text=search
                    on_pause=move |typed: String| set(&|p: &mut ListParams| p.q = typed.clone()) />
                <div class="filter">
                    <label for="invoice-client">"Client"</label>
                    <select id="invoice-client" on:pointerenter=move |_| want_names() on:focus=move |_| want_names()
                        on:change=move |ev| {
                        let value = event_target_value(&ev);
                        set(&|p: &mut ListParams| p.client = value.clone());
                    }>
                        <option value="" selected=move || params.get().client.is_empty()>"All clients"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                clients.await.ok().map(|clients| clients.into_iter().map(|c| {
                                    let id = c.id.clone();
                                    view! { <option value=c.id selected=move || params.get().client == id>{c.name}</option> }
                                }).collect_view())
                            })}
                        </Suspense>
                    </select>
                </div>
                <div class="filter">
                    <label for="invoice-from">"Issued from"</label>
                    <input id="invoice-from" type="date" prop:value=move || params.get().from
                        on:change=move |ev| { let v = event_target_value(&ev); set(&|p: &mut ListParams| p.from = v.clone()); } />
                </div>
                <div class="filter">
                    <label for="invoice-to">"to"</label>
                    <input id="invoice-to" type="date" prop:value=move || params.get().to
                        on:change=move |ev| { let v = event_target_value(&ev); set(&|p: &mut ListParams| p.to = v.clone()); } />
                </div>
                <Show when=move || params.get() != ListParams::default()>
                    <A href="/invoices" attr:class="clear-filters" on:click=move |_| search.set(String::new())>"Clear filters"</A>
                </Show>
            </div>

            <p class="small bulk-outcome" role="status">{bulk_message}</p>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading invoices…"</p> }>
                {move || Suspend::new(async move {
                    let params = params.get();
                    or_sign_in(page.await.map(|first| view! {
                        <InvoiceTable first params bulk sort_by=Callback::new(move |key: SortKey| {
                            set(&|p: &mut ListParams| {
                                let current = p.parse().ok();
                                let descending = match current {
                                    Some(q) if q.sort == key => !q.descending,
                                    _ => key.default_descending(),
                                };
                                p.sort = key.key().to_string();
                                p.dir = if descending { "desc" } else { "asc" }.to_string();
                            })
                        }) />
                    }))
                })}
            </Transition>
        </section>
    }
}
