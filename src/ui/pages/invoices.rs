use std::collections::BTreeSet;
use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::clients::list_clients;
use crate::api::invoices::{BulkOutcome, InvoicePage, InvoiceRow, bulk_action, list_invoices};
use crate::domain::bulk::BulkAction;
use crate::domain::invoice_list::{ListParams, SortKey, StatusFilter};
use crate::error::AppError;
use crate::ui::browser;
use crate::ui::components::invoice_cells::InvoiceCells;
use crate::ui::components::signed_in::or_sign_in;
use crate::ui::debounce::debounced;
use crate::ui::url::query as query_string;

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
    format!(
        "/invoices{}",
        query_string(&[
            ("status", &params.status),
            ("client", &params.client),
            ("from", &params.from),
            ("to", &params.to),
            ("q", &params.q),
            ("sort", &params.sort),
            ("dir", &params.dir),
        ])
    )
}

#[component]
fn InvoiceList() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let params = Memo::new(move |_| params_from_url(&query.read()));
    let version = RwSignal::new(0_u32);
    let page = Resource::new(
        move || (params.get(), version.get()),
        |(params, _)| list_invoices(params),
    );
    let clients = Resource::new(|| (), |_| list_clients(String::new(), true));
    let bulk = Action::new(move |(ids, action): &(Vec<String>, BulkAction)| {
        bulk_action(ids.clone(), *action)
    });
    let bulk_message = move || {
        bulk.value().get().map(|outcome| match outcome {
            Ok(outcome) if outcome.skipped.is_empty() => {
                format!("Done: {} invoice(s).", outcome.done)
            }
            Ok(outcome) => format!(
                "Done: {} invoice(s). Skipped {}: {}",
                outcome.done,
                outcome.skipped.len(),
                outcome.skipped.join("; ")
            ),
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

    // Search as you type: the URL (and the query) follows 300 ms after the last keystroke.
    let search = RwSignal::new(params.get_untracked().q);
    let apply_search = debounced(Duration::from_millis(300), move |text: String| {
        set(&|p: &mut ListParams| p.q = text.clone())
    });
    let on_search = move |ev| {
        let text = event_target_value(&ev);
        search.set(text.clone());
        apply_search(text);
    };
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
        view! {
            <li>
                <A href=href attr:class="tab" attr:aria-current=move || current().then_some("page")>{label}</A>
            </li>
        }
    };

    view! {
        <section class="page invoices">
            <div class="page-head">
                <h1>"Invoices"</h1>
                <A href="/invoices/new" attr:class="button">"New invoice"</A>
            </div>

            <nav aria-label="Invoice status">
                <ul class="tabs">
                    {status_tab(None)}
                    {StatusFilter::ALL.into_iter().map(|f| status_tab(Some(f))).collect_view()}
                </ul>
            </nav>

            <div class="filters" role="search">
                <div class="filter">
                    <label for="invoice-search">"Search"</label>
                    <input id="invoice-search" type="search" placeholder="Number or client  ( / )" autocomplete="off"
                        prop:value=move || search.get() on:input=on_search aria-describedby="search-help" />
                    <span id="search-help" class="visually-hidden">"Results update as you type."</span>
                </div>
                <div class="filter">
                    <label for="invoice-client">"Client"</label>
                    <select id="invoice-client" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        set(&|p: &mut ListParams| p.client = value.clone());
                    }>
                        <option value="" selected=move || params.get().client.is_empty()>"All clients"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                clients.await.ok().map(|clients| clients.into_iter().map(|c| {
                                    let id = c.id.clone();
                                    view! { <option value=c.id.clone() selected=move || params.get().client == id>{c.name.clone()}</option> }
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

#[component]
fn InvoiceTable(
    first: InvoicePage,
    params: ListParams,
    bulk: Action<(Vec<String>, BulkAction), Result<BulkOutcome, AppError>>,
    sort_by: Callback<SortKey>,
) -> impl IntoView {
    let navigate = use_navigate();
    let first_rows = StoredValue::new(first.rows);
    let extra = RwSignal::new(Vec::<InvoiceRow>::new());
    let next = RwSignal::new(first.next);
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let rows = move || {
        first_rows.with_value(|rows| rows.iter().cloned().chain(extra.get()).collect::<Vec<_>>())
    };
    let filtered = params != ListParams::default();
    let query = params.parse().ok();
    let (sort, descending) = query
        .as_ref()
        .map(|q| (q.sort, q.descending))
        .unwrap_or((SortKey::Number, true));

    let more = Action::new(move |after: &String| {
        let mut params = params.clone();
        params.after = after.clone();
        list_invoices(params)
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = more.value().get() {
            extra.update(|rows| rows.extend(page.rows));
            next.set(page.next);
        }
    });

    let run_bulk = move |action: BulkAction| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        if action == BulkAction::Void
            && !browser::confirm(&format!(
                "Void {} invoice(s)? Voided invoices can't be reopened.",
                ids.len()
            ))
        {
            return;
        }
        bulk.dispatch((ids, action));
    };
    let header = move |key: SortKey, label: &'static str, numeric: bool| {
        let active = key == sort;
        let aria = if !active {
            "none"
        } else if descending {
            "descending"
        } else {
            "ascending"
        };
        let arrow = if !active {
            ""
        } else if descending {
            " ↓"
        } else {
            " ↑"
        };
        view! {
            <th scope="col" aria-sort=aria class:num=numeric>
                <button type="button" class="sort" on:click=move |_| sort_by.run(key)>{label}{arrow}</button>
            </th>
        }
    };

    let on_row_key = move |ev: leptos::ev::KeyboardEvent, index: usize, id: String| {
        if ev.target() != ev.current_target() {
            return;
        }
        match ev.key().as_str() {
            "ArrowDown" | "j" => {
                ev.prevent_default();
                browser::focus(&format!("invoice-row-{}", index + 1));
            }
            "ArrowUp" | "k" => {
                ev.prevent_default();
                if index > 0 {
                    browser::focus(&format!("invoice-row-{}", index - 1));
                } else {
                    browser::focus("invoice-search");
                }
            }
            "Enter" => navigate(&format!("/invoices/{id}"), Default::default()),
            " " | "x" => {
                ev.prevent_default();
                selected.update(|s| {
                    if !s.remove(&id) {
                        s.insert(id);
                    }
                });
            }
            _ => {}
        }
    };

    if first_rows.with_value(Vec::is_empty) {
        return view! {
            <div class="empty card">
                {if filtered {
                    view! {
                        <h2>"No invoices match"</h2>
                        <p>"Nothing fits these filters. Try another status or search, or clear them."</p>
                        <A href="/invoices" attr:class="button button-secondary">"Clear filters"</A>
                    }.into_any()
                } else {
                    view! {
                        <h2>"No invoices yet"</h2>
                        <p>"Write your first invoice: pick a client, add what you did, and PayTrack adds it up. Send it when it looks right — you can record payments as they arrive."</p>
                        <A href="/invoices/new" attr:class="button">"Write an invoice"</A>
                    }.into_any()
                }}
            </div>
        }
        .into_any();
    }

    view! {
        <div class="bulk-bar" role="region" aria-label="Selected invoices" class:active=move || !selected.get().is_empty()>
            <span>{move || format!("{} selected", selected.get().len())}</span>
            <button type="button" class="button" disabled=move || selected.get().is_empty() || bulk.pending().get()
                on:click=move |_| run_bulk(BulkAction::Send)>"Send selected"</button>
            <button type="button" class="button button-secondary" disabled=move || selected.get().is_empty() || bulk.pending().get()
                on:click=move |_| run_bulk(BulkAction::Void)>"Void selected"</button>
        </div>
        <p class="muted small keyboard-help">"Keyboard: ↑ ↓ move between invoices, Enter opens, Space selects, / searches."</p>
        <div class="table-wrap">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col" class="select">
                            <input type="checkbox" aria-label="Select all shown invoices"
                                prop:checked=move || { let all = rows(); !all.is_empty() && all.iter().all(|r| selected.get().contains(&r.id)) }
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected.set(if on { rows().into_iter().map(|r| r.id).collect() } else { BTreeSet::new() });
                                } />
                        </th>
                        {header(SortKey::Number, "Number", false)}
                        {header(SortKey::Client, "Client", false)}
                        {header(SortKey::IssueDate, "Issued", false)}
                        {header(SortKey::DueDate, "Due", false)}
                        {header(SortKey::Total, "Total", true)}
                        <th scope="col" class="num">"Amount due"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows().into_iter().enumerate().map(|(index, row)| {
                        let overdue = row.overdue;
                        let number = row.number.clone();
                        let toggle_id = row.id.clone();
                        let checked_id = row.id.clone();
                        let key_id = row.id.clone();
                        let on_row_key = on_row_key.clone();
                        view! {
                            <tr id=format!("invoice-row-{index}") tabindex="0" class:overdue=overdue
                                on:keydown=move |ev| on_row_key(ev, index, key_id.clone())>
                                <td class="select">
                                    <input type="checkbox" aria-label=format!("Select {number}")
                                        prop:checked=move || selected.get().contains(&checked_id)
                                        on:change=move |_| selected.update(|s| { if !s.remove(&toggle_id) { s.insert(toggle_id.clone()); } }) />
                                </td>
                                <InvoiceCells row with_client=true in_focusable_row=true />
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Show when=move || next.get().is_some()>
            <button type="button" class="button button-secondary load-more" disabled=move || more.pending().get()
                on:click=move |_| { if let Some(after) = next.get_untracked() { more.dispatch(after); } }>
                {move || if more.pending().get() { "Loading…" } else { "Show more" }}
            </button>
        </Show>
    }
    .into_any()
}
